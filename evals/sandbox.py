"""A throw-away database for eval runs, beside the user's own: their data is never touched."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.bootstrap import prepare
from store.db import Database

__all__ = ["open_eval_database", "drop_eval_database", "EVAL_DB_NAME"]

EVAL_DB_NAME = "influencer_os_eval"


def _redis_url_db(url: str, db_index: int) -> str:
    if url.startswith("unix://"):
        base = url.split("?", 1)[0]
        return f"{base}?db={db_index}"
    head, _, _tail = url.rpartition("/")
    return f"{head}/{db_index}" if head.count("/") >= 2 else f"{url.rstrip('/')}/{db_index}"


def open_eval_database(base: Database, *, name: str | None = None, redis_db: int = 13) -> Database:
    """Create and migrate a database for one eval run on the same server; a separate Redis db number.

    Each run gets its own database (two runs at once never reset each other's tenants);
    `drop_eval_database` removes it when the run ends.
    """
    name = name or f"{EVAL_DB_NAME}_{os.getpid()}_{secrets.token_hex(3)}"
    url = make_url(base.admin_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("select 1 from pg_database where datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    eval_url = url.set(database=name).render_as_string(hide_password=False)
    app_url = make_url(base.url).set(database=name).render_as_string(hide_password=False)
    db = Database(eval_url, _redis_url_db(base.redis_url, redis_db), pool_size=5, app_url=app_url)
    prepare(db)  # migrated by the owner; the agent under test runs as the app role, under row-level security
    return db


def drop_eval_database(db: Database) -> None:
    """Drop a database made by open_eval_database (never any other)."""
    name = make_url(db.admin_url).database or ""
    if not name.startswith(EVAL_DB_NAME):
        raise ValueError(f"refusing to drop {name!r}: not an eval database")
    db.dispose()
    admin = create_engine(make_url(db.admin_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
