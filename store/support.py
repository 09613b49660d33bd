"""Follower care repository: support issues and handoffs to a human, tenant-scoped, flushed not committed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.locks import next_number
from store.models import Handoff, SupportIssue

__all__ = [
    "open_issue",
    "issue_by_number",
    "get_issue",
    "close_issue",
    "release_handoffs",
    "hold",
    "issues_created",
    "open_issue_counts",
    "pending_handoff",
    "open_handoff",
    "waiting_handoffs",
]


def open_issue(*, session: Session, tenant_id: int, fields: dict[str, Any], at: dt.datetime) -> SupportIssue:
    """Open a support issue (the summary must already be masked)."""
    number = next_number(session, SupportIssue.number, SupportIssue.tenant_id, tenant_id)
    issue = SupportIssue(tenant_id=tenant_id, status="open", number=number, created_at=at, updated_at=at, **fields)
    session.add(issue)
    session.flush()
    return issue


def issue_by_number(*, session: Session, tenant_id: int, number: int) -> SupportIssue | None:
    """The tenant's support issue with this per-tenant number."""
    return session.scalars(
        select(SupportIssue).where(SupportIssue.tenant_id == tenant_id, SupportIssue.number == number)
    ).first()


def close_issue(*, session: Session, issue: SupportIssue, by: str, note: str | None, at: dt.datetime) -> None:
    """Close an issue, saying who closed it and why (the note must already be masked)."""
    issue.status, issue.closed_at, issue.closed_by, issue.close_note, issue.updated_at = "closed", at, by, note, at


def release_handoffs(*, session: Session, tenant_id: int, conversation_id: str, at: dt.datetime) -> int:
    """Mark the conversation's waiting or active handoffs released; how many were."""
    rows = list(session.scalars(select(Handoff).where(
        Handoff.tenant_id == tenant_id, Handoff.conversation_id == conversation_id,
        Handoff.status.in_(("waiting", "active")))))
    for row in rows:
        row.status, row.released_at = "released", at
    return len(rows)


def hold(*, session: Session, tenant_id: int, conversation_id: str) -> None:
    """A human answered: the conversation's waiting handoff becomes active."""
    for row in session.scalars(select(Handoff).where(
            Handoff.tenant_id == tenant_id, Handoff.conversation_id == conversation_id, Handoff.status == "waiting")):
        row.status = "active"


def issues_created(*, session: Session, tenant_id: int, since: dt.datetime, until: dt.datetime) -> list[SupportIssue]:
    """Issues opened in [since, until), oldest first."""
    return list(
        session.scalars(
            select(SupportIssue)
            .where(SupportIssue.tenant_id == tenant_id, SupportIssue.created_at >= since,
                   SupportIssue.created_at < until)
            .order_by(SupportIssue.created_at)
        )
    )


def open_issue_counts(
    *, session: Session, tenant_id: int, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> tuple[dict[str, int], int]:
    """Open issues by kind now, and how many were opened in [since, until)."""
    by_kind = dict(
        session.execute(
            select(SupportIssue.kind, func.count())
            .where(SupportIssue.tenant_id == tenant_id, SupportIssue.status == "open")
            .group_by(SupportIssue.kind)
        ).all()
    )
    opened = select(func.count()).where(SupportIssue.tenant_id == tenant_id)
    if since is not None:
        opened = opened.where(SupportIssue.created_at >= since)
    if until is not None:
        opened = opened.where(SupportIssue.created_at < until)
    return by_kind, int(session.scalar(opened) or 0)


def pending_handoff(*, session: Session, tenant_id: int, conversation_id: str) -> Handoff | None:
    """The conversation's handoff still waiting for or held by a human, if any."""
    return session.scalars(
        select(Handoff).where(
            Handoff.tenant_id == tenant_id,
            Handoff.conversation_id == conversation_id,
            Handoff.status.in_(("waiting", "active")),
        )
    ).first()


def open_handoff(
    *, session: Session, tenant_id: int, conversation_id: str, reason: str, at: dt.datetime
) -> Handoff:
    """Queue the conversation for a human (the reason must already be masked)."""
    handoff = Handoff(tenant_id=tenant_id, conversation_id=conversation_id, reason=reason, status="waiting",
                      created_at=at)
    session.add(handoff)
    session.flush()
    return handoff


def waiting_handoffs(*, session: Session, tenant_id: int) -> int:
    """How many conversations wait for a human."""
    return int(
        session.scalar(select(func.count()).where(Handoff.tenant_id == tenant_id, Handoff.status == "waiting")) or 0
    )


def get_issue(*, session: Session, tenant_id: int, issue_id: int) -> SupportIssue | None:
    """One issue of the tenant by its id."""
    issue = session.get(SupportIssue, issue_id)
    return issue if issue is not None and issue.tenant_id == tenant_id else None
