"""The month's report page (issue 13): by chat the owner gets a link; the page shows the coupon funnel and
six months of earnings as inline SVG charts with the figures beside them, right to left for a Hebrew-first
influencer; the link is sealed (a changed one is 404) and shows only her figures."""

from __future__ import annotations

import re

from sqlalchemy import select

from channels.reports import report_link
from store.models import Tenant


def _tenant(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(Tenant.id).where(Tenant.handle == "maya.glow"))


def test_the_report_page_shows_the_funnel_and_earnings_as_charts(client, demo_db):
    link = report_link("http://testserver", tenant_id=_tenant(demo_db), year=2026, month=11)
    page = client.get(link.removeprefix("http://testserver"))
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    assert 'dir="rtl"' in html and "הדוח של 2026-11" in html
    assert html.count("<svg") == 2 and "מימושים" in html and "<script" not in html
    months = re.findall(r"<td><bdi dir=\"ltr\">(2026-\d\d)</bdi></td>", html)
    assert months == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    english = client.get(report_link("http://testserver", tenant_id=_tenant(demo_db), year=2026, month=11,
                                     language="en").removeprefix("http://testserver"))
    assert 'dir="ltr"' in english.text and "From code to order" in english.text
    broken = link[:-5] + ("A" if link[-5] != "A" else "B") + link[-4:]
    assert client.get(broken.removeprefix("http://testserver")).status_code == 404
    future = report_link("http://testserver", tenant_id=_tenant(demo_db), year=2031, month=1)
    assert client.get(future.removeprefix("http://testserver")).status_code == 404
