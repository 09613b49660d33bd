"""The respond node: templates in the persona's voice, the model's text when a model answers, streamed."""

from __future__ import annotations

import logging
import re
from typing import Any

from langgraph.runtime import Runtime

from agent._turn import GRACEFUL
from agent.context import Context
from agent.engines.base import call_with_fallback
from agent.respond.compose import respond
from agent.state import TurnState

__all__ = ["respond_node"]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\S+\s*|\s+")


def _template_respond(state: TurnState) -> dict[str, Any]:
    return respond(dict(state))


def respond_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """The reply: templates in the persona's voice, replaced by the model's text when a model answers."""
    ctx = runtime.context
    decision = state.get("decision") or {}
    if decision.get("note") == "paused_silent":  # a human has the conversation: say nothing at all
        return {"reply": "", "cards": [], "language": (state.get("understanding") or {}).get("language") or ""}
    try:
        out = dict(_template_respond(state) or {})
    except Exception as exc:  # a template bug must not cost the user an answer or the turn its record
        log.exception("respond failed")
        language = (state.get("understanding") or {}).get("language") or "he"
        out = {"reply": GRACEFUL.get(language, GRACEFUL["en"]), "language": language, "cards": [],
               "events": [{"node": "respond", "event": "respond_error", "error": type(exc).__name__}]}
    emit = ctx.emit
    streamed: list[str] = []

    def on_token(token: str) -> None:
        streamed.append(token)
        if emit is not None:
            emit({"type": "token", "text": token})

    if (decision.get("action") not in ("refuse", "rate_limited") and ctx.engine is not ctx.fallback_engine
            and ctx.turn.get("budget") != "soft"):  # over the soft budget: the template's short reply
        call = call_with_fallback(ctx.engine, ctx.fallback_engine, "reply", {**state, **out}, on_token=on_token)
        if call.value:
            out["reply"] = call.value
        if call.error:  # the trace's engine names the fallback whichever stage needed it
            out["events"] = [*out.get("events", []), {"node": "respond", "event": "engine_fallback",
                                                      "error": call.error}]
            if "offline_understanding" in ctx.turn:  # the turn rode on the model's intent: answer offline whole
                ctx.turn["redo_offline"] = True
                if streamed and emit is not None:
                    emit({"type": "reset"})
                return out
            if "->" not in (state.get("engine") or ""):
                out["engine"] = call.engine
    if emit is not None:
        reply = out.get("reply") or ""
        if reply and "".join(streamed) != reply:  # offline (or a fallback after partial tokens): stream it now
            if streamed:
                emit({"type": "reset"})
            for token in _TOKEN.findall(reply):
                emit({"type": "token", "text": token})
        for card in out.get("cards") or []:
            emit({"type": "card", "card": card})
    return out
