"""The experiment node: each running experiment's variant for this contact, its reply style, an exposure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context, turn_now
from agent.state import TurnState
from store import experiments as experiment_store

__all__ = ["experiment_node"]


@dataclass(frozen=True)
class _Running:
    """An experiment as cached per tenant (plain values, safe to share between threads)."""

    id: int
    key: str
    variants: list[dict[str, Any]]
    allocation: float
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    target_intents: tuple[str, ...]

    def runs_for(self, intent: str | None, at: dt.datetime) -> bool:
        """In its window and targeting this intent (or every intent)."""
        if (self.starts_at and at < self.starts_at) or (self.ends_at and at >= self.ends_at):
            return False
        return not self.target_intents or intent in self.target_intents


def _experiments(ctx: Context, state: TurnState) -> list[_Running]:
    tenant = state["tenant"]

    def load() -> list[_Running]:
        rows = experiment_store.list_all(session=ctx.session, tenant_id=tenant["id"])
        return [_Running(e.id, e.key, list(e.variants or []), float(e.allocation), e.starts_at, e.ends_at,
                         tuple(e.target_intents or ())) for e in rows if e.active]

    # Cached like the catalog (a new experiment starts within the cache's TTL in every process).
    return ctx.cache.get_or_load((tenant["id"], tenant.get("created_at", ""), "experiments"), load)


def experiment_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Assign variants deterministically (tenant, contact, key), merge their style, log exposures once."""
    ctx = runtime.context
    tenant_id = state["tenant"]["id"]
    intent = (state.get("understanding") or {}).get("intent")
    now = turn_now(state)
    running = [e for e in _experiments(ctx, state) if e.runs_for(intent, now)]
    variants: dict[str, str] = {}
    style: dict[str, Any] = dict(state.get("style") or {})
    contact_key = state.get("contact_id") or state.get("sender_id") or state.get("conversation_id") or ""
    for exp in running:
        variant = experiment_store.assign(exp, tenant_id=tenant_id, contact_key=contact_key)
        if variant is None:
            continue
        variants[exp.key] = variant["name"]
        style.update(variant.get("style") or {})
        experiment_store.log_exposure(
            session=ctx.session,
            tenant_id=tenant_id,
            experiment_id=exp.id,
            conversation_id=state["conversation_id"],
            contact_id=state.get("contact_id"),
            variant=variant["name"],
            at=now,
        )
    return {"variants": variants, "style": style}
