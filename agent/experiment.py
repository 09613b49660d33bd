"""The experiment node: each running experiment's variant for this contact, its reply style, an exposure."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context, turn_now
from agent.state import TurnState
from store import experiments as experiment_store

__all__ = ["experiment_node"]


def experiment_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Assign variants deterministically (tenant, contact, key), merge their style, log exposures once."""
    ctx = runtime.context
    tenant_id = state["tenant"]["id"]
    intent = (state.get("understanding") or {}).get("intent")
    now = turn_now(state)
    running = experiment_store.running_for(session=ctx.session, tenant_id=tenant_id, intent=intent, at=now)
    variants: dict[str, str] = {}
    style: dict[str, Any] = dict(state.get("style") or {})
    contact_key = state.get("contact_id") or state.get("sender_id") or state.get("conversation_id")
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
