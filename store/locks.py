"""Transaction-scoped advisory locks: one writer at a time per key, released at commit or rollback."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["xact_lock"]


def xact_lock(session: Session, key: str) -> None:
    """Wait for and hold the lock named `key` until this transaction ends."""
    session.execute(text("select pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})
