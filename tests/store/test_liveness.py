"""Pooled connections are pinged only when they may be dead, and a dead one never reaches a turn."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from store.liveness import ping_when_needed


def _kill_idle_backends(database) -> int:
    """What a server restart or an administrator does to every idle connection of the pools."""
    with database.admin_engine.connect() as conn:
        killed = conn.execute(text(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where pid <> pg_backend_pid() "
            "and datname = current_database() and backend_type = 'client backend' and state = 'idle'")).scalar()
    time.sleep(0.3)  # the FATAL notice reaches the sockets
    return int(killed or 0)


def _counting_pings(engine):
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(1)
        return real(dbapi_connection)

    engine.dialect.do_ping = counted
    return pings


def test_a_connection_just_returned_is_not_pinged_and_a_killed_one_is_replaced(database):
    engine = create_engine(database.url, pool_size=1, max_overflow=0)
    ping_when_needed(engine)
    pings = _counting_pings(engine)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("select pg_backend_pid()")).scalar()
        with engine.connect() as conn:  # back in the pool a moment ago, nothing written to it since
            assert conn.execute(text("select pg_backend_pid()")).scalar() == first
        assert pings == [1]  # only the brand-new connection's first checkout

        assert _kill_idle_backends(database) >= 1
        with engine.connect() as conn:  # no error: found dead at checkout and replaced
            second = conn.execute(text("select pg_backend_pid()")).scalar()
        assert second != first
    finally:
        engine.dispose()


def test_a_busy_process_with_many_open_files_is_not_pinged_either(database, tmp_path):
    """Descriptors past 1023 (a busy server has them) once made every checkout ping: select() refuses them."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        import pytest

        pytest.skip("this machine allows too few open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    files = [open(tmp_path / f"f{i}", "w") for i in range(1100)]  # noqa: SIM115 - held open on purpose
    try:
        test_a_connection_just_returned_is_not_pinged_and_a_killed_one_is_replaced(database)
    finally:
        for f in files:
            f.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_without_the_check_the_killed_connection_fails_the_next_statement(database):
    """The test above can fail: the same kill breaks a pool that does not look."""
    import pytest
    from sqlalchemy.exc import OperationalError

    engine = create_engine(database.url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        _kill_idle_backends(database)
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("select 1"))
    finally:
        engine.dispose()
