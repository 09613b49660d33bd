"""CLI: `serve` (the HTTP server with the widget and the channels)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def serve(
    demo: bool = typer.Option(False, "--demo", help="Load the demo influencer on first start and serve the demo page."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Run the server: chat API, widget, WhatsApp webhook, health and OpenAPI."""
    import uvicorn

    from channels.app import create_app
    from store.bootstrap import open_database

    open_database()  # fail fast, with exit code 3, before the server starts
    uvicorn.run(create_app(demo=demo), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add the server command to the root app."""
    app.command("serve")(serve)
