"""The owner's inbox: follower conversations waiting for or held by a human, by per-tenant number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.locks import next_number
from store.models import Contact, Conversation, Handoff, Message

__all__ = ["Waiting", "number_of", "by_number", "waiting", "recent_messages", "last_inbound", "follower_language"]


@dataclass(frozen=True)
class Waiting:
    """One conversation in the inbox."""

    number: int
    conversation_id: str
    channel: str
    state: str  # waiting | active (a human holds it)
    name: str | None
    since: dt.datetime
    last_message: str | None
    last_at: dt.datetime | None


def number_of(*, session: Session, conversation: Conversation) -> int:
    """The conversation's per-tenant number, given on first need ("#12")."""
    if conversation.number is None:
        conversation.number = next_number(session, Conversation.number, Conversation.tenant_id,
                                          conversation.tenant_id)
        session.flush()
    return conversation.number


def by_number(*, session: Session, tenant_id: int, number: int) -> Conversation | None:
    """The tenant's follower conversation with this number."""
    return session.scalars(select(Conversation).where(
        Conversation.tenant_id == tenant_id, Conversation.number == number, Conversation.role == "follower")).first()


def last_inbound(*, session: Session, tenant_id: int, conversation_id: str) -> Message | None:
    """The follower's latest message in the conversation."""
    return session.scalars(select(Message).where(
        Message.tenant_id == tenant_id, Message.conversation_id == conversation_id, Message.direction == "in")
        .order_by(Message.id.desc())).first()


def follower_language(*, session: Session, tenant_id: int, conversation_id: str, default: str) -> str:
    """The language of the follower's latest message, else `default`."""
    last = last_inbound(session=session, tenant_id=tenant_id, conversation_id=conversation_id)
    return (last.language if last is not None else None) or default


def waiting(*, session: Session, tenant_id: int) -> list[Waiting]:
    """Conversations waiting for a human or held by one, oldest request first."""
    rows = session.execute(
        select(Handoff, Conversation, Contact)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Handoff.tenant_id == tenant_id, Handoff.status.in_(("waiting", "active")))
        .order_by(Handoff.created_at)
    ).all()
    out: list[Waiting] = []
    seen: set[str] = set()
    for handoff, conv, contact in rows:
        if conv.id in seen:
            continue
        seen.add(conv.id)
        last = last_inbound(session=session, tenant_id=tenant_id, conversation_id=conv.id)
        name = (contact.attributes or {}).get("name") if contact is not None else None
        out.append(Waiting(number_of(session=session, conversation=conv), conv.id, conv.channel, handoff.status,
                           str(name) if name else None, handoff.created_at,
                           last.content if last else None, last.created_at if last else None))
    return out


def recent_messages(*, session: Session, tenant_id: int, conversation_id: str, limit: int = 8) -> list[Message]:
    """The conversation's latest messages, oldest first (content is stored masked)."""
    rows = list(session.scalars(select(Message).where(
        Message.tenant_id == tenant_id, Message.conversation_id == conversation_id)
        .order_by(Message.id.desc()).limit(limit)))
    return list(reversed(rows))
