"""The owner's calendar feed: a private link her phone's calendar subscribes to (Google, Apple): tasks with
due dates, partnership starts and ends, invoice due dates. The link carries a read-only token distinct from
the API tokens; only its sha256 is kept, and asking again replaces it (the old link stops working)."""

from __future__ import annotations

import hashlib
import secrets

from store import tenants as tenant_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit
from tools.registry import ToolContext, tool

__all__ = ["calendar_link"]


class CalendarLinkArgs(OwnerArgs):
    pass


@tool("calendar_link", roles=OWNER_ONLY, args=CalendarLinkArgs)
@atomic
def calendar_link(ctx: ToolContext, args: CalendarLinkArgs) -> dict:
    """A private calendar feed link (iCalendar) of my tasks, partnership dates and invoice due dates, to
    subscribe to from my phone; a new link replaces the previous one."""
    token = secrets.token_urlsafe(24)
    tenant_store.set_calendar_digest(session=ctx.session, tenant_id=ctx.tenant_id,
                                     digest=hashlib.sha256(token.encode()).hexdigest())
    audit(ctx, action="update", resource="calendar_link", resource_id="calendar", before=None, after={"rotated": True})
    path = f"/owner/v1/calendar.ics?token={token}"
    make = ctx.services.get("public_url")
    return {"url": make(path) if make else path}
