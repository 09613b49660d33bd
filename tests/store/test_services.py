"""Embedded PostgreSQL and Redis: start, stop, restart with data kept; clear errors when unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

CLI = [sys.executable, "-c", "from channels.cli import main; main()"]


def _run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + args, env=env, capture_output=True, text=True, timeout=timeout)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "XDG_RUNTIME_DIR")}
    env.update(extra)
    return env


def test_embedded_services_restart_and_keep_data() -> None:
    home = Path(tempfile.mkdtemp(prefix="ios-svc-", dir="/tmp"))
    env = _env(INFLUENCER_OS_HOME=str(home))
    script = textwrap.dedent(
        """
        import sys
        from sqlalchemy import text
        from store.bootstrap import open_database
        db = open_database()
        with db.engine.begin() as c:
            if sys.argv[1] == "write":
                c.execute(text(
                    "insert into tenants(handle, display_name, languages, timezone, settings, created_at, updated_at)"
                    " values ('kept.data', 'Kept', '[]', 'UTC', '{}', now(), now())"
                ))
                db.redis.set("kept", "yes")
            else:
                kept = c.execute(text("select count(*) from tenants where handle='kept.data'")).scalar()
                print(kept, db.redis.get("kept"))
        """
    )
    try:
        started = _run(["services", "start"], env)
        assert started.returncode == 0, started.stderr
        status = _run(["services", "status"], env)
        assert "postgres" in status.stdout and "running" in status.stdout
        assert (
            subprocess.run([sys.executable, "-c", script, "write"], env=env, capture_output=True, text=True).returncode
            == 0
        )

        stopped = _run(["services", "stop"], env)
        assert "postgres" in stopped.stdout and "redis" in stopped.stdout
        status = _run(["services", "status"], env)
        assert "running" not in status.stdout, status.stdout

        again = subprocess.run([sys.executable, "-c", script, "read"], env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert again.stdout.split() == ["1", "b'yes'"]
    finally:
        _run(["services", "stop"], env)


def test_unreachable_database_is_one_line_with_host_and_exit_code_3() -> None:
    env = _env(
        DATABASE_URL="postgresql+psycopg://app:s3cret-pw@127.0.0.1:1/influencer",
        REDIS_URL="redis://127.0.0.1:1/0",
        INFLUENCER_OS_HOME=tempfile.mkdtemp(prefix="ios-bad-", dir="/tmp"),
    )
    result = _run(["db", "upgrade"], env, timeout=60)
    assert result.returncode == 3
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "127.0.0.1" in lines[0]
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
