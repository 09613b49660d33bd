"""Building a TurnResult: from the graph's final state, from a stored duplicate, or after a failure."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

from agent.context import Context
from agent.jsonable import jsonable
from agent.types import InboundMessage, TurnResult
from knowledge.text import is_hebrew
from store import contacts as contact_store
from store import conversations as conversation_store
from store import messages as message_store
from store import traces as trace_store

__all__ = ["result_from_state", "duplicate_result", "failure_result", "GRACEFUL"]

GRACEFUL = {
    "he": "סליחה, משהו השתבש אצלי לרגע 🙏 ההודעה שלך נשמרה ונחזור אלייך בהקדם.",
    "en": "Sorry, something went wrong on my side 🙏 Your message is saved and we'll get back to you soon.",
}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def result_from_state(state: dict[str, Any], context: Context, started: float, *, prepare_ms: float = 0.0,
                      graph_ms: float = 0.0) -> TurnResult:
    """The TurnResult of a completed turn; completes the pending trace row with the final timings.

    Timings: one entry per node, plus `prepare` (tenant, locks, contact, conversation before the
    graph) and `checkpoint` (the graph's own time outside the nodes: loading and saving the
    checkpoint). Agent.handle adds `commit` to the returned copy.
    """

    ms = _ms(started)
    nodes = dict(state.get("timings") or {})
    timings = {"prepare": round(prepare_ms, 3), **nodes,
               "checkpoint": round(max(graph_ms - sum(nodes.values()), 0.0), 3)}
    trace = dict(context.turn.get("trace") or {})
    trace["timings"] = timings
    trace["total_ms"] = ms
    row = context.turn.get("trace_row")
    if row is not None:  # stored as the turn commits (agent.persist.store_trace)
        row["trace"] = dict(trace, timings=dict(timings))
        row["total_ms"] = ms
    decision = state.get("decision") or {}
    results = list(state.get("tool_results") or [])
    return TurnResult(
        conversation_id=state["conversation_id"],
        reply=state.get("reply") or "",
        language=state.get("language") or (state.get("understanding") or {}).get("language") or "",
        intent=(state.get("understanding") or {}).get("intent"),
        action=decision.get("action") or "respond",
        tools=[r["name"] for r in results],
        tool_results=jsonable(results),
        cards=jsonable(list(state.get("cards") or [])),
        trace=trace,
        ms=ms,
    )


def duplicate_result(
    session: Any, tenant_id: int, inbound: Any, started: float, on_event: Callable[[dict[str, Any]], None] | None
) -> TurnResult:
    """The stored answer to a message id seen before: the turn is not run again."""

    reply = message_store.reply_to(session=session, tenant_id=tenant_id, inbound=inbound)
    meta = dict(reply.meta or {}) if reply is not None else {}
    result = TurnResult(
        conversation_id=inbound.conversation_id,
        reply=reply.content if reply is not None else "",
        language=(reply.language if reply is not None else None) or inbound.language or "",
        intent=inbound.intent,
        action=meta.get("action") or "respond",
        cards=list(meta.get("cards") or []),
        trace={"duplicate": True, "message_id": inbound.channel_message_id},
        ms=_ms(started),
        duplicate=True,
        message_id=inbound.id,
        reply_id=reply.id if reply is not None else None,
    )
    if on_event is not None:
        if result.reply:
            on_event({"type": "token", "text": result.reply})
        on_event({"type": "done", "conversation_id": result.conversation_id, "reply": result.reply,
                  "language": result.language, "intent": result.intent, "action": result.action, "tools": [],
                  "ms": result.ms, "duplicate": True})
    return result


def _mask(text: str) -> str:
    try:
        from agent.guard import mask_pii

        return mask_pii(text)
    except Exception:  # the guard itself failed: keep no digit run that could be a phone or an ID
        return re.sub(r"\d[\d\s\-]{5,}\d", "[MASKED]", text)


def failure_result(
    db: Any, msg: InboundMessage, now: dt.datetime, tenant_id: int | None, conversation_id: str | None,
    error: Exception, started: float,
) -> TurnResult:
    """After a failed turn: store the inbound message (masked) and a graceful reply, in a fresh session."""

    language = "he" if is_hebrew(msg.text or "") else "en"
    reply = GRACEFUL[language]
    trace = {"error": type(error).__name__, "text": _mask(msg.text or ""), "reply": reply, "reply_language": language}
    if tenant_id is None:
        raise error
    with db.session(tenant_id=tenant_id) as session:
        if msg.message_id and message_store.inbound_id(
            session=session, tenant_id=tenant_id, channel=msg.channel, channel_message_id=msg.message_id
        ) is not None:
            conv = None  # stored by a turn that did finish: do not store it twice
        else:
            contact = contact_store.upsert(session=session, tenant_id=tenant_id, channel=msg.channel,
                                           external_id=msg.sender_id)
            conv = conversation_store.get(session=session, tenant_id=tenant_id, conversation_id=conversation_id or "")
            if conv is None:
                conv = conversation_store.create(session=session, tenant_id=tenant_id, contact_id=contact.id,
                                                 channel=msg.channel, role=msg.role, conversation_id=conversation_id,
                                                 at=now)
            conversation_id = conv.id
            inbound = message_store.add_inbound(session=session, tenant_id=tenant_id, conversation_id=conv.id,
                                                channel=msg.channel, channel_message_id=msg.message_id,
                                                content=_mask(msg.text or ""), at=now)
            if inbound is not None:
                message_store.add_outbound(session=session, tenant_id=tenant_id, conversation_id=conv.id,
                                           channel=msg.channel, content=reply, reply_to=inbound,
                                           language=language, meta={"action": "respond", "error": True}, at=now)
                trace_store.add(session=session, tenant_id=tenant_id, conversation_id=conv.id,
                                message_id=inbound, trace=trace, total_ms=_ms(started), at=now)
            contact_store.touch_inbound(session=session, tenant_id=tenant_id, contact_id=contact.id, at=now)
    return TurnResult(conversation_id=conversation_id or "", reply=reply, language=language, intent=None,
                      action="respond", trace=trace, ms=_ms(started))
