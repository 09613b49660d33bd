"""What the bench's processes cost: CPU seconds and resident memory from /proc (Linux), for a
server and its worker children, and for the PostgreSQL server behind a database URL.

`Meter(pids).sample()` before and after a run gives the CPU the run cost in those processes;
PostgreSQL's backends are the postmaster's children, found from one backend's parent.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["stat_fields", "cpu_seconds", "rss_mib", "family", "postmaster_pid", "Meter", "StatementCounter"]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat from the state field on ([0] state, [1] ppid, [16] nice), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None  # gone (a worker restarted, a backend closed) or not Linux


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU of these processes so far (those that have exited count nothing)."""
    total = 0
    for pid in pids:
        fields = stat_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
    return total / _TICK


def rss_mib(pid: int) -> float | None:
    """Resident memory of one process in MiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def family(pid: int) -> list[int]:
    """The process and its children (uvicorn's worker processes, a postmaster's backends)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def postmaster_pid(database_url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (else None)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            backend = int(conn.execute(text("select pg_backend_pid()")).scalar_one())
    except Exception:  # no permission to ask, or not reachable: the figure is left out
        return None
    finally:
        engine.dispose()
    fields = stat_fields(backend)
    return int(fields[1]) if fields else None


class Meter:
    """CPU of a changing set of processes (`pids()` is asked at every sample), between two samples."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self._start: dict[int, float] = {}

    def _now(self) -> dict[int, float]:
        return {pid: cpu_seconds([pid]) for pid in self.pids()}

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> float:
        """CPU seconds used since start() by the processes alive now (new ones count from zero)."""
        now = self._now()
        return sum(max(0.0, cpu - self._start.get(pid, 0.0)) for pid, cpu in now.items())


class StatementCounter:
    """Counts the SQL statements this process sends through psycopg while the block runs (the
    application's sessions and the checkpointer alike): each is a round trip unless pipelined."""

    def __init__(self) -> None:
        self.count = 0
        self.on_statement: Callable[[Any], None] | None = None  # sees each statement's SQL
        self._lock = threading.Lock()  # turns run on many threads
        self._saved: dict[str, Any] = {}

    def __enter__(self) -> StatementCounter:
        import psycopg

        for name in ("execute", "executemany"):
            original = getattr(psycopg.Cursor, name)
            self._saved[name] = original

            def counted(cursor: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                with self._lock:
                    self.count += 1
                    if self.on_statement is not None and args:
                        self.on_statement(args[0])
                return _original(cursor, *args, **kwargs)

            setattr(psycopg.Cursor, name, counted)
        return self

    def __exit__(self, *_: object) -> None:
        import psycopg

        for name, original in self._saved.items():
            setattr(psycopg.Cursor, name, original)
