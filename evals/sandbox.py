"""A throw-away database for eval runs, beside the user's own: their data is never touched."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.db import Database
from store.migrate import upgrade

__all__ = ["open_eval_database", "EVAL_DB_NAME"]

EVAL_DB_NAME = "influencer_os_eval"


def _redis_url_db(url: str, db_index: int) -> str:
    if url.startswith("unix://"):
        base = url.split("?", 1)[0]
        return f"{base}?db={db_index}"
    head, _, _tail = url.rpartition("/")
    return f"{head}/{db_index}" if head.count("/") >= 2 else f"{url.rstrip('/')}/{db_index}"


def open_eval_database(base: Database, *, name: str = EVAL_DB_NAME, redis_db: int = 13) -> Database:
    """Create (once) and migrate the eval database on the same server; a separate Redis db number."""
    url = make_url(base.url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("select 1 from pg_database where datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    eval_url = url.set(database=name).render_as_string(hide_password=False)
    db = Database(eval_url, _redis_url_db(base.redis_url, redis_db), pool_size=5)
    upgrade(db.engine)
    return db
