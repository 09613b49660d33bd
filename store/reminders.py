"""What owner reminders are about: open tasks and unpaid invoices with a due date, proposals waiting,
partnerships starting or ending, follower issues still open; and how a partnership did."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Coupon, CouponEvent, Invoice, Partnership, SupportIssue, Survey, Task
from store.models_brands import BrandNote

__all__ = ["open_tasks_due", "unpaid_invoices_due", "open_proposals", "partnerships_dated", "open_issues_since",
           "partnership_results", "OPEN_TASK", "UNPAID", "PROPOSAL", "STARTING", "ENDING"]

OPEN_TASK = ("pending", "in_progress", "blocked")
UNPAID = ("draft", "sent", "overdue")
PROPOSAL = ("proposal",)
STARTING = ("negotiation", "contract", "active")  # a start date worth a reminder
ENDING = ("active",)


def open_tasks_due(*, session: Session, tenant_id: int, until: dt.date, since: dt.date) -> list[Task]:
    """Open tasks due between `since` and `until` (inclusive)."""
    return list(session.scalars(select(Task).where(
        Task.tenant_id == tenant_id, Task.status.in_(OPEN_TASK), Task.due_date.isnot(None),
        Task.due_date >= since, Task.due_date <= until).order_by(Task.due_date, Task.id)))


def unpaid_invoices_due(*, session: Session, tenant_id: int, until: dt.date, since: dt.date) -> list[Invoice]:
    """Unpaid invoices due between `since` and `until` (inclusive)."""
    return list(session.scalars(select(Invoice).where(
        Invoice.tenant_id == tenant_id, Invoice.status.in_(UNPAID), Invoice.due.isnot(None),
        Invoice.due >= since, Invoice.due <= until).order_by(Invoice.due, Invoice.id)))


def open_brand_notes(*, session: Session, tenant_id: int) -> list[BrandNote]:
    """Brand communications still open, oldest first."""
    return list(session.scalars(select(BrandNote).where(
        BrandNote.tenant_id == tenant_id, BrandNote.status == "open").order_by(BrandNote.created_at, BrandNote.id)))


def open_proposals(*, session: Session, tenant_id: int) -> list[Partnership]:
    """Partnerships waiting at the proposal stage."""
    return list(session.scalars(select(Partnership).where(
        Partnership.tenant_id == tenant_id, Partnership.status.in_(PROPOSAL)).order_by(Partnership.id)))


def partnerships_dated(*, session: Session, tenant_id: int, column: str, statuses: tuple[str, ...],
                       since: dt.date, until: dt.date) -> list[Partnership]:
    """Partnerships in `statuses` whose start_date or end_date (`column`) falls in the window."""
    date = Partnership.start_date if column == "start_date" else Partnership.end_date
    return list(session.scalars(select(Partnership).where(
        Partnership.tenant_id == tenant_id, Partnership.status.in_(statuses), date.isnot(None),
        date >= since, date <= until).order_by(date, Partnership.id)))


def open_issues_since(*, session: Session, tenant_id: int, since: dt.datetime) -> list[SupportIssue]:
    """Follower issues still open that were opened after `since`."""
    return list(session.scalars(select(SupportIssue).where(
        SupportIssue.tenant_id == tenant_id, SupportIssue.status == "open",
        SupportIssue.created_at >= since).order_by(SupportIssue.created_at, SupportIssue.id)))


def partnership_results(*, session: Session, tenant_id: int, partnership_id: int) -> dict[str, float | int | None]:
    """What a partnership's codes did: copies, redemptions, satisfaction answers and their mean."""
    kinds = dict(session.execute(
        select(CouponEvent.kind, func.count()).join(Coupon, Coupon.id == CouponEvent.coupon_id)
        .where(CouponEvent.tenant_id == tenant_id, Coupon.partnership_id == partnership_id)
        .group_by(CouponEvent.kind)).all())
    answers, mean = session.execute(
        select(func.count(Survey.score), func.avg(Survey.score))
        .where(Survey.tenant_id == tenant_id, Survey.partnership_id == partnership_id)).one()
    return {"copied": int(kinds.get("copied", 0)), "redeemed": int(kinds.get("redeemed", 0)),
            "answers": int(answers or 0), "satisfaction": float(mean) if mean is not None else None}
