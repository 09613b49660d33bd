"""CLI: `eval run`, `eval compare`, and the `bench` group."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

__all__ = ["register"]

eval_app = typer.Typer(help="Eval suites (eval-suite/1): run them, compare two reports.", no_args_is_help=True)


@eval_app.command("run")
def run_cmd(
    files: list[Path] = typer.Argument(..., help="Suite files (YAML)."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the JSON report here."),
    html_out: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
    tags: str | None = typer.Option(None, "--tags", help="Run only cases with any of these tags (comma-separated)."),
    min_pass_rate: float = typer.Option(1.0, "--min-pass-rate", min=0.0, max=1.0),
    repeat: int = typer.Option(1, "--repeat", min=1, help="Run each case N times; a case passes when all N pass."),
    failures_only: bool = typer.Option(False, "--failures-only", help="Table rows for failures only."),
) -> None:
    """Run suites against the agent (offline unless a model is configured); exit 0/1/2."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from evals.suite import SuiteInvalid, load_suites

    try:
        suites = load_suites(list(files))
    except SuiteInvalid as exc:
        for line in exc.errors:
            print(f"error: {line}", file=sys.stderr)
        raise typer.Exit(2) from None

    from evals.html_report import write_html
    from evals.judge import get_judge
    from evals.report import print_table, write_json
    from evals.runner import run_suites
    from evals.sandbox import drop_eval_database, open_eval_database
    from store.bootstrap import open_database

    wanted = {t.strip() for t in tags.split(",") if t.strip()} if tags else None
    total = sum(1 for s in suites for c in s.cases if not wanted or wanted.intersection(c.tags))
    base = open_database()
    db = open_eval_database(base)
    try:
        from agent import Agent

        agent = Agent(db)
        console = Console(stderr=True)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("running cases", total=total)

            def on_case(suite_name: str, case) -> None:
                progress.update(task, advance=1, description=f"{suite_name}/{case.id}")

            result = run_suites(suites, agent=agent, db=db, tags=wanted, repeat=repeat, judge=get_judge(),
                                model=getattr(agent, "engine_name", "offline"), on_case=on_case)
        agent.close()
    finally:
        drop_eval_database(db)
    out = Console()
    if not out.is_terminal:  # CI logs: wide enough that a failure reads on one line
        out = Console(width=180)
    print_table(result, out, only_failures=failures_only)
    if json_out:
        write_json(result, json_out)
    if html_out:
        write_html(result, html_out)
    summary = result.summary()
    raise typer.Exit(0 if summary["pass_rate"] >= min_pass_rate and summary["cases"] else 1)


@eval_app.command("compare")
def compare_cmd(old: Path = typer.Argument(...), new: Path = typer.Argument(...)) -> None:
    """List regressions first, then fixes, then time changes between two JSON reports."""
    from evals.compare import compare_reports, format_comparison
    from evals.report import load_json

    try:
        a, b = load_json(old), load_json(new)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read report: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    diff = compare_reports(a, b)
    typer.echo(format_comparison(diff, a, b))
    raise typer.Exit(1 if diff["regressions"] else 0)


def register(app: typer.Typer) -> None:
    """Add `eval` and `bench` to the root app."""
    app.add_typer(eval_app, name="eval")
    try:
        from evals.bench import bench_app
    except ImportError:
        return
    app.add_typer(bench_app, name="bench")
