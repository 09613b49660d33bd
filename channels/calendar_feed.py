"""`GET /owner/v1/calendar.ics?token=…`: the owner's calendar as iCalendar (RFC 5545, built with the
`icalendar` library): open tasks with due dates (timed when a time was given), partnership starts and
ends, unpaid invoices' due dates. UIDs are stable per item, so a subscribed calendar updates instead of
duplicating. The token is the calendar link's (tools.calendar), never an API token; a wrong one is 404
(nothing says whether an influencer exists)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from channels.owner_api import problem
from store import partnerships as partnership_store
from store import reminders as reminder_store
from store import tenants as tenant_store
from store.records import DEFAULT_TIMEZONE, utcnow
from store.tenancy import bind

__all__ = ["router", "feed"]

router = APIRouter(tags=["owner"])
_BACK, _AHEAD = 90, 400  # days of tasks and invoices the feed carries


def feed(session: Any, tenant: Any, *, now: dt.datetime) -> bytes:
    """The tenant's calendar as an .ics document."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    zone = ZoneInfo(tenant.timezone or DEFAULT_TIMEZONE)
    today = now.astimezone(zone).date()
    cal = Calendar()
    cal.add("prodid", "-//Influencer OS//calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{tenant.display_name.split('|')[0].strip()} · Influencer OS")
    cal.add("x-wr-timezone", str(zone))

    def event(uid: str, summary: str, day: dt.date, at: dt.datetime | None = None) -> None:
        item = Event()
        item.add("uid", f"{uid}-{tenant.id}@influencer-os")
        item.add("dtstamp", now)
        item.add("summary", summary)
        if at is not None:
            item.add("dtstart", at.astimezone(zone))
            item.add("dtend", (at + dt.timedelta(hours=1)).astimezone(zone))
        else:
            item.add("dtstart", day)
            item.add("dtend", day + dt.timedelta(days=1))
        cal.add_component(item)

    since, until = today - dt.timedelta(days=_BACK), today + dt.timedelta(days=_AHEAD)
    for task in reminder_store.open_tasks_due(session=session, tenant_id=tenant.id, since=since, until=until):
        if task.due_date:
            event(f"task-{task.id}", f"✅ {task.title}", task.due_date, task.due_at)
    for p in partnership_store.list_partnerships(session=session, tenant_id=tenant.id):
        if p.status in ("cancelled",):
            continue
        if p.start_date:
            event(f"partnership-start-{p.id}", f"🤝 {p.brand} starts", p.start_date)
        if p.end_date:
            event(f"partnership-end-{p.id}", f"🤝 {p.brand} ends", p.end_date)
    for invoice in reminder_store.unpaid_invoices_due(session=session, tenant_id=tenant.id, since=since,
                                                      until=until):
        if invoice.due:
            event(f"invoice-{invoice.id}", f"💸 Invoice {invoice.number} due ({invoice.amount:,.2f} "
                                           f"{invoice.currency})", invoice.due)
    return bytes(cal.to_ical())


def _serve(request: Request, token: str) -> Response:
    digest = hashlib.sha256(token.encode()).hexdigest()
    with request.app.state.db.sessions() as session:
        tenant = tenant_store.by_calendar_digest(session=session, digest=digest) if len(token) >= 16 else None
        if tenant is None:
            return problem(404, "not_found", "no calendar for this link; ask for a new one ('calendar link')")
        bind(session, tenant.id)  # row-level security: this tenant's rows only
        clock = (getattr(request.app.state, "overrides", None) or {}).get("clock")
        body = feed(session, tenant, now=clock() if clock else utcnow())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})


@router.get("/owner/v1/calendar.ics")
async def calendar_ics(request: Request, token: str = "") -> Response:
    """The owner's calendar feed (subscribe with the link 'calendar link' gives)."""
    return await run_in_threadpool(_serve, request, token)
