"""A self-contained HTML report: summary first, failures first, conversations readable (RTL for Hebrew)."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, StrictUndefined, select_autoescape

from evals.runner import RunResult

__all__ = ["write_html"]

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eval report: {{ summary.passed }}/{{ summary.cases - summary.skipped }} passed</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 24px}header h1{margin:0 0 6px;font-size:20px}
.kpis{display:flex;flex-wrap:wrap;gap:18px}.kpi b{font-size:20px;display:block}
main{padding:16px 24px;max-width:1100px}
.case{background:#fff;border-radius:10px;margin:12px 0;padding:12px 16px;box-shadow:0 1px 2px #0001;border-left:6px solid #2e9d5b}
.case.fail{border-left-color:#d64545}.case.skip{border-left-color:#d9a400}
.case h2{font-size:16px;margin:0 0 6px}.tags span{background:#eef0f4;border-radius:8px;padding:1px 7px;margin-right:4px;font-size:12px}
.turn{margin:8px 0;padding:8px;border-radius:8px;background:#fafbfc}
.msg{padding:6px 10px;border-radius:12px;margin:4px 0;max-width:85%;white-space:pre-wrap;unicode-bidi:plaintext}
.user{background:#dbeafe;margin-left:auto}.bot{background:#eef0f4}
.meta{font-size:12px;color:#5b6475}.failures{color:#b42318;font-size:13px;margin:4px 0}
details summary{cursor:pointer;font-size:12px;color:#3557c7}pre{font-size:12px;overflow:auto;background:#f1f3f6;padding:8px;border-radius:6px}
.after{font-size:13px}.after .bad{color:#b42318}.filter{margin:8px 0}
</style></head><body>
<header><h1>Eval report</h1><div class="kpis">
<div class="kpi"><b>{{ "%.1f"|format(summary.pass_rate * 100) }}%</b>pass rate</div>
<div class="kpi"><b>{{ summary.passed }}</b>passed</div><div class="kpi"><b>{{ summary.failed }}</b>failed</div>
<div class="kpi"><b>{{ summary.skipped }}</b>skipped</div><div class="kpi"><b>{{ summary.cases }}</b>cases</div>
<div class="kpi"><b>{{ summary.p50_ms }} ms</b>p50 turn</div><div class="kpi"><b>{{ summary.p95_ms }} ms</b>p95 turn</div>
<div class="kpi"><b>{{ summary.model }}</b>engine</div>
{% if summary.repeat is defined %}<div class="kpi"><b>{{ "%.1f"|format(summary.mean_pass_rate*100) }}%</b>mean of {{ summary.repeat }} runs</div>{% endif %}
</div></header><main>
<div class="filter"><label><input type="checkbox" id="onlyfail"> show failures only</label></div>
{% for item in cases %}{% set c = item.case %}
<section class="case {{ 'fail' if not c.passed else ('skip' if c.skipped else '') }}" data-passed="{{ 'yes' if c.passed else 'no' }}">
<h2>{{ '✗' if not c.passed else ('–' if c.skipped else '✓') }} {{ item.suite }} / {{ c.id }}</h2>
<div class="tags">{% for t in c.tags %}<span>{{ t }}</span>{% endfor %}</div>
{% for t in c.turns %}<div class="turn">
<div class="msg user" dir="auto">{{ t.user }}</div><div class="msg bot" dir="auto">{{ t.reply }}</div>
<div class="meta">intent <b>{{ t.intent }}</b> · action <b>{{ t.action }}</b> · tools {{ t.tools|join(', ') or 'none' }} · language {{ t.language }} · {{ t.ms }} ms</div>
{% if t.failures %}<div class="failures">{% for f in t.failures %}✗ {{ f }}<br>{% endfor %}</div>{% endif %}
{% if t.skipped %}<div class="meta">skipped: {{ t.skipped|join(', ') }} (no judge model configured)</div>{% endif %}
<details><summary>trace</summary><pre>{{ t.get('trace') | pretty }}</pre></details></div>{% endfor %}
{% if c.after %}<div class="after">{% for a in c.after %}<div class="{{ '' if a.passed else 'bad' }}">{{ '✓' if a.passed else '✗' }} {{ a.check }} (actual {{ a.actual }})</div>{% endfor %}</div>{% endif %}
</section>{% endfor %}
</main><script>
document.getElementById('onlyfail').addEventListener('change', e => {
  document.querySelectorAll('.case').forEach(s => { s.style.display = e.target.checked && s.dataset.passed === 'yes' ? 'none' : ''; });
});
</script></body></html>"""


def write_html(result: RunResult, path: str | Path) -> None:
    """Write the self-contained HTML report (failures first)."""
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
    env.filters["pretty"] = lambda v: json.dumps(v or {}, ensure_ascii=False, indent=2, default=str)
    items = []
    for suite in result.suites:
        for case in suite["cases"]:
            items.append({"suite": suite["name"], "case": case})
    items.sort(key=lambda i: (i["case"].passed, not i["case"].skipped))
    html = env.from_string(_TEMPLATE).render(summary=result.summary(), cases=items)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(html, encoding="utf-8")
