"""`influencer-os bench ...`: benchmarks (the lead registers `bench_app` on the root app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["bench_app"]

bench_app = typer.Typer(
    help="Benchmarks: numbers to compare runs and machines by.", invoke_without_command=True
)


def _write(report: dict, json_path: Path | None) -> None:
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)


def _retrieval(
    tenants: int | None,
    posts: int | None,
    queries: int | None,
    small: bool,
    ef_search: str,
    database_url: str | None,
    keep: bool,
    embedder: str = "hashing",
) -> dict:
    from evals import bench_retrieval

    size = bench_retrieval.SMALL if small else bench_retrieval.FULL
    return bench_retrieval.run(
        tenants=tenants or size["tenants"],
        posts=posts or size["posts"],
        queries=queries or size["queries"],
        ef_search=tuple(int(x) for x in ef_search.split(",") if x.strip()),
        database_url=database_url,
        keep=keep,
        embedder_kind=embedder,
        log=lambda line: typer.echo(line, err=True),
    )


def _turns(concurrency: str = "1,20,100", turns: int = 6, min_turns: int = 200, think: str = "1,3",
           workers: int = 1, in_process: bool = True, http: bool = True, keep: bool = False) -> dict:
    from evals import bench_turns

    low, _, high = think.partition(",")
    return bench_turns.run(
        concurrency=tuple(int(x) for x in concurrency.split(",") if x.strip()),
        turns_per_conversation=turns,
        min_turns=min_turns,
        think_s=(float(low), float(high or low)),
        in_process=in_process,
        http=http,
        workers=workers,
        keep=keep,
        log=lambda line: typer.echo(line, err=True),
    )


def _everything(small: bool) -> dict:
    """Every benchmark in one report, with the machine; one that fails records its error, the rest still run."""
    import importlib
    import traceback

    from evals.bench_turns import describe_machine

    runs = {
        "retrieval": lambda: _retrieval(None, None, None, small, "40,80,200", None, False),
        "turns": lambda: _turns(min_turns=100 if small else 200),
    }
    try:  # the WhatsApp webhook benchmark, where that area has one
        webhook = importlib.import_module("evals.bench_webhook")
        runs["webhook"] = lambda: webhook.run(log=lambda line: typer.echo(line, err=True))
    except ModuleNotFoundError:
        pass
    report: dict = {}
    try:
        from store.bootstrap import open_database

        report["machine"] = describe_machine(open_database().url)
    except Exception as exc:  # the figures still mean something without the server's version
        report["machine"] = describe_machine() | {"postgres": f"unknown ({type(exc).__name__})"}
    for name, start in runs.items():
        typer.echo(f"== bench {name}", err=True)
        try:
            report[name] = start()
        except Exception as exc:
            traceback.print_exc()
            report[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return report


@bench_app.callback()
def bench_all(
    ctx: typer.Context,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report here")] = None,
    small: Annotated[bool, typer.Option("--small", help="A quick run on a small data set")] = False,
) -> None:
    """Run every benchmark into one JSON with the machine's description (`bench NAME` runs one)."""
    if ctx.invoked_subcommand is None:
        report = _everything(small)
        _write(report, json_path)
        if any(isinstance(v, dict) and "error" in v for v in report.values()):
            raise typer.Exit(1)


@bench_app.command("all")
def all_cmd(
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report here")] = None,
    small: Annotated[bool, typer.Option("--small", help="A quick run on a small data set")] = False,
) -> None:
    """Run every benchmark into one JSON with the machine's description (same as `bench` alone)."""
    report = _everything(small)
    _write(report, json_path)
    if any(isinstance(v, dict) and "error" in v for v in report.values()):
        raise typer.Exit(1)


@bench_app.command("turns")
def turns_cmd(
    concurrency: Annotated[str, typer.Option(help="Conversations at once, per level")] = "1,20,100",
    turns: Annotated[int, typer.Option(help="Turns per conversation")] = 6,
    min_turns: Annotated[int, typer.Option(help="At least this many turns per level without think time")] = 200,
    think: Annotated[str, typer.Option(help="Seconds between a reply and the next message: min,max")] = "1,3",
    workers: Annotated[int, typer.Option(help="uvicorn worker processes of the HTTP server")] = 1,
    in_process: Annotated[bool, typer.Option("--in-process/--no-in-process")] = True,
    http: Annotated[bool, typer.Option("--http/--no-http")] = True,
    keep: Annotated[bool, typer.Option(help="Keep the throw-away database afterwards")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report here")] = None,
) -> None:
    """Conversation turns (offline engine) in process and over HTTP: latency per turn and node, turns/s, vs echo."""
    _write(_turns(concurrency, turns, min_turns, think, workers, in_process, http, keep), json_path)


@bench_app.command("retrieval")
def retrieval_cmd(
    tenants: Annotated[int | None, typer.Option(help="Tenants (default 20; 4 with --small)")] = None,
    posts: Annotated[
        int | None, typer.Option(help="Posts per tenant (default 5000; 500 with --small)")
    ] = None,
    queries: Annotated[
        int | None, typer.Option(help="Search queries in all (default 400; 80 with --small)")
    ] = None,
    small: Annotated[bool, typer.Option("--small", help="A quick run on a small data set")] = False,
    ef_search: Annotated[
        str, typer.Option(help="HNSW ef_search values to measure recall with")
    ] = "40,80,200",
    database_url: Annotated[
        str | None,
        typer.Option(help="Server to create the throw-away database on (default: the configured one)"),
    ] = None,
    keep: Annotated[bool, typer.Option(help="Keep the throw-away database afterwards")] = False,
    embedder: Annotated[str, typer.Option(help="hashing (fast) or e5 (the default model's vectors; slow)")] = "hashing",
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report here")] = None,
) -> None:
    """Bulk import, HNSW build, tenant-scoped hybrid search latency and HNSW recall vs exact search."""
    _write(_retrieval(tenants, posts, queries, small, ef_search, database_url, keep, embedder), json_path)


def _register_webhook() -> None:
    # The WhatsApp webhook benchmark lives with its channel's helpers; registered here so every
    # benchmark is one `bench NAME` away.
    from evals import bench_faults, bench_money, bench_scheduler, bench_webhook, profile_turns

    bench_app.command("webhook")(bench_webhook.command)
    bench_app.command("faults")(bench_faults.command)
    bench_app.command("scheduler")(bench_scheduler.command)
    bench_app.command("money")(bench_money.command)
    bench_app.command("profile")(profile_turns.command)


_register_webhook()
