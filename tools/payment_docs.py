"""Payment requests and receipts (issue 13): an invoice as a PDF she can forward (her name, the brand,
number, dates, amount, VAT, total), with a drafted message for the brand in her language; a receipt once
it is paid. The PDF is made from the database each time it is opened (nothing stored); the link to it is
the channels' `document_link` service (a sealed, expiring reference), the owner API serves it directly."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import Field, field_validator

from store import invoices as invoice_store
from store import partnerships as partnership_store
from store import tenants as tenant_store
from tools._owner_common import OWNER_ONLY, OwnerArgs, name_in
from tools._pdf import render
from tools.registry import ToolContext, ToolError, tool

__all__ = ["payment_request", "receipt", "document_pdf"]

Kind = Literal["request", "receipt"]
_CENT = Decimal("0.01")
_WORDS = {
    "he": {"request": "דרישת תשלום", "receipt": "קבלה", "issued": "תאריך", "due": "לתשלום עד", "paid": "שולם ב",
           "from": "מאת", "to": "לכבוד", "vat": "מע\"מ", "total": "סה\"כ לתשלום", "total_paid": "סה\"כ שולם",
           "for": "שיתוף פעולה", "thanks": "תודה על שיתוף הפעולה!"},
    "en": {"request": "Payment request", "receipt": "Receipt", "issued": "Date", "due": "Due", "paid": "Paid on",
           "from": "From", "to": "To", "vat": "VAT", "total": "Total due", "total_paid": "Total paid",
           "for": "Collaboration", "thanks": "Thank you for the collaboration!"},
}


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _day(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "-"


def _facts(ctx: ToolContext, number: str, kind: Kind, language: str | None = None) -> dict[str, Any]:
    invoice = invoice_store.get_by_number(session=ctx.session, tenant_id=ctx.tenant_id, number=number)
    if invoice is None:
        raise ToolError(f"there is no invoice {number}", field="number", code="not_found")
    if kind == "receipt" and invoice.status != "paid":
        raise ToolError(f"invoice {number} is not paid yet ({invoice.status}): a receipt comes once it is",
                        field="number", code="not_paid")
    if kind == "request" and invoice.status in ("paid", "cancelled"):
        raise ToolError(f"invoice {number} is already {invoice.status}", field="number", code="conflict")
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    partner = partnership_store.get(session=ctx.session, tenant_id=ctx.tenant_id,
                                    partnership_id=invoice.partnership_id) if invoice.partnership_id else None
    he = (language or ((tenant.languages if tenant else None) or ["he"])[0]) == "he"
    vat = (invoice.amount * (invoice.vat_rate or 0)).quantize(_CENT, ROUND_HALF_UP)
    return {"invoice": invoice, "tenant": tenant, "brand": partner.brand if partner else "", "partner": partner,
            "he": he, "vat": vat, "total": invoice.amount + vat}


def document_pdf(ctx: ToolContext, number: str, kind: Kind, language: str | None = None) -> bytes:
    """The payment request (or receipt) of an invoice as PDF bytes, in her first language unless one is
    given; ToolError when there is none to make."""
    f = _facts(ctx, number, kind, language)
    w, i = _WORDS["he" if f["he"] else "en"], f["invoice"]
    rate = f"{(i.vat_rate or 0) * 100:g}%"
    meta = [(w["issued"], _day(i.issued))] + ([(w["due"], _day(i.due))] if kind == "request"
                                               else [(w["paid"], _day(i.paid_at))])
    partner = f["partner"]
    item = f"{w['for']} {f['brand']}" + (f": {', '.join(partner.deliverables[:3])}" if partner and
                                         partner.deliverables else "")
    return render({
        "rtl": f["he"], "title": w[kind], "number": i.number, "author": name_in(f["tenant"].display_name, f["he"]),
        "meta": meta, "from_label": w["from"], "to_label": w["to"],
        "from": [name_in(f["tenant"].display_name, f["he"]), f"instagram.com/{f['tenant'].handle}"],
        "to": [f["brand"]] if f["brand"] else [],
        "items": [(item, _money(i.amount, i.currency))],
        "totals": [(f"{w['vat']} {rate}", _money(f["vat"], i.currency)),
                   (w["total" if kind == "request" else "total_paid"], _money(f["total"], i.currency))],
        "note": w["thanks"],
    })


class DocumentArgs(OwnerArgs):
    number: str = Field(..., min_length=1, max_length=50, description="the invoice number")
    language: Literal["he", "en"] | None = Field(None, description="the document's and the draft's language")

    @field_validator("number", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


def _link(ctx: ToolContext, number: str, kind: Kind, language: str | None) -> str | None:
    make = ctx.services.get("document_link")
    return make(tenant_id=ctx.tenant_id, number=number, kind=kind, language=language) if make else None


@tool("payment_request", roles=OWNER_ONLY, args=DocumentArgs)
def payment_request(ctx: ToolContext, args: DocumentArgs) -> dict:
    """An invoice's payment request as a PDF link, with a drafted message for the brand to approve and send."""
    f = _facts(ctx, args.number, "request", args.language)
    i, name = f["invoice"], name_in(f["tenant"].display_name, f["he"])
    total, due = _money(f["total"], i.currency), _day(i.due)
    link = _link(ctx, i.number, "request", args.language)
    draft = (f"היי צוות {f['brand']}, מצורפת דרישת תשלום {i.number} על סך {total} (כולל מע\"מ), לתשלום עד {due}"
             f"{': ' + link if link else '.'} תודה, {name}") if f["he"] else (
        f"Hi {f['brand']} team, here is payment request {i.number} for {total} (VAT included), due {due}"
        f"{': ' + link if link else '.'} Thanks, {name}")
    return {"invoice": {"number": i.number, "brand": f["brand"], "total": str(f["total"]), "currency": i.currency,
                        "due": i.due.isoformat() if i.due else None, "status": i.status},
            "link": link, "draft": draft}


@tool("receipt", roles=OWNER_ONLY, args=DocumentArgs)
def receipt(ctx: ToolContext, args: DocumentArgs) -> dict:
    """A paid invoice's receipt as a PDF link."""
    f = _facts(ctx, args.number, "receipt", args.language)
    i = f["invoice"]
    return {"invoice": {"number": i.number, "brand": f["brand"], "total": str(f["total"]), "currency": i.currency,
                        "paid_at": i.paid_at.isoformat() if i.paid_at else None},
            "link": _link(ctx, i.number, "receipt", args.language)}
