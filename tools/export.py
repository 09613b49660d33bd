"""Her business as tables to download (issue 13): partnerships with their deal terms and profit, coupons
with their figures (shown, copied, clicked, redeemed, revenue, commission), invoices with VAT and state.
One tool returns the columns and rows; the CLI and the owner API write them as CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from store import invoices as invoice_store
from store import partnerships as partnership_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, partnership_names
from tools.analytics import coupon_numbers
from tools.dates import local_today
from tools.invoices import invoice_out
from tools.profit import profit
from tools.registry import ToolContext, tool

__all__ = ["export_table", "KINDS"]

KINDS = ("partnerships", "coupons", "invoices")


class ExportArgs(OwnerArgs):
    kind: Literal["partnerships", "coupons", "invoices"] = Field(..., description="which table")


def _money(rows: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['amount']} {r['currency']}" for r in rows)


def _partnerships(ctx: ToolContext) -> tuple[list[str], list[list[Any]]]:
    figures = {p["partnership"]: p for p in profit(ctx, profit.args_model.model_validate({}))["partnerships"]}
    columns = ["ref", "brand", "status", "start_date", "end_date", "fee", "currency", "commission", "costs",
               "orders", "sales", "commission_earned", "profit"]
    rows = []
    for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id):
        f = figures.get(p.ref) or {}
        terms = p.commission or {}
        rows.append([p.ref, p.brand, p.status, p.start_date, p.end_date, p.compensation_amount,
                     p.compensation_currency,
                     (f"{terms.get('value')}%" if terms.get("type") == "percentage"
                      else f"{terms.get('value')} {terms.get('currency') or ''} per order".strip()) if terms else "",
                     "; ".join(f"{c.get('label')}: {c.get('amount')} {c.get('currency')}" for c in p.costs or []),
                     f.get("orders", 0), _money(f.get("sales") or []), _money(f.get("commission") or []),
                     _money(f.get("profit") or [])])
    return columns, rows


def _coupons(ctx: ToolContext) -> tuple[list[str], list[list[Any]]]:
    data = coupon_numbers(ctx, first=None, last=None)
    columns = ["code", "brand", "active", "shown", "copies", "link_clicks", "redemptions", "revenue", "currency",
               "average_basket", "conversion", "satisfaction"]
    rows = [[c["code"], (c["partnership"] or {}).get("brand"), c["active"], c["shown"], c["copies"],
             c["link_clicks"], c["redemptions"], c["revenue"], c["currency"], c["average_basket"], c["conversion"],
             (c.get("satisfaction") or {}).get("mean_score")] for c in data["coupons"]]
    return columns, rows


def _invoices(ctx: ToolContext) -> tuple[list[str], list[list[Any]]]:
    found = invoice_store.list_invoices(session=ctx.session, tenant_id=ctx.tenant_id)
    names = partnership_names(ctx, [i.partnership_id for i in found])
    today = local_today(ctx.now, ctx.timezone)
    columns = ["number", "brand", "amount", "currency", "vat_rate", "vat", "total", "status", "issued", "due",
               "paid_at", "overdue"]
    outs = [invoice_out(i, names, today=today) for i in found]
    rows = [[out[k] for k in columns] for out in ({**o, "brand": (o["partnership"] or {}).get("brand")} for o in outs)]
    return columns, rows


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


@tool("export_table", roles=OWNER_ONLY, args=ExportArgs)
def export_table(ctx: ToolContext, args: ExportArgs) -> dict:
    """Her partnerships, coupons (with figures) or invoices as a table: columns and rows (CSV by CLI/API)."""
    columns, rows = {"partnerships": _partnerships, "coupons": _coupons, "invoices": _invoices}[args.kind](ctx)
    return {"kind": args.kind, "columns": columns, "rows": [[_plain(v) for v in row] for row in rows],
            "count": len(rows)}
