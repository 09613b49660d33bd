"""Engine, sessions and the Redis client for the process, built once from the settings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from store.liveness import ping_when_needed
from store.services import ensure_services
from store.settings import StoreSettings, get_settings

__all__ = ["Database", "DatabaseUnreachable", "get_database", "reset_database", "APP_ROLE", "app_url_for",
           "is_transient"]

APP_ROLE = "influencer_app"  # created by migration 0007: no superuser, no BYPASSRLS, row-level security


class DatabaseUnreachable(RuntimeError):
    """The database server could not be reached; the message names the host, never the password."""


def _host_of(url: str) -> str:
    parsed = make_url(url)
    host = parsed.host or parsed.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    return f"{host}:{parsed.port}" if parsed.port else str(host)


def app_url_for(admin_url: str, *, login: bool) -> str:
    """The URL the application connects with: as the app role itself when it may log in (the embedded
    server), else as the given user switching to the app role at connect (`options=-c role=...`)."""
    url = make_url(admin_url)
    if login:
        return url.set(username=APP_ROLE, password=None).render_as_string(hide_password=False)
    return url.update_query_dict({"options": f"-c role={APP_ROLE}"}).render_as_string(hide_password=False)


def is_transient(exc: BaseException) -> bool:
    """A database or Redis that cannot be reached right now (restarting, failing over)."""
    import psycopg
    import redis
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc.orig, psycopg.OperationalError)
    return isinstance(exc, psycopg.OperationalError | redis.ConnectionError | redis.TimeoutError)



@contextmanager
def _committed(factory: sessionmaker) -> Iterator[Session]:
    """A session from `factory`, committed when the block ends without error, rolled back otherwise."""
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Database:
    """Two engines on one database, plus the Redis client.

    `engine`/`session()` are the application's: the restricted role under row-level security, each
    session scoped to one tenant with `store.tenancy.bind`. `admin_engine`/`admin_session()` are the
    owner's (migrations, imports, the scheduler's cross-tenant scans, the eval runner): every use is
    an explicit choice in the code."""

    def __init__(self, database_url: str, redis_url: str, *, pool_size: int = 10, app_url: str | None = None) -> None:
        self.admin_url = database_url
        self.url = app_url or database_url
        self.redis_url = redis_url
        self.engine: Engine = create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={"connect_timeout": 5},
        )
        self.admin_engine: Engine = (
            self.engine if self.url == self.admin_url else
            create_engine(self.admin_url, pool_size=2, max_overflow=4, connect_args={"connect_timeout": 5})
        )
        for engine in {self.engine, self.admin_engine}:
            ping_when_needed(engine)  # not a ping per checkout (store.liveness)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.admin_sessions = sessionmaker(self.admin_engine, expire_on_commit=False)
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
            with self.admin_engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:  # any driver error means the same thing to the user
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
            raise DatabaseUnreachable(f"cannot reach the database at {self.host}: {reason}") from None

    @contextmanager
    def session(self, *, tenant_id: int | None = None) -> Iterator[Session]:
        """A session committed when the block ends without error, rolled back otherwise; scoped to
        `tenant_id` when given (else to the first tenant a store look-up finds)."""
        from store.tenancy import bind

        with _committed(self.sessions) as session:
            if tenant_id is not None:
                bind(session, tenant_id)
            yield session

    def admin_session(self) -> AbstractContextManager[Session]:
        """A session as the owner role (sees every tenant): for cross-tenant work only."""
        return _committed(self.admin_sessions)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        self.admin_engine.dispose()
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
            # The embedded server trusts its socket, so the app role logs in itself; on a managed
            # server give APP_DATABASE_URL (a login of the app role), else the owner's login
            # switches to the app role at connect.
            app_url = settings.app_database_url or app_url_for(db_url, login=not settings.database_url)
            _database = Database(db_url, redis_url, pool_size=settings.pool_size, app_url=app_url)
        return _database


def reset_database() -> None:
    """Forget the process-wide Database (tests, or after the settings changed)."""
    global _database
    with _lock:
        if _database is not None:
            _database.dispose()
        _database = None
