"""What a collaboration brought in (issue 13): its fee, the commission on sales through its codes
(a percentage of each order, or an amount per order, as its deal terms say), its costs, and the profit
(fee + commission - costs, per currency); per code too. And what sells best with a code or a brand.

The deal terms come from the bundle (`partnerships[].commission`, `.costs`) or the owner tools; every
figure is summed from the database rows, never from a message.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import Field

from store import coupons as coupon_store
from store import partnerships as partnership_store
from store import sales as sales_store
from store.records import Partnership
from tools._owner_common import OWNER_ONLY, OwnerArgs, jsonable, resolve_partnership
from tools.dates import local_today, period_bounds, utc_range
from tools.registry import ToolContext, ToolError, tool

__all__ = ["profit", "top_products", "commission_of"]

_CENT = Decimal("0.01")
Period = Literal["month", "last_month", "year", "week", "all"]


def _totals(rows: Iterable[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in rows:
        sums[currency] += amount
    return [{"currency": c, "amount": jsonable(a.quantize(_CENT, ROUND_HALF_UP))} for c, a in sorted(sums.items())]


Totals = list[tuple[int, str | None, int, Decimal]]  # (coupon id, currency, orders, amount)


def commission_of(p: Partnership, totals: Totals) -> list[tuple[str, Decimal]]:
    """Her commission on these sales under the partnership's terms, as (currency, amount) rows."""
    terms = p.commission or {}
    value = Decimal(str(terms.get("value") or 0))
    if not value:
        return []
    if terms.get("type") == "per_order":
        currency = terms.get("currency") or p.compensation_currency or "ILS"
        return [(currency, value * orders) for _, _, orders, _ in totals if orders]
    return [(currency or "ILS", amount * value / 100) for _, currency, _, amount in totals]


def _window(ctx: ToolContext, period: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    if period == "all":
        return None, None
    first, last = period_bounds(period, today=local_today(ctx.now, ctx.timezone), tz=ctx.timezone)
    return utc_range(first, last, ctx.timezone)


def _coupons(ctx: ToolContext, partnership_id: int) -> list[Any]:
    return coupon_store.list_coupons(session=ctx.session, tenant_id=ctx.tenant_id, partnership_ids=[partnership_id])


def _one(ctx: ToolContext, p: Partnership, period: str) -> dict[str, Any]:
    coupons = _coupons(ctx, p.id)
    since, until = _window(ctx, period)
    totals = sales_store.totals_by_code(session=ctx.session, tenant_id=ctx.tenant_id,
                                        coupon_ids=[c.id for c in coupons], since=since, until=until)
    commission = commission_of(p, totals)
    fee = ([(p.compensation_currency or "ILS", Decimal(p.compensation_amount))]
           if p.compensation_amount is not None and period == "all" else [])
    costs = [(c["currency"], Decimal(str(c["amount"]))) for c in (p.costs or [])] if period == "all" else []
    per_code = []
    for c in coupons:
        mine = [t for t in totals if t[0] == c.id]
        per_code.append({"code": c.code, "orders": sum(t[2] for t in mine),
                         "sales": _totals((t[1] or "ILS", t[3]) for t in mine),
                         "commission": _totals(commission_of(p, mine))})
    return {
        "partnership": p.ref, "brand": p.brand, "status": p.status,
        "fee": _totals(fee), "commission_terms": p.commission, "commission": _totals(commission),
        "sales": _totals((t[1] or "ILS", t[3]) for t in totals), "orders": sum(t[2] for t in totals),
        "costs": [{"label": c.get("label"), "amount": c.get("amount"), "currency": c.get("currency")}
                  for c in (p.costs or [])] if period == "all" else [],
        "profit": _totals([*fee, *commission, *((cur, -amount) for cur, amount in costs)]),
        "codes": sorted(per_code, key=lambda x: -x["orders"]),
    }


class ProfitArgs(OwnerArgs):
    partnership: str | None = Field(None, max_length=200, description="brand name, alias or ref; all if none")
    period: Period = Field("all", description="all = the whole collaboration (fee and costs count only then)")


@tool("profit", roles=OWNER_ONLY, args=ProfitArgs)
def profit(ctx: ToolContext, args: ProfitArgs) -> dict:
    """Profit per partnership: fee + commission on its codes' sales - costs, with each code's figures."""
    if args.partnership:
        rows = [resolve_partnership(ctx, args.partnership)]
    else:
        rows = [p for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)
                if p.status not in ("lead", "cancelled")]
    found = [_one(ctx, p, args.period) for p in rows]
    return {"period": args.period, "partnerships": found,
            "profit": _totals((x["currency"], Decimal(x["amount"])) for f in found for x in f["profit"])}


class TopProductsArgs(OwnerArgs):
    code: str | None = Field(None, max_length=50, description="a coupon code")
    partnership: str | None = Field(None, max_length=200, description="or a brand: all its codes")
    period: Period = "all"
    limit: int = Field(5, ge=1, le=20)


@tool("top_products", roles=OWNER_ONLY, args=TopProductsArgs)
def top_products(ctx: ToolContext, args: TopProductsArgs) -> dict:
    """What sells best with a code (or a brand's codes): products by orders, then units."""
    if args.code:
        coupon = coupon_store.get_by_code(session=ctx.session, tenant_id=ctx.tenant_id, code=args.code)
        if coupon is None:
            raise ToolError(f"there is no code {args.code!r}", field="code", code="not_found")
        coupons, label = [coupon], coupon.code
    elif args.partnership:
        p = resolve_partnership(ctx, args.partnership)
        coupons, label = _coupons(ctx, p.id), p.brand
    else:
        coupons, label = coupon_store.list_coupons(session=ctx.session, tenant_id=ctx.tenant_id), None
    since, until = _window(ctx, args.period)
    orders, ranked = sales_store.products(session=ctx.session, tenant_id=ctx.tenant_id,
                                          coupon_ids=[c.id for c in coupons], since=since, until=until,
                                          limit=args.limit)
    return {"of": label, "period": args.period, "orders": orders,
            "products": [{"name": n, "orders": o, "units": u} for n, o, u in ranked]}
