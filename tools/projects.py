"""A collaboration's summary (issue 13), asked for ("summary of the Hydra project") or given when she marks
one completed: what was promised and what got done (its tasks), how its codes did (shown, clicked, copied,
redeemed, revenue, satisfaction), the fee, commission, costs and profit, its invoices, and whether the
numbers say to offer a renewal."""

from __future__ import annotations

from pydantic import Field

from store import invoices as invoice_store
from store import tasks as task_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, jsonable, resolve_partnership
from tools.analytics import coupon_numbers
from tools.profit import profit
from tools.registry import ToolContext, tool

__all__ = ["project_summary", "went_well"]

_DONE = ("completed",)
_DROPPED = ("cancelled",)


def went_well(*, satisfaction: float | None, redeemed: int, copied: int) -> bool:
    """Good enough to suggest a renewal: happy followers (4/5 or more), or codes that were used."""
    return (satisfaction is not None and satisfaction >= 4) or redeemed >= 5 or copied >= 20


class SummaryArgs(OwnerArgs):
    partnership: str = Field(..., min_length=1, max_length=200, description="brand name, alias or ref")


@tool("project_summary", roles=OWNER_ONLY, args=SummaryArgs)
def project_summary(ctx: ToolContext, args: SummaryArgs) -> dict:
    """A collaboration's summary: deliverables done vs promised, code results, fee/profit, invoices, renewal."""
    p = resolve_partnership(ctx, args.partnership)
    tasks = task_store.list_tasks(session=ctx.session, tenant_id=ctx.tenant_id, partnership_id=p.id)
    codes = coupon_numbers(ctx, first=None, last=None, partnership_id=p.id)
    money = profit(ctx, profit.args_model.model_validate({"partnership": p.ref}))["partnerships"][0]
    invoices = invoice_store.list_invoices(session=ctx.session, tenant_id=ctx.tenant_id, partnership_id=p.id)
    total = codes["total"]
    score = (total.get("satisfaction") or {}).get("mean_score")
    return {
        "partnership": {"ref": p.ref, "brand": p.brand, "status": p.status, "start_date": jsonable(p.start_date),
                        "end_date": jsonable(p.end_date)},
        "deliverables": {"promised": list(p.deliverables or []),
                         "tasks": len([t for t in tasks if t.status not in _DROPPED]),
                         "done": len([t for t in tasks if t.status in _DONE]),
                         "open": [t.title for t in tasks if t.status not in _DONE + _DROPPED]},
        "codes": {"shown": total["shown"], "link_clicks": total["link_clicks"], "copies": total["copies"],
                  "redemptions": total["redemptions"], "revenue": total["revenue"], "currency": total["currency"],
                  "satisfaction": score,
                  "per_code": [{k: c[k] for k in ("code", "copies", "redemptions", "revenue")}
                               for c in codes["coupons"]]},
        "money": {k: money[k] for k in ("fee", "commission", "costs", "profit")},
        "invoices": [{"number": i.number, "amount": jsonable(i.amount), "currency": i.currency, "status": i.status,
                      "due": jsonable(i.due), "paid_at": jsonable(i.paid_at)} for i in invoices],
        "renew": went_well(satisfaction=score, redeemed=int(total["redemptions"]), copied=int(total["copies"])),
    }
