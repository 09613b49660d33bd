"""Scale-out on one machine: several API processes and several job worker processes, started with the
real command line (`influencer-os serve` / `worker` as deploy/README.md says), against one PostgreSQL
and one Redis. Turns of one conversation stay ordered and single whichever process takes each
message, any process takes any conversation, and the scheduler runs each due job once.

The short form of this runs in the gate; `influencer-os bench faults` is the long one (with
processes killed and servers restarted).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from channel_support import ACCOUNT_SID, AUTH_TOKEN, BOT_NUMBER, PUBLIC_BASE

from evals._bench_procs import family, stat_fields
from evals.fake_twilio import sign

REPO = Path(__file__).resolve().parents[2]
WEBHOOK = "/channels/twilio/whatsapp"
TEXTS = ["hi!", "codes for velora?", "thanks ❤️"]  # one conversation's messages, in order
SENDERS = 5
FOLLOW_UPS = 6


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed_follow_ups(db) -> None:
    """Web followers who consented, a follow-up due now for each, no quiet hours (CI runs at any hour)."""
    from sqlalchemy import select

    from store import contacts as contact_store
    from store import conversations as conversation_store
    from store import rules as rule_store
    from store import schedule as schedule_store
    from store.models import Coupon, Tenant

    now = dt.datetime.now(dt.UTC)
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).one()
        rule_store.set_limits(session=s, tenant_id=tenant.id, quiet_from=0, quiet_until=0)
        coupon = s.scalars(select(Coupon).where(Coupon.tenant_id == tenant.id, Coupon.active.is_(True))).first()
        for n in range(FOLLOW_UPS):
            contact = contact_store.upsert(session=s, tenant_id=tenant.id, channel="web", external_id=f"scale-{n}")
            contact.consent = "granted"
            conv = conversation_store.create(session=s, tenant_id=tenant.id, contact_id=contact.id, channel="web",
                                             at=now - dt.timedelta(hours=1))
            schedule_store.schedule(session=s, tenant_id=tenant.id, kind="follow_up",
                                    due_at=now - dt.timedelta(minutes=1),
                                    payload={"rule": "coupon", "contact_id": contact.id, "coupon_id": coupon.id,
                                             "conversation_id": conv.id}, dedupe_key=f"scale:{n}")


@pytest.fixture
def cluster(demo_db, twilio, tmp_path) -> Iterator[dict]:
    """Two `serve` commands on two ports (three API processes: one with --workers 2 and two job worker
    processes of its own, one with --workers 1 and none) sharing the test database and Redis."""
    _seed_follow_ups(demo_db)
    env = {**os.environ, "DATABASE_URL": demo_db.admin_url, "REDIS_URL": demo_db.redis_url,
           "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM_NUMBER": BOT_NUMBER,
           "TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE, "TWILIO_API_BASE": twilio.base_url,
           "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "", "PYTHONPATH": str(REPO)}
    ports = [_port(), _port()]
    commands = [["--workers", "2", "--job-workers", "2", "--job-threads", "2"], ["--workers", "1", "--no-worker"]]
    paths = [tmp_path / f"serve-{i}.log" for i in range(len(ports))]  # where a failure is explained
    logs = [path.open("wb") for path in paths]
    servers = [subprocess.Popen([sys.executable, "-m", "channels.cli", "serve", "--port", str(port), *extra],
                                env=env, cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
               for port, extra, log in zip(ports, commands, logs, strict=True)]
    try:
        deadline = time.monotonic() + 150
        for port, server in zip(ports, servers, strict=True):
            while True:
                tail = paths[ports.index(port)].read_text(errors="replace")[-3000:]
                assert server.poll() is None, f"serve on {port} exited with {server.returncode}: {tail}"
                assert time.monotonic() < deadline, f"serve on {port} did not become healthy: {tail}"
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.3)
        yield {"ports": ports, "servers": servers, "db": demo_db, "twilio": twilio}
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        for log in logs:
            log.close()


def _conversation_messages(db, conversation_id: str) -> list[tuple[str, str, int | None, int]]:
    from sqlalchemy import select

    from store.models import Message

    with db.admin_session() as s:
        rows = s.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id))
        return [(m.direction, m.content, (m.meta or {}).get("reply_to"), m.id) for m in rows]


def _alternate(messages: list[tuple[str, str, int | None, int]], texts: list[str]) -> None:
    """in, out, in, out...: each reply answers the message just before it, the inbound texts in order."""
    assert [m[0] for m in messages] == ["in", "out"] * len(texts), messages
    assert [m[1] for m in messages[::2]] == texts
    for inbound, reply in zip(messages[::2], messages[1::2], strict=True):
        assert reply[2] == inbound[3], (inbound, reply)


def test_processes_share_the_work_and_keep_each_conversation_in_order(cluster):  # noqa: PLR0915 - one cluster
    ports, db, twilio = cluster["ports"], cluster["db"], cluster["twilio"]
    from channels.demo import demo_handle

    # The web chat: one conversation, its messages sent to alternate servers, one after another...
    web = [f"http://127.0.0.1:{port}" for port in ports]
    created = httpx.post(f"{web[0]}/api/conversations",
                         json={"influencer": demo_handle(), "visitor_id": "visitor-scale-out"})
    assert created.status_code == 201, created.text
    conv = created.json()["conversation_id"]
    texts = ["hi!", "is there a code for velora?", "thanks!"]
    for i, text in enumerate(texts):
        answer = httpx.post(f"{web[i % 2]}/api/conversations/{conv}/messages",
                            json={"text": text, "client_message_id": f"scale-{i}"}, timeout=60)
        assert answer.status_code == 200, answer.text
        assert answer.json()["reply"]
    # ...then two at the same instant, one to each server: both answered, one turn after the other.
    with ThreadPoolExecutor(2) as pool:
        both = list(pool.map(lambda i: httpx.post(f"{web[i]}/api/conversations/{conv}/messages",
                                                  json={"text": f"question {i}?", "client_message_id": f"same-{i}"},
                                                  timeout=60), range(2)))
    assert [r.status_code for r in both] == [200, 200], [r.text for r in both]
    messages = _conversation_messages(db, conv)
    assert len(messages) == 10
    _alternate(messages[:6], texts)
    _alternate(messages[6:], [m[1] for m in messages[6::2]])

    # WhatsApp: five senders at once, each sending three messages in order, each message to the next
    # server; the job workers (two processes) run the turns.
    def sender(s: int) -> list[int]:
        phone = f"+97250{s:07d}"
        statuses = []
        for i, text in enumerate(TEXTS):
            params = {"MessageSid": f"SMscale{s}x{i}", "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{phone}",
                      "To": f"whatsapp:{BOT_NUMBER}", "Body": text, "NumMedia": "0"}
            port = ports[(s + i) % 2]
            statuses.append(httpx.post(f"http://127.0.0.1:{port}{WEBHOOK}", data=params, timeout=30,
                                       headers={"X-Twilio-Signature": sign(AUTH_TOKEN, PUBLIC_BASE + WEBHOOK, params)}
                                       ).status_code)
        return statuses

    with ThreadPoolExecutor(SENDERS) as pool:
        statuses = [code for codes in pool.map(sender, range(SENDERS)) for code in codes]
    assert set(statuses) == {200}
    sent = twilio.wait_for(SENDERS * len(TEXTS), timeout=120)
    by_phone: dict[str, int] = {}
    for message in sent:
        by_phone[message["to"]] = by_phone.get(message["to"], 0) + 1
    assert by_phone == {f"whatsapp:+97250{s:07d}": len(TEXTS) for s in range(SENDERS)}  # each answered once
    time.sleep(1.0)  # a doubled reply would arrive now
    assert len(twilio.wait_for(SENDERS * len(TEXTS), timeout=1)) == SENDERS * len(TEXTS)

    from sqlalchemy import select

    from store.models import Conversation, ScheduledJob, Survey

    with db.admin_session() as s:
        whatsapp = s.scalars(select(Conversation.id).where(Conversation.channel == "whatsapp")).all()
    assert len(whatsapp) == SENDERS  # one conversation per sender, whichever server took each message
    for conversation in whatsapp:
        _alternate(_conversation_messages(db, conversation), TEXTS)

    # The scheduler: both job worker processes claim from the same table; every due follow-up ran once.
    deadline = time.monotonic() + 60
    while True:
        with db.admin_session() as s:
            jobs = s.execute(select(ScheduledJob.status, ScheduledJob.attempts)  # not the coupon answers' own
                             .where(ScheduledJob.dedupe_key.like("scale:%"))).all()
            surveys = len(s.scalars(select(Survey.id)).all())
        if all(job[0] not in ("todo", "running") for job in jobs) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(jobs) == FOLLOW_UPS
    assert [job[0] for job in jobs] == ["done"] * FOLLOW_UPS, jobs
    assert {job[1] for job in jobs} == {1}
    assert surveys == FOLLOW_UPS  # one "did the code work?" per follower, none twice


    # `serve` runs its job workers at a lower priority and takes them down when it stops.
    first = cluster["servers"][0]
    workers = [pid for pid in family(first.pid)[1:] if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(workers) == 2  # --job-workers 2
    assert all((stat_fields(pid) or [])[16:17] == ["19"] for pid in workers)  # the lowest CPU priority
    first.terminate()
    first.wait(timeout=30)
    time.sleep(0.5)
    assert not [pid for pid in workers if (stat_fields(pid) or ["Z"])[0] != "Z"]  # gone, or a zombie
