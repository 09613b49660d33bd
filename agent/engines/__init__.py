"""Engines behind one interface: the offline engine (no model) and a language model, with fallback."""

from agent.engines.base import Engine, EngineCall, OfflineEngine, call_with_fallback, make_catalog

__all__ = ["Engine", "EngineCall", "OfflineEngine", "call_with_fallback", "make_catalog"]
