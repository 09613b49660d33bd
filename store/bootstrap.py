"""Open the database for a command or the server: start services, check the connection, migrate."""

from __future__ import annotations

from store.db import Database, get_database
from store.migrate import upgrade

__all__ = ["open_database"]

_migrated: set[str] = set()


def open_database(*, migrate: bool = True) -> Database:
    """The process Database, reachable and migrated (raises DatabaseUnreachable otherwise)."""
    db = get_database()
    db.check()
    if migrate and db.url not in _migrated:
        upgrade(db.engine)
        _migrated.add(db.url)
    return db
