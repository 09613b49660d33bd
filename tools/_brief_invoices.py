"""A signed contract's payment terms as invoice drafts: how much, and when each is due (issue 14).

The parts come from knowledge.briefs.payments (amounts on dates, shares on events, or one payment after
net days); the amounts from the contract's fee (before VAT: a fee "VAT included" is divided by the
tenant's rate), the dates from the campaign on the tenant's clock.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from knowledge.briefs.extract import Brief
from knowledge.briefs.payments import due_date
from store import tenants as tenant_store
from tools.invoices import DEFAULT_DUE_DAYS, DEFAULT_VAT_RATE
from tools.registry import ToolContext

__all__ = ["plan_drafts", "drafts_line", "day_label"]

_CENT = Decimal("0.01")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _settings(ctx: ToolContext) -> dict[str, Any]:
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    return (tenant.settings if tenant else None) or {}


def plan_drafts(ctx: ToolContext, brief: Brief, *, today: dt.date) -> list[dict[str, Any]]:
    """[{amount (before VAT), currency, vat_rate, due}] for a signed brief with a fee; [] otherwise."""
    if not brief.signed or brief.fee is None or not brief.payments:
        return []
    settings = _settings(ctx)
    rate = Decimal(str(settings.get("vat_rate", DEFAULT_VAT_RATE)))
    default_days = int(settings.get("invoice_due_days", DEFAULT_DUE_DAYS))
    last_due = max((d for item in brief.deliverables for d in item["due"]), default=None)
    amounts: list[Decimal] = []
    for i, part in enumerate(brief.payments):
        if "amount" in part:
            amounts.append(Decimal(part["amount"]))
        elif i == len(brief.payments) - 1:  # the last share takes what rounding left
            amounts.append(brief.fee - sum(amounts, Decimal(0)))
        else:
            amounts.append((brief.fee * Decimal(part["share"])).quantize(_CENT, ROUND_HALF_UP))
    out = []
    for part, amount in zip(brief.payments, amounts, strict=True):
        if brief.vat == "included":
            amount = (amount / (1 + rate)).quantize(_CENT, ROUND_HALF_UP)
        if amount <= 0:
            continue
        out.append({"amount": amount, "currency": brief.currency or "ILS", "vat_rate": rate,
                    "due": due_date(part, today=today, end=brief.end, last_due=last_due,
                                    default_days=default_days)})
    return out


def day_label(value: dt.date, he: bool) -> str:
    """"5.12" in Hebrew, "Dec 5" in English: how the proposal writes a day."""
    return f"{value.day}.{value.month}" if he else f"{_MONTHS_EN[value.month - 1]} {value.day}"


def drafts_line(drafts: list[dict[str, Any]], *, he: bool) -> str:
    """"invoice drafts: 2,500 ILS due Nov 23, 2,500 ILS due Feb 19" (in the brief's language)."""
    items = [f"{d['amount']:,.0f} {d['currency']} {'עד' if he else 'due'} {day_label(d['due'], he)}" for d in drafts]
    if he:
        return ("טיוטת חשבונית: " if len(drafts) == 1 else f"{len(drafts)} טיוטות חשבונית: ") + ", ".join(items)
    return ("invoice draft: " if len(drafts) == 1 else f"{len(drafts)} invoice drafts: ") + ", ".join(items)
