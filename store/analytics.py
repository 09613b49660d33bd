"""Analytics queries: follower conversations and inbound messages in a window, tenant-scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Conversation, Message

__all__ = ["conversation_counts", "inbound_intents", "human_response_minutes", "issue_close_hours"]


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


def human_response_minutes(
    *, session: Session, tenant_id: int, since: dt.datetime | None, until: dt.datetime | None
) -> list[float]:
    """Minutes from each handoff request in the window to the owner's first reply in that conversation."""
    from store.models import Handoff

    first_reply = (
        select(func.min(Message.created_at))
        .where(Message.tenant_id == tenant_id, Message.conversation_id == Handoff.conversation_id,
               Message.direction == "out", Message.meta["by"].as_string() == "owner",
               Message.created_at >= Handoff.created_at)
        .correlate(Handoff)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Handoff.created_at, first_reply)
        .where(Handoff.tenant_id == tenant_id, *_window(Handoff.created_at, since, until))
    ).all()
    return [(replied - asked).total_seconds() / 60 for asked, replied in rows if replied is not None]


def issue_close_hours(
    *, session: Session, tenant_id: int, since: dt.datetime | None, until: dt.datetime | None
) -> list[float]:
    """Hours from opening to closing of the issues closed in the window."""
    from store.models import SupportIssue

    rows = session.execute(
        select(SupportIssue.created_at, SupportIssue.closed_at)
        .where(SupportIssue.tenant_id == tenant_id, SupportIssue.status == "closed",
               SupportIssue.closed_at.is_not(None), *_window(SupportIssue.closed_at, since, until))
    ).all()
    return [(closed - opened).total_seconds() / 3600 for opened, closed in rows if closed and opened]
