"""Transaction-scoped advisory locks: one writer at a time per key, released at commit or rollback."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

__all__ = ["xact_lock", "next_number"]


def xact_lock(session: Session, key: str) -> None:
    """Wait for and hold the lock named `key` until this transaction ends."""
    session.execute(text("select pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def next_number(session: Session, column: Any, tenant_column: Any, tenant_id: int) -> int:
    """The next per-tenant number of a numbered column (issue 3, conversation #12), under a lock held
    until the transaction ends, so two at once never get the same number."""
    xact_lock(session, f"number:{column}:{tenant_id}")
    return int(session.scalar(select(func.max(column)).where(tenant_column == tenant_id)) or 0) + 1
