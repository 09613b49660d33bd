"""Events: things that happened, for the owner's notifications and analytics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.locks import xact_lock
from store.models import CouponEvent, Event, utcnow

__all__ = ["record", "list_recent", "first_coupon_event", "unnotified", "mark_notified"]


def record(
    *,
    session: Session,
    tenant_id: int,
    kind: str,
    payload: dict[str, Any] | None = None,
    conversation_id: str | None = None,
    contact_id: int | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Record an event (payload must be JSON-serialisable and PII masked)."""
    event = Event(
        tenant_id=tenant_id,
        kind=kind,
        payload=dict(payload or {}),
        conversation_id=conversation_id,
        contact_id=contact_id,
        at=at or utcnow(),
    )
    session.add(event)
    return event


def list_recent(*, session: Session, tenant_id: int, kind: str | None = None, limit: int = 50) -> list[Event]:
    """The tenant's latest events, newest first, optionally of one kind."""
    query = select(Event).where(Event.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(Event.kind == kind)
    return list(session.scalars(query.order_by(Event.at.desc(), Event.id.desc()).limit(limit)).all())


def first_coupon_event(
    *, session: Session, tenant_id: int, coupon_id: int, conversation_id: str, kind: str, lock: bool = False
) -> int | None:
    """The id of this conversation's first event of this kind on this coupon, or None. With `lock`, a
    lock is held until the transaction ends, so two requests at once cannot both record the first one."""
    if lock:
        xact_lock(session, f"coupon-event:{tenant_id}:{conversation_id}:{coupon_id}:{kind}")
    return session.scalar(
        select(CouponEvent.id).where(
            CouponEvent.tenant_id == tenant_id,
            CouponEvent.coupon_id == coupon_id,
            CouponEvent.conversation_id == conversation_id,
            CouponEvent.kind == kind,
        ).limit(1)
    )


def unnotified(
    *, session: Session, kinds: Sequence[str], tenant_id: int | None = None, limit: int = 50
) -> list[Event]:
    """Events of these kinds the owner has not been told about, oldest first (all tenants unless one)."""
    query = select(Event).where(Event.kind.in_(list(kinds)), Event.notified_at.is_(None))
    if tenant_id is not None:
        query = query.where(Event.tenant_id == tenant_id)
    return list(session.scalars(query.order_by(Event.id).limit(limit)))


def mark_notified(*, session: Session, tenant_id: int, event_id: int, at: dt.datetime) -> None:
    """Record that the owner was told (the first time only)."""
    event = session.get(Event, event_id)
    if event is not None and event.tenant_id == tenant_id and event.notified_at is None:
        event.notified_at = at
