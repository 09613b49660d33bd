"""`influencer-os bench turns`: conversation turns on the offline engine, in process and over HTTP.

The demo bundle (store/data/demo-bundle.json) is imported into a throw-away database beside the
user's own (evals/sandbox.py). 1, 20 and 100 conversations run at once, each a few turns of a
realistic mix: Hebrew and English; coupon and knowledge questions, greetings, brand lists, support
problems, thanks. Two loads per level:
- paced: a follower reads the reply and writes again after a think time (1-3 s by default, much
  quicker than people type; conversations start spread over twice the longest think time, not all
  at the same instant): per-turn latency under that many live conversations; the aim
  (p95 < 150 ms at 20 conversations over HTTP) is judged here;
- saturated: no think time at all, every conversation sends its next message the moment the reply
  lands: turns per second at full load (latency is then about conversations / throughput).
Reported: p50/p95/p99 of a turn and of every node (the turns' own trace timings), turns per second,
and, over HTTP, a bare FastAPI echo endpoint under the same load in the same run, with the ratio.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

__all__ = ["run", "message_mix", "describe_machine", "DEMO_BUNDLE", "BENCH_DB_NAME"]

REPO = Path(__file__).resolve().parents[1]
DEMO_BUNDLE = REPO / "store" / "data" / "demo-bundle.json"
BENCH_DB_NAME = "influencer_os_bench_turns"
BENCH_REDIS_DB = 12
NOW = "2026-11-23T10:00:00+02:00"  # the demo bundle's coupons are dated around this day
NODES = (
    "prepare",
    "context",
    "understanding",
    "policy",
    "decision",
    "experiment",
    "act",
    "respond",
    "persist",
    "checkpoint",
    "commit",
)
# The bench measures what a turn costs, not the rate limiter saying no.
UNLIMITED = {
    "AGENT_RATE_CONTACT_CAPACITY": "1000000",
    "AGENT_RATE_CONTACT_REFILL_PER_SEC": "1000000",
    "AGENT_RATE_TENANT_CAPACITY": "1000000",
    "AGENT_RATE_TENANT_REFILL_PER_SEC": "1000000",
}
WEIGHTS = {
    "greeting": 0.12,
    "coupon": 0.30,
    "knowledge": 0.25,
    "brands": 0.10,
    "support": 0.08,
    "thanks": 0.15,
}
AIM = {"mode": "http", "load": "paced", "conversations": 20, "p95_ms": 150.0}


def message_mix(bundle: dict[str, Any]) -> dict[str, list[str]]:
    """Follower messages by kind, in Hebrew and English, built from the bundle's brands and FAQ."""
    active = [p for p in bundle.get("partnerships", []) if p.get("status") == "active"] or bundle[
        "partnerships"
    ]
    names = [p["brand"] for p in active]
    hebrew = [
        next(
            (a for a in p.get("brand_aliases") or [] if any("\u05d0" <= ch <= "\u05ea" for ch in a)),
            p["brand"],
        )
        for p in active
    ]
    faq = [f["q"] for f in bundle.get("faq") or []] + [f["q"] for p in active for f in p.get("faq") or []]
    return {
        "greeting": ["hi!", "היי 💕", "good morning", "שלום! מה קורה?"],
        "coupon": [f"is there a discount code for {n}?" for n in names]
        + [f"יש קוד הנחה ל{h}?" for h in hebrew]
        + ["any coupon codes right now?", "יש קודים פעילים?"],
        "knowledge": faq or ["what do you film with?"],
        "brands": ["which brands do you work with?", "עם אילו מותגים את עובדת?"],
        "support": [
            f"my {names[0]} order never arrived, order 48213",
            f"הקוד של {hebrew[-1]} לא עובד לי באתר",
        ],
        "thanks": ["thanks so much!!", "תודה רבה 💕", "you're the best"],
    }


def _plans(
    mix: dict[str, list[str]], *, conversations: int, turns: int, min_turns: int, seed: int
) -> list[list[list[str]]]:
    """Per worker (one live conversation at a time), its conversations: at least `min_turns` turns in all."""
    per_worker = max(1, -(-min_turns // (conversations * turns)))
    rng = random.Random(seed * 1000 + conversations)
    kinds = list(WEIGHTS)

    def conversation() -> list[str]:
        chosen = [rng.choice(["greeting", "coupon", "knowledge"])]
        chosen += rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds], k=turns - 1)
        return [rng.choice(mix[k]) for k in chosen]

    return [[conversation() for _ in range(per_worker)] for _ in range(conversations)]


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "n": len(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "max_ms": round(ordered[-1], 2),
    }


def _summary(samples: dict[str, Any]) -> dict[str, Any]:
    latencies, timings, wall = samples["latency"], samples.get("timings") or [], samples["wall"]
    out: dict[str, Any] = {
        "turns": len(latencies),
        "wall_s": round(wall, 2),
        "turns_per_s": round(len(latencies) / wall, 1) if wall else None,
        "turn": _percentiles(latencies),
        "nodes": {
            n: _percentiles([t[n] for t in timings if n in t]) for n in NODES if any(n in t for t in timings)
        },
        "actions": dict(sorted((samples.get("actions") or {}).items())),
    }
    if samples.get("server_ms"):
        out["agent_turn"] = _percentiles(samples["server_ms"])  # Agent.handle inside the server, without HTTP
    for key in ("cpu_ms_per_turn", "sql_statements_per_turn"):
        if key in samples:
            out[key] = samples[key]
    return out


def _play_in_process(
    agent: Any,
    handle: str,
    plans: list[list[list[str]]],
    tag: str,
    *,
    think: tuple[float, float] | None,
    seed: int,
) -> dict[str, Any]:
    from agent import InboundMessage

    samples: dict[str, Any] = {"latency": [], "timings": [], "actions": {}}

    def worker(index: int) -> None:
        rng = random.Random(f"{seed}-{tag}-{index}")
        if think:  # people do not all start at the same instant: spread the first messages
            time.sleep(rng.uniform(0, 2 * think[1]))
        for c, messages in enumerate(plans[index]):
            conversation_id = None
            for t, text in enumerate(messages):
                if t and think:
                    time.sleep(rng.uniform(*think))
                started = time.perf_counter()
                result = agent.handle(
                    InboundMessage(
                        handle=handle,
                        channel="web",
                        sender_id=f"{tag}-{index}-{c}",
                        text=text,
                        message_id=f"{tag}-{index}-{c}-{t}",
                        conversation_id=conversation_id,
                        now=NOW,
                    )
                )
                samples["latency"].append((time.perf_counter() - started) * 1000)
                conversation_id = result.conversation_id
                samples["timings"].append(dict(result.trace.get("timings") or {}))
                samples["actions"][result.action] = samples["actions"].get(result.action, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        list(pool.map(worker, range(len(plans))))
    samples["wall"] = time.perf_counter() - started
    return samples


def describe_machine(database_url: str | None = None) -> dict[str, Any]:
    """CPU count and model, memory, load, Python, OS and (given a database) PostgreSQL and pgvector versions."""
    model = platform.processor()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    out: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        out["memory_gib"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        out["load_average"] = [
            round(x, 2) for x in os.getloadavg()
        ]  # other work on the machine skews every figure
    except (ValueError, OSError, AttributeError):
        pass
    if database_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        try:
            with engine.connect() as conn:
                out["postgres"] = conn.execute(text("show server_version")).scalar()
                out["pgvector"] = conn.execute(
                    text("select extversion from pg_extension where extname = 'vector'")
                ).scalar()
        finally:
            engine.dispose()
    return out


def _fresh_database(log: Callable[[str], None]) -> Any:
    from sqlalchemy import text

    import store.models_brands  # noqa: F401  (its tables belong to the metadata)
    from evals.sandbox import open_eval_database
    from knowledge.bundles import import_bundle_file
    from store.bootstrap import open_database
    from store.models import Base

    db = open_eval_database(open_database(), name=BENCH_DB_NAME, redis_db=BENCH_REDIS_DB)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.admin_engine.begin() as conn:  # the conversation checkpoints' table included
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.redis.flushdb()
    import_bundle_file(db, DEMO_BUNDLE)
    log(f"bench database {BENCH_DB_NAME}: demo bundle imported")
    return db


def _drop(db: Any, log: Callable[[str], None]) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    db.engine.dispose()
    admin = create_engine(make_url(db.admin_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB_NAME}" WITH (FORCE)'))
    admin.dispose()
    log(f"bench database {BENCH_DB_NAME} dropped")


def _line(numbers: dict[str, Any]) -> str:
    turn = numbers["turn"]
    return (
        f"p50 {turn.get('p50_ms')} / p95 {turn.get('p95_ms')} / p99 {turn.get('p99_ms')} ms, "
        f"{numbers['turns_per_s']} turns/s"
    )


class _Levels:
    """Runs every concurrency level under both loads through one `play(plans, tag, think)` function."""

    def __init__(self, mix: dict[str, list[str]], config: dict[str, Any], log: Callable[[str], None]) -> None:
        self.mix, self.config, self.log = mix, config, log

    def run(
        self,
        name: str,
        play: Callable[..., dict[str, Any]],
        extra: Callable[[list[list[list[str]]], str, Any], dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        cfg = self.config
        play(
            _plans(
                self.mix, conversations=2, turns=cfg["turns_per_conversation"], min_turns=20, seed=cfg["seed"]
            ),
            f"{name}-warm",
            None,
        )
        out: dict[str, Any] = {}
        for n in cfg["concurrency"]:
            level: dict[str, Any] = {}
            for load in ("saturated", "paced"):
                think = tuple(cfg["think_s"]) if load == "paced" and n > 1 else None
                if load == "paced" and think is None:  # alone, think time changes nothing: same run
                    level[load] = level["saturated"]
                    continue
                min_turns = cfg["min_turns_saturated"] if load == "saturated" else 1
                plans = _plans(
                    self.mix,
                    conversations=n,
                    turns=cfg["turns_per_conversation"],
                    min_turns=min_turns,
                    seed=cfg["seed"],
                )
                numbers = _summary(play(plans, f"{name}{n}{load[0]}", think))
                if extra is not None:
                    numbers.update(extra(plans, f"{name}{n}{load[0]}", think))
                level[load] = numbers
                self.log(f"{name:<10} {n:>3} conversations, {load:<9}: {_line(numbers)}")
            out[str(n)] = level
        return out


def run(
    *,
    concurrency: tuple[int, ...] = (1, 20, 100),
    turns_per_conversation: int = 6,
    min_turns: int = 200,
    think_s: tuple[float, float] = (1.0, 3.0),
    in_process: bool = True,
    http: bool = True,
    workers: int = 1,
    seed: int = 7,
    keep: bool = False,
    unique_messages: int = 200,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the turn benchmark; returns every figure (see the module docstring)."""
    bundle = json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
    handle = bundle["influencer"]["handle"]
    db = _fresh_database(log)
    config = {
        "bundle": DEMO_BUNDLE.name,
        "handle": handle,
        "engine": "offline",
        "concurrency": list(concurrency),
        "turns_per_conversation": turns_per_conversation,
        "min_turns_saturated": min_turns,
        "think_s": list(think_s),
        "server_workers": workers,
        "seed": seed,
        "mix_weights": WEIGHTS,
    }
    report: dict[str, Any] = {"benchmark": "turns", "config": config, "machine": describe_machine(db.url)}
    levels = _Levels(message_mix(bundle), config, log)
    try:
        if in_process:
            report["in_process"] = _in_process(db, handle, levels, seed, unique_messages)
        if http:
            report["http"] = _over_http(db, handle, levels, seed, workers)
    finally:
        report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        if keep:
            db.engine.dispose()
        else:
            _drop(db, log)
    if http and str(AIM["conversations"]) in report.get("http", {}):
        p95 = report["http"][str(AIM["conversations"])][AIM["load"]]["turn"]["p95_ms"]
        report["aim"] = {**AIM, "measured_p95_ms": p95, "met": p95 < AIM["p95_ms"]}
    return report


def _in_process(db: Any, handle: str, levels: _Levels, seed: int, unique: int = 200) -> dict[str, Any]:
    os.environ.update(UNLIMITED)
    from agent import Agent, AgentSettings
    from store.db import Database

    # The same pool sizes as a server process (the eval sandbox's own pool is smaller).
    agent = Agent(Database(db.url, db.redis_url), settings=AgentSettings())
    agent.engine = agent.fallback_engine  # the offline engine, whatever the environment says
    from evals._bench_procs import Meter, StatementCounter, family, postmaster_pid, rss_mib

    postmaster = postmaster_pid(db.admin_url)
    pg_cpu = Meter(lambda: family(postmaster) if postmaster else [])

    def play(plans: list[list[list[str]]], tag: str, think: Any) -> dict[str, Any]:
        pg_cpu.start()
        cpu = time.process_time()
        with StatementCounter() as statements:
            samples = _play_in_process(agent, handle, plans, tag, think=think, seed=seed)
        turns = len(samples["latency"]) or 1
        samples["cpu_ms_per_turn"] = {"server": round((time.process_time() - cpu) * 1000 / turns, 2),
                                      "postgres": round(pg_cpu.stop() * 1000 / turns, 2) if postmaster else None}
        samples["sql_statements_per_turn"] = round(statements.count / turns, 1)
        return samples

    from evals._bench_turns_model import embedding_calls, semantic_cost, unique_messages

    before = embedding_calls()
    try:
        result = levels.run("in_process", play)
        result["semantic_model"] = semantic_cost(before, _turns_in(result))
        result["unique_messages"] = unique_messages(agent, handle, NOW, unique)
        result["rss_mib"] = {"process": rss_mib(os.getpid())}
        return result
    finally:
        agent.close()
        agent.db.engine.dispose()


def _turns_in(result: dict[str, Any]) -> int:
    """Every turn played in the levels of one run."""
    found = 0
    for value in result.values():
        if isinstance(value, dict):
            found += int(value["turns"]) if isinstance(value.get("turns"), int) else _turns_in(value)
    return found


def _over_http(db: Any, handle: str, levels: _Levels, seed: int, workers: int) -> dict[str, Any]:
    from evals._bench_procs import Meter, family, postmaster_pid, rss_mib
    from evals._bench_turns_http import Server, play_http

    env = {**UNLIMITED, "BENCH_DATABASE_URL": db.url, "BENCH_REDIS_URL": db.redis_url, "BENCH_NOW": NOW,
           "BENCH_HANDLE": handle}
    servers: list[Any] = []
    postmaster = postmaster_pid(db.admin_url)
    try:
        chat = Server("chat", env=env, workers=workers)
        servers.append(chat)
        echo = Server("echo", env=env)
        servers.append(echo)
        server_cpu = {"chat": _family_meter(chat.process.pid), "floor": _family_meter(chat.process.pid),
                      "echo": _family_meter(echo.process.pid)}
        pg_cpu = Meter(lambda: family(postmaster) if postmaster else [])

        def play(plans: list[list[list[str]]], tag: str, think: Any, *, kind: str = "chat") -> dict[str, Any]:
            server = echo if kind == "echo" else chat
            try:
                return asyncio.run(play_http(server.url, handle, plans, tag, echo=kind == "echo",
                                             floor=kind == "floor", think=think, seed=seed))
            except Exception as exc:
                state = "exited" if server.process.poll() is not None else "running"
                raise RuntimeError(f"{tag}: {type(exc).__name__} ({state} server): {server.log_tail()}") from exc

        def metered(plans: list[list[list[str]]], tag: str, think: Any, kind: str = "chat") -> dict[str, Any]:
            server_cpu[kind].start()
            pg_cpu.start()
            samples = play(plans, tag, think, kind=kind)
            turns = len(samples["latency"]) or 1
            samples["cpu_ms_per_turn"] = {"server": round(server_cpu[kind].stop() * 1000 / turns, 2),
                                          "postgres": round(pg_cpu.stop() * 1000 / turns, 2) if postmaster else None}
            return samples

        def baselines(plans: list[list[list[str]]], tag: str, think: Any) -> dict[str, Any]:
            out = {}
            for kind in ("floor", "echo"):
                samples = metered(plans, f"{tag}{kind[0]}", think, kind)
                numbers = _summary(samples)
                numbers.pop("nodes", None)
                numbers.pop("actions", None)
                out[kind] = numbers
            return out

        def chat_play(plans: list[list[list[str]]], tag: str, think: Any) -> dict[str, Any]:
            return metered(plans, tag, think)

        out = levels.run("http", chat_play, baselines)
        for level in out.values():
            for numbers in level.values():
                for kind in ("floor", "echo"):
                    if kind in numbers and f"ratio_to_{kind}" not in numbers:
                        base = numbers[kind]["turn"]
                        numbers[f"ratio_to_{kind}"] = {k: round(numbers["turn"][k] / base[k], 1)
                                                       for k in ("p50_ms", "p95_ms", "p99_ms") if base.get(k)}
        out["rss_mib"] = {"server": {str(pid): rss_mib(pid) for pid in family(chat.process.pid)},
                          "postgres_total": round(sum(rss_mib(pid) or 0.0 for pid in family(postmaster)), 1)
                          if postmaster else None}
        return out
    finally:
        for server in servers:
            server.stop()


def _family_meter(pid: int) -> Any:
    """A CPU meter over a process and its children."""
    from evals._bench_procs import Meter, family

    return Meter(lambda: family(pid))
