"""The persist node: the inbound message (masked, once), the reply, contact and conversation times,
and the turn's trace. Agent.handle commits the turn's session after the graph returns."""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context, turn_now
from agent.jsonable import jsonable, mask_if_needed
from agent.state import TurnState
from store import contacts as contact_store
from store import conversations as conversation_store
from store import events as event_store
from store import inbox as inbox_store
from store import messages as message_store
from store import model_usage
from store import traces as trace_store

__all__ = ["persist_node", "build_trace", "store_trace"]

log = logging.getLogger(__name__)

_MAX_TRACE_STRING = 400


def build_trace(state: TurnState, *, reply: str) -> dict[str, Any]:
    """The trace of one turn: what was understood, allowed, decided, run and said, with timings."""
    u = state.get("understanding") or {}
    decision = state.get("decision") or {}
    tools = [
        {"name": r["name"], "ok": r["ok"], "args": r.get("args"), "result": r.get("data"), "error": r.get("error")}
        for r in state.get("tool_results") or []
    ]
    trace = {
        "turn": state.get("turn"),
        "role": state.get("role"),
        "channel": state.get("channel"),
        "message_id": state.get("message_id"),
        "now": state.get("now"),
        "text": state.get("masked_text"),
        "pii": sorted({p["kind"] for p in state.get("pii") or []}),
        "intent": u.get("intent"),
        "confidence": u.get("confidence"),
        "language": u.get("language"),
        "sentiment": u.get("sentiment"),
        "entities": u.get("entities") or {},
        "followup": u.get("followup"),
        "ambiguous_brands": u.get("ambiguous_brands") or [],
        "risks": u.get("risks") or [],
        "policy": state.get("policy") or {},
        "decision": {k: decision.get(k) for k in ("action", "reason", "note", "question", "options") if decision.get(k)}
        | {"tool_calls": [{"name": c.get("name"), "args": c.get("args")} for c in decision.get("tool_calls") or []]},
        "tools": tools,
        "variants": state.get("variants") or {},
        "style": state.get("style") or {},
        "reply": reply,
        "reply_language": state.get("language"),
        "cards": [c.get("type") for c in state.get("cards") or []],
        "engine": state.get("engine"),
        "timings": dict(state.get("timings") or {}),
        "events": list(state.get("events") or []),
    }
    return jsonable(trace, mask=True, limit=_MAX_TRACE_STRING)


def _count_model_use(ctx: Context, state: TurnState, trace: dict[str, Any], tenant_id: int, now: Any) -> None:
    """This turn's model calls, tokens and stage times into the trace and the tenant's month."""
    take = getattr(ctx.engine, "take_usage", None)
    usage = take(state) if take is not None else None
    if not usage:
        return
    trace["model"] = jsonable(usage, mask=True, limit=_MAX_TRACE_STRING)
    try:
        model_usage.add(ctx.db.redis, tenant_id=tenant_id, at=now, usage=usage)
    except Exception:  # Redis down: the count is lost, the turn is not
        log.warning("model usage not counted (redis)")


def _relay_to_owner(ctx: Context, state: TurnState, tenant_id: int, now: Any) -> None:
    """A follower wrote while a human holds the conversation: the owner hears it, with its number."""
    conversation = ctx.turn.get("conversation")
    if conversation is None:
        return
    number = inbox_store.number_of(session=ctx.session, conversation=conversation)
    event_store.record(session=ctx.session, tenant_id=tenant_id, kind="held_message",
                       payload={"number": number, "channel": conversation.channel,
                                "text": (state.get("masked_text") or "")[:500]},
                       conversation_id=conversation.id, contact_id=state.get("contact_id"), at=now)


def store_trace(ctx: Context) -> None:
    """The turn's trace, with its final timings (agent._turn fills them in): called just before the commit."""
    row = ctx.turn.get("trace_row")
    if row is not None:
        trace_store.add(session=ctx.session, **row)


def persist_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Store the turn (inbound once, reply, times, trace) and carry what the next turn needs."""
    ctx = runtime.context
    session = ctx.session
    tenant_id = state["tenant"]["id"]
    conversation_id = state["conversation_id"]
    now = turn_now(state)
    u = state.get("understanding") or {}
    reply = state.get("reply") or ""
    masked_reply = mask_if_needed(reply)
    inbound = message_store.add_inbound(
        session=session,
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        channel=state.get("channel", "web"),
        channel_message_id=state.get("message_id"),
        content=state.get("masked_text") or "",
        language=u.get("language"),
        intent=u.get("intent"),
        media=jsonable(state.get("media") or []),
        at=now,
    )
    if inbound is None:  # the same channel message id raced in: the other turn owns it
        ctx.turn["duplicate"] = True
        return {}
    if masked_reply:
        decision = state.get("decision") or {}
        ctx.turn["reply_id"] = message_store.add_outbound(
            session=session,
            tenant_id=tenant_id,
            conversation_id=conversation_id,
            channel=state.get("channel", "web"),
            content=masked_reply,
            reply_to=inbound,
            language=state.get("language"),
            intent=u.get("intent"),
            meta={"action": decision.get("action"), "cards": jsonable(state.get("cards") or [])},
            at=now,
        )
    if state.get("paused") and state.get("role", "follower") != "owner":
        _relay_to_owner(ctx, state, tenant_id, now)
    contact_id = state.get("contact_id")
    if contact_id:
        contact_store.touch_inbound(session=session, tenant_id=tenant_id, contact_id=contact_id, at=now)
    conversation_store.touch(session=session, tenant_id=tenant_id, conversation_id=conversation_id, at=now)
    trace = build_trace(state, reply=masked_reply)
    _count_model_use(ctx, state, trace, tenant_id, now)
    # Stored by Agent.handle as the turn commits, once its timings are known (store_trace): one INSERT.
    ctx.turn["trace_row"] = {"tenant_id": tenant_id, "conversation_id": conversation_id, "message_id": inbound,
                             "trace": trace, "total_ms": 0.0, "at": now}
    ctx.turn.update(inbound_id=inbound, trace=trace)
    entry = {"intent": u.get("intent"), "entities": u.get("entities") or {}}
    history = [{"role": "user", "text": state.get("masked_text") or "", **entry}]
    if masked_reply:
        action = (state.get("decision") or {}).get("action")
        history.append({"role": "assistant", "text": masked_reply, "action": action})
    result: dict[str, Any] = {"history": history}
    # A refused or rate-limited turn says nothing about the topic: follow-ups keep the last real one.
    if u.get("intent") and (state.get("policy") or {}).get("verdict") not in ("refuse", "rate_limited"):
        result["last_understanding"] = {k: u.get(k) for k in ("intent", "language", "entities", "sentiment")}
    return result
