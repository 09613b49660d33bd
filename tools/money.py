"""Money in (issue 13, first part): orders made with her codes recorded from a shop's data, and what she
earned in a period, by chat and API.

Redemptions arrive as the bundle's `coupon_redemptions` items; each is checked on its own, so one bad row
is refused with its index, field and reason and the good ones are kept; (code, order id) is idempotent
(the same order again is "already there", the same id with another amount is refused).

Earnings of a period (a calendar month in her time zone by default): invoices paid in it (with and
without VAT, per currency), what is invoiced and still unpaid, and the sales made through her codes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from store import coupons as coupon_store
from store import invoices as invoice_store
from store import partnerships as partnership_store
from store import sales as sales_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit, jsonable
from tools.dates import local_today, month_bounds, period_bounds, utc_range
from tools.profit import commission_of
from tools.registry import ToolContext, ToolError, tool

__all__ = ["record_redemptions", "earnings", "parse_amount"]

_CENT = Decimal("0.01")
MAX_ITEMS = 5000


def parse_amount(value: Any) -> Decimal:
    """"₪1,200.50", "1.200,50 €", "1200", 1200.5 -> Decimal('1200.50'); ValueError when it is no amount."""
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"[\s₪$€£]|ILS|USD|EUR|GBP|ש\"ח|שח|ש״ח", "", str(value or ""), flags=re.IGNORECASE)
        if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{1,2}", text):  # 1.200,50
            text = text.replace(".", "").replace(",", ".")
        text = text.replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("not an amount") from None
    if amount < 0 or not amount.is_finite():
        raise ValueError("must be zero or more")
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


class Redemption(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(..., min_length=1, max_length=64)
    order_id: str = Field(..., min_length=1, max_length=100)
    order_amount: Decimal
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    items: int | None = Field(None, ge=0, le=100_000)
    products: list[str] = Field(default_factory=list, max_length=200)
    at: dt.datetime | None = None

    @field_validator("order_id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        return str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else value

    @field_validator("order_amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        return parse_amount(value)

    @field_validator("at")
    @classmethod
    def _zoned(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone (e.g. 2026-11-23T10:00:00+02:00)")
        return value

    @model_validator(mode="after")
    def _tidy(self) -> Redemption:
        self.products = [p.strip()[:200] for p in self.products if p and p.strip()]
        return self


class RecordRedemptionsArgs(OwnerArgs):
    redemptions: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_ITEMS,
                                              description="orders made with her codes: {code, order_id, "
                                                          "order_amount, currency, items, products, at}")


def _refusal(index: int, exc: ValidationError) -> dict[str, Any]:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc") or ()) or None
    return {"index": index, "field": field, "reason": str(first.get("msg", "invalid")).removeprefix("Value error, ")}


@tool("record_redemptions", roles=OWNER_ONLY, args=RecordRedemptionsArgs)
@atomic
def record_redemptions(ctx: ToolContext, args: RecordRedemptionsArgs) -> dict:
    """Record orders made with her codes (from a shop's export or API): created, already there, refused."""
    created, existing, refused = 0, 0, []
    by_code: dict[str, Any] = {}
    for index, raw in enumerate(args.redemptions):
        try:
            item = Redemption.model_validate(raw)
        except ValidationError as exc:
            refused.append(_refusal(index, exc))
            continue
        key = item.code.strip().upper()
        if key not in by_code:
            by_code[key] = coupon_store.get_by_code(session=ctx.session, tenant_id=ctx.tenant_id, code=key)
        coupon = by_code[key]
        if coupon is None:
            refused.append({"index": index, "field": "code", "reason": f"no code {key} of hers"})
            continue
        currency = (item.currency or coupon.currency or "ILS").upper()
        seen = coupon_store.redeemed_orders(session=ctx.session, tenant_id=ctx.tenant_id, coupon_id=coupon.id,
                                            order_ids=[item.order_id]).get(item.order_id)
        if seen is not None:
            if seen.order_amount == item.order_amount and (seen.currency or currency) == currency:
                existing += 1
            else:
                refused.append({"index": index, "field": "order_id", "reason": f"order {item.order_id} is already "
                                f"recorded with {seen.order_amount} {seen.currency or ''}".strip()})
            continue
        coupon_store.add_redemption(session=ctx.session, tenant_id=ctx.tenant_id, coupon_id=coupon.id, fields={
            "order_id": item.order_id, "order_amount": item.order_amount, "currency": currency,
            "items": item.items, "products": item.products, "at": item.at or ctx.now})
        created += 1
    if created:
        audit(ctx, action="create", resource="redemptions", resource_id=str(created),
              before=None, after={"created": created, "existing": existing, "refused": len(refused)})
    return {"created": created, "already_there": existing, "refused": refused[:100], "refused_count": len(refused)}


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


class EarningsArgs(OwnerArgs):
    period: Literal["month", "last_month", "year", "week", "all"] = Field("month", description="default: this month")
    month: int | None = Field(None, ge=1, le=12, description="a calendar month by number (overrides period)")
    year: int | None = Field(None, ge=2000, le=2100)


def _bounds(ctx: ToolContext, args: EarningsArgs) -> tuple[dt.date | None, dt.date | None, str]:
    today = local_today(ctx.now, ctx.timezone)
    if args.month:
        year = args.year or (today.year if args.month <= today.month else today.year - 1)
        start, end = month_bounds(dt.date(year, args.month, 1))
        return start, end, f"{_MONTHS[args.month - 1].title()} {year}"
    first, last = period_bounds(args.period, today=today, tz=ctx.timezone)
    return first, last, args.period


def _sum(rows: list[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in rows:
        totals[currency] += amount
    return [{"currency": c, "amount": jsonable(a.quantize(_CENT, ROUND_HALF_UP))} for c, a in sorted(totals.items())]


@tool("earnings", roles=OWNER_ONLY, args=EarningsArgs)
def earnings(ctx: ToolContext, args: EarningsArgs) -> dict:
    """What she earned in a period: invoices paid (with and without VAT), still unpaid, sales via her codes."""
    first, last, name = _bounds(ctx, args)
    paid = invoice_store.paid_between(session=ctx.session, tenant_id=ctx.tenant_id, first=first, last=last)
    unpaid = invoice_store.list_invoices(session=ctx.session, tenant_id=ctx.tenant_id,
                                         statuses=invoice_store.UNPAID_STATUSES)
    since, until = utc_range(first, last, ctx.timezone)
    if first is not None and first > local_today(ctx.now, ctx.timezone):
        raise ToolError("that period has not started yet", field="month")
    totals = sales_store.totals_by_code(session=ctx.session, tenant_id=ctx.tenant_id, since=since, until=until)
    commissions = _commissions(ctx, totals)
    return {
        "period": {"name": name, "from": jsonable(first), "to": jsonable(last)},
        "paid": _sum([(i.currency, i.amount) for i in paid]),
        "paid_with_vat": _sum([(i.currency, i.amount * (1 + (i.vat_rate or 0))) for i in paid]),
        "paid_invoices": [i.number for i in paid],
        "unpaid": _sum([(i.currency, i.amount) for i in unpaid if i.status != "draft"]),
        "unpaid_invoices": [i.number for i in unpaid if i.status != "draft"],
        "drafts": len([i for i in unpaid if i.status == "draft"]),
        "code_sales": _sum([(currency or "ILS", amount) for _, currency, _, amount in totals]),
        "code_orders": sum(orders for _, _, orders, _ in totals),
        "commissions": _sum(commissions),
    }


def _commissions(ctx: ToolContext, totals: list[tuple[int, str | None, int, Decimal]]) -> list[tuple[str, Decimal]]:
    """Her commission on the period's orders, each code's under its partnership's terms."""
    owner = {c.id: c.partnership_id for c in coupon_store.list_coupons(session=ctx.session, tenant_id=ctx.tenant_id)}
    rows: list[tuple[str, Decimal]] = []
    for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id):
        rows += commission_of(p, [t for t in totals if owner.get(t[0]) == p.id])
    return rows
