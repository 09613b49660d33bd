"""The policy node: allow, redact, refuse, handoff or rate_limited, with the reasons."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context
from agent.state import TurnState

__all__ = ["policy_node", "REFUSE_RISKS"]

# Risks refused outright: the reply says no and leaks nothing (no codes, no prompt, no other tenant).
REFUSE_RISKS = ("prompt_injection", "data_exfiltration", "role_escalation")
# An owner manages their own data by chat ("list all coupons" is a normal request for them), so
# only attempts to subvert the agent itself are refused on the owner side.
OWNER_REFUSE_RISKS = ("prompt_injection",)


def _rate_limited(state: TurnState, ctx: Context) -> str | None:
    tenant_id = state["tenant"]["id"]
    contact_key = f"{tenant_id}:{state.get('contact_id') or state.get('sender_id')}"
    if ctx.contact_limiter is not None and not ctx.contact_limiter.allow(contact_key):
        return "contact sends too fast"
    if ctx.tenant_limiter is not None and not ctx.tenant_limiter.allow(str(tenant_id)):
        return "influencer's total traffic above its limit"
    return None


def policy_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Decide what the turn may do, from the understanding, the role and the rate counters."""
    ctx = runtime.context
    understanding = state.get("understanding") or {}
    role = state.get("role", "follower")
    risks = list(understanding.get("risks") or [])
    intent = understanding.get("intent")
    reasons: list[str] = []
    verdict = "allow"

    refusing = [r for r in risks if r in (OWNER_REFUSE_RISKS if role == "owner" else REFUSE_RISKS)]
    limited = None if role == "owner" or state.get("paused") else _rate_limited(state, ctx)
    if limited:
        verdict = "rate_limited"
        reasons.append(limited)
    elif refusing:
        verdict = "refuse"
        reasons += [f"risk: {r}" for r in refusing]
    elif intent == "human_request":
        verdict = "handoff"
        reasons.append("the user asked for a human")
    else:
        if intent == "abuse":
            reasons.append("abusive message: calm reply, no tools")
        if state.get("pii"):
            verdict = "redact"
            kinds = sorted({p["kind"] for p in state["pii"]})
            reasons.append("personal data masked: " + ", ".join(kinds))
    return {"policy": {"verdict": verdict, "reasons": reasons, "risks": risks}}
