"""The Engine interface (understanding, tool choice, reply) and the offline engine behind it.

Two engines share one interface so the graph never knows which one runs:
- `OfflineEngine`: rule/lexicon understanding (agent.engines.offline), tool choice by the decision
  node's rules (`plan_tools` returns None), replies from the persona templates (`reply` returns
  None, so the respond node's template reply stands).
- a model engine (langchain-openai, written behind this interface) implements `understand` by
  structured output, `plan_tools` by tool calling and `reply` by streaming tokens to `on_token`.

`call_with_fallback` runs a method of the configured engine and, when it raises or times out,
the same method of the offline engine; it reports which engine answered so the trace says so.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from agent.state import TurnState, turn_now
from store.records import DEFAULT_TIMEZONE

__all__ = ["Engine", "OfflineEngine", "EngineCall", "call_with_fallback", "make_catalog"]

log = logging.getLogger(__name__)


@runtime_checkable
class Engine(Protocol):
    """How a turn is understood and answered."""

    name: str  # "offline" | "model"

    def understand(self, state: TurnState, *, catalog: Any) -> dict[str, Any]:
        """Understanding of state["masked_text"] as a dict: intent, confidence, language, entities,
        sentiment, ambiguous_brands, followup, scores."""
        ...

    def plan_tools(self, state: TurnState, *, tools: list[Any]) -> list[dict[str, Any]] | None:
        """Tool calls [{name, args}] chosen for this turn, or None to let the decision rules choose."""
        ...

    def reply(self, state: TurnState, *, on_token: Callable[[str], None] | None = None) -> str | None:
        """The reply text (tokens streamed to on_token), or None to keep the template reply."""
        ...


def make_catalog(brands: list[dict[str, Any]], *, handle: str, display_name: str) -> Any:
    """The offline engine's Catalog for a tenant's brand list."""
    from agent.engines.offline.types import BrandEntry, Catalog

    entries = tuple(
        BrandEntry(
            ref=b["ref"],
            name=b["name"],
            aliases=tuple(b.get("aliases") or ()),
            coupon_codes=tuple(b.get("coupon_codes") or ()),
            products=tuple(b.get("products") or ()),
        )
        for b in brands
    )
    return Catalog(brands=entries, handle=handle, display_name=display_name)


def _as_dict(understanding: Any) -> dict[str, Any]:
    if isinstance(understanding, dict):
        return dict(understanding)
    if dataclasses.is_dataclass(understanding) and not isinstance(understanding, type):
        return dataclasses.asdict(understanding)
    return dict(vars(understanding))


class OfflineEngine:
    """No model at all: the offline NLU, the decision rules and the reply templates."""

    name = "offline"

    def understand(self, state: TurnState, *, catalog: Any) -> dict[str, Any]:
        """Run agent.engines.offline.understand on the masked text."""
        from agent.engines.offline import understand

        tenant = state.get("tenant") or {}
        languages = tenant.get("languages") or ["he"]
        result = understand(
            state.get("masked_text") or state.get("text") or "",
            catalog=catalog,
            role=state.get("role", "follower"),
            now=turn_now(state),
            timezone=tenant.get("timezone") or DEFAULT_TIMEZONE,
            previous=state.get("last_understanding"),
            # A message with no letters ("1042", "👍") answers in the conversation's language.
            default_language=(state.get("last_understanding") or {}).get("language")
            or (languages[0] if languages else "he"),
        )
        return _as_dict(result)

    def plan_tools(self, state: TurnState, *, tools: list[Any]) -> list[dict[str, Any]] | None:
        """The decision rules choose."""
        return None

    def reply(self, state: TurnState, *, on_token: Callable[[str], None] | None = None) -> str | None:
        """The template reply stands."""
        return None


@dataclasses.dataclass
class EngineCall:
    """The outcome of one engine call: the value, which engine produced it, and why it fell back."""

    value: Any
    engine: str
    error: str | None = None


def call_with_fallback(primary: Any, fallback: Any, method: str, *args: Any, **kwargs: Any) -> EngineCall:
    """Call primary.method; on any error (a timeout is an error) call fallback.method instead."""
    if primary is None or primary is fallback:
        return EngineCall(getattr(fallback, method)(*args, **kwargs), fallback.name)
    try:
        return EngineCall(getattr(primary, method)(*args, **kwargs), primary.name)
    except Exception as exc:  # a model failure must never cost the follower their answer
        reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        log.warning("engine %s.%s failed, using %s: %s", primary.name, method, fallback.name, type(exc).__name__)
        return EngineCall(getattr(fallback, method)(*args, **kwargs), f"{primary.name}->{fallback.name}", reason)
