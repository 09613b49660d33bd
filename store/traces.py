"""Turn traces: what the agent understood, decided and did in one turn, with timings."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from store.models import Conversation, TurnTrace, utcnow

__all__ = ["add", "for_conversation", "by_message", "find_conversation"]


def add(
    *,
    session: Session,
    tenant_id: int,
    conversation_id: str,
    message_id: int | None,
    trace: dict[str, Any],
    total_ms: float,
    at: dt.datetime | None = None,
) -> None:
    """Store one turn's trace (already PII masked): one INSERT, no ORM object."""
    table = cast(Table, TurnTrace.__table__)
    session.execute(insert(table).values(tenant_id=tenant_id, conversation_id=conversation_id, message_id=message_id,
                                         trace=trace, total_ms=total_ms, at=at or utcnow()))


def for_conversation(*, session: Session, tenant_id: int, conversation_id: str) -> list[TurnTrace]:
    """The conversation's traces, oldest first."""
    return list(
        session.scalars(
            select(TurnTrace)
            .where(TurnTrace.tenant_id == tenant_id, TurnTrace.conversation_id == conversation_id)
            .order_by(TurnTrace.id)
        ).all()
    )


def by_message(*, session: Session, tenant_id: int, conversation_id: str) -> dict[int, dict[str, Any]]:
    """The conversation's traces by the inbound message they answered."""
    rows = session.execute(
        select(TurnTrace.message_id, TurnTrace.trace)
        .where(TurnTrace.tenant_id == tenant_id, TurnTrace.conversation_id == conversation_id,
               TurnTrace.message_id.isnot(None))
    ).all()
    return {int(mid): dict(trace or {}) for mid, trace in rows}


def find_conversation(*, session: Session, conversation_id: str) -> Conversation | None:
    """The conversation with that id whatever its tenant (operator tools only: `influencer-os trace`)."""
    from store.tenancy import bind, tenant_of_conversation

    tenant_id = tenant_of_conversation(session, conversation_id)
    if tenant_id is None:
        return None
    bind(session, tenant_id)
    return session.get(Conversation, conversation_id)
