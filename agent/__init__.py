"""The conversation engine: one LangGraph state machine for followers and the owner.

Exports are loaded on first use, so `import agent.guard` (used by tools) stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Agent", "AgentSettings", "InboundMessage", "TurnResult", "build_graph"]


def __getattr__(name: str) -> Any:
    if name == "Agent":
        from agent.runtime import Agent

        return Agent
    if name == "AgentSettings":
        from agent.settings import AgentSettings

        return AgentSettings
    if name in ("InboundMessage", "TurnResult"):
        from agent import types

        return getattr(types, name)
    if name == "build_graph":
        from agent.graph import build_graph

        return build_graph
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
