"""The decision node (what to do: respond, clarify, confirm, handoff, refuse, rate_limited; which
tools with which arguments) and the routers that follow it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from langgraph.runtime import Runtime

from agent._owner_flow import (
    decide_answer,
    decide_call,
    decide_document,
    decide_owner,
    decide_pending,
    owner_command_in,
)
from agent.context import Context, turn_now
from agent.engines.base import call_with_fallback
from agent.engines.offline.facts import follows_answer, survey_answer
from agent.state import TurnState
from store import contacts as contact_store
from store import surveys as survey_store
from store.privacy import mask_email
from tools.registry import Registry

__all__ = [
    "decision_node",
    "route_after_decision",
    "route_after_experiment",
    "follower_tool_calls",
    "fit_args",
    "TOOL_INTENTS",
]

# Intents whose answer depends on a tool; these are the ones a low confidence or two matching
# brands turn into a question back.
TOOL_INTENTS = ("coupon_request", "product_question", "partnership_question", "support_issue")
BRAND_INTENTS = ("coupon_request", "product_question", "support_issue")
NO_TOOL_INTENTS = ("greeting", "small_talk", "off_topic", "abuse")
_FOLLOWER_CARE = ("support_issue", "human_request", "consent", "feedback")

def fit_args(tools: Registry, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Keep the arguments the tool declares, drop empty ones (a tool's defaults beat a None)."""
    spec = tools.get(name)
    fields = spec.args_model.model_fields if spec is not None else {}
    return {k: v for k, v in args.items() if v not in (None, "", []) and (not fields or k in fields)}


def _call(tools: Registry, name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": fit_args(tools, name, args)}


def follower_tool_calls(state: TurnState, tools: Registry) -> list[dict[str, Any]]:
    """The tools a follower intent maps to (generic: no bundle-specific rules)."""
    u = state.get("understanding") or {}
    entities = u.get("entities") or {}
    intent = u.get("intent")
    brands = list(entities.get("brands") or [])
    inherited = "brands" in (entities.get("from_previous") or [])  # "and for X?" carried the last brand over
    # A name the catalogue does not know ("a code for Aura?", "and for Asics?") is still asked about by
    # name, so the reply can say there is no code for it before offering others.
    asked = entities.get("asked_brand") if intent == "coupon_request" and (not brands or inherited) else None
    if asked:
        brands = []
    if not brands and not asked and u.get("followup"):  # "is there a code for it?": the previous brand
        brands = list(((state.get("last_understanding") or {}).get("entities") or {}).get("brands") or [])
    brand = brands[0] if brands else asked
    codes = list(entities.get("coupon_codes") or [])
    orders = list(entities.get("order_ids") or [])
    text = state.get("masked_text") or ""
    if intent == "coupon_request":
        return [_call(tools, "find_coupons", brand=brand, code=codes[0] if codes and not brand else None)]
    if intent == "product_question":
        calls = [_call(tools, "search_knowledge", query=text, brand=brand)]
        return calls + ([_call(tools, "find_coupons", brand=brand)] if brand else [])
    if intent == "content_question":
        return [_call(tools, "search_knowledge", query=text)]
    if intent == "partnership_question":
        return [_call(tools, "list_brands"), _call(tools, "search_knowledge", query=text)]
    if intent == "support_issue":
        return [_call(tools, "open_support_issue", summary=text, kind=entities.get("support_kind") or "other",
                      order_id=orders[0] if orders else None, brand=brand)]
    if intent == "human_request":
        return [_call(tools, "request_handoff", reason=text)]
    if intent == "feedback":
        return [_call(tools, "record_feedback", text=text, sentiment=u.get("sentiment"))]
    if intent == "consent":
        return [_call(tools, "set_consent", granted=not entities.get("consent_withdrawn"))]
    return []


def _brand_names(state: TurnState, refs: list[str]) -> list[str]:
    by_ref = {b["ref"]: b["name"] for b in state.get("catalog") or []}
    return [by_ref.get(r, r) for r in refs]


_ALSO_HUMAN = 0.85  # how sure the cues must be that a support message also asks for a person


def _also_asks_for_a_person(u: dict[str, Any]) -> bool:
    entities = u.get("entities") or {}
    return bool(entities.get("asks_for_person")) or float((u.get("scores") or {}).get("human_request") or 0) >= (
        _ALSO_HUMAN)


def _personal_data(state: TurnState, ctx: Context) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """A follower asking to erase their data (confirmed first) or to see it."""
    entities = (state.get("understanding") or {}).get("entities") or {}
    if entities.get("erase_requested"):
        return decide_call(state, ctx, "erase_my_data", {}, reason="the follower asked to erase their data")
    if entities.get("export_requested"):
        return decide_call(state, ctx, "export_my_data", {}, reason="the follower asked for their data")
    return None


# A follower's own data is erased or exported on their explicit words (and an erasure on their "yes"),
# never on a model's choice: these tools are not offered to it (the act gate refuses an unconfirmed erasure too).
MAX_CALLS = 4  # tool calls one follower turn may make
_DECIDED_BY_RULES = frozenset({"erase_my_data", "export_my_data", "save_my_details", "record_follows"})
_SURVEY_DAYS = 7  # a survey asked longer ago than this is no longer being answered


def _survey_answer(state: TurnState, ctx: Context) -> dict[str, Any] | None:
    """The decision that records the answer to a pending satisfaction check, or None."""
    score, answers = survey_answer(state.get("masked_text") or "")
    contact_id = state.get("contact_id")
    if not answers or not contact_id:
        return None
    since = turn_now(state) - dt.timedelta(days=_SURVEY_DAYS)
    if survey_store.pending(session=ctx.session, tenant_id=state["tenant"]["id"], contact_id=contact_id,
                            since=since) is None:
        return None
    sentiment = None if score is None else ("positive" if score >= 4 else "negative" if score <= 2 else "neutral")
    call = _call(ctx.tools, "record_feedback", rating=score, text=state.get("masked_text") or "", sentiment=sentiment)
    return {"action": "respond", "tool_calls": [call], "reason": f"the answer to a satisfaction check ({score})"}


_ASKED_DAYS = 7  # "do you follow me?" / "tell me about you" asked longer ago is no longer being answered
_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ABOUT_ME = ("small_talk", "greeting", "consent", "feedback", "off_topic")  # messages that may be only details


def _contact(state: TurnState, ctx: Context) -> Any:
    contact_id = state.get("contact_id")
    return contact_store.get(session=ctx.session, tenant_id=state["tenant"]["id"],
                             contact_id=contact_id) if contact_id else None


def _asked(attributes: dict[str, Any], key: str, now: dt.datetime) -> bool:
    try:
        return now - dt.datetime.fromisoformat(str(attributes.get(key))) <= dt.timedelta(days=_ASKED_DAYS)
    except ValueError:
        return False


def _follows_reply(state: TurnState, ctx: Context) -> dict[str, Any] | None:
    """The decision that records the answer to "do you follow me?", or None. The words are checked before
    the contact is read: most follower turns are no yes/no and cost no query here."""
    answer = follows_answer(state.get("masked_text") or "")
    if answer is None:
        return None
    contact = _contact(state, ctx)
    attributes = (contact.attributes or {}) if contact is not None else {}
    if not _asked(attributes, "follows_asked_at", turn_now(state)) or attributes.get("follows_answered_at"):
        return None
    return {"action": "respond", "tool_calls": [_call(ctx.tools, "record_follows", follows=answer)],
            "reason": "the answer to 'do you follow me?'"}


def _details_call(state: TurnState, ctx: Context) -> dict[str, Any] | None:
    """Keeping the name, e-mail and interests a follower gives about themselves (the tool keeps them only
    with consent): interests only when they were asked for; the e-mail from the raw text, masked here."""
    u = state.get("understanding") or {}
    given = (u.get("entities") or {}).get("details") or {}
    found = _EMAIL.search(str(ctx.turn.get("text") or ""))
    email = mask_email(found.group(0)) if found else None
    if not (given or email):
        return None
    contact = _contact(state, ctx)
    if contact is None:
        return None
    attributes = contact.attributes or {}
    interests = given.get("interests") if _asked(attributes, "details_asked_at", turn_now(state)) else None
    if not (given.get("name") or email or interests):
        return None
    consented = contact.consent == "granted" or (u.get("intent") == "consent" and not (
        u.get("entities") or {}).get("consent_withdrawn"))
    if not consented and u.get("intent") not in _ABOUT_ME:
        return None  # an e-mail inside a support message is not an offer of details
    return {"name": "save_my_details", "args": fit_args(ctx.tools, "save_my_details", {
        "name": given.get("name"), "email": email, "interests": interests})}


def _also_a_problem(u: dict[str, Any]) -> bool:
    return float((u.get("scores") or {}).get("support_issue") or 0) >= _ALSO_HUMAN


# What a model may add to the rules' calls: reads always, a write only where the intent asks for it.
_MODEL_MAY_ADD: dict[str, frozenset[str] | None] = {
    "find_coupons": None, "search_knowledge": None, "list_brands": None,
    "open_support_issue": frozenset({"support_issue", "human_request"}),
    "request_handoff": frozenset({"human_request"}),
    "record_feedback": frozenset({"feedback"}),
    "set_consent": frozenset({"consent"}),
}


def with_model_calls(rules: list[dict[str, Any]], chosen: list[dict[str, Any]] | None,
                     intent: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The rules' calls, then the model's other choices that fit the intent (a model can add a lookup,
    never drop the one the rules make nor write what the message did not ask for); and the dropped."""
    calls, dropped = list(rules), []
    for call in chosen or []:
        name = str(call.get("name") or "")
        if any(c["name"] == name for c in calls):
            continue
        intents = _MODEL_MAY_ADD.get(name, frozenset())
        if intents is None or intent in intents:
            calls.append(call)
        else:
            dropped.append(name)
    return calls[:MAX_CALLS], dropped


def _follower_decision(state: TurnState, ctx: Context) -> dict[str, Any]:
    u = state.get("understanding") or {}
    intent = u.get("intent")
    ambiguous = list(u.get("ambiguous_brands") or [])
    if intent in BRAND_INTENTS and len(ambiguous) > 1:
        return {"action": "clarify", "tool_calls": [], "reason": "more than one brand matches",
                "options": _brand_names(state, ambiguous), "note": "ambiguous_brand"}
    if intent in TOOL_INTENTS and float(u.get("confidence") or 0) < ctx.settings.clarify_below:
        return {"action": "clarify", "tool_calls": [], "reason": f"low confidence ({u.get('confidence')})",
                "note": "low_confidence"}
    if intent in NO_TOOL_INTENTS:
        return {"action": "respond", "tool_calls": [], "reason": f"{intent}: no tools"}
    boundary = (u.get("entities") or {}).get("boundary")
    if boundary:  # advice the persona does not give: its redirect, never product or medication advice
        return {"action": "respond", "tool_calls": [], "reason": f"{boundary} advice: the persona's redirect",
                "note": "boundary", "boundary": boundary}
    planned = call_with_fallback(ctx.engine, ctx.fallback_engine, "plan_tools", state,
                                 tools=[t for t in ctx.tools.for_role(state.get("role", "follower"))
                                        if t.name not in _DECIDED_BY_RULES])
    calls, dropped = with_model_calls(follower_tool_calls(state, ctx.tools), planned.value, intent)
    if intent == "human_request":
        # "…I want a real person, my order never came"
        if _also_a_problem(u) and not any(c["name"] == "open_support_issue" for c in calls):
            entities = u.get("entities") or {}
            orders = list(entities.get("order_ids") or [])
            calls = [_call(ctx.tools, "open_support_issue", summary=state.get("masked_text") or "",
                           kind=entities.get("support_kind") or "other", order_id=orders[0] if orders else None),
                     *calls]
        return {"action": "handoff", "tool_calls": calls, "reason": "the user asked for a human"}
    if (intent == "support_issue" and _also_asks_for_a_person(u)
            and not any(c["name"] == "request_handoff" for c in calls)):
        # "my order never came, I want to talk to Maya": the issue is opened and a person is asked in
        calls = calls + [_call(ctx.tools, "request_handoff", reason=state.get("masked_text") or "")]
        return {"action": "handoff", "tool_calls": calls, "reason": "a support issue, and the user asked for a human"}
    note = "offer_human" if intent == "support_issue" else None
    reason = f"{intent} -> {[c['name'] for c in calls]}" + (f"; the model's {dropped} dropped" if dropped else "")
    return {"action": "respond", "tool_calls": calls, "reason": reason, "note": note}


def decision_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Choose the action and the tool calls from the understanding and the policy verdict."""
    ctx = runtime.context
    verdict = (state.get("policy") or {}).get("verdict", "allow")
    role = state.get("role", "follower")
    out: dict[str, Any] = {}
    decision: dict[str, Any]
    if state.get("paused"):
        note = "paused_silent" if state.get("paused_notice_sent") else "paused"
        decision = {"action": "handoff", "tool_calls": [], "reason": "a human has this conversation", "note": note}
        out["paused_notice_sent"] = True
    elif verdict == "rate_limited":
        decision = {"action": "rate_limited", "tool_calls": [], "reason": "rate limit"}
    elif verdict == "refuse":
        decision = {"action": "refuse", "tool_calls": [], "reason": "; ".join(state["policy"].get("reasons", []))}
    elif role == "owner" and ctx.turn.get("document"):  # a file she sent: a brief (a new one replaces a pending)
        decision, out["pending_action"] = decide_document(state, ctx)
        out["understanding"] = {**(state.get("understanding") or {}), "intent": "owner_command",
                                "resolved_from": "document"}
    elif state.get("pending_action"):  # an owner's change, or a follower's erasure, waiting for a yes
        decision, pending = decide_pending(state, ctx)
        out["pending_action"] = pending
    elif role == "owner" and (answered := decide_answer(state, ctx)) is not None:
        decision = answered
        out["pending_action"] = answered.pop("pending", None)
        # In context the answer is the owner's command: the intent says so, and where it came from.
        out["understanding"] = {**(state.get("understanding") or {}), "intent": "owner_command",
                                "resolved_from": "pending_question"}
    elif role == "owner" and (state.get("understanding") or {}).get("intent") in ("owner_query", "owner_command"):
        decision, pending = decide_owner(state, ctx)
        out["pending_action"] = pending
    elif role == "owner" and (command := owner_command_in(state, ctx)) is not None:
        # The engine heard a follower intent ("מה מחכה לי השבוע?" as a support issue), but the words
        # are an owner command the parser knows: the owner's business comes first.
        decision, pending = decide_owner(state, ctx)
        out["pending_action"] = pending
        out["understanding"] = {**(state.get("understanding") or {}), "intent": command,
                                "resolved_from": "owner_command_parser"}
    elif role != "owner" and (personal := _personal_data(state, ctx)) is not None:
        decision, out["pending_action"] = personal
    elif role != "owner" and (answer := _survey_answer(state, ctx)) is not None:
        # "did the code work? 1-5" was asked: "4", "⭐⭐⭐", "לא עבד" is its answer, whatever else it could be
        decision = answer
        out["understanding"] = {**(state.get("understanding") or {}), "intent": "feedback",
                                "resolved_from": "survey"}
    elif role != "owner" and (follows := _follows_reply(state, ctx)) is not None:
        decision = follows
        out["understanding"] = {**(state.get("understanding") or {}), "intent": "small_talk",
                                "resolved_from": "follows_question"}
    elif role == "owner" and (state.get("understanding") or {}).get("intent") in _FOLLOWER_CARE:
        # An owner never opens a support issue, a handoff or a consent record for herself.
        decision = {"action": "clarify", "tool_calls": [], "reason": "a follower's request from the owner",
                    "note": "owner_unknown"}
    else:
        decision = _follower_decision(state, ctx)
    if role != "owner" and decision.get("action") == "respond" and not out.get("pending_action"):
        details = _details_call(state, ctx)
        if details is not None:  # after the consent it may come with ("yes, keep me posted, I'm Dana")
            decision = {**decision, "tool_calls": [*(decision.get("tool_calls") or []), details]}
    if role == "owner":  # a question about a command lives for one answer
        out["pending_question"] = decision.get("pending_question")
    decision.setdefault("tool_calls", [])
    decision.setdefault("note", None)
    out["decision"] = decision
    return out


def route_after_decision(state: TurnState) -> str:
    """refuse / rate_limited / clarify / confirm go straight to respond; the rest meet the experiments."""
    action = (state.get("decision") or {}).get("action")
    if action in ("refuse", "rate_limited", "clarify", "confirm"):
        return "respond"
    if action == "handoff" and not (state.get("decision") or {}).get("tool_calls"):
        return "respond"
    return "experiment"


def route_after_experiment(state: TurnState) -> str:
    """Run the tools when there are any, else answer."""
    return "act" if (state.get("decision") or {}).get("tool_calls") else "respond"
