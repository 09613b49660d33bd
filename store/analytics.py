"""Analytics queries: follower conversations and inbound messages in a window, tenant-scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Conversation, Message

__all__ = ["conversation_counts", "inbound_intents"]


def _window(column: Any, since: dt.datetime | None, until: dt.datetime | None) -> list[Any]:
    conds = []
    if since is not None:
        conds.append(column >= since)
    if until is not None:
        conds.append(column < until)
    return conds


def conversation_counts(
    *, session: Session, tenant_id: int, since: dt.datetime | None, until: dt.datetime | None
) -> dict[str, int]:
    """Follower conversations open now, started in the window and closed in the window."""
    follower = (Conversation.tenant_id == tenant_id, Conversation.role == "follower")

    def count(*conds: Any) -> int:
        return int(session.scalar(select(func.count()).where(*follower, *conds)) or 0)

    return {
        "in_progress": count(Conversation.status == "open"),
        "started": count(*_window(Conversation.started_at, since, until)),
        "closed": count(Conversation.status == "closed", *_window(Conversation.closed_at, since, until)),
    }


def inbound_intents(
    *, session: Session, tenant_id: int, since: dt.datetime | None, until: dt.datetime | None
) -> list[tuple[str | None, dt.datetime]]:
    """(intent, created_at) of every follower message received in the window."""
    query = (
        select(Message.intent, Message.created_at)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.tenant_id == tenant_id,
            Message.direction == "in",
            Conversation.role == "follower",
            *_window(Message.created_at, since, until),
        )
    )
    return [(intent, at) for intent, at in session.execute(query)]
