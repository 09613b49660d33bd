"""Brand communications: add, list (open first, oldest first) and close."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models_brands import BrandNote

__all__ = ["add", "list_notes", "close"]


def add(*, session: Session, tenant_id: int, partnership_id: int, kind: str, text: str,
        at: dt.datetime, due_date: dt.date | None = None) -> BrandNote:
    """A new open item (with the date it names, if any)."""
    row = BrandNote(tenant_id=tenant_id, partnership_id=partnership_id, kind=kind, text=text, status="open",
                    created_at=at, due_date=due_date)
    session.add(row)
    session.flush()
    return row


def list_notes(*, session: Session, tenant_id: int, partnership_id: int | None = None,
               status: str | None = "open") -> list[BrandNote]:
    """Items of a tenant (one partnership's when given), oldest first; status None: all."""
    query = select(BrandNote).where(BrandNote.tenant_id == tenant_id)
    if partnership_id is not None:
        query = query.where(BrandNote.partnership_id == partnership_id)
    if status is not None:
        query = query.where(BrandNote.status == status)
    return list(session.scalars(query.order_by(BrandNote.created_at, BrandNote.id)))


def close(*, session: Session, note: BrandNote, at: dt.datetime) -> BrandNote:
    """Close an item (closing a closed one changes nothing)."""
    if note.status != "closed":
        note.status, note.closed_at = "closed", at
        session.flush()
    return note
