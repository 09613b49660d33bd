"""Text views for the CLI: a conversation's turn traces, the experiments report, variant parsing."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["render_traces", "render_report", "parse_variants"]

# JSONB does not keep key order: print the turn's timings in the order things happen.
_TIMING_ORDER = ("prepare", "context", "understanding", "policy", "decision", "experiment", "act", "respond",
                 "persist", "checkpoint", "commit")


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tool_line(tool: dict[str, Any]) -> str:
    status = "ok" if tool.get("ok") else f"error {(tool.get('error') or {}).get('code')}"
    result = tool.get("result")
    if isinstance(result, dict):
        keys = ", ".join(f"{k}={_short(v, 60)}" for k, v in list(result.items())[:4])
        result = "{" + keys + "}"
    return f"    - {tool.get('name')}({_short(tool.get('args') or {}, 120)}) -> {status} {_short(result or '', 200)}"


def render_traces(conversation: Any, rows: list[Any]) -> str:
    """A readable account of each turn: what was understood, allowed, decided, run and said, and the time."""
    lines = [f"conversation {conversation.id} · {conversation.channel} · {conversation.role}"
             f" · {'paused' if conversation.paused else conversation.status} · {len(rows)} turn(s)"]
    for row in rows:
        t = row.trace or {}
        lines.append("")
        lines.append(f"turn {t.get('turn', '?')} · {row.at:%Y-%m-%d %H:%M:%S} · {row.total_ms:.1f} ms"
                     f" · engine {t.get('engine')}")
        if t.get("error"):
            lines.append(f"  FAILED ({t['error']}): the message was stored with a graceful reply")
        lines.append(f"  user      : {t.get('text', '')}")
        if t.get("pii"):
            lines.append(f"  pii       : masked {', '.join(t['pii'])}")
        lines.append(f"  intent    : {t.get('intent')} ({t.get('confidence')}) · language {t.get('language')}"
                     f" · sentiment {t.get('sentiment')}{' · follow-up' if t.get('followup') else ''}")
        entities = {k: v for k, v in (t.get("entities") or {}).items() if v}
        if entities:
            lines.append(f"  entities  : {_short(entities, 200)}")
        if t.get("risks"):
            lines.append(f"  risks     : {', '.join(t['risks'])}")
        policy = t.get("policy") or {}
        reasons = f" — {'; '.join(policy['reasons'])}" if policy.get("reasons") else ""
        lines.append(f"  policy    : {policy.get('verdict')}{reasons}")
        decision = t.get("decision") or {}
        extra = f" · note {decision['note']}" if decision.get("note") else ""
        lines.append(f"  decision  : {decision.get('action')}{extra} — {decision.get('reason', '')}")
        for tool in t.get("tools") or []:
            lines.append(_tool_line(tool))
        if t.get("variants"):
            lines.append(f"  variants  : {', '.join(f'{k}={v}' for k, v in t['variants'].items())}")
        lines.append(f"  reply ({t.get('reply_language')}): {t.get('reply', '')}")
        timings = t.get("timings") or {}
        if timings:
            order = {name: i for i, name in enumerate(_TIMING_ORDER)}
            ordered = sorted(timings.items(), key=lambda kv: order.get(kv[0], len(order)))
            lines.append("  ms        : " + " · ".join(f"{k} {v:.1f}" for k, v in ordered))
        for event in t.get("events") or []:
            lines.append(f"  event     : {_short(event, 200)}")
    return "\n".join(lines)


def render_report(handle: str, reports: list[Any]) -> str:
    """The experiments report as a table per experiment."""
    if not reports:
        return f"{handle} has no experiments"
    lines: list[str] = []
    for rep in reports:
        targets = ", ".join(rep.target_intents) or "all intents"
        lines.append(f"{rep.key} ({'active' if rep.active else 'stopped'}; {targets})")
        lines.append(f"  {'variant':<16}{'exposures':>10}{'conversions':>13}{'rate':>9}")
        for v in rep.variants:
            lines.append(f"  {v.name:<16}{v.exposures:>10}{v.conversions:>13}{v.rate:>8.1%}")
        if rep.p_value is None:
            lines.append("  p-value: not enough data")
        else:
            verdict = "significant at 5%" if rep.p_value < 0.05 else "not significant"
            lines.append(f"  p-value (two-proportion z-test, {rep.variants[0].name} vs best other): "
                         f"{rep.p_value:.4f} — {verdict}")
        lines.append("")
    return "\n".join(lines).rstrip()


def parse_variants(spec: str, ctas: list[str] | None = None) -> list[dict[str, Any]]:
    """'short:50,detailed:50' (+ ['short=Grab it now']) -> [{name, weight, style}]."""
    variants: list[dict[str, Any]] = []
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        name, _, weight = part.partition(":")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            raise ValueError(f"--variants: {part!r} is not NAME:WEIGHT") from None
        variants.append({"name": name.strip(), "weight": value})
    by_name = {v["name"]: v for v in variants}
    for item in ctas or []:
        name, sep, text = item.partition("=")
        if not sep or name.strip() not in by_name:
            raise ValueError(f"--cta: {item!r} must be VARIANT=TEXT for one of {', '.join(by_name)}")
        variant = by_name[name.strip()]
        length = {"length": name.strip()} if name.strip() in ("short", "medium", "detailed") else {}
        style = variant.setdefault("style", length)
        style["cta"] = text.strip()
    return variants
