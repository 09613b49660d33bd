"""What owner reminders are about: open tasks and unpaid invoices with a due date up to a day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Invoice, Task

__all__ = ["open_tasks_due", "unpaid_invoices_due", "OPEN_TASK", "UNPAID"]

OPEN_TASK = ("pending", "in_progress", "blocked")
UNPAID = ("draft", "sent", "overdue")


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
