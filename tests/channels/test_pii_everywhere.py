"""Nothing raw at rest: a follower's and an owner's personal data, sent the ways people send it, is found
in no store — no table (messages, traces, events, support issues, handoffs, audit log, outbound
messages...), no checkpoint, no Redis key, job or dead letter, and no log line.

The one deliberate exception is the address book: a contact's WhatsApp number (contacts.external_id)
and an owner's registered phone (owner_identities.value) are how replies reach them.
"""

from __future__ import annotations

import logging

from channel_support import OWNER_PHONE, post_signed, wait_until, webhook_params
from sqlalchemy import text

from channels import notify

FOLLOWER = "+972501234567"
RAW = ["054-7654321", "0547654321", "dana.levi@gmail.com", "4111 1111 1111 1111", "4111111111111111", "039337423"]
ADDRESS_BOOK = {("contacts", "external_id"), ("owner_identities", "value")}


def _tables_text(db) -> str:
    out = []
    with db.admin_engine.connect() as conn:
        tables = conn.execute(text("select tablename from pg_tables where schemaname = 'public'")).scalars().all()
        for table in tables:
            cols = conn.execute(text(
                "select column_name from information_schema.columns where table_schema='public' "
                "and table_name = :t and data_type <> 'bytea'"), {"t": table}).scalars().all()
            keep = [c for c in cols if (table, c) not in ADDRESS_BOOK]
            if not keep:
                continue
            select_list = ", ".join(f'"{c}"::text' for c in keep)
            for row in conn.execute(text(f'select {select_list} from "{table}"')):
                out.append(f"{table}: " + " | ".join(str(v) for v in row))
        out += [f"turn_checkpoints: {v}" for v in conn.execute(text(
            "select encode(state, 'escape') from turn_checkpoints")).scalars()]
    return "\n".join(out)


def _redis_text(db) -> str:
    out = []
    for key in db.redis.scan_iter(count=1000):
        kind = db.redis.type(key).decode()
        values = {"list": lambda k: db.redis.lrange(k, 0, -1), "string": lambda k: [db.redis.get(k) or b""],
                  "hash": lambda k: list(db.redis.hgetall(k).values()), "set": lambda k: list(db.redis.smembers(k)),
                  "zset": lambda k: db.redis.zrange(k, 0, -1)}.get(kind, lambda k: [])(key)
        out += [key.decode("utf-8", "replace"), *[v.decode("utf-8", "replace") for v in values]]
    return "\n".join(out)


def _raw_in(blob: str) -> list[str]:
    found = [r for r in RAW if r in blob]
    digits_only = FOLLOWER.lstrip("+")
    if FOLLOWER in blob or digits_only in blob:
        found.append(FOLLOWER)
    return found


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_personal_data_is_in_no_table_checkpoint_redis_key_or_log(make_client, twilio, demo_db):
    capture = _Capture()
    capture.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        client = make_client()
        say = [
            ("SM-P1", FOLLOWER, "my order 55124 never arrived!! call me on 054-7654321 or dana.levi@gmail.com"),
            ("SM-P2", FOLLOWER, "I paid with 4111 1111 1111 1111 and my ID is 039337423, I want a human now"),
            ("SM-P3", OWNER_PHONE, "add a task: call the customer at 0547654321 tomorrow"),
        ]
        for n, (sid, sender, body) in enumerate(say, start=1):
            post_signed(client, "/channels/twilio/whatsapp", webhook_params(sid, body, sender=sender))
            twilio.wait_for(n)
        wait_until(lambda: client.app.state.runtime.queue.depth() == 0)
        notify.notify_pending(demo_db, client.app.state.runtime.sender)  # the owner hears about it
        client.app.state.runtime.queue.dead_letter(
            "wa:1:1", {"kind": "twilio_inbound", "id": "SM-X", "body": "call 054-7654321"}, "boom dana.levi@gmail.com")
        with demo_db.admin_engine.connect() as conn:  # the turns did what they should
            kinds = set(conn.execute(text("select kind from events")).scalars())
            assert conn.execute(text("select count(*) from support_issues")).scalar() >= 1
            assert conn.execute(text("select count(*) from handoffs")).scalar() >= 1
            assert conn.execute(text("select count(*) from audit_log")).scalar() >= 1
            assert conn.execute(text("select count(*) from turn_traces")).scalar() >= 3
        assert kinds
        tables, redis_text = _tables_text(demo_db), _redis_text(demo_db)
        assert "[PHONE]" in tables and "[EMAIL]" in tables  # what was said is kept, masked
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)
    assert _raw_in(tables) == [], [line for line in tables.splitlines() if _raw_in(line)][:5]
    assert _raw_in(redis_text) == []
    logs = "\n".join(capture.lines)
    assert len(capture.lines) > 10  # the turns did log (warnings, info): the capture works
    assert _raw_in(logs) == [], [line for line in capture.lines if _raw_in(line)][:5]
