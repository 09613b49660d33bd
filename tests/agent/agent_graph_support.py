"""Helpers for the graph tests: the sample tenant, an Agent per test, a scripted engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

NOW = "2026-11-23T10:00:00+02:00"  # the sample bundles are dated for this frozen clock
REPO = Path(__file__).resolve().parents[2]
AVI_BUNDLE = REPO / "evals" / "bundles" / "avi-grill.json"


def import_bundle(db: Any, path: Path) -> Any:
    """Import a bundle file into the test database."""
    from knowledge.bundles import import_bundle_file

    return import_bundle_file(db, path)


def u(intent: str, *, brands: tuple[str, ...] = (), language: str = "en", confidence: float = 0.9,
      ambiguous: tuple[str, ...] = (), sentiment: str = "neutral", **entities: Any) -> dict[str, Any]:
    """An understanding as the engines return it."""
    return {
        "intent": intent,
        "confidence": confidence,
        "language": language,
        "entities": {"brands": list(brands), **entities},
        "sentiment": sentiment,
        "ambiguous_brands": list(ambiguous),
        "followup": False,
        "scores": {intent: confidence},
    }


class ScriptedEngine:
    """An engine whose understanding (and optionally tool plan) is scripted by the test."""

    name = "scripted"

    def __init__(self, understand: Callable[[str], dict[str, Any]] | dict[str, dict[str, Any]],
                 *, plan: Callable[[dict[str, Any]], list[dict[str, Any]] | None] | None = None,
                 fail_understand: bool = False) -> None:
        self._understand = understand
        self._plan = plan
        self.fail_understand = fail_understand
        self.seen: list[str] = []

    def understand(self, state: dict[str, Any], *, catalog: Any) -> dict[str, Any]:
        text = state.get("masked_text") or ""
        self.seen.append(text)
        if self.fail_understand:
            raise TimeoutError("model did not answer in 8 s")
        script = self._understand
        return script(text) if callable(script) else script[text]

    def plan_tools(self, state: dict[str, Any], *, tools: list[Any]) -> list[dict[str, Any]] | None:
        return self._plan(state) if self._plan else None

    def reply(self, state: dict[str, Any], *, on_token: Any = None) -> str | None:
        return None


@pytest.fixture
def shira(db: Any, shira_bundle_path: Path) -> Any:
    """The database with the sample influencer shira.kitchen imported."""
    import_bundle(db, shira_bundle_path)
    return db


@pytest.fixture
def make_agent(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """Build an Agent (closed after the test)."""

    def build(db: Any, **kwargs: Any) -> Any:
        from agent import Agent

        agent = Agent(db, **kwargs)
        request.addfinalizer(agent.close)
        return agent

    return build


def say(agent: Any, text: str, *, handle: str = "shira.kitchen", sender: str = "visitor-1",
        on_event: Callable[[dict[str, Any]], None] | None = None, **kwargs: Any) -> Any:
    """One turn (a follower's unless role= says otherwise) at the frozen clock."""
    from agent import InboundMessage

    kwargs.setdefault("now", NOW)
    kwargs.setdefault("channel", "web")
    return agent.handle(InboundMessage(handle=handle, sender_id=sender, text=text, **kwargs), on_event=on_event)


def rows(db: Any, sql: str, **params: Any) -> list[Any]:
    """Rows of a raw SQL query."""
    from sqlalchemy import text

    with db.admin_engine.connect() as conn:
        return list(conn.execute(text(sql), params))
