"""A follower's right to be forgotten, and to see what is held: erase a contact (identifying fields,
attributes, message contents kept as placeholders so counts hold, events detached) and export it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store import schedule as schedule_store
from store.models import (
    Contact,
    Conversation,
    CouponEvent,
    Event,
    Handoff,
    Message,
    OutboundMessage,
    SupportIssue,
    Survey,
    TurnTrace,
)

__all__ = ["erase_contact", "export_contact", "purge_before", "ERASED", "EXPIRED"]

ERASED = "[erased]"
EXPIRED = "[expired]"  # a message older than the influencer's retention period


def _conversations(session: Session, tenant_id: int, contact_id: int) -> list[str]:
    return list(session.scalars(select(Conversation.id).where(Conversation.tenant_id == tenant_id,
                                                              Conversation.contact_id == contact_id)))


def erase_contact(*, session: Session, tenant_id: int, contact_id: int, at: dt.datetime) -> dict[str, Any]:
    """Erase what identifies the contact and what they wrote; the numbers (messages, copies, issues)
    stay as placeholders. The conversation ids it touched, for their checkpoints to be dropped."""
    conversations = _conversations(session, tenant_id, contact_id)
    in_theirs = Message.conversation_id.in_(conversations)
    messages = session.execute(update(Message).where(Message.tenant_id == tenant_id, in_theirs)
                               .values(content=ERASED, media=[], meta={}, language=None))
    session.execute(delete(TurnTrace).where(TurnTrace.tenant_id == tenant_id,
                                            TurnTrace.conversation_id.in_(conversations)))
    session.execute(update(OutboundMessage).where(OutboundMessage.tenant_id == tenant_id,
                                                  OutboundMessage.conversation_id.in_(conversations))
                    .values(body=ERASED))
    session.execute(update(Handoff).where(Handoff.tenant_id == tenant_id, Handoff.conversation_id.in_(conversations))
                    .values(reason=""))
    session.execute(update(SupportIssue).where(
        SupportIssue.tenant_id == tenant_id,
        (SupportIssue.contact_id == contact_id) | SupportIssue.conversation_id.in_(conversations))
        .values(summary=ERASED, order_id=None, contact_id=None))
    session.execute(update(Event).where(Event.tenant_id == tenant_id, Event.contact_id == contact_id)
                    .values(contact_id=None, payload={}))
    session.execute(update(CouponEvent).where(CouponEvent.tenant_id == tenant_id, CouponEvent.contact_id == contact_id)
                    .values(contact_id=None))
    session.execute(update(Survey).where(Survey.tenant_id == tenant_id, Survey.contact_id == contact_id)
                    .values(comment=None, contact_id=None))
    schedule_store.cancel_for_contact(session=session, tenant_id=tenant_id, contact_id=contact_id, at=at,
                                      why="the contact's data was erased")
    session.execute(update(Contact).where(Contact.tenant_id == tenant_id, Contact.id == contact_id).values(
        external_id=f"erased:{uuid.uuid4().hex}", attributes={}, consent="withdrawn", consent_at=at))
    return {"conversations": conversations, "messages": int(getattr(messages, "rowcount", 0) or 0)}


def export_contact(*, session: Session, tenant_id: int, contact_id: int) -> dict[str, Any]:
    """What is held about the contact, as JSON-ready values (messages as stored: masked)."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.tenant_id != tenant_id:
        return {}
    conversations = _conversations(session, tenant_id, contact_id)
    messages = session.scalars(select(Message).where(Message.tenant_id == tenant_id,
                                                     Message.conversation_id.in_(conversations))
                               .order_by(Message.id)).all()
    surveys = session.scalars(select(Survey).where(Survey.tenant_id == tenant_id,
                                                   Survey.contact_id == contact_id)).all()
    return {
        "contact": {"channel": contact.channel, "consent": contact.consent,
                    "consent_at": contact.consent_at.isoformat() if contact.consent_at else None,
                    "details": dict(contact.attributes or {})},
        "messages": [{"at": m.created_at.isoformat(), "from": "you" if m.direction == "in" else "us",
                      "text": m.content} for m in messages],
        "surveys": [{"asked_at": s.asked_at.isoformat(), "score": s.score, "comment": s.comment} for s in surveys],
    }


def purge_before(*, session: Session, tenant_id: int, before: dt.datetime) -> int:
    """Replace the contents of the tenant's messages older than `before` with a placeholder (counts hold);
    how many were purged."""
    result = session.execute(update(Message).where(
        Message.tenant_id == tenant_id, Message.created_at < before,
        Message.content.notin_((ERASED, EXPIRED))).values(content=EXPIRED, media=[]))
    return int(getattr(result, "rowcount", 0) or 0)
