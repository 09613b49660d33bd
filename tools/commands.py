"""CLI commands of this area (registered on the root `influencer-os` app): the owner's audit log."""

from __future__ import annotations

import json
from typing import Any

import typer

__all__ = ["register", "format_entry"]


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def format_entry(entry: Any, tz: str) -> str:
    """One audit entry as a line: local time, channel, actor, action, resource, and what changed."""
    from tools.dates import local_now

    when = local_now(entry.at, tz).strftime("%Y-%m-%d %H:%M")
    if entry.before is None:
        change = "created " + ", ".join(
            f"{k}={_short(v)}" for k, v in (entry.after or {}).items() if v not in (None, [], "")
        )
    elif entry.after is None:
        change = "removed"
    else:
        change = "; ".join(
            f"{k}: {_short(entry.before.get(k))} -> {_short(v)}" for k, v in entry.after.items()
        )
    target = f"{entry.resource} {entry.resource_id}" if entry.resource_id else entry.resource
    return f"{when}  {entry.channel:9} {entry.actor:18} {entry.action:20} {target:22} {change or 'no change'}"


def audit_cmd(
    handle: str = typer.Argument(..., help="the influencer's handle"),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="how many entries, newest first"),
) -> None:
    """Print the changes owners made (who, channel, when, before -> after), newest first."""
    from store import audit as audit_store
    from store import tenants as tenant_store
    from store.bootstrap import open_database

    db = open_database()
    with db.session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle)
        if tenant is None:
            typer.echo(f"error: no influencer with the handle {handle!r}", err=True)
            raise typer.Exit(2)
        entries = audit_store.recent(session=session, tenant_id=tenant.id, limit=limit)
        if not entries:
            typer.echo(f"no changes recorded for @{tenant.handle}")
            return
        for entry in entries:
            typer.echo(format_entry(entry, tenant.timezone))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    from tools.brief_commands import brief_app
    from tools.export_commands import export_cmd

    app.command("audit")(audit_cmd)
    app.command("export")(export_cmd)
    app.add_typer(brief_app, name="brief")
