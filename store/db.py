"""Engine, sessions and the Redis client for the process, built once from the settings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from store.services import ensure_services
from store.settings import StoreSettings, get_settings

__all__ = ["Database", "DatabaseUnreachable", "get_database", "reset_database"]


class DatabaseUnreachable(RuntimeError):
    """The database server could not be reached; the message names the host, never the password."""


def _host_of(url: str) -> str:
    parsed = make_url(url)
    host = parsed.host or parsed.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    return f"{host}:{parsed.port}" if parsed.port else str(host)


class Database:
    """The SQLAlchemy engine and session factory, plus the Redis client, for one pair of URLs."""

    def __init__(self, database_url: str, redis_url: str, *, pool_size: int = 10) -> None:
        self.url = database_url
        self.redis_url = redis_url
        self.engine: Engine = create_engine(
            database_url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Short timeouts and one retry: when Redis is down a turn must still answer quickly.
        self.redis = redis.Redis.from_url(
            redis_url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 1)
        )

    @property
    def host(self) -> str:
        """Host (and port) of the database server, for messages."""
        return _host_of(self.url)

    def check(self) -> None:
        """Connect once; raise DatabaseUnreachable with a one-line reason when that fails."""
        from sqlalchemy import text

        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:  # any driver error means the same thing to the user
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
            raise DatabaseUnreachable(f"cannot reach the database at {self.host}: {reason}") from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed when the block ends without error, rolled back otherwise."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        self.redis.close()


_lock = threading.Lock()
_database: Database | None = None


def get_database(settings: StoreSettings | None = None) -> Database:
    """The process-wide Database, starting embedded servers when no URLs are configured."""
    global _database
    with _lock:
        if _database is None:
            settings = settings or get_settings()
            db_url, redis_url = ensure_services(settings)
            _database = Database(db_url, redis_url, pool_size=settings.pool_size)
        return _database


def reset_database() -> None:
    """Forget the process-wide Database (tests, or after the settings changed)."""
    global _database
    with _lock:
        if _database is not None:
            _database.dispose()
        _database = None
