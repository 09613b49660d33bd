"""Open the database for a command or the server: start services, check the connection, migrate."""

from __future__ import annotations

from store.db import Database, get_database
from store.migrate import upgrade

__all__ = ["open_database", "prepare"]

_migrated: set[str] = set()


def open_database(*, migrate: bool = True) -> Database:
    """The process Database, reachable and migrated (raises DatabaseUnreachable otherwise)."""
    db = get_database()
    db.check()
    if migrate and db.admin_url not in _migrated:
        prepare(db)
        _migrated.add(db.admin_url)
    return db


def prepare(db: Database) -> None:
    """Migrate as the owner (the conversation checkpoints' table included) and let the app role log in
    where it connects as itself (the embedded server)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from store.db import APP_ROLE

    upgrade(db.admin_engine)
    with db.admin_engine.begin() as conn:
        if make_url(db.url).username == APP_ROLE:
            conn.execute(text(f"ALTER ROLE {APP_ROLE} LOGIN"))
