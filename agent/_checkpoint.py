"""PostgresSaver over a connection pool without the saver's process-wide lock.

PostgresSaver takes one `threading.Lock` around every checkpoint read and write, because it may
own a single shared connection. Over a pool each call checks out its own connection, so the lock
only serialises unrelated conversations: with 20 turns in flight the checkpoint step waited in
line (measured p95 0.5 s of a 1.2 s turn). This saver keeps everything else as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import Cursor
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

__all__ = ["PooledPostgresSaver"]


class PooledPostgresSaver(PostgresSaver):
    """A PostgresSaver that requires a ConnectionPool and runs checkpoint calls in parallel."""

    def __init__(self, pool: ConnectionPool) -> None:
        super().__init__(pool)  # type: ignore[arg-type]  # rows are dicts: the pool is opened with dict_row

    @contextmanager
    def _cursor(self, *, pipeline: bool = False) -> Iterator[Cursor[DictRow]]:
        with self.conn.connection() as conn:  # type: ignore[operator]  # a pool, never a connection (__init__)
            if pipeline and self.supports_pipeline:
                with conn.pipeline(), conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
            elif pipeline:
                with conn.transaction(), conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
            else:
                with conn.cursor(binary=True, row_factory=dict_row) as cur:
                    yield cur
