"""CLI: `serve` (the HTTP server with the widget and the channels) and `worker` (turns off the request)."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["register"]


MAX_DEFAULT_WORKERS = 4
NICE = 19  # bench webhook, 50 webhooks at once while their turns run: ack p99 30-40 ms at 19, 54-62 at 10


def serve(
    demo: bool = typer.Option(False, "--demo", help="Load the demo influencer and serve the demo page at /."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Run the job worker beside the server (else run `influencer-os worker`)."
    ),
    workers: int = typer.Option(
        0, "--workers", min=0,
        help=f"API processes (0: one per CPU core, at most {MAX_DEFAULT_WORKERS}: the embedded PostgreSQL allows "
        "100 connections; more with --workers N and the pool sizes of deploy/README.md).",
    ),
    job_workers: int = typer.Option(
        1, "--job-workers", min=0,
        help="Job worker processes started beside the API, at a lower CPU priority so webhooks are "
        "acknowledged first (0: run the job worker inside each API process).",
    ),
    job_threads: int = typer.Option(4, "--job-threads", min=1, help="Conversations each job worker runs at once."),
    job_nice: int = typer.Option(
        NICE, "--job-nice", min=0, max=19,
        help="How much lower the job workers' CPU priority is than the API's (19: the lowest).",
    ),
) -> None:
    """Run the server: chat API, widget, WhatsApp webhook, health and OpenAPI, with its job workers."""
    import json
    import os

    import uvicorn

    from channels._supervise import JobWorkers
    from store.bootstrap import open_database

    db = open_database()  # fail fast, with exit code 3, before the server starts
    if demo:
        from channels.console import sign_in_link
        from channels.demo import demo_handle, load_demo

        load_demo(db)
        link = sign_in_link(db, demo_handle(), f"http://{host}:{port}")
        typer.echo(f"demo page: http://{host}:{port}/   owner console (one-time link, 15 min): {link}", err=True)
    api = workers or min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)
    in_process = worker and job_workers == 0
    os.environ[_SERVE_ENV] = json.dumps({"demo": demo, "worker": in_process})
    helpers = JobWorkers(job_workers if worker else 0, threads=job_threads, nice=job_nice)
    typer.echo(f"serving on http://{host}:{port} with {api} API process(es); job workers: "
               f"{helpers.describe() if helpers.count else 'in process' if in_process else 'none here'}", err=True)
    helpers.start()
    try:
        uvicorn.run("channels.server_commands:app_factory", factory=True, host=host, port=port, workers=api,
                    log_level="info")
    finally:
        helpers.stop()


_SERVE_ENV = "INFLUENCER_OS_SERVE"


def app_factory() -> object:
    """The app of one API process started by `serve` (uvicorn calls this in every worker process)."""
    import json
    import os

    from channels.app import create_app

    options = json.loads(os.environ.get(_SERVE_ENV) or "{}")
    return create_app(demo=bool(options.get("demo")), worker=bool(options.get("worker", True)))


def worker(
    threads: int = typer.Option(4, "--threads", min=1, help="Conversations handled at the same time."),
    nice: int = typer.Option(0, "--nice", min=0, max=19, help="Lower this process's CPU priority by this much."),
) -> None:
    """Run the job worker: queued WhatsApp turns, owner notifications and daily digests (Ctrl-C stops)."""
    import gc
    import logging
    import os

    from channels._runtime import build_runtime
    from store.bootstrap import open_database

    if nice:
        os.nice(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)  # it logs every request's headers
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)  # one line per recognizer at start
    runtime = build_runtime(open_database(), concurrency=threads)
    gc.freeze()  # what start-up loaded stays: out of the collector's sight (see channels/app.py)
    typer.echo(f"worker {runtime.worker.id}: {threads} threads; Ctrl-C to stop", err=True)
    if not runtime.sender.settings.configured:
        typer.echo(
            "note: Twilio is not configured (TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER): replies are recorded, not sent",
            err=True,
        )
    try:
        runtime.worker.run_forever()
    finally:
        runtime.close()


console_app = typer.Typer(help="The owner console at /console.", no_args_is_help=True)


@console_app.command("link")
def console_link(
    handle: str = typer.Argument(..., help="The influencer's handle."),
    base_url: str = typer.Option("http://127.0.0.1:8000", "--base-url", help="Where the server is reached."),
) -> None:
    """Print a one-time sign-in link to the console (good for 15 minutes, for one sign-in)."""
    from channels.console import sign_in_link
    from store.bootstrap import open_database

    link = sign_in_link(open_database(), handle, base_url)
    if link is None:
        typer.echo(f"error: no influencer with the handle {handle!r}", err=True)
        raise typer.Exit(2)
    typer.echo(link)


jobs_app = typer.Typer(help="The job queue: what failed and why, and run it again.", no_args_is_help=True)


def _queue():
    from channels.worker import JobQueue
    from store.bootstrap import open_database

    return JobQueue(open_database().redis)


@jobs_app.command("list")
def jobs_list(
    status: str | None = typer.Option(None, "--status", help="todo, running, done, cancelled, dead"),
    limit: int = typer.Option(30, "--limit", min=1, max=1000),
) -> None:
    """Scheduled jobs (follow-ups, reminders): when, what, status, and why one was cancelled or died."""
    from store import schedule as schedule_store
    from store.bootstrap import open_database

    with open_database().admin_session() as session:
        counts = schedule_store.counts(session=session)
        rows = schedule_store.jobs(session=session, status=status, limit=limit)
        lines = [f"{r.id:>6}  {r.due_at:%Y-%m-%d %H:%M}  {r.kind:<10} {r.status:<9} tenant {r.tenant_id}"
                 f"  tries {r.attempts}" + (f"  {r.last_error}" if r.last_error else "") for r in rows]
    typer.echo("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no scheduled jobs")
    for line in lines:
        typer.echo(line)


def _dead_scheduled() -> list[dict]:
    from store import schedule as schedule_store
    from store.bootstrap import open_database

    with open_database().admin_session() as session:
        return [{"id": r.id, "kind": r.kind, "tenant_id": r.tenant_id, "due_at": r.due_at.isoformat(),
                 "error": r.last_error or ""} for r in schedule_store.jobs(session=session, status="dead", limit=500)]


@jobs_app.command("dead")
def jobs_dead(as_json: bool = typer.Option(False, "--json")) -> None:
    """Jobs that failed three times (masked), with their error and when: turns of the queue (numbered for
    `jobs retry N`) and scheduled follow-ups and reminders (`jobs retry --scheduled ID`)."""
    import datetime as dt
    import json

    entries, scheduled = _queue().dead_letters(), _dead_scheduled()
    if as_json:
        typer.echo(json.dumps({"turns": entries, "scheduled": scheduled}, ensure_ascii=False, indent=2))
        return
    for row in scheduled:
        typer.echo(f"  s{row['id']}  {row['due_at'][:16]}  {row['kind']} tenant {row['tenant_id']}  {row['error']}")
    if not entries:
        typer.echo("no failed turns" if scheduled else "no failed jobs")
        return
    for n, entry in enumerate(entries):
        when = dt.datetime.fromtimestamp(entry.get("at") or 0, dt.UTC).strftime("%Y-%m-%d %H:%M")
        job = entry.get("job") or {}
        typer.echo(f"{n:>3}  {when}  {job.get('kind', '?')} {job.get('id', '?')}  {entry.get('error', '')}")


@jobs_app.command("retry")
def jobs_retry(
    index: int | None = typer.Argument(None, help="The number `jobs dead` shows; all of them when left out."),
    scheduled: str | None = typer.Option(None, "--scheduled", help="A dead scheduled job's id, or 'all'."),
) -> None:
    """Queue failed jobs again (a running worker takes them)."""
    if scheduled is not None:
        from store import schedule as schedule_store
        from store.bootstrap import open_database
        from store.records import utcnow

        job_id = None if scheduled == "all" else int(scheduled.lstrip("s")) if scheduled.lstrip("s").isdigit() else -1
        if job_id == -1:
            typer.echo("error: --scheduled takes a job id (as `jobs dead` shows) or 'all'", err=True)
            raise typer.Exit(2)
        with open_database().admin_session() as session:
            revived = schedule_store.revive(session=session, at=utcnow(), job_id=job_id)
        if job_id is not None and not revived:
            typer.echo(f"error: no dead scheduled job {job_id}; see `influencer-os jobs dead`", err=True)
            raise typer.Exit(2)
        typer.echo(f"scheduled {revived} job{'s' if revived != 1 else ''} again")
        return
    queued = _queue().retry_dead(index)
    if index is not None and not queued:
        typer.echo(f"error: no failed job number {index}; see `influencer-os jobs dead`", err=True)
        raise typer.Exit(2)
    typer.echo(f"queued {queued} job{'s' if queued != 1 else ''} again")


shops_app = typer.Typer(help="Shops that send her orders (webhooks).", no_args_is_help=True)


@shops_app.command("connect")
def shops_connect(
    handle: str = typer.Argument(..., help="The influencer's handle"),
    platform: str = typer.Option("shopify", "--platform", help="shopify or woocommerce"),
    secret: str = typer.Option(..., "--secret", prompt=True, hide_input=True,
                               help="The webhook signing secret the shop shows"),
) -> None:
    """Keep a shop's webhook secret (sealed); orders then arrive at /webhooks/shopify/HANDLE."""
    from channels.shops import connect
    from store.bootstrap import open_database

    try:
        connect(open_database(), handle.lstrip("@"), platform, secret)
    except (ValueError, LookupError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"@{handle.lstrip('@')}: {platform} connected; point its order webhooks at "
               f"/webhooks/{platform}/{handle.lstrip('@')}")


redemptions_app = typer.Typer(help="Orders made with her codes.", no_args_is_help=True)


def _zoned(value: str, timezone: str) -> str:
    """A shop's timestamp in ISO form, in her time zone when it names none."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    text = value.strip().replace("/", "-")
    try:
        moment = dt.datetime.fromisoformat(text.replace(" +", "+").replace(" -", "-"))
    except ValueError:
        return value
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))).isoformat()


@redemptions_app.command("import")
def redemptions_import(
    handle: str = typer.Argument(..., help="The influencer's handle"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A shop's order export (CSV)"),
    mapping: list[str] = typer.Option([], "--map", help="field=Column, e.g. --map order_amount='Grand total'"),
) -> None:
    """Record the orders of a CSV made with her codes; bad rows are reported with their line, good rows kept."""
    from store import tenants as tenant_store
    from store.bootstrap import open_database
    from store.records import DEFAULT_TIMEZONE, utcnow
    from tools import REGISTRY
    from tools.redemption_csv import read_orders
    from tools.registry import OWNER, ToolContext

    pairs = dict(m.split("=", 1) for m in mapping if "=" in m)
    items, problems, lines = read_orders(file.read_bytes(), pairs)
    db = open_database()
    created = existing = 0
    with db.admin_session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle.lstrip("@"))
        if tenant is None:
            typer.echo(f"error: no influencer @{handle.lstrip('@')}", err=True)
            raise typer.Exit(2)
        timezone = tenant.timezone or DEFAULT_TIMEZONE
        for item in items:
            if "at" in item:
                item["at"] = _zoned(str(item["at"]), timezone)
        ctx = ToolContext(session=session, tenant_id=tenant.id, handle=tenant.handle, timezone=timezone, role=OWNER,
                          channel="cli", actor="cli:redemptions-import", now=utcnow())
        with typer.progressbar(range(0, len(items), 500), label="orders", show_pos=True) as chunks:
            for start in chunks:
                result = REGISTRY.run("record_redemptions", {"redemptions": items[start:start + 500]}, ctx)
                if not result.ok:
                    typer.echo(f"error: {(result.error or {}).get('reason')}", err=True)
                    raise typer.Exit(1)
                created += result.data["created"]
                existing += result.data["already_there"]
                problems += [f"line {lines[start + r['index']]}: {r.get('field') or 'row'}: {r['reason']}"
                             for r in result.data["refused"]]
        session.commit()
    typer.echo(f"@{handle.lstrip('@')}: {created} orders recorded, {existing} already there, {len(problems)} problems")
    for line in problems[:50]:
        typer.echo(f"  {line}")


def register(app: typer.Typer) -> None:
    """Add the server commands to the root app."""
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(shops_app, name="shops")
    app.add_typer(redemptions_app, name="redemptions")
    app.add_typer(console_app, name="console")
