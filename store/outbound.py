"""Outbound messages repository: one row per send, its attempts, provider id and delivery status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from store.models import OutboundMessage, utcnow

__all__ = ["lock_by_key", "insert_once", "touch", "finish", "taken_provider_ids", "by_provider_id",
           "existing_keys", "update_status"]


def lock_by_key(*, session: Session, tenant_id: int, dedupe_key: str) -> OutboundMessage | None:
    """The send with this key, locked until the transaction ends (so two workers decide one at a time)."""
    return session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.tenant_id == tenant_id, OutboundMessage.dedupe_key == dedupe_key)
        .with_for_update()
    ).first()


def insert_once(*, session: Session, tenant_id: int, fields: dict[str, Any]) -> int | None:
    """Insert a send; with a dedupe key that is already taken, nothing is inserted and None returned."""
    stmt = insert(OutboundMessage).values(tenant_id=tenant_id, **fields)
    if fields.get("dedupe_key"):
        stmt = stmt.on_conflict_do_nothing(
            index_elements=["tenant_id", "dedupe_key"],
            index_where=OutboundMessage.dedupe_key.isnot(None),
        )
    return session.execute(stmt.returning(OutboundMessage.id)).scalar()


def touch(*, session: Session, tenant_id: int, row_id: int) -> None:
    """Mark a send as still being worked on (a stale row may be taken over by another worker)."""
    row = session.get(OutboundMessage, row_id)
    if row is not None and row.tenant_id == tenant_id:
        row.updated_at = utcnow()


def finish(
    *, session: Session, tenant_id: int, row_id: int, status: str, provider_id: str | None, attempts: int,
    error: str | None,
) -> None:
    """Record the outcome of a send's attempts (a status callback that came first is not overwritten)."""
    row = session.get(OutboundMessage, row_id)
    if row is None or row.tenant_id != tenant_id:
        return
    row.status = status if row.status in ("queued", "sending") else row.status
    row.provider_id = provider_id or row.provider_id
    row.attempts = (row.attempts or 0) + attempts
    row.error = error
    row.updated_at = utcnow()


def taken_provider_ids(*, session: Session, tenant_id: int, provider_ids: Iterable[str]) -> set[str]:
    """Which of these provider ids are already recorded on a send."""
    ids = list(provider_ids)
    return set(session.scalars(select(OutboundMessage.provider_id).where(
        OutboundMessage.tenant_id == tenant_id, OutboundMessage.provider_id.in_(ids))))


def by_provider_id(*, session: Session, tenant_id: int, provider_id: str) -> OutboundMessage | None:
    """The send the provider knows by this id."""
    return session.scalars(select(OutboundMessage).where(
        OutboundMessage.tenant_id == tenant_id, OutboundMessage.provider_id == provider_id)).first()


def update_status(*, session: Session, row: OutboundMessage, status: str, error: str | None) -> None:
    """Apply a delivery status from the provider."""
    row.status = status
    if error:
        row.error = error
    row.updated_at = utcnow()


def existing_keys(*, session: Session, tenant_id: int, keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys already have a send."""
    wanted = list(keys)
    return {k for k in session.scalars(select(OutboundMessage.dedupe_key).where(
        OutboundMessage.tenant_id == tenant_id, OutboundMessage.dedupe_key.in_(wanted))) if k}
