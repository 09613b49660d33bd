"""The owner's calendar feed: a private link from chat, an .ics her phone's calendar can read (tasks,
partnership dates, invoice due dates, stable UIDs), the old link dead once a new one is asked for, an API
token never accepted in its place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

from channel_support import HANDLE
from icalendar import Calendar
from sqlalchemy import select

from store import owners as owner_store
from store.models import Invoice, Partnership, Task, Tenant


def _token(demo_db) -> str:
    from tools import REGISTRY
    from tools.registry import OWNER, ToolContext

    with demo_db.admin_session() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.handle == HANDLE))
        ctx = ToolContext(session=s, tenant_id=tenant.id, handle=HANDLE, timezone=tenant.timezone, role=OWNER,
                          services={"public_url": lambda path: f"https://bot.example.test{path}"})
        result = REGISTRY.run("calendar_link", {}, ctx)
        s.commit()
    assert result.ok and result.data["url"].startswith("https://bot.example.test/owner/v1/calendar.ics?token=")
    return parse_qs(urlparse(result.data["url"]).query)["token"][0]


def test_the_feed_is_valid_icalendar_with_stable_uids(client, demo_db):
    with demo_db.admin_session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.handle == HANDLE))
        s.add(Task(tenant_id=tenant_id, title="Film the Silka reel", status="pending", priority="medium",
                   type="content", due_date=dt.date(2026, 11, 26)))
        s.add(Invoice(tenant_id=tenant_id, number="9101", amount=Decimal("1200"), currency="ILS", status="sent",
                      due=dt.date(2026, 12, 3)))
    token = _token(demo_db)
    first = client.get(f"/owner/v1/calendar.ics?token={token}")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.content)
    events = {str(e.get("summary")): e for e in cal.walk("VEVENT")}
    assert events["✅ Film the Silka reel"].decoded("dtstart") == dt.date(2026, 11, 26)
    assert any("9101" in summary for summary in events)
    with demo_db.admin_session() as s:
        starts = [p.brand for p in s.scalars(select(Partnership).where(Partnership.start_date.isnot(None)))]
    assert any(f"🤝 {brand} starts" in events for brand in starts)
    again = Calendar.from_ical(client.get(f"/owner/v1/calendar.ics?token={token}").content)
    assert sorted(str(e.get("uid")) for e in again.walk("VEVENT")) == sorted(str(e.get("uid")) for e in cal.walk(
        "VEVENT"))  # a subscribed calendar updates, never duplicates


def test_a_new_link_kills_the_old_one_and_an_api_token_is_not_a_calendar_token(client, demo_db):
    old = _token(demo_db)
    new = _token(demo_db)
    assert client.get(f"/owner/v1/calendar.ics?token={old}").status_code == 404
    assert client.get(f"/owner/v1/calendar.ics?token={new}").status_code == 200
    with demo_db.admin_session() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.handle == HANDLE))
        api_token = owner_store.create_token(session=s, tenant_id=tenant_id, label="api")
    assert client.get(f"/owner/v1/calendar.ics?token={api_token}").status_code == 404
    assert client.get("/owner/v1/calendar.ics").status_code == 404
