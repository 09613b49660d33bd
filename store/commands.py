"""CLI: services, database migrations, bundle import, owner identities."""

from __future__ import annotations

import typer

__all__ = ["register"]

services_app = typer.Typer(help="Embedded PostgreSQL and Redis.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@services_app.command("status")
def services_status_cmd() -> None:
    """Say what runs where."""
    from store.services import services_status

    for s in services_status():
        state = "running" if s.running else "stopped"
        typer.echo(f"{s.name:9} {s.mode:9} {state:8} {s.where}")


@services_app.command("start")
def services_start_cmd() -> None:
    """Start the embedded servers (when no URL is configured) and leave them running."""
    from store.bootstrap import open_database

    db = open_database()
    typer.echo(f"postgres  {db.host}\nredis     {db.redis_url}")


@services_app.command("stop")
def services_stop_cmd() -> None:
    """Stop the embedded servers; data stays in the data home."""
    from store.services import stop_services

    stopped = stop_services()
    typer.echo("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))


@db_app.command("upgrade")
def db_upgrade_cmd() -> None:
    """Apply the migrations up to the newest revision."""
    from store.bootstrap import open_database
    from store.migrate import current_revision

    db = open_database(migrate=True)
    typer.echo(f"database at revision {current_revision(db.engine)}")


def register(app: typer.Typer) -> None:
    """Add the storage commands to the root app."""
    app.add_typer(services_app, name="services")
    app.add_typer(db_app, name="db")
