"""The understanding node: personal data masked, risks flagged, intent and entities from the engine."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent import guard
from agent.context import Context, engine_catalog
from agent.engines.base import call_with_fallback
from agent.engines.offline.facts import facts
from agent.engines.reconcile import reconcile
from agent.policy import rate_limit
from agent.state import TurnState, turn_now
from store import model_usage

__all__ = ["understanding_node", "mask_spans"]

_PLACEHOLDERS = {"IL_ID": "[ID]"}


def mask_spans(text: str, spans: list[Any]) -> str:
    """The text with each PII span replaced by its placeholder ("[PHONE]", "[EMAIL]", ...)."""
    parts: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < cursor:
            continue
        parts.append(text[cursor : span.start])
        parts.append(_PLACEHOLDERS.get(span.kind, f"[{span.kind}]"))
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def model_budget(state: TurnState, ctx: Context) -> str:
    """"ok", "soft" or "hard" for this tenant's model tokens this month (ok without a model or a budget)."""
    tenant = ctx.turn.get("tenant")
    if ctx.engine is ctx.fallback_engine or tenant is None:
        return "ok"
    budget = model_usage.budget_of(tenant.settings)
    if not budget["soft"] and not budget["hard"]:
        return "ok"
    try:
        used = model_usage.of(ctx.db.redis, tenant_id=tenant.id, month=model_usage.month_of(turn_now(state)))
    except Exception:  # Redis down: the budget fails open, like the rate limits
        return "ok"
    return model_usage.state_of(used, budget)


def understanding_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Find PII (only the masked text goes further), detect risks, and understand the message."""
    ctx = runtime.context
    text = ctx.turn.get("text", state.get("text") or "")  # the raw text never enters the checkpoint
    spans = guard.find_pii(text)
    masked = mask_spans(text, spans) if spans else text
    risks = guard.detect_risks(text)
    # Limits before cost: a sender over the limit is understood offline, never by the model.
    ctx.turn["limited"] = limited = rate_limit(state, ctx)
    events: list[dict[str, Any]] = []
    budget = model_budget(state, ctx)
    if budget != "ok":  # over the month's token budget: short (template) replies, or offline only
        events.append({"node": "understanding", "event": "model_budget", "state": budget})
        if budget == "hard":
            ctx.engine = ctx.fallback_engine  # this turn's context only
        ctx.turn["budget"] = budget
    seen = {**state, "masked_text": masked, "text": masked}
    catalog = engine_catalog(ctx, state)
    call = call_with_fallback(
        ctx.fallback_engine if limited else ctx.engine, ctx.fallback_engine, "understand", seen, catalog=catalog,
    )
    understanding = dict(call.value)
    if call.engine != ctx.fallback_engine.name:  # a model understood it: checked against the offline engine
        offline = dict(ctx.fallback_engine.understand(seen, catalog=catalog))
        checked = reconcile(understanding, offline, text=masked)
        understanding = checked.understanding
        if checked.adopted:  # kept for the respond node, should the model's reply then fail
            ctx.turn["offline_understanding"] = offline
        if checked.replaced or checked.adopted:
            events.append({"node": "understanding", "event": "model_checked", "replaced": checked.replaced,
                           "adopted": checked.adopted, "offline_intent": offline.get("intent")})
    understanding["risks"] = list(risks)
    # Facts the decision and the reply read (support kind, consent taken back, a closing "thanks"),
    # whichever engine understood the message.
    notes = str((state.get("persona") or {}).get("notes") or "")
    display_name = str((state.get("tenant") or {}).get("display_name") or "")
    understanding["entities"] = {**facts(masked, understanding.get("intent"), notes=notes, display_name=display_name),
                                 **(understanding.get("entities") or {})}
    out: dict[str, Any] = {
        "masked_text": masked,
        "text": masked,
        "pii": [{"kind": s.kind, "start": s.start, "end": s.end} for s in spans],
        "understanding": understanding,
        "engine": call.engine,
    }
    if call.error:
        events.append({"node": "understanding", "event": "engine_fallback", "error": call.error})
    if events:
        out["events"] = events
    return out
