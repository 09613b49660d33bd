"""Ping a pooled connection only when it may be dead, not on every checkout.

A ping is a round trip; with one on every checkout a turn paid three (the session's and two of the
checkpointer's pool of the time), about a sixth of its statements. A connection that went back to the pool a
moment ago and on which the server wrote nothing since is alive: when PostgreSQL shuts down or
kills a backend it sends the client a FATAL notice and closes the socket, which makes the idle
socket readable. So a connection is pinged when its socket is readable, when psycopg already knows
it broken, or when it sat idle longer than `IDLE_PING_SECONDS` (a firewall may drop a quiet
connection without a word). A dead connection that slips through anyway fails its first statement
as before: a transient error, which the channels retry.
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

__all__ = ["IDLE_PING_SECONDS", "may_be_dead", "ping_when_needed"]

IDLE_PING_SECONDS = 10.0


def may_be_dead(conn: Any, idle_since: float | None) -> bool:
    """True when this idle psycopg connection should be pinged before it is used."""
    if conn.closed or conn.broken:
        return True
    if idle_since is None or time.monotonic() - idle_since > IDLE_PING_SECONDS:
        return True
    try:
        # poll, not select: select refuses descriptors past 1023, which a busy process has.
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN)
        ready = poller.poll(0)
    except (OSError, ValueError):  # no socket any more
        return True
    return bool(ready)  # a shutdown notice or the end of the stream (or a NOTIFY: a ping is harmless)


def ping_when_needed(engine: Engine) -> None:
    """Instead of `pool_pre_ping`: SQLAlchemy's pool pings a connection only when `may_be_dead` says so."""

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if not may_be_dead(dbapi_connection, record.info.pop("idle_since", None)):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool discards this connection and checks out another
            raise DisconnectionError(f"connection found dead ({type(exc).__name__})") from exc
