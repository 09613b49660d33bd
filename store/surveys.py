"""Satisfaction checks: asked (a row with no answer yet), answered (score 1-5 and/or a comment)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Survey

__all__ = ["ask", "asked_since", "pending", "note", "answer", "scores_by_coupon"]


def ask(*, session: Session, tenant_id: int, contact_id: int | None, conversation_id: str | None,
        coupon_id: int | None, partnership_id: int | None, at: dt.datetime, kind: str = "coupon") -> Survey:
    """Record that a follower was asked (the answer comes later)."""
    row = Survey(tenant_id=tenant_id, kind=kind, contact_id=contact_id, conversation_id=conversation_id,
                 coupon_id=coupon_id, partnership_id=partnership_id, asked_at=at)
    session.add(row)
    session.flush()
    return row


def asked_since(*, session: Session, tenant_id: int, contact_id: int, since: dt.datetime) -> int:
    """How many surveys the contact was asked since `since`."""
    return int(session.scalar(select(func.count()).select_from(Survey).where(
        Survey.tenant_id == tenant_id, Survey.contact_id == contact_id, Survey.asked_at >= since)) or 0)


def pending(*, session: Session, tenant_id: int, contact_id: int, since: dt.datetime) -> Survey | None:
    """The contact's latest unanswered survey asked after `since`."""
    return session.scalars(select(Survey).where(
        Survey.tenant_id == tenant_id, Survey.contact_id == contact_id, Survey.answered_at.is_(None),
        Survey.asked_at >= since).order_by(Survey.asked_at.desc())).first()


def note(*, session: Session, survey: Survey, comment: str) -> None:
    """Keep words that came without a score (already masked); the survey stays open for one."""
    survey.comment = comment if not survey.comment else f"{survey.comment} | {comment}"[:1000]


def answer(*, session: Session, survey: Survey, score: int | None, comment: str | None, at: dt.datetime) -> None:
    """Store the answer (the comment already masked)."""
    survey.score, survey.comment, survey.answered_at = score, comment, at


def scores_by_coupon(*, session: Session, tenant_id: int, since: dt.datetime,
                     until: dt.datetime) -> dict[int, tuple[int, float | None]]:
    """Per coupon id: (answers, mean score) of surveys answered in the window."""
    rows = session.execute(
        select(Survey.coupon_id, func.count(), func.avg(Survey.score))
        .where(Survey.tenant_id == tenant_id, Survey.answered_at >= since, Survey.answered_at < until,
               Survey.coupon_id.isnot(None))
        .group_by(Survey.coupon_id)).all()
    return {int(c): (int(n), float(avg) if avg is not None else None) for c, n, avg in rows}
