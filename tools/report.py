"""The month's report (issue 13): the coupon funnel (shown, clicked, copied, redeemed, redeemed after a
click or copy) and what she earned month by month (invoices paid and commissions) for the last six months,
as data for the report page's charts; "this month's report" by chat gives the link (`report_link`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from tools._owner_common import OWNER_ONLY, OwnerArgs
from tools.analytics import coupon_numbers
from tools.dates import local_today, month_bounds
from tools.money import earnings
from tools.registry import ToolContext, ToolError, tool

__all__ = ["monthly_report", "report_data"]

_MONTHS = 6


class ReportArgs(OwnerArgs):
    month: int | None = Field(None, ge=1, le=12, description="default: this month")
    year: int | None = Field(None, ge=2000, le=2100)
    language: Literal["he", "en"] | None = None


def _month(ctx: ToolContext, month: int | None, year: int | None) -> dt.date:
    today = local_today(ctx.now, ctx.timezone)
    if month is None:
        return today.replace(day=1)
    first = dt.date(year or (today.year if month <= today.month else today.year - 1), month, 1)
    if first > today:
        raise ToolError("that month has not started yet", field="month")
    return first


def _amount(rows: list[dict[str, Any]], currency: str) -> float:
    return float(sum((Decimal(r["amount"]) for r in rows if r["currency"] == currency), Decimal(0)))


def report_data(ctx: ToolContext, month: int | None = None, year: int | None = None) -> dict[str, Any]:
    """The funnel of the month and the earnings of the six months up to it."""
    first = _month(ctx, month, year)
    _, last = month_bounds(first)
    funnel = coupon_numbers(ctx, first=first, last=last)["total"]
    months, day = [], first
    for _ in range(_MONTHS):
        months.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    history = []
    for start in reversed(months):
        made = earnings(ctx, earnings.args_model.model_validate({"month": start.month, "year": start.year}))
        history.append({"month": start.isoformat()[:7], "paid": made["paid"], "commissions": made["commissions"],
                        "sales": made["code_sales"], "orders": made["code_orders"]})
    currency = next((r["currency"] for h in history for r in h["paid"] + h["commissions"]), "ILS")
    return {
        "month": first.isoformat()[:7], "currency": currency,
        "funnel": {k: funnel[k] for k in ("shown", "link_clicks", "copies", "redemptions", "attributed_redemptions")},
        "revenue": funnel["revenue"],
        "earnings": [{"month": h["month"], "paid": _amount(h["paid"], currency),
                      "commissions": _amount(h["commissions"], currency), "orders": h["orders"]} for h in history],
    }


@tool("monthly_report", roles=OWNER_ONLY, args=ReportArgs)
def monthly_report(ctx: ToolContext, args: ReportArgs) -> dict:
    """The month's report: the coupon funnel and six months of earnings, with a link to its charts."""
    data = report_data(ctx, args.month, args.year)
    make = ctx.services.get("report_link")
    first = dt.date.fromisoformat(data["month"] + "-01")
    data["link"] = make(tenant_id=ctx.tenant_id, year=first.year, month=first.month,
                        language=args.language) if make else None
    return data
