"""Follower care: support issues, handover to a human, feedback and consent; the owner hears via events."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from store.models import Contact, Conversation, CouponEvent, Event, Handoff, SupportIssue
from tools._brands import resolve_brand, visible_partnerships
from tools.registry import FOLLOWER, OWNER, ToolContext, ToolError, tool

__all__ = ["open_support_issue", "request_handoff", "record_feedback", "set_consent", "mask"]

SUPPORT_KINDS = ("order_missing", "code_not_working", "damaged", "refund", "other")


def mask(text: str | None) -> str:
    """The text with personal data masked (agent.guard when present, else unchanged)."""
    if not text:
        return ""
    try:
        from agent.guard import mask_pii
    except ImportError:
        try:
            from agent.guard.pii import mask_pii
        except ImportError:  # the guard is not in this build; stored text stays as given
            return text
    return mask_pii(text)


def _existing_conversation(ctx: ToolContext) -> Conversation | None:
    return ctx.session.get(Conversation, ctx.conversation_id) if ctx.conversation_id else None


def _existing_contact_id(ctx: ToolContext) -> int | None:
    return ctx.contact_id if ctx.contact_id and ctx.session.get(Contact, ctx.contact_id) else None


def _event(ctx: ToolContext, kind: str, payload: dict[str, Any]) -> Event:
    event = Event(
        tenant_id=ctx.tenant_id,
        kind=kind,
        conversation_id=ctx.conversation_id,
        contact_id=ctx.contact_id,
        payload=payload,
        at=ctx.now,
    )
    ctx.session.add(event)
    return event


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
    issue = SupportIssue(
        tenant_id=ctx.tenant_id,
        conversation_id=conversation.id if conversation else None,
        contact_id=_existing_contact_id(ctx),
        partnership_id=brand.id if brand else None,
        kind=args.kind,
        summary=mask(args.summary),
        order_id=args.order_id,
        status="open",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(issue)
    ctx.session.flush()
    _event(
        ctx,
        "support_issue_opened",
        {
            "issue_id": issue.id,
            "kind": issue.kind,
            "summary": issue.summary,
            "order_id": issue.order_id,
            "brand": brand.brand if brand else None,
        },
    )
    ctx.session.flush()
    return {
        "issue_id": issue.id,
        "kind": issue.kind,
        "order_id": issue.order_id,
        "brand": brand.brand if brand else None,
        "status": "open",
    }


class HandoffArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    reason: str = Field(default="", max_length=1000)


@tool("request_handoff", roles={FOLLOWER, OWNER}, args=HandoffArgs)
def request_handoff(ctx: ToolContext, args: HandoffArgs) -> dict[str, Any]:
    """Hand the conversation to the influencer's team: the bot stays quiet here until a human releases it."""
    conversation = _existing_conversation(ctx)
    if conversation is None or conversation.tenant_id != ctx.tenant_id:
        raise ToolError("there is no conversation to hand over", code="no_conversation")
    waiting = ctx.session.scalars(
        select(Handoff).where(
            Handoff.tenant_id == ctx.tenant_id,
            Handoff.conversation_id == conversation.id,
            Handoff.status.in_(("waiting", "active")),
        )
    ).first()
    conversation.paused = True
    if waiting is not None:  # asking twice does not queue the follower twice
        return {"handoff_id": waiting.id, "status": waiting.status, "paused": True, "already_waiting": True}
    handoff = Handoff(
        tenant_id=ctx.tenant_id,
        conversation_id=conversation.id,
        reason=mask(args.reason),
        status="waiting",
        created_at=ctx.now,
    )
    ctx.session.add(handoff)
    ctx.session.flush()
    _event(ctx, "handoff_requested", {"handoff_id": handoff.id, "reason": handoff.reason})
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
        copied = ctx.session.scalars(
            select(CouponEvent)
            .where(
                CouponEvent.tenant_id == ctx.tenant_id,
                CouponEvent.conversation_id == ctx.conversation_id,
                CouponEvent.kind == "copied",
            )
            .order_by(CouponEvent.at.desc())
        ).first()
    if copied is not None:
        payload.update(coupon_id=copied.coupon_id, satisfaction=_satisfaction(args))
    event = _event(ctx, "feedback", payload)
    ctx.session.flush()
    return {
        "event_id": event.id,
        "rating": args.rating,
        "sentiment": args.sentiment,
        "after_coupon": copied is not None,
        "satisfaction": payload.get("satisfaction"),
    }


class ConsentArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    granted: bool


@tool("set_consent", roles={FOLLOWER, OWNER}, args=ConsentArgs)
def set_consent(ctx: ToolContext, args: ConsentArgs) -> dict[str, Any]:
    """Record the follower's consent to keep their details and hear from the influencer, or its withdrawal."""
    contact = ctx.session.get(Contact, ctx.contact_id) if ctx.contact_id else None
    if contact is None or contact.tenant_id != ctx.tenant_id:
        raise ToolError("there is no contact to record consent for", code="no_contact")
    contact.consent = "granted" if args.granted else "withdrawn"
    contact.consent_at = ctx.now
    _event(ctx, "consent_granted" if args.granted else "consent_withdrawn", {"contact_id": contact.id})
    ctx.session.flush()
    return {"consent": contact.consent, "at": ctx.now.isoformat()}
