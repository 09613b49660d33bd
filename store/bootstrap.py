"""Open the database for a command or the server: start services, check the connection, migrate."""

from __future__ import annotations

import threading

from store.db import Database, get_database
from store.migrate import upgrade

__all__ = ["open_database", "prepare"]

_migrated: set[str] = set()
_CHECKPOINTS_LOCK = 7_355_602  # advisory lock key (store.migrate uses 7_355_608, store.knowledge 7_355_609)


def open_database(*, migrate: bool = True) -> Database:
    """The process Database, reachable and migrated (raises DatabaseUnreachable otherwise)."""
    db = get_database()
    db.check()
    if migrate and db.admin_url not in _migrated:
        prepare(db)
        _migrated.add(db.admin_url)
    return db


def prepare(db: Database) -> None:
    """Migrate as the owner, let the app role log in where it connects as itself (the embedded
    server), and create the checkpoint tables the agent uses, owned by the owner."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from store.db import APP_ROLE

    upgrade(db.admin_engine)
    with db.admin_engine.begin() as conn:
        if make_url(db.url).username == APP_ROLE:
            conn.execute(text(f"ALTER ROLE {APP_ROLE} LOGIN"))
    setup_checkpoints(db.admin_url)


_checkpoints_ready: set[str] = set()
_checkpoints_lock = threading.Lock()


def setup_checkpoints(admin_url: str) -> None:
    """LangGraph's checkpoint tables, created once by the owner; the app role may use them. Once per
    database and process: `prepare` and every Agent built after it call this."""
    with _checkpoints_lock:
        if admin_url not in _checkpoints_ready:
            _create_checkpoints(admin_url)
            _checkpoints_ready.add(admin_url)


def _create_checkpoints(admin_url: str) -> None:
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver
    from sqlalchemy.engine import make_url

    conninfo = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        # LangGraph's setup inserts its migration rows unguarded: two processes at once collided
        # (UniqueViolation on checkpoint_migrations, seen in the scale-out test). One at a time.
        with psycopg.connect(conninfo, autocommit=True) as lock, PostgresSaver.from_conn_string(conninfo) as saver:
            lock.execute("select pg_advisory_lock(%s)", (_CHECKPOINTS_LOCK,))
            try:
                saver.setup()
            finally:
                lock.execute("select pg_advisory_unlock(%s)", (_CHECKPOINTS_LOCK,))
    except psycopg.errors.InsufficientPrivilege:
        # Given only the app role's URL: fine when the owner made the tables already.
        with psycopg.connect(conninfo) as conn:
            row = conn.execute("select to_regclass('checkpoints')").fetchone()
            if row is None or row[0] is None:
                raise RuntimeError("the checkpoint tables are missing and this role may not create them; "
                                   "run `influencer-os db upgrade` as the database owner first") from None
