"""Messages: every inbound and outbound message, PII masked, inbound idempotent on the channel's id."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from store.models import Message, utcnow

_TABLE = cast(Table, Message.__table__)  # the turn's inserts go through Core: no ORM object is needed

__all__ = ["find_inbound", "inbound_id", "add_inbound", "add_outbound", "reply_to", "recent", "unprompted_after"]


def find_inbound(*, session: Session, tenant_id: int, channel: str, channel_message_id: str) -> Message | None:
    """The stored inbound message with that channel id, or None."""
    return session.scalars(
        select(Message).where(
            Message.tenant_id == tenant_id,
            Message.channel == channel,
            Message.channel_message_id == channel_message_id,
            Message.direction == "in",
        )
    ).first()


def inbound_id(*, session: Session, tenant_id: int, channel: str, channel_message_id: str) -> int | None:
    """The id of the stored inbound message with that channel id, or None: the duplicate check every turn
    makes (one Core SELECT of the id; `find_inbound` loads the message when there is one)."""
    t = _TABLE
    return session.execute(select(t.c.id).where(t.c.tenant_id == tenant_id, t.c.channel == channel,
                                                t.c.channel_message_id == channel_message_id,
                                                t.c.direction == "in")).scalar()


def add_inbound(
    *,
    session: Session,
    tenant_id: int,
    conversation_id: str,
    channel: str,
    content: str,
    channel_message_id: str | None = None,
    language: str | None = None,
    intent: str | None = None,
    media: list[dict[str, Any]] | None = None,
    meta: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> int | None:
    """Store an inbound message (content already masked); its id, or None when that channel id is already
    stored."""
    values = dict(
        tenant_id=tenant_id,
        conversation_id=conversation_id,
        direction="in",
        channel=channel,
        channel_message_id=channel_message_id,
        content=content,
        language=language,
        intent=intent,
        media=list(media or []),
        meta=dict(meta or {}),
        created_at=at or utcnow(),
    )
    stmt = insert(_TABLE).values(**values)
    if channel_message_id is not None:
        stmt = stmt.on_conflict_do_nothing(
            index_elements=["tenant_id", "channel", "channel_message_id"],
            index_where=_TABLE.c.channel_message_id.isnot(None),
        )
    # One round trip, the id back from RETURNING (nothing when the id was stored before); no ORM object.
    return session.execute(stmt.returning(_TABLE.c.id)).scalar()


def add_outbound(
    *,
    session: Session,
    tenant_id: int,
    conversation_id: str,
    channel: str,
    content: str,
    reply_to: int | None,
    language: str | None = None,
    intent: str | None = None,
    meta: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Store the agent's reply to an inbound message; its id. One INSERT, no ORM object (none is needed)."""
    values = dict(tenant_id=tenant_id, conversation_id=conversation_id, direction="out", channel=channel,
                  content=content, language=language, intent=intent, media=[],
                  meta={**(meta or {}), "reply_to": reply_to}, created_at=at or utcnow())
    return int(session.execute(insert(_TABLE).values(**values).returning(_TABLE.c.id)).scalar_one())


def reply_to(*, session: Session, tenant_id: int, inbound: Message) -> Message | None:
    """The reply stored for that inbound message, or None (the bot stayed silent)."""
    return session.scalars(
        select(Message).where(
            Message.tenant_id == tenant_id,
            Message.conversation_id == inbound.conversation_id,
            Message.direction == "out",
            Message.meta["reply_to"].as_integer() == inbound.id,
        )
    ).first()


def recent(*, session: Session, tenant_id: int, conversation_id: str, limit: int = 20) -> list[Message]:
    """The conversation's last messages, oldest first."""
    rows = session.scalars(
        select(Message)
        .where(Message.tenant_id == tenant_id, Message.conversation_id == conversation_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))



def unprompted_after(
    *, session: Session, tenant_id: int, conversation_id: str, after_id: int, limit: int = 50
) -> list[Message]:
    """Outbound messages of the conversation newer than `after_id` that answer no inbound message (a
    person's relayed reply, a hand-back notice, an issue closed), oldest first: what an open chat
    window has not been streamed."""
    return list(session.scalars(
        select(Message)
        .where(Message.tenant_id == tenant_id, Message.conversation_id == conversation_id,
               Message.direction == "out", Message.id > after_id,
               Message.meta["reply_to"].as_string().is_(None))
        .order_by(Message.id)
        .limit(limit)
    ).all())
