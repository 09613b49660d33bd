"""The agent graph: context -> understanding -> policy -> decision -> experiment -> act -> respond -> persist.

`build_graph(checkpointer=...)` does all the wiring and is called once per process (by Agent).
Every node is timed into state["timings"] so the trace shows where a turn's time went.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agent._turn import GRACEFUL
from agent.act import act_node
from agent.context import Context, context_node
from agent.decision import decision_node, route_after_decision, route_after_experiment
from agent.engine import call_with_fallback
from agent.experiment import experiment_node
from agent.persist import persist_node
from agent.policy import policy_node
from agent.state import TurnState
from agent.understanding import understanding_node

__all__ = ["build_graph", "respond_node", "NODES"]

NODES = ("context", "understanding", "policy", "decision", "experiment", "act", "respond", "persist")

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\S+\s*|\s+")


def _timed(name: str, fn: Callable[[TurnState, Runtime[Context]], dict[str, Any]]):
    def node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
        started = time.perf_counter()
        out = fn(state, runtime) or {}
        out["timings"] = {name: round((time.perf_counter() - started) * 1000, 3)}
        return out

    node.__name__ = f"{name}_node"
    return node


def _template_respond(state: TurnState) -> dict[str, Any]:
    from agent.respond import respond

    return respond(state)


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

    if decision.get("action") not in ("refuse", "rate_limited") and ctx.engine is not ctx.fallback_engine:
        call = call_with_fallback(ctx.engine, ctx.fallback_engine, "reply", {**state, **out}, on_token=on_token)
        if call.value:
            out["reply"] = call.value
        if call.error:  # the trace's engine names the fallback whichever stage needed it
            out["events"] = [*out.get("events", []), {"node": "respond", "event": "engine_fallback",
                                                      "error": call.error}]
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


def build_graph(*, checkpointer: Any = None, respond: Callable[..., dict[str, Any]] | None = None):
    """Compile the agent graph with the given checkpointer (PostgresSaver in production)."""
    graph = StateGraph(TurnState, context_schema=Context)
    nodes: dict[str, Callable[..., dict[str, Any]]] = {
        "context": context_node,
        "understanding": understanding_node,
        "policy": policy_node,
        "decision": decision_node,
        "experiment": experiment_node,
        "act": act_node,
        "respond": respond or respond_node,
        "persist": persist_node,
    }
    for name, fn in nodes.items():
        graph.add_node(name, _timed(name, fn))
    graph.add_edge(START, "context")
    graph.add_edge("context", "understanding")
    graph.add_edge("understanding", "policy")
    graph.add_edge("policy", "decision")
    graph.add_conditional_edges("decision", route_after_decision, {"respond": "respond", "experiment": "experiment"})
    graph.add_conditional_edges("experiment", route_after_experiment, {"act": "act", "respond": "respond"})
    graph.add_edge("act", "respond")
    graph.add_edge("respond", "persist")
    graph.add_edge("persist", END)
    return graph.compile(checkpointer=checkpointer)
