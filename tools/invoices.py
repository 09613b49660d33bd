"""Owner tools for payment requests: list, create (next number, VAT) and update invoices."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from store import invoices as invoice_store
from store import tenants as tenant_store
from store.records import Invoice
from tools._owner_common import (
    OWNER_ONLY,
    OwnerArgs,
    atomic,
    audit,
    brand_of,
    jsonable,
    money,
    partnership_names,
    resolve_partnership,
    snapshot,
)
from tools.dates import local_today
from tools.registry import ToolContext, ToolError, tool

__all__ = ["invoice_out", "DEFAULT_VAT_RATE", "is_overdue"]

DEFAULT_VAT_RATE = Decimal("0.18")
DEFAULT_DUE_DAYS = 30
_FIELDS = ("number", "partnership_id", "amount", "currency", "vat_rate", "status", "issued", "due", "paid_at")
_CENT = Decimal("0.01")


def is_overdue(i: Invoice, today: dt.date) -> bool:
    """Unpaid and past its due date (or marked overdue)."""
    return i.status == "overdue" or (i.status in ("draft", "sent") and i.due is not None and i.due < today)


def invoice_out(i: Invoice, partnerships: dict, *, today: dt.date) -> dict:
    """An invoice as JSON-ready data, with VAT and total computed."""
    vat = (i.amount * (i.vat_rate or 0)).quantize(_CENT, ROUND_HALF_UP)
    overdue = is_overdue(i, today)
    return {
        "number": i.number,
        "partnership": brand_of(partnerships, i.partnership_id),
        "amount": jsonable(i.amount),
        "currency": i.currency,
        "vat_rate": f"{Decimal(i.vat_rate).normalize():f}" if i.vat_rate is not None else None,
        "vat": jsonable(vat),
        "total": jsonable(i.amount + vat),
        "status": i.status,
        "issued": jsonable(i.issued),
        "due": jsonable(i.due),
        "paid_at": jsonable(i.paid_at),
        "overdue": overdue,
        "days_overdue": (today - i.due).days if overdue and i.due else 0,
    }


class ListInvoicesArgs(OwnerArgs):
    status: Literal["unpaid", "overdue", "draft", "sent", "paid", "cancelled", "all"] | None = Field(
        None, description="unpaid (draft/sent/overdue), overdue (past due, unpaid), one status, or all"
    )
    partnership: str | None = Field(None, description="brand name, alias or ref")

    @field_validator("status", mode="before")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = str(value).strip().lower()
        return {"open": "unpaid", "outstanding": "unpaid", "late": "overdue"}.get(value, value)


@tool("list_invoices", roles=OWNER_ONLY, args=ListInvoicesArgs)
def list_invoices(ctx: ToolContext, args: ListInvoicesArgs) -> dict:
    """List invoices: unpaid, overdue, by status or by partnership, with totals per currency."""
    today = local_today(ctx.now, ctx.timezone)
    partnership_id = resolve_partnership(ctx, args.partnership).id if args.partnership else None
    if args.status in ("unpaid", "overdue"):
        statuses: tuple[str, ...] | None = invoice_store.UNPAID_STATUSES
    elif args.status in (None, "all"):
        statuses = None
    else:
        statuses = (args.status,)
    rows = invoice_store.list_invoices(
        session=ctx.session, tenant_id=ctx.tenant_id, statuses=statuses, partnership_id=partnership_id
    )
    if args.status == "overdue":
        rows = [i for i in rows if is_overdue(i, today)]
    names = partnership_names(ctx, [i.partnership_id for i in rows])
    totals: dict[str, Decimal] = {}
    for i in rows:
        if i.status != "cancelled":
            totals[i.currency] = totals.get(i.currency, Decimal(0)) + i.amount
    return {
        "invoices": [invoice_out(i, names, today=today) for i in rows],
        "count": len(rows),
        "totals": {cur: jsonable(v) for cur, v in totals.items()},
        "today": today.isoformat(),
    }


class CreateInvoiceArgs(OwnerArgs):
    partnership: str = Field(..., min_length=1, description="brand name, alias or ref")
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2, description="before VAT")
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    vat_rate: Decimal | None = Field(
        None, ge=0, le=1, description="0.18 = 18%; default from settings or 0.18"
    )
    number: str | None = Field(None, pattern=r"^[A-Za-z0-9/_-]{1,50}$", description="default: next number")
    issued: dt.date | None = Field(None, description="default: today")
    due: dt.date | None = Field(None, description="default: issued + 30 days")
    status: Literal["draft", "sent"] = "draft"

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _dates(self) -> CreateInvoiceArgs:
        if self.issued and self.due and self.due < self.issued:
            raise ValueError("due is before issued")
        return self


@tool("create_invoice", roles=OWNER_ONLY, args=CreateInvoiceArgs)
@atomic
def create_invoice(ctx: ToolContext, args: CreateInvoiceArgs) -> dict:
    """Create an invoice for a partnership with the next number and VAT (18% unless set otherwise)."""
    partnership = resolve_partnership(ctx, args.partnership)
    tenant = tenant_store.get(session=ctx.session, tenant_id=ctx.tenant_id)
    settings = (tenant.settings if tenant else None) or {}
    number = args.number or invoice_store.next_number(
        session=ctx.session, tenant_id=ctx.tenant_id, first=int(settings.get("first_invoice_number", 1))
    )
    if invoice_store.get_by_number(session=ctx.session, tenant_id=ctx.tenant_id, number=number):
        raise ToolError(f"invoice {number} already exists", field="number", code="conflict")
    today = local_today(ctx.now, ctx.timezone)
    issued = args.issued or today
    due_days = int(settings.get("invoice_due_days", DEFAULT_DUE_DAYS))
    fields = {
        "number": number,
        "partnership_id": partnership.id,
        "amount": args.amount,
        "currency": (args.currency or partnership.compensation_currency or "ILS").upper(),
        "vat_rate": args.vat_rate
        if args.vat_rate is not None
        else Decimal(str(settings.get("vat_rate", DEFAULT_VAT_RATE))),
        "status": args.status,
        "issued": issued,
        "due": args.due or issued + dt.timedelta(days=due_days),
    }
    row = invoice_store.create(session=ctx.session, tenant_id=ctx.tenant_id, fields=fields)
    audit(
        ctx,
        action="create_invoice",
        resource="invoice",
        resource_id=row.number,
        before=None,
        after=snapshot(row, _FIELDS),
    )
    return {"invoice": invoice_out(row, {partnership.id: partnership}, today=today), "created": True}


class UpdateInvoiceArgs(OwnerArgs):
    number: str = Field(..., min_length=1, max_length=50)
    status: Literal["draft", "sent", "paid", "overdue", "cancelled"] | None = None
    paid_at: dt.date | None = Field(None, description="day it was paid; default today when marking paid")
    due: dt.date | None = None
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    vat_rate: Decimal | None = Field(None, ge=0, le=1)

    @field_validator("number", mode="before")
    @classmethod
    def _number_text(cls, value: object) -> object:
        return str(value).lstrip("#") if isinstance(value, (int, str)) else value

    @field_validator("status", mode="before")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return (
            {"canceled": "cancelled"}.get(str(value).lower(), str(value).lower())
            if value is not None
            else None
        )

    @model_validator(mode="after")
    def _consistent(self) -> UpdateInvoiceArgs:
        if self.paid_at and self.status is None:
            self.status = "paid"
        if self.paid_at and self.status != "paid":
            raise ValueError("paid_at only goes with status paid")
        if not (self.model_fields_set - {"number"}):
            raise ValueError(
                "nothing to change: mark it sent, paid or cancelled, or give a new due date or amount"
            )
        return self


def _find(ctx: ToolContext, number: str) -> Invoice:
    row = invoice_store.get_by_number(session=ctx.session, tenant_id=ctx.tenant_id, number=number)
    if row is None:
        raise ToolError(f"there is no invoice {number}", field="number", code="not_found")
    return row


def confirm_update_invoice(ctx: ToolContext, args: UpdateInvoiceArgs) -> str | None:
    """Marking paid, cancelling and changing the amount are confirmed first; the sentence says what."""
    try:
        i = _find(ctx, args.number)
    except ToolError:
        return None
    brand = brand_of(partnership_names(ctx, [i.partnership_id]), i.partnership_id)
    label = f"invoice {i.number} ({money(i.amount, i.currency)}{', ' + brand['brand'] if brand else ''})"
    parts = []
    if args.status == "paid" and i.status != "paid":
        paid_on = args.paid_at or local_today(ctx.now, ctx.timezone)
        parts.append(f"Mark {label} as paid on {paid_on.isoformat()}")
    if args.status == "cancelled" and i.status != "cancelled":
        parts.append(f"Cancel {label}")
    if args.amount is not None and args.amount != i.amount:
        parts.append(f"Change the amount of {label} to {money(args.amount, i.currency)}")
    return "; ".join(parts) or None


@tool("update_invoice", roles=OWNER_ONLY, args=UpdateInvoiceArgs, confirm=confirm_update_invoice)
@atomic
def update_invoice(ctx: ToolContext, args: UpdateInvoiceArgs) -> dict:
    """Mark an invoice sent, paid (with the date) or cancelled, or change its due date or amount."""
    i = _find(ctx, args.number)
    today = local_today(ctx.now, ctx.timezone)
    if i.status in ("paid", "cancelled"):
        raise ToolError(
            f"invoice {i.number} is already {i.status}"
            + (f" ({i.paid_at.isoformat()})" if i.paid_at else ""),
            field="status",
            code="invalid_transition",
        )
    before = snapshot(i, _FIELDS)
    if args.status == "paid":
        paid_at = args.paid_at or today
        if paid_at > today:
            raise ToolError(f"{paid_at.isoformat()} is in the future", field="paid_at")
        i.paid_at = paid_at
    if args.status:
        i.status = args.status
    for name in ("due", "amount", "vat_rate"):
        if getattr(args, name) is not None:
            setattr(i, name, getattr(args, name))
    if i.issued and i.due and i.due < i.issued:
        raise ToolError("due is before issued", field="due")
    ctx.session.flush()
    after = snapshot(i, _FIELDS)
    audit(ctx, action="update_invoice", resource="invoice", resource_id=i.number, before=before, after=after)
    changed = sorted(k for k in after if after[k] != before[k])
    return {
        "invoice": invoice_out(i, partnership_names(ctx, [i.partnership_id]), today=today),
        "changed": changed,
        "previous": {k: before[k] for k in changed},
    }
