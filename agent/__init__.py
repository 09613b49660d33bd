"""The conversation engine: one LangGraph state machine for followers and the owner.

Exports are loaded on first use, so `import agent.guard` (used by tools) stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Agent", "AgentSettings", "InboundMessage", "TurnResult", "build_graph"]


def __getattr__(name: str) -> Any:
    if name in ("Agent", "AgentSettings", "InboundMessage", "TurnResult"):
        from agent import runtime

        return getattr(runtime, name)
    if name == "build_graph":
        from agent.graph import build_graph

        return build_graph
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
