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
        log=lambda line: typer.echo(line, err=True),
    )


@bench_app.callback()
def bench_all(
    ctx: typer.Context,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report here")] = None,
    small: Annotated[bool, typer.Option("--small", help="A quick run on a small data set")] = False,
) -> None:
    """Run every benchmark (`bench retrieval ...` for one, with its own options)."""
    if ctx.invoked_subcommand is None:
        _write({"retrieval": _retrieval(None, None, None, small, "40,80,200", None, False)}, json_path)


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
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report here")] = None,
) -> None:
    """Bulk import, HNSW build, tenant-scoped hybrid search latency and HNSW recall vs exact search."""
    _write(_retrieval(tenants, posts, queries, small, ef_search, database_url, keep), json_path)
