"""Conversation lifecycle queries: held conversations the owner left idle, and idle conversations to close.
Run across tenants by the worker (as the owner role), each change scoped to its tenant."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import Conversation, Handoff, Message

__all__ = ["HeldIdle", "held_idle", "close_idle"]


@dataclass(frozen=True)
class HeldIdle:
    """A conversation a human holds (or was asked into) with no owner reply since `since`."""

    tenant_id: int
    conversation_id: str
    since: dt.datetime


def held_idle(*, session: Session, idle_hours: dict[int, float], default_hours: float,
              now: dt.datetime) -> list[HeldIdle]:
    """Paused follower conversations whose last owner reply (or handoff request) is older than the
    tenant's idle time (`idle_hours` by tenant id, else `default_hours`)."""
    last_owner = (
        select(Message.conversation_id, func.max(Message.created_at).label("at"))
        .where(Message.direction == "out", Message.meta["by"].as_string() == "owner")
        .group_by(Message.conversation_id)
        .subquery()
    )
    asked = (
        select(Handoff.conversation_id, func.max(Handoff.created_at).label("at"))
        .group_by(Handoff.conversation_id)
        .subquery()
    )
    rows = session.execute(
        select(Conversation, last_owner.c.at, asked.c.at)
        .outerjoin(last_owner, last_owner.c.conversation_id == Conversation.id)
        .outerjoin(asked, asked.c.conversation_id == Conversation.id)
        .where(Conversation.paused.is_(True), Conversation.role == "follower")
    ).all()
    out = []
    for conv, replied_at, asked_at in rows:
        since = max(t for t in (replied_at, asked_at, conv.started_at) if t is not None)
        hours = idle_hours.get(conv.tenant_id, default_hours)
        if now - since >= dt.timedelta(hours=hours):
            out.append(HeldIdle(conv.tenant_id, conv.id, since))
    return out


def close_idle(*, session: Session, tenant_id: int, idle_hours: float, now: dt.datetime) -> int:
    """Close the tenant's open follower conversations without a message for `idle_hours`; how many."""
    result = session.execute(
        update(Conversation)
        .where(Conversation.tenant_id == tenant_id, Conversation.role == "follower",
               Conversation.status == "open", Conversation.paused.is_(False),
               Conversation.last_message_at < now - dt.timedelta(hours=idle_hours))
        .values(status="closed", closed_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
