"""Scheduled jobs on the application's clock: schedule once per dedupe key, claim what is due (once
across workers: FOR UPDATE SKIP LOCKED), finish, retry with backoff, or move to dead after the last try.

Claiming scans every tenant (the worker's admin session); running a job binds its tenant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from store.models import ScheduledJob

__all__ = ["Claimed", "schedule", "claim_due", "finish", "retry_or_dead", "reschedule", "jobs", "counts",
           "MAX_ATTEMPTS", "cancel_for_contact", "revive"]

MAX_ATTEMPTS = 3
_RUNNING_TOO_LONG = dt.timedelta(minutes=10)  # a worker that died mid-job: its claim lapses


@dataclass(frozen=True)
class Claimed:
    """A job a worker now holds."""

    id: int
    tenant_id: int
    kind: str
    due_at: dt.datetime
    attempts: int
    payload: dict[str, Any]


def schedule(*, session: Session, tenant_id: int, kind: str, due_at: dt.datetime, payload: dict[str, Any],
             dedupe_key: str | None = None) -> int | None:
    """Add a job; None when a job with this dedupe key already exists (never the same one twice)."""
    stmt = insert(ScheduledJob).values(tenant_id=tenant_id, kind=kind, due_at=due_at, payload=payload,
                                       dedupe_key=dedupe_key, status="todo", attempts=0)
    if dedupe_key is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=["tenant_id", "dedupe_key"],
                                           index_where=ScheduledJob.dedupe_key.isnot(None))
    return session.scalar(stmt.returning(ScheduledJob.id))


def claim_due(*, session: Session, now: dt.datetime, limit: int = 50) -> list[Claimed]:
    """Take up to `limit` jobs due by `now` (and running ones whose worker went quiet), oldest first."""
    rows = session.scalars(
        select(ScheduledJob)
        .where(((ScheduledJob.status == "todo") & (ScheduledJob.due_at <= now))
               | ((ScheduledJob.status == "running") & (ScheduledJob.finished_at < now - _RUNNING_TOO_LONG)))
        .order_by(ScheduledJob.due_at, ScheduledJob.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for row in rows:
        row.status, row.attempts, row.finished_at = "running", row.attempts + 1, now  # finished_at: the claim's time
        claimed.append(Claimed(row.id, row.tenant_id, row.kind, row.due_at, row.attempts, dict(row.payload or {})))
    session.flush()
    return claimed


def finish(*, session: Session, job_id: int, status: str, at: dt.datetime, note: str | None = None) -> None:
    """done | cancelled (with why) | dead."""
    session.execute(update(ScheduledJob).where(ScheduledJob.id == job_id)
                    .values(status=status, finished_at=at, last_error=note))


def reschedule(*, session: Session, job_id: int, due_at: dt.datetime, note: str) -> None:
    """Back to waiting, for a later time (quiet hours), without spending an attempt."""
    session.execute(update(ScheduledJob).where(ScheduledJob.id == job_id)
                    .values(status="todo", due_at=due_at, attempts=ScheduledJob.attempts - 1, last_error=note,
                            finished_at=None))


def retry_or_dead(*, session: Session, job_id: int, attempts: int, at: dt.datetime, error: str) -> str:
    """After a failure: again later (1, 4, 16 minutes) or dead after MAX_ATTEMPTS; the new status."""
    if attempts >= MAX_ATTEMPTS:
        finish(session=session, job_id=job_id, status="dead", at=at, note=error[:500])
        return "dead"
    session.execute(update(ScheduledJob).where(ScheduledJob.id == job_id).values(
        status="todo", due_at=at + dt.timedelta(minutes=4 ** (attempts - 1)), last_error=error[:500],
        finished_at=None))
    return "todo"


def cancel_for_contact(*, session: Session, tenant_id: int, contact_id: int, at: dt.datetime, why: str) -> int:
    """Cancel a contact's waiting follower jobs (consent withdrawn); how many."""
    result = session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.tenant_id == tenant_id, ScheduledJob.status == "todo",
               ScheduledJob.payload["contact_id"].as_integer() == contact_id)
        .values(status="cancelled", finished_at=at, last_error=why))
    return int(getattr(result, "rowcount", 0) or 0)


def jobs(*, session: Session, status: str | None = None, limit: int = 50) -> list[ScheduledJob]:
    """Jobs (across tenants, for operators), by status, soonest first."""
    query = select(ScheduledJob)
    if status:
        query = query.where(ScheduledJob.status == status)
    return list(session.scalars(query.order_by(ScheduledJob.due_at, ScheduledJob.id).limit(limit)))


def counts(*, session: Session) -> dict[str, int]:
    """How many jobs in each status."""
    return {str(s): int(n) for s, n in session.execute(
        select(ScheduledJob.status, func.count()).group_by(ScheduledJob.status))}


def revive(*, session: Session, at: dt.datetime, job_id: int | None = None) -> int:
    """Dead jobs (one, or all) due again now with fresh attempts; how many."""
    query = update(ScheduledJob).where(ScheduledJob.status == "dead")
    if job_id is not None:
        query = query.where(ScheduledJob.id == job_id)
    result = session.execute(query.values(status="todo", due_at=at, attempts=0, finished_at=None))
    return int(getattr(result, "rowcount", 0) or 0)
