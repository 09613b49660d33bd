"""Invoices repository: payment requests, their numbers and their state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Invoice

__all__ = ["get", "UNPAID_STATUSES", "list_invoices", "get_by_number", "next_number", "create", "paid_between"]

UNPAID_STATUSES = ("draft", "sent", "overdue")


def list_invoices(
    *,
    session: Session,
    tenant_id: int,
    statuses: Sequence[str] | None = None,
    partnership_id: int | None = None,
    due_before: dt.date | None = None,
    due_to: dt.date | None = None,
) -> list[Invoice]:
    """Invoices by due date (undated last), then number; due_before exclusive, due_to inclusive."""
    query = select(Invoice).where(Invoice.tenant_id == tenant_id)
    if statuses:
        query = query.where(Invoice.status.in_(list(statuses)))
    if partnership_id is not None:
        query = query.where(Invoice.partnership_id == partnership_id)
    if due_before is not None:
        query = query.where(Invoice.due < due_before)
    if due_to is not None:
        query = query.where(Invoice.due <= due_to)
    rows = list(session.scalars(query))
    return sorted(
        rows, key=lambda i: (i.due is None, i.due or dt.date.max, _numeric(i.number) or 0, i.number)
    )


def get(*, session: Session, tenant_id: int, invoice_id: int) -> Invoice | None:
    """The tenant's invoice by id."""
    return session.scalars(select(Invoice).where(Invoice.tenant_id == tenant_id, Invoice.id == invoice_id)).first()


def get_by_number(*, session: Session, tenant_id: int, number: str) -> Invoice | None:
    """One invoice by its number, only within the tenant."""
    return session.scalar(
        select(Invoice).where(Invoice.tenant_id == tenant_id, Invoice.number == number.strip())
    )


def _numeric(number: str) -> int | None:
    digits = number.strip()
    return int(digits) if digits.isdigit() else None


def next_number(*, session: Session, tenant_id: int, first: int = 1) -> str:
    """The next invoice number: the largest numeric number plus one (`first` when there is none)."""
    numbers = [
        _numeric(n) for n in session.scalars(select(Invoice.number).where(Invoice.tenant_id == tenant_id))
    ]
    numeric = [n for n in numbers if n is not None]
    return str(max(numeric) + 1 if numeric else first)


def create(*, session: Session, tenant_id: int, fields: dict[str, Any]) -> Invoice:
    """Add an invoice from validated fields; flushed so it has an id."""
    row = Invoice(tenant_id=tenant_id, **fields)
    session.add(row)
    session.flush()
    return row


def paid_between(*, session: Session, tenant_id: int, first: dt.date | None, last: dt.date | None) -> list[Invoice]:
    """Invoices paid on local days first..last (inclusive; None is open-ended)."""
    query = select(Invoice).where(Invoice.tenant_id == tenant_id, Invoice.status == "paid",
                                  Invoice.paid_at.isnot(None))
    if first is not None:
        query = query.where(Invoice.paid_at >= first)
    if last is not None:
        query = query.where(Invoice.paid_at <= last)
    return list(session.scalars(query.order_by(Invoice.paid_at, Invoice.id)))
