"""Emptying the test database (as the owner role: the app role may not truncate)."""

from __future__ import annotations


def truncate_all(db) -> None:
    """Every table emptied, identities restarted, Redis flushed."""
    from sqlalchemy import text

    import store.models_brands  # noqa: F401  (its tables belong to the metadata)
    from store.models import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.admin_engine.begin() as conn:  # the conversation checkpoints' table included
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    try:
        db.redis.flushdb()
    except Exception:
        pass
