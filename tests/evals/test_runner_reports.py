"""An eval run end to end: the real agent, the spec's JSON shape, the HTML report, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bundle-shira.json"

SUITE = f"""format: eval-suite/1
name: report-shape
bundle: {FIXTURE}
influencer: shira.kitchen
now: 2026-11-23T10:00:00+02:00
cases:
  - id: coupon-he
    tags: [coupon, he]
    turns:
      - user: "יש לך קוד הנחה לאוליביה?"
        expect: {{intent: coupon_request, tools: [find_coupons], contains: [SHIRA15], language: he}}
  - id: expired-never-offered
    tags: [coupon, en]
    turns:
      - user: "do you have a KitchenPro code?"
        expect: {{not_contains: [KPSHIRA]}}
  - id: deliberately-wrong
    tags: [meta]
    turns:
      - user: "hi"
        expect: {{intent: coupon_request}}
    after:
      - {{resource: tasks, where: {{title_contains: "GreenBox"}}, count: 1}}
"""


def _run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    cmd = [sys.executable, "-c", "from channels.cli import main; main()", "eval", "run", str(suite), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_eval_run_writes_the_spec_json_and_a_readable_html(database, tmp_path: Path) -> None:
    result = _run(
        tmp_path, "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"), "--min-pass-rate", "0.6"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    summary = report["summary"]
    assert {"cases", "passed", "failed", "skipped", "pass_rate", "p50_ms", "p95_ms", "model"} <= set(summary)
    assert (summary["cases"], summary["passed"], summary["failed"], summary["model"]) == (3, 2, 1, "offline")
    cases = {c["id"]: c for c in report["suites"][0]["cases"]}
    turn = cases["coupon-he"]["turns"][0]
    assert {"user", "reply", "intent", "tools", "action", "language", "ms", "failures"} <= set(turn)
    assert "SHIRA15" in turn["reply"] and turn["language"] == "he" and turn["failures"] == []
    wrong = cases["deliberately-wrong"]
    assert wrong["passed"] is False and wrong["turns"][0]["failures"][0].startswith("intent: expected coupon_request")
    assert wrong["after"] == [{"check": wrong["after"][0]["check"], "passed": True, "actual": 1}]

    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.index("deliberately-wrong") < html.index("coupon-he")  # failures first
    assert 'dir="auto"' in html and "SHIRA15" in html and "<script src" not in html


def test_min_pass_rate_and_tags_decide_the_exit_code(database, tmp_path: Path) -> None:
    assert _run(tmp_path).returncode == 1  # one of three fails, the default minimum is 1.0
    only_coupons = _run(tmp_path, "--tags", "coupon")
    assert only_coupons.returncode == 0, only_coupons.stdout + only_coupons.stderr
    assert "cases 2  passed 2" in only_coupons.stdout
