"""Fixtures of the graph tests (sample tenant, an Agent per test), from agent_graph_support."""

from agent_graph_support import make_agent, shira  # noqa: F401
