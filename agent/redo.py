"""The offline engine's whole answer, for a turn whose model reply failed after the model's intent
was adopted over an unsure offline one (agent/engines/reconcile.py).

A template reply over the model's understanding is not the offline answer: the model may have heard a
greeting where the offline engine heard a coupon request. So the turn is decided again from the offline
understanding, with the offline engine, its tools run and its template reply given. The model's reads
ran for nothing; a write it could make was one its own intent asked for (agent/decision.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from agent.act import act_node
from agent.context import Context
from agent.decision import decision_node, route_after_decision, route_after_experiment
from agent.experiment import experiment_node
from agent.policy import policy_node
from agent.state import TurnState

__all__ = ["with_offline_redo"]

Node = Callable[[TurnState, Runtime[Context]], dict[str, Any]]


def _merge(into: dict[str, Any], out: dict[str, Any]) -> None:
    for key, value in out.items():
        if key == "events":
            into["events"] = [*into.get("events", []), *value]
        else:
            into[key] = value


def _offline_answer(state: TurnState, runtime: Runtime[Context], respond: Node,
                    failed: dict[str, Any]) -> dict[str, Any]:
    ctx = runtime.context
    offline = runtime.override(context=dataclasses.replace(ctx, engine=ctx.fallback_engine))
    understanding = {**ctx.turn.pop("offline_understanding"), "risks": (state.get("understanding") or {}).get("risks")}
    updates: dict[str, Any] = {"understanding": understanding, "tool_results": [],
                               "events": [*failed.get("events", []),
                                          {"node": "respond", "event": "offline_redo",
                                           "model_intent": (state.get("understanding") or {}).get("intent"),
                                           "offline_intent": understanding.get("intent")}]}
    current: dict[str, Any] = {**state, **updates}
    for node in (policy_node, decision_node):
        out = node(current, offline)  # type: ignore[arg-type]
        _merge(updates, out)
        current.update(out)
    if route_after_decision(current) == "experiment":  # type: ignore[arg-type]
        out = experiment_node(current, offline)  # type: ignore[arg-type]
        _merge(updates, out)
        current.update(out)
        if route_after_experiment(current) == "act":  # type: ignore[arg-type]
            out = act_node(current, offline)  # type: ignore[arg-type]
            _merge(updates, out)
            current.update(out)
    _merge(updates, respond(current, offline))  # type: ignore[arg-type]
    updates["engine"] = f"{ctx.engine.name}->{ctx.fallback_engine.name}"
    return updates


def with_offline_redo(respond: Node) -> Node:
    """The respond node, answering offline whole when it asks to (ctx.turn["redo_offline"])."""

    def node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
        out = respond(state, runtime)
        ctx = runtime.context
        if not ctx.turn.pop("redo_offline", False) or "offline_understanding" not in ctx.turn:
            return out
        return _offline_answer(state, runtime, respond, out)

    return node
