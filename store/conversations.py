"""Conversations: one thread of messages between a contact and the agent (= one LangGraph thread)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Contact, Conversation, Tenant, utcnow

__all__ = ["create", "get", "latest_open", "touch", "set_paused", "with_tenant_and_contact"]


def create(
    *,
    session: Session,
    tenant_id: int,
    contact_id: int | None,
    channel: str,
    role: str = "follower",
    conversation_id: str | None = None,
    at: dt.datetime | None = None,
) -> Conversation:
    """Start a conversation (its id is the checkpoint thread id)."""
    at = at or utcnow()
    conv = Conversation(
        id=conversation_id or str(uuid.uuid4()),
        tenant_id=tenant_id,
        contact_id=contact_id,
        channel=channel,
        role=role,
        status="open",
        paused=False,
        started_at=at,
        last_message_at=at,
    )
    session.add(conv)
    session.flush()
    return conv


def get(*, session: Session, tenant_id: int, conversation_id: str) -> Conversation | None:
    """The conversation of this tenant with that id, or None (another tenant's id is None too)."""
    return session.scalars(
        select(Conversation).where(Conversation.tenant_id == tenant_id, Conversation.id == conversation_id)
    ).first()


def latest_open(
    *, session: Session, tenant_id: int, contact_id: int, channel: str, role: str, since: dt.datetime
) -> Conversation | None:
    """The contact's most recent open conversation on that channel active since `since`, or None."""
    return session.scalars(
        select(Conversation)
        .where(
            Conversation.tenant_id == tenant_id,
            Conversation.contact_id == contact_id,
            Conversation.channel == channel,
            Conversation.role == role,
            Conversation.status == "open",
            Conversation.last_message_at >= since,
        )
        .order_by(Conversation.last_message_at.desc())
        .limit(1)
    ).first()


def touch(*, session: Session, tenant_id: int, conversation_id: str, at: dt.datetime) -> None:
    """Move the conversation's last activity forward."""
    conv = session.get(Conversation, conversation_id)  # usually already in the session: no query
    if conv is not None and conv.tenant_id == tenant_id and (conv.last_message_at is None or at > conv.last_message_at):
        conv.last_message_at = at
    if conv is not None and conv.tenant_id == tenant_id and conv.status == "closed":  # a message reopens it
        conv.status, conv.closed_at = "open", None


def set_paused(*, session: Session, tenant_id: int, conversation_id: str, paused: bool) -> Conversation | None:
    """Pause the bot (a human took over) or hand the conversation back to it."""
    conv = get(session=session, tenant_id=tenant_id, conversation_id=conversation_id)
    if conv is not None:
        conv.paused = paused
    return conv


def with_tenant_and_contact(
    *, session: Session, conversation_id: str
) -> tuple[Conversation | None, Tenant | None, Contact | None]:
    """The conversation with its tenant and contact in one round trip (row-level security scopes it)."""
    row = session.execute(
        select(Conversation, Tenant, Contact)
        .join(Tenant, Tenant.id == Conversation.tenant_id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Conversation.id == conversation_id)
    ).first()
    return (row[0], row[1], row[2]) if row is not None else (None, None, None)
