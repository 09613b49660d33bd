"""Start-up on a database several processes open at once."""

from __future__ import annotations

import threading

from sqlalchemy import text


def test_checkpoint_tables_are_set_up_by_one_process_at_a_time(database):
    """serve's API and job worker processes prepare the database as they start; LangGraph's checkpoint
    setup inserts its migration rows unguarded, and two at once failed with a duplicate key (seen once
    in the scale-out test). Four at once now all start."""
    from langgraph.checkpoint.postgres import PostgresSaver

    from store import bootstrap

    with database.admin_engine.begin() as conn:
        conn.execute(text("delete from checkpoint_migrations"))  # a database nobody has set up yet
    errors: list[BaseException] = []
    ready = threading.Barrier(4)

    def start() -> None:
        ready.wait()
        try:
            bootstrap._create_checkpoints(database.admin_url)
        except BaseException as exc:  # noqa: BLE001 - what the process would have died of
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with database.admin_engine.connect() as conn:
        versions = conn.execute(text("select count(*), count(distinct v) from checkpoint_migrations")).one()
    assert versions[0] == versions[1] == len(PostgresSaver.MIGRATIONS)
