"""Follower care: support issues, handover to a human, feedback and consent; the owner hears via events."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from store import contacts as contact_store
from store import conversations as conversation_store
from store import coupons as coupon_store
from store import events as event_store
from store import inbox as inbox_store
from store import rules as rule_store
from store import schedule as schedule_store
from store import support as support_store
from store import surveys as survey_store
from store.privacy import mask_pii
from store.records import Conversation, Event
from tools._brands import resolve_brand, visible_partnerships
from tools.registry import FOLLOWER, OWNER, ToolContext, ToolError, tool

__all__ = ["open_support_issue", "request_handoff", "record_feedback", "set_consent", "mask"]

SUPPORT_KINDS = ("order_missing", "code_not_working", "damaged", "refund", "other")


def mask(text: str | None) -> str:
    """The text with personal data masked: nothing raw at rest."""
    return mask_pii(text) if text else ""


def _existing_conversation(ctx: ToolContext) -> Conversation | None:
    if not ctx.conversation_id:
        return None
    return conversation_store.get(session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=ctx.conversation_id)


def _existing_contact_id(ctx: ToolContext) -> int | None:
    if not ctx.contact_id:
        return None
    found = contact_store.get(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id)
    return ctx.contact_id if found is not None else None


def _event(ctx: ToolContext, kind: str, payload: dict[str, Any]) -> Event:
    return event_store.record(session=ctx.session, tenant_id=ctx.tenant_id, kind=kind, payload=payload,
                              conversation_id=ctx.conversation_id, contact_id=ctx.contact_id, at=ctx.now)


class SupportArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    summary: str = Field(min_length=1, max_length=2000, description="what went wrong, in the user's words")
    kind: Literal["order_missing", "code_not_working", "damaged", "refund", "other"] = "other"
    order_id: str | None = Field(default=None, max_length=100)
    brand: str | None = Field(default=None, max_length=120)


@tool("open_support_issue", roles={FOLLOWER, OWNER}, args=SupportArgs)
def open_support_issue(ctx: ToolContext, args: SupportArgs) -> dict[str, Any]:
    """Open a support issue for the influencer about a problem with an order or a code from a
    collaboration (order missing, code not working, damaged, refund); the owner is notified."""
    match = resolve_brand(visible_partnerships(ctx), args.brand)
    brand = match.resolved
    conversation = _existing_conversation(ctx)
    issue = support_store.open_issue(
        session=ctx.session,
        tenant_id=ctx.tenant_id,
        fields={
            "conversation_id": conversation.id if conversation else None,
            "contact_id": _existing_contact_id(ctx),
            "partnership_id": brand.id if brand else None,
            "kind": args.kind,
            "summary": mask(args.summary),
            "order_id": args.order_id,
        },
        at=ctx.now,
    )
    _issue_opened(ctx, issue, brand.brand if brand else None)
    ctx.session.flush()
    return {
        "issue_id": issue.id,
        "number": issue.number,
        "kind": issue.kind,
        "order_id": issue.order_id,
        "brand": brand.brand if brand else None,
        "status": "open",
    }


def _issue_opened(ctx: ToolContext, issue: Any, brand: str | None) -> None:
    """The event the owner is notified from (channels.notify)."""
    _event(ctx, "support_issue_opened", {"issue_id": issue.id, "number": issue.number, "kind": issue.kind,
                                         "summary": issue.summary, "order_id": issue.order_id, "brand": brand})


class HandoffArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    reason: str = Field(default="", max_length=1000)


@tool("request_handoff", roles={FOLLOWER, OWNER}, args=HandoffArgs)
def request_handoff(ctx: ToolContext, args: HandoffArgs) -> dict[str, Any]:
    """Hand the conversation to the influencer's team: the bot stays quiet here until a human releases it."""
    conversation = _existing_conversation(ctx)
    if conversation is None or conversation.tenant_id != ctx.tenant_id:
        raise ToolError("there is no conversation to hand over", code="no_conversation")
    waiting = support_store.pending_handoff(session=ctx.session, tenant_id=ctx.tenant_id,
                                            conversation_id=conversation.id)
    conversation.paused = True
    if waiting is not None:  # asking twice does not queue the follower twice
        return {"handoff_id": waiting.id, "status": waiting.status, "paused": True, "already_waiting": True}
    handoff = support_store.open_handoff(session=ctx.session, tenant_id=ctx.tenant_id,
                                         conversation_id=conversation.id, reason=mask(args.reason), at=ctx.now)
    number = inbox_store.number_of(session=ctx.session, conversation=conversation)  # "#12" in the owner's inbox
    _event(ctx, "handoff_requested", {"handoff_id": handoff.id, "reason": handoff.reason, "number": number,
                                      "channel": conversation.channel})
    ctx.session.flush()
    return {"handoff_id": handoff.id, "status": "waiting", "paused": True, "already_waiting": False}


class FeedbackArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    rating: int | None = Field(default=None, ge=1, le=5)
    text: str = Field(default="", max_length=2000)
    sentiment: Literal["positive", "neutral", "negative"] | None = None


def _satisfaction(args: FeedbackArgs) -> str | None:
    if args.rating is not None:
        return "satisfied" if args.rating >= 4 else "unsatisfied" if args.rating <= 2 else "neutral"
    return {"positive": "satisfied", "negative": "unsatisfied", "neutral": "neutral"}.get(
        args.sentiment or ""
    )


@tool("record_feedback", roles={FOLLOWER, OWNER}, args=FeedbackArgs)
def record_feedback(ctx: ToolContext, args: FeedbackArgs) -> dict[str, Any]:
    """Record what the follower thought (a 1-5 rating and/or words); after a coupon copy it counts as
    their satisfaction with that code."""
    payload: dict[str, Any] = {"rating": args.rating, "text": mask(args.text), "sentiment": args.sentiment}
    copied = None
    if ctx.conversation_id:
        copied = coupon_store.last_event_in_conversation(
            session=ctx.session, tenant_id=ctx.tenant_id, conversation_id=ctx.conversation_id, kind="copied"
        )
    if copied is not None:
        payload.update(coupon_id=copied.coupon_id, satisfaction=_satisfaction(args))
    survey = _answer_survey(ctx, args)
    if survey is not None:
        payload.update(survey_id=survey.id, coupon_id=survey.coupon_id)
    event = _event(ctx, "feedback", payload)
    ctx.session.flush()
    issue = _low_score_issue(ctx, survey) if survey is not None and (survey.score or 5) <= _low_score(ctx) else None
    return {
        "event_id": event.id,
        "rating": args.rating,
        "sentiment": args.sentiment,
        "after_coupon": copied is not None or survey is not None,
        "satisfaction": payload.get("satisfaction"),
        "survey": survey is not None,
        "issue_number": issue,
        # asked once, where it fits: right after they answered the satisfaction check
        "ask_follows": survey is not None and survey.score is not None and _ask_once(
            ctx, "follows_asked_at", unless=("follows_answered_at",)),
    }


def _ask_once(ctx: ToolContext, key: str, *, unless: tuple[str, ...] = ()) -> bool:
    """True the first time a question (`key`) is put to this contact (recorded now), else False."""
    if ctx.role != FOLLOWER or not ctx.contact_id:
        return False
    contact = contact_store.get(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id)
    attributes = (contact.attributes or {}) if contact is not None else {}
    if contact is None or attributes.get(key) or any(attributes.get(k) for k in unless):
        return False
    contact_store.update_attributes(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact.id,
                                    changes={key: ctx.now.isoformat()})
    return True


_SURVEY_DAYS = 7


def _low_score(ctx: ToolContext) -> int:
    """A satisfaction answer this low opens an issue the owner hears about (the satisfaction_low rule;
    0 when the owner stopped it)."""
    rule = rule_store.rule_of(session=ctx.session, tenant_id=ctx.tenant_id, trigger="satisfaction_low")
    return int(rule.get("threshold") or 0) if rule.get("active", True) else 0


def _answer_survey(ctx: ToolContext, args: FeedbackArgs) -> Any:
    """Fill the contact's pending satisfaction check with this answer (its score; words besides the
    number are its comment), or None when none is pending or the answer carries no score (its words are
    then kept as the comment and the check stays open for a score)."""
    if not ctx.contact_id:
        return None
    survey = survey_store.pending(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id,
                                  since=ctx.now - dt.timedelta(days=_SURVEY_DAYS))
    if survey is None:
        return None
    words = (args.text or "").strip()
    comment = None if not words or words.strip("0123456789/⭐️ .!") == "" else mask(words)
    if args.rating is None:  # words without a score ("thanks!"): kept as the comment; the score may still come
        if comment:
            survey_store.note(session=ctx.session, survey=survey, comment=comment)
        return None
    survey_store.answer(session=ctx.session, survey=survey, score=args.rating, comment=comment or survey.comment,
                        at=ctx.now)
    return survey


def _low_score_issue(ctx: ToolContext, survey: Any) -> int | None:
    """A code that did not work for the follower: an issue, and the owner is told (its number)."""
    code = coupon_store.get(session=ctx.session, tenant_id=ctx.tenant_id, coupon_id=survey.coupon_id) if (
        survey.coupon_id) else None
    summary = f"satisfaction {survey.score}/5 for the code {code.code if code else '?'}" + (
        f": {survey.comment}" if survey.comment else "")
    issue = support_store.open_issue(session=ctx.session, tenant_id=ctx.tenant_id, at=ctx.now, fields={
        "conversation_id": survey.conversation_id, "contact_id": survey.contact_id,
        "partnership_id": survey.partnership_id, "kind": "code_not_working", "summary": summary})
    _issue_opened(ctx, issue, coupon_store.brand_name(session=ctx.session, tenant_id=ctx.tenant_id, coupon=code)
                  if code else None)
    return issue.number


class ConsentArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    granted: bool


@tool("set_consent", roles={FOLLOWER, OWNER}, args=ConsentArgs)
def set_consent(ctx: ToolContext, args: ConsentArgs) -> dict[str, Any]:
    """Record the follower's consent to keep their details and hear from the influencer, or its withdrawal."""
    contact = (
        contact_store.get(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=ctx.contact_id)
        if ctx.contact_id else None
    )
    if contact is None:
        raise ToolError("there is no contact to record consent for", code="no_contact")
    contact_store.set_consent(session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact.id,
                              consent="granted" if args.granted else "withdrawn", at=ctx.now)
    _event(ctx, "consent_granted" if args.granted else "consent_withdrawn", {"contact_id": contact.id})
    cancelled = 0 if args.granted else schedule_store.cancel_for_contact(  # every follow-up stops at once
        session=ctx.session, tenant_id=ctx.tenant_id, contact_id=contact.id, at=ctx.now, why="consent withdrawn")
    ctx.session.flush()
    ask = args.granted and _ask_once(ctx, "details_asked_at", unless=("details_at",))  # explicit, after consent
    return {"consent": contact.consent, "at": ctx.now.isoformat(), "follow_ups_cancelled": cancelled,
            "ask_details": ask}
