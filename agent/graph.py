"""The agent graph: context -> understanding -> policy -> decision -> experiment -> act -> respond -> persist.

`build_graph(checkpointer=...)` does all the wiring and is called once per process (by Agent).
Every node is timed into state["timings"] so the trace shows where a turn's time went.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agent.act import act_node
from agent.context import Context, context_node
from agent.decision import decision_node, route_after_decision, route_after_experiment
from agent.experiment import experiment_node
from agent.persist import persist_node
from agent.policy import policy_node
from agent.redo import with_offline_redo
from agent.respond import respond_node
from agent.state import TurnState
from agent.understanding import understanding_node

__all__ = ["build_graph", "NODES"]

NODES = ("context", "understanding", "policy", "decision", "experiment", "act", "respond", "persist")

log = logging.getLogger(__name__)

def _timed(name: str, fn: Callable[[TurnState, Runtime[Context]], dict[str, Any]]):
    def node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
        started = time.perf_counter()
        out = fn(state, runtime) or {}
        out["timings"] = {name: round((time.perf_counter() - started) * 1000, 3)}
        return out

    node.__name__ = f"{name}_node"
    return node


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
        "respond": with_offline_redo(respond or respond_node),
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
