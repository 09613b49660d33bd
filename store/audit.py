"""Audit log repository: every change an owner makes, with before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditEntry, utcnow

__all__ = ["record", "recent"]


def record(
    *,
    session: Session,
    tenant_id: int,
    actor: str,
    channel: str,
    action: str,
    resource: str,
    resource_id: str | int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Add one audit entry (JSON-ready before/after dicts); flushed, not committed."""
    entry = AuditEntry(
        tenant_id=tenant_id,
        actor=(actor or "owner")[:128],
        channel=(channel or "unknown")[:20],
        action=action[:50],
        resource=resource[:30],
        resource_id=None if resource_id is None else str(resource_id)[:64],
        before=before,
        after=after,
        at=at or utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def recent(
    *,
    session: Session,
    tenant_id: int,
    limit: int = 50,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    resource: str | None = None,
) -> list[AuditEntry]:
    """The tenant's newest entries first, optionally for one resource kind and time window."""
    query = select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if resource:
        query = query.where(AuditEntry.resource == resource)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(max(1, limit))
    return list(session.scalars(query))
