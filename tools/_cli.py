"""What the area's command-line commands share: an owner's tool context for a handle, on the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from tools.registry import ToolContext

__all__ = ["owner_context"]


@contextmanager
def owner_context(handle: str, actor: str) -> Iterator[ToolContext]:
    """The influencer's owner context in one committed session; exits 2 naming the handle when unknown."""
    from store import tenants as tenant_store
    from store.bootstrap import open_database
    from store.records import DEFAULT_TIMEZONE, utcnow
    from tools.registry import OWNER

    db = open_database()
    with db.admin_session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle.lstrip("@"))
        if tenant is None:
            typer.echo(f"error: no influencer @{handle.lstrip('@')}", err=True)
            raise typer.Exit(2)
        yield ToolContext(session=session, tenant_id=tenant.id, handle=tenant.handle,
                          timezone=tenant.timezone or DEFAULT_TIMEZONE, role=OWNER, channel="cli", actor=actor,
                          now=utcnow())
