"""CLI: `serve` (the HTTP server with the widget and the channels) and `worker` (turns off the request)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def serve(
    demo: bool = typer.Option(False, "--demo", help="Load the demo influencer and serve the demo page at /."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    worker: bool = typer.Option(
        True, "--worker/--no-worker", help="Run the job worker in this process (else run `influencer-os worker`)."
    ),
) -> None:
    """Run the server: chat API, widget, WhatsApp webhook, health and OpenAPI."""
    import uvicorn

    from channels.app import create_app
    from store.bootstrap import open_database

    open_database()  # fail fast, with exit code 3, before the server starts
    uvicorn.run(create_app(demo=demo, worker=worker), host=host, port=port, log_level="info")


def worker(
    threads: int = typer.Option(4, "--threads", min=1, help="Conversations handled at the same time."),
) -> None:
    """Run the job worker: queued WhatsApp turns, owner notifications and daily digests (Ctrl-C stops)."""
    import logging

    from channels._runtime import build_runtime
    from store.bootstrap import open_database

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)  # it logs every request's headers
    runtime = build_runtime(open_database(), concurrency=threads)
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


def register(app: typer.Typer) -> None:
    """Add the server commands to the root app."""
    app.command("serve")(serve)
    app.command("worker")(worker)
