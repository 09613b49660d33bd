"""`influencer-os bench webhook`: N concurrent signed Twilio webhooks against the real server over HTTP.

The server runs in its own process (uvicorn, the real app, the real agent, the demo influencer, a
throw-away database beside the user's); the replies go to a local fake Twilio API in this process.
Measured: the time to acknowledge each webhook (p50/p95/p99/max; aim p99 < 50 ms) and the time until
its reply is handed to the Twilio API (p50/p95/p99/max), per round of N concurrent webhooks.
The worker runs in its own process at a lower CPU priority (like `serve`'s job workers, nice 19 by
default) or, with --in-process-worker, in the server process (like `serve --job-workers 0`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import typer

__all__ = ["run", "command"]

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)  # the bundles' day: the demo codes are valid
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench-auth-token"
BOT_NUMBER = "+14155238886"
DB_NAME = "influencer_os_bench"
REDIS_DB = 12
TEXTS = ["יש קוד לסילקה?", "codes for velora?", "hi!", "מה הקוד של ולורה?", "what do you use for SPF?"]
REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index], 2)


def _summary(values_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(values_ms),
        "p50": _pct(values_ms, 50),
        "p95": _pct(values_ms, 95),
        "p99": _pct(values_ms, 99),
        "max": round(max(values_ms), 2) if values_ms else float("nan"),
        "mean": round(statistics.fmean(values_ms), 2) if values_ms else float("nan"),
    }


def _prepare_database(log: Callable[[str], None]) -> Any:
    from sqlalchemy import text

    import store.models_brands  # noqa: F401  (its tables belong to the metadata)
    from channels.demo import load_demo
    from evals.sandbox import open_eval_database
    from store.bootstrap import open_database
    from store.models import Base

    db = open_eval_database(open_database(), name=DB_NAME, redis_db=REDIS_DB)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.admin_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.redis.flushdb()
    load_demo(db)
    log(f"bench database {DB_NAME} ready with the demo influencer")
    return db


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "evals.bench_webhook", *args]
    return subprocess.Popen(cmd, env=env, cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else b""
            raise RuntimeError("the bench server exited: " + (err or b"").decode()[-2000:])
        try:
            if httpx.get(base + "/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the bench server did not become healthy")


def _raw_request(port: int, path: str, params: dict[str, str], signature: str) -> bytes:
    body = urlencode(params).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nX-Twilio-Signature: {signature}\r\n\r\n"
    )
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next((int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0)
    if length:
        await reader.readexactly(length)
    return status


async def _round(base: str, fake: Any, n: int, tag: str) -> dict[str, Any]:
    """n webhooks written at the same instant on n open keep-alive connections (pre-built bytes, so
    the client adds microseconds, not milliseconds, to what is measured)."""
    from evals.fake_twilio import sign

    port = int(base.rsplit(":", 1)[1])
    path = "/channels/twilio/whatsapp"
    url = base + path
    phones = [f"+9725{int(tag, 36) % 10:01d}{i:07d}" for i in range(n)]
    requests = []
    for i, phone in enumerate(phones):
        params = {
            "MessageSid": f"SM{tag}{i:05d}",
            "AccountSid": ACCOUNT_SID,
            "From": f"whatsapp:{phone}",
            "To": f"whatsapp:{BOT_NUMBER}",
            "Body": TEXTS[i % len(TEXTS)],
            "NumMedia": "0",
        }
        requests.append(_raw_request(port, path, params, sign(AUTH_TOKEN, url, params)))
    fake.reset()
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(n)]
    sent_at: dict[str, float] = {}
    acks: list[float] = []
    statuses: list[int] = []

    async def one(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], phone: str, raw: bytes) -> None:
        reader, writer = conn
        t0 = time.perf_counter()
        sent_at[phone] = t0
        writer.write(raw)
        statuses.append(await _read_response(reader))
        acks.append((time.perf_counter() - t0) * 1000)

    first = time.perf_counter()
    await asyncio.gather(*(one(c, p, r) for c, p, r in zip(conns, phones, requests, strict=True)))
    for _, writer in conns:
        writer.close()
    received = await asyncio.to_thread(fake.wait_for, n, 120.0)
    replies = {m["to"].removeprefix("whatsapp:"): m["received"] for m in received}
    reply_ms = [(replies[p] - sent_at[p]) * 1000 for p in phones if p in replies]
    last = max(replies.values()) if replies else first
    return {
        "statuses": sorted(set(statuses)),
        "ack_ms": acks,
        "reply_ms": reply_ms,
        "replies": len(received),
        "distinct_replies": len(replies),
        "seconds": round(last - first, 3),
    }


def run(
    *,
    concurrency: int = 50,
    rounds: int = 3,
    separate_worker: bool = True,
    worker_nice: int = 19,
    api_workers: int = 0,
    worker_threads: int = 4,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the benchmark and return its numbers (see the module docstring)."""
    from evals._bench_procs import cpu_seconds, family
    from evals.fake_twilio import FakeTwilio

    db = _prepare_database(log)
    fake = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN).start()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": BOT_NUMBER,
        "TWILIO_PUBLIC_BASE_URL": base,
        "TWILIO_API_BASE": fake.base_url,
        "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
    }
    common = ["--database-url", db.url, "--redis-url", db.redis_url, "--threads", str(worker_threads)]
    api = api_workers or os.cpu_count() or 1  # as `serve` does by default
    procs = [_spawn(["serve", "--port", str(port), "--api-workers", str(api), *common,
                     *(["--no-worker"] if separate_worker else [])], env)]
    try:
        if separate_worker:
            procs.append(_spawn(["work", *common, "--nice", str(worker_nice)], env))
        _wait_healthy(base, procs[0])
        log(f"server up at {base} ({'separate worker process' if separate_worker else 'worker in process'})")
        warm = asyncio.run(_round(base, fake, min(10, concurrency), "w"))
        log(f"warm-up: {warm['replies']} replies in {warm['seconds']} s")
        results = []
        load_before = _loadavg()
        for r in range(rounds):
            cpu_before = cpu_seconds(family(procs[0].pid))
            result = asyncio.run(_round(base, fake, concurrency, f"r{r}"))
            result["server_cpu_ms"] = (cpu_seconds(family(procs[0].pid)) - cpu_before) * 1000
            log(
                f"round {r + 1}: ack p99 {_pct(result['ack_ms'], 99)} ms, reply p95 {_pct(result['reply_ms'], 95)} ms,"
                f" {result['replies']} replies in {result['seconds']} s"
            )
            results.append(result)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        fake.stop()
        db.dispose()
    acks = [v for r in results for v in r["ack_ms"]]
    replies = [v for r in results for v in r["reply_ms"]]
    return {
        "concurrency": concurrency,
        "rounds": rounds,
        "api_processes": api,
        "worker": f"separate process, nice {worker_nice}" if separate_worker else "in the server process",
        "worker_threads": worker_threads,
        "cpus": os.cpu_count(),
        "ack_ms": _summary(acks),
        "reply_handed_to_twilio_ms": _summary(replies),
        "round_seconds": [r["seconds"] for r in results],
        "replies_per_second": round(
            sum(r["replies"] for r in results) / max(1e-9, sum(r["seconds"] for r in results)), 1
        ),
        # CPU the server process spent per webhook (acks only when the worker runs elsewhere): what a
        # webhook costs on an idle core, whatever else the machine is doing.
        "server_cpu_ms_per_webhook": round(sum(r["server_cpu_ms"] for r in results) / (rounds * concurrency), 3),
        "load_average_before_after": [load_before, _loadavg()],
        "all_answered_once": all(r["replies"] == r["distinct_replies"] == concurrency for r in results),
        "http_statuses": sorted({s for r in results for s in r["statuses"]}),
        "aim": {"ack_p99_ms": 50},
    }


def command(
    concurrency: int = typer.Option(50, "--concurrency", "-n", min=1, help="Webhooks sent at once per round."),
    rounds: int = typer.Option(3, "--rounds", min=1),
    separate_worker: bool = typer.Option(True, "--separate-worker/--in-process-worker",
                                         help="Run the worker in its own process (as serve does) or in the server's."),
    worker_nice: int = typer.Option(19, "--worker-nice", min=0, max=19, help="The worker process's nice value."),
    api_workers: int = typer.Option(0, "--api-workers", min=0, help="API processes (0: one per core, as serve)."),
    worker_threads: int = typer.Option(4, "--worker-threads", min=1),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the report here."),
) -> None:
    """N concurrent signed WhatsApp webhooks: time to acknowledge, time until the reply reaches Twilio."""
    import json

    report = run(
        concurrency=concurrency,
        rounds=rounds,
        separate_worker=separate_worker,
        worker_nice=worker_nice,
        api_workers=api_workers,
        worker_threads=worker_threads,
        log=lambda line: typer.echo(line, err=True),
    )
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)


# --- the processes the benchmark starts ---------------------------------------------------------

_proc = typer.Typer(add_completion=False)


@_proc.command("serve")
def _serve(
    port: int = typer.Option(...),
    database_url: str = typer.Option(...),
    redis_url: str = typer.Option(...),
    threads: int = typer.Option(4),
    no_worker: bool = typer.Option(False, "--no-worker"),
    switch_interval: float = typer.Option(0.0, "--switch-interval"),
    api_workers: int = typer.Option(1, "--api-workers"),
) -> None:
    import json

    import uvicorn

    if switch_interval:
        sys.setswitchinterval(switch_interval)
    os.environ["BENCH_WEBHOOK_APP"] = json.dumps({"database_url": database_url, "redis_url": redis_url,
                                                  "threads": threads, "worker": not no_worker})
    uvicorn.run("evals.bench_webhook:app_factory", factory=True, workers=api_workers, host="127.0.0.1", port=port,
                log_level="warning", access_log=False)


def app_factory() -> Any:
    """The app of one API process of the benchmark's server (uvicorn calls it in each process)."""
    import json

    from channels.app import create_app
    from store.db import Database

    options = json.loads(os.environ["BENCH_WEBHOOK_APP"])
    db = Database(options["database_url"], options["redis_url"], pool_size=20)
    overrides = {"clock": lambda: NOW, "worker_concurrency": options["threads"], "digest_every": 1e9}
    return create_app(database=db, worker=options["worker"], overrides=overrides)


@_proc.command("work")
def _work(
    database_url: str = typer.Option(...),
    redis_url: str = typer.Option(...),
    threads: int = typer.Option(4),
    nice: int = typer.Option(0),
) -> None:
    from channels._runtime import build_runtime

    if nice:
        os.nice(nice)
    from store.db import Database

    db = Database(database_url, redis_url, pool_size=20)
    build_runtime(db, clock=lambda: NOW, concurrency=threads, digest_every=1e9).worker.run_forever()


if __name__ == "__main__":
    _proc()
