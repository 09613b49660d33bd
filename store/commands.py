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


owners_app = typer.Typer(help="Phones that get owner rights on WhatsApp.", no_args_is_help=True)
tokens_app = typer.Typer(help="Owner tokens for the web console and the API.", no_args_is_help=True)


def _tenant_or_exit(session, handle: str):
    from store import tenants as tenant_store

    tenant = tenant_store.get_by_handle(session=session, handle=handle)
    if tenant is None:
        shown = tenant_store.normalize_handle(handle)
        typer.echo(f"error: no influencer @{shown}; import a bundle first", err=True)
        raise typer.Exit(2)
    return tenant


@owners_app.command("add")
def owners_add_cmd(
    handle: str = typer.Argument(..., help="The influencer's handle."),
    phone: str = typer.Argument(..., help="WhatsApp number in E.164, like +972541112233."),
    label: str | None = typer.Option(None, "--label", help="Whose phone this is, e.g. 'manager'."),
) -> None:
    """Give a WhatsApp number owner rights over an influencer."""
    from store import owners as owner_store
    from store.bootstrap import open_database

    try:
        normalized = owner_store.normalize_phone(phone)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    with open_database().session() as session:
        tenant = _tenant_or_exit(session, handle)
        try:
            owner_store.add_phone(session=session, tenant_id=tenant.id, phone=normalized, label=label)
        except owner_store.OwnerConflict as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"{normalized} is an owner of @{tenant.handle}")


@owners_app.command("list")
def owners_list_cmd(handle: str = typer.Argument(..., help="The influencer's handle.")) -> None:
    """List the owner phones and tokens (tokens by label and date only) of an influencer."""
    from store import owners as owner_store
    from store.bootstrap import open_database

    with open_database().session() as session:
        tenant = _tenant_or_exit(session, handle)
        for identity in owner_store.list_identities(session=session, tenant_id=tenant.id):
            shown = identity.value if identity.kind == "phone" else "token " + identity.value[:8] + "…"
            typer.echo(f"{identity.kind:6} {shown:24} {identity.label or ''}".rstrip())


@tokens_app.command("create")
def tokens_create_cmd(
    handle: str = typer.Argument(..., help="The influencer's handle."),
    label: str | None = typer.Option(None, "--label", help="What the token is for, e.g. 'console'."),
) -> None:
    """Create an owner token; it is shown once (only its hash is stored)."""
    from store import owners as owner_store
    from store.bootstrap import open_database

    with open_database().session() as session:
        tenant = _tenant_or_exit(session, handle)
        token = owner_store.create_token(session=session, tenant_id=tenant.id, label=label)
    typer.echo(token)
    typer.echo(f"owner token for @{tenant.handle}; it is shown only this once", err=True)


def register(app: typer.Typer) -> None:
    """Add the storage commands to the root app."""
    app.add_typer(services_app, name="services")
    app.add_typer(db_app, name="db")
    app.add_typer(owners_app, name="owners")
    app.add_typer(tokens_app, name="tokens")
