"""Sales through her codes, summed in the database (issue 13): orders and amounts per code and currency,
and products by the orders they were in. What the money questions read on a tenant with many redemptions
(grouped here, never loaded row by row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from store.coupons import scoped
from store.models import CouponEvent

__all__ = ["totals_by_code", "products"]


def totals_by_code(*, session: Session, tenant_id: int, coupon_ids: Sequence[int] | None = None,
                   since: dt.datetime | None = None, until: dt.datetime | None = None
                   ) -> list[tuple[int, str | None, int, Decimal]]:
    """(coupon id, currency, orders, amount) of redemptions in [since, until)."""
    query = scoped(select(CouponEvent.coupon_id, CouponEvent.currency, func.count(),
                          func.coalesce(func.sum(CouponEvent.order_amount), 0)).where(CouponEvent.kind == "redeemed"),
                   tenant_id=tenant_id, coupon_ids=coupon_ids, since=since, until=until)
    rows = session.execute(query.group_by(CouponEvent.coupon_id, CouponEvent.currency)).all()
    return [(int(r[0]), r[1], int(r[2]), Decimal(str(r[3]))) for r in rows]


def products(*, session: Session, tenant_id: int, coupon_ids: Sequence[int], since: dt.datetime | None = None,
             until: dt.datetime | None = None, limit: int = 5) -> tuple[int, list[tuple[str, int, int]]]:
    """(orders, [(product, orders it was in, units)]) of redemptions with these codes, most ordered first."""
    if not coupon_ids:
        return 0, []
    params = {"tenant": tenant_id, "ids": list(coupon_ids), "since": since, "until": until, "limit": limit}
    window = ("AND (CAST(:since AS timestamptz) IS NULL OR e.at >= :since) "
              "AND (CAST(:until AS timestamptz) IS NULL OR e.at < :until)")
    orders = session.execute(text(
        "SELECT count(*) FROM coupon_events e WHERE e.tenant_id = :tenant AND e.kind = 'redeemed' "
        f"AND e.coupon_id = ANY(:ids) {window}"), params).scalar_one()
    rows = session.execute(text(
        "SELECT trim(p.value) AS name, count(DISTINCT e.id) AS orders, count(*) AS units "
        "FROM coupon_events e CROSS JOIN LATERAL jsonb_array_elements_text(e.products::jsonb) AS p(value) "
        f"WHERE e.tenant_id = :tenant AND e.kind = 'redeemed' AND e.coupon_id = ANY(:ids) {window} "
        "AND trim(p.value) <> '' GROUP BY trim(p.value) ORDER BY orders DESC, units DESC, name LIMIT :limit"),
        params).all()
    return int(orders), [(str(r[0]), int(r[1]), int(r[2])) for r in rows]
