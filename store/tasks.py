"""Tasks repository: the influencer's to-do items with deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Partnership, Task

__all__ = ["OPEN_TASK_STATUSES", "list_tasks", "get", "create", "titles"]

OPEN_TASK_STATUSES = ("pending", "in_progress", "blocked")
_PRIORITY_ORDER = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


def list_tasks(
    *,
    session: Session,
    tenant_id: int,
    statuses: Sequence[str] | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    partnership_id: int | None = None,
) -> list[Task]:
    """Tasks by due date (undated last), then priority; due bounds inclusive."""
    query = select(Task).where(Task.tenant_id == tenant_id)
    if statuses:
        query = query.where(Task.status.in_(list(statuses)))
    if due_from is not None:
        query = query.where(Task.due_date >= due_from)
    if due_to is not None:
        query = query.where(Task.due_date <= due_to)
    if partnership_id is not None:
        query = query.where(Task.partnership_id == partnership_id)
    rows = list(session.scalars(query))
    return sorted(
        rows,
        key=lambda t: (
            t.due_date is None,
            t.due_date or dt.date.max,
            t.due_at or dt.datetime.max.replace(tzinfo=dt.UTC),
            _PRIORITY_ORDER.get(t.priority, 9),
            t.id,
        ),
    )


def get(*, session: Session, tenant_id: int, task_id: int) -> Task | None:
    """One task by id, only within the tenant."""
    return session.scalar(select(Task).where(Task.tenant_id == tenant_id, Task.id == task_id))


def create(*, session: Session, tenant_id: int, fields: dict[str, Any]) -> Task:
    """Add a task from validated fields; flushed so it has an id."""
    row = Task(tenant_id=tenant_id, **fields)
    session.add(row)
    session.flush()
    return row


def titles(*, session: Session, tenant_id: int, limit: int = 300) -> list[tuple[int, str, str | None]]:
    """(id, title, partnership ref) of the newest tasks, for understanding which task words name."""
    rows = session.execute(
        select(Task.id, Task.title, Partnership.ref)
        .outerjoin(Partnership, Partnership.id == Task.partnership_id)
        .where(Task.tenant_id == tenant_id)
        .order_by(Task.id.desc())
        .limit(limit)
    )
    return [(r[0], r[1], r[2]) for r in rows]
