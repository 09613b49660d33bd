"""`influencer-os bench profile`: where a turn's CPU goes, repeatably.

Plays the `bench turns` message mix in process (one conversation at a time, offline engine, the demo
bundle in a throw-away database) and reports CPU and wall time per turn, SQL statements per turn by
statement (the first words of each), and, with --cprofile, the functions that took the most time.
cProfile roughly doubles a turn's cost and inflates small Python calls; for shares closer to the
truth, run the same turns under the sampling profiler:

    py-spy record -r 500 -f raw -o turns.txt -- python -m evals.profile_turns --turns 600
    python -m evals.profile_turns --collapse turns.txt      # inclusive share per function

(`pip install py-spy`; it is not a dependency.)
"""

from __future__ import annotations

import collections
import json
import os
import re
import time
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["run", "command", "collapse"]


def run(*, turns: int = 300, cprofile: bool = False, sort: str = "cumulative", top: int = 40,
        log: Any = print) -> dict[str, Any]:
    """Play `turns` turns; returns the figures (and prints the profile when asked)."""
    from evals import bench_turns as bt
    from evals._bench_procs import StatementCounter

    os.environ.update(bt.UNLIMITED)
    db = bt._fresh_database(log)
    bundle = json.loads(bt.DEMO_BUNDLE.read_text(encoding="utf-8"))
    handle = bundle["influencer"]["handle"]
    from agent import Agent, AgentSettings, InboundMessage
    from store.db import Database

    agent = Agent(Database(db.url, db.redis_url), settings=AgentSettings())
    agent.engine = agent.fallback_engine
    plans = bt._plans(bt.message_mix(bundle), conversations=1, turns=6, min_turns=turns, seed=7)[0]

    def play(conversations: list[list[str]], tag: str) -> int:
        # On this thread, not through bench_turns' thread pool: cProfile sees only the thread it runs on.
        played = 0
        for c, messages in enumerate(conversations):
            conversation_id = None
            for t, text in enumerate(messages):
                result = agent.handle(InboundMessage(handle=handle, channel="web", sender_id=f"{tag}-{c}", text=text,
                                                     message_id=f"{tag}-{c}-{t}", conversation_id=conversation_id,
                                                     now=bt.NOW))
                conversation_id = result.conversation_id
                played += 1
        return played

    try:
        play(plans[:5], "warm")
        by_statement: collections.Counter[str] = collections.Counter()
        with StatementCounter() as counter:
            counter.on_statement = lambda sql: by_statement.update([" ".join(str(sql).split())[:90]])
            wall, cpu = time.perf_counter(), time.process_time()
            played = play(plans, "run")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        report = {"turns": played, "cpu_ms_per_turn": round(cpu * 1000 / played, 2),
                  "wall_ms_per_turn": round(wall * 1000 / played, 2),
                  "sql_statements_per_turn": round(counter.count / played, 2),
                  "statements": {sql: round(n / played, 2) for sql, n in by_statement.most_common(30)}}
        if cprofile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            play(plans, "profiled")
            profile.disable()
            pstats.Stats(profile).sort_stats(sort).print_stats(top)
        return report
    finally:
        agent.close()
        bt._drop(db, log)


def collapse(path: Path, *, root: str = "handle (agent/runtime.py", top: int = 60) -> list[tuple[float, str]]:
    """Inclusive share of each function under `root` in a py-spy raw (collapsed stacks) file."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        start = next((i for i, frame in enumerate(frames) if root in frame), None)
        if start is None or not count.isdigit():
            continue
        total += int(count)
        for name in {re.sub(r":\d+\)$", ")", frame) for frame in frames[start:]}:
            inclusive[name] += int(count)
    return [(round(100 * n / total, 1), name) for name, n in inclusive.most_common(top)] if total else []


def command(
    turns: Annotated[int, typer.Option(help="Turns to play (the mix of bench turns)")] = 300,
    cprofile: Annotated[bool, typer.Option("--cprofile", help="Also run them under cProfile and print it")] = False,
    sort: Annotated[str, typer.Option(help="cProfile order: cumulative, tottime...")] = "cumulative",
    collapse_file: Annotated[Path | None,
                             typer.Option("--collapse", help="Summarise a py-spy raw file instead")] = None,
) -> None:
    """Where a turn's CPU goes: CPU, wall and SQL statements per turn; cProfile or py-spy for functions."""
    if collapse_file is not None:
        for share, name in collapse(collapse_file):
            typer.echo(f"{share:5.1f}%  {name}")
        return
    report = run(turns=turns, cprofile=cprofile, sort=sort, log=lambda line: typer.echo(line, err=True))
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    typer.run(command)
