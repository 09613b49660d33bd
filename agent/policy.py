"""The policy node: allow, redact, refuse, handoff or rate_limited, with the reasons."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import Context, engine_catalog, turn_now
from agent.state import TurnState
from store.records import DEFAULT_TIMEZONE
from tools.registry import FOLLOWER

__all__ = ["policy_node", "owner_request_risk", "rate_limit", "REFUSE_RISKS"]

# Risks refused outright: the reply says no and leaks nothing (no codes, no prompt, no other tenant).
REFUSE_RISKS = ("prompt_injection", "data_exfiltration", "role_escalation")
# An owner manages their own data by chat ("list all coupons" is a normal request for them), so
# only attempts to subvert the agent itself are refused on the owner side.
OWNER_REFUSE_RISKS = ("prompt_injection",)


def rate_limit(state: TurnState, ctx: Context) -> str | None:
    """Take this turn's tokens; the reason when the sender or the influencer's traffic is over its limit.

    Called by the understanding node before any model call (a limited sender costs no model tokens,
    OWASP LLM10); the policy node then answers with the kind rate-limited reply. Owners have a bucket
    of their own with a higher limit; a conversation a human holds is not limited (nothing is said)."""
    if state.get("paused") and state.get("role") != "owner":
        return None
    tenant_id = state["tenant"]["id"]
    contact_key = f"{tenant_id}:{state.get('contact_id') or state.get('sender_id')}"
    if state.get("role") == "owner":
        limiter = ctx.owner_limiter
        return "owner sends too fast" if limiter is not None and not limiter.allow(contact_key) else None
    if ctx.contact_limiter is not None and not ctx.contact_limiter.allow(contact_key):
        return "contact sends too fast"
    if ctx.tenant_limiter is not None and not ctx.tenant_limiter.allow(str(tenant_id)):
        return "influencer's total traffic above its limit"
    return None


# Owner tools a follower's words may map to without asking for anything private: the follower side
# answers those with its own tools (find_coupons, list_brands).
_FOLLOWER_EQUIVALENT = frozenset({"list_coupons", "list_partnerships"})
# Intents whose words can look like a command ("STOP" is a consent withdrawal, not a coupon code).
_NOT_COMMANDS = frozenset({"consent", "greeting", "feedback", "abuse", "human_request", "support_issue"})


def owner_request_risk(state: TurnState, ctx: Context) -> str | None:
    """A follower asking for what only the owner may do or see: role_escalation (a change) or
    data_exfiltration (private business data), judged by the owner command parser itself."""
    from agent.engines.offline.owner_commands import parse_owner_command

    understanding = state.get("understanding") or {}
    by_classifier = (understanding.get("entities") or {}).get("intent_by") == "classifier"
    if understanding.get("intent") in _NOT_COMMANDS and not by_classifier:  # a guess never lowers the guard
        return None
    tenant = state["tenant"]
    command = parse_owner_command(state.get("masked_text") or "", now=turn_now(state),
                                  timezone=tenant.get("timezone") or DEFAULT_TIMEZONE,
                                  catalog=engine_catalog(ctx, state), language=understanding.get("language"))
    if command is None or command.tool in _FOLLOWER_EQUIVALENT or float(command.confidence or 0) < 0.8:
        return None
    spec = ctx.tools.get(command.tool)
    if spec is None or FOLLOWER in spec.roles:
        return None
    writes = command.tool.split("_", 1)[0] in ("create", "update", "delete", "mark", "cancel")
    return "role_escalation" if writes else "data_exfiltration"


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
    if role != "owner" and not refusing:
        asked = owner_request_risk(state, ctx)
        if asked:
            risks.append(asked)
            refusing.append(asked)
    limited = ctx.turn.get("limited")  # taken by the understanding node, before any model call
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
