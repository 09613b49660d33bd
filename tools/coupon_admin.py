"""Owner tools for discount codes: list, create, deactivate and extend coupons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from store import coupons as coupon_store
from store.models import Coupon
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

__all__ = ["coupon_out", "discount_words"]

_FIELDS = (
    "code",
    "partnership_id",
    "discount_type",
    "value",
    "currency",
    "starts",
    "expires",
    "active",
    "url",
    "terms",
)
_TYPE_SYNONYMS = {
    "percent": "percentage",
    "%": "percentage",
    "amount": "fixed",
    "shipping": "free_shipping",
    "free shipping": "free_shipping",
}


def discount_words(c: Coupon) -> str:
    """'15% off', '50.00 ILS off' or 'free shipping'."""
    if c.discount_type == "percentage":
        return f"{Decimal(c.value or 0).normalize():f}% off"
    if c.discount_type == "fixed":
        return f"{money(c.value, c.currency)} off"
    return "free shipping"


def coupon_out(c: Coupon, partnerships: dict, *, today: dt.date) -> dict:
    """A coupon as JSON-ready data, with whether a follower would get it today."""
    valid_today = bool(
        c.active and (c.starts is None or c.starts <= today) and (c.expires is None or c.expires >= today)
    )
    return {
        "code": c.code,
        "partnership": brand_of(partnerships, c.partnership_id),
        "discount_type": c.discount_type,
        "value": jsonable(c.value),
        "currency": c.currency,
        "discount": discount_words(c),
        "starts": jsonable(c.starts),
        "expires": jsonable(c.expires),
        "active": c.active,
        "valid_today": valid_today,
        "url": c.url,
        "terms": c.terms,
    }


def _code(value: str) -> str:
    value = value.strip().upper()
    if not value or not all(ch.isalnum() or ch in "-_" for ch in value) or not value.isascii():
        raise ValueError("a code is 3-64 Latin letters, digits, '-' or '_'")
    return value


class ListCouponsArgs(OwnerArgs):
    partnership: str | None = Field(None, description="brand name, alias or ref")
    active: bool | None = Field(None, description="true = only active codes, false = only inactive")


@tool("list_coupons", roles=OWNER_ONLY, args=ListCouponsArgs)
def list_coupons(ctx: ToolContext, args: ListCouponsArgs) -> dict:
    """List the discount codes, optionally of one brand or only active/inactive ones."""
    ids = [resolve_partnership(ctx, args.partnership).id] if args.partnership else None
    rows = coupon_store.list_coupons(
        session=ctx.session, tenant_id=ctx.tenant_id, partnership_ids=ids, active=args.active
    )
    names = partnership_names(ctx, [c.partnership_id for c in rows])
    today = local_today(ctx.now, ctx.timezone)
    return {"coupons": [coupon_out(c, names, today=today) for c in rows], "count": len(rows)}


class CreateCouponArgs(OwnerArgs):
    code: str = Field(..., min_length=3, max_length=64)
    partnership: str = Field(..., min_length=1, description="brand name, alias or ref")
    discount_type: Literal["percentage", "fixed", "free_shipping"] = "percentage"
    value: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, pattern=r"^[A-Za-z]{3}$")
    starts: dt.date | None = Field(None, description="default: today")
    expires: dt.date | None = None
    url: str | None = Field(None, pattern=r"^https?://\S+$")
    terms: str | None = None
    active: bool = True

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        return _code(value)

    @field_validator("discount_type", mode="before")
    @classmethod
    def _type(cls, value: str) -> str:
        value = str(value).strip().lower()
        return _TYPE_SYNONYMS.get(value, value)

    @model_validator(mode="after")
    def _consistent(self) -> CreateCouponArgs:
        if self.discount_type != "free_shipping" and self.value is None:
            raise ValueError("value is required: the percent or the amount off")
        if self.discount_type == "percentage" and self.value is not None and self.value > 100:
            raise ValueError("a percentage discount is at most 100")
        if self.currency:
            self.currency = self.currency.upper()
        if self.starts and self.expires and self.expires < self.starts:
            raise ValueError("expires is before starts")
        return self


@tool("create_coupon", roles=OWNER_ONLY, args=CreateCouponArgs)
@atomic
def create_coupon(ctx: ToolContext, args: CreateCouponArgs) -> dict:
    """Add a discount code for a partnership: percentage, fixed amount or free shipping, with dates."""
    if coupon_store.get_by_code(session=ctx.session, tenant_id=ctx.tenant_id, code=args.code):
        raise ToolError(f"the code {args.code} already exists", field="code", code="conflict")
    partnership = resolve_partnership(ctx, args.partnership)
    today = local_today(ctx.now, ctx.timezone)
    starts = args.starts or today
    if args.expires and args.expires < starts:
        raise ToolError(
            f"{args.expires.isoformat()} is before the start {starts.isoformat()}", field="expires"
        )
    currency = args.currency
    if args.discount_type == "fixed" and not currency:
        currency = partnership.compensation_currency or "ILS"
    fields = {
        "code": args.code,
        "partnership_id": partnership.id,
        "discount_type": args.discount_type,
        "value": args.value if args.discount_type != "free_shipping" else None,
        "currency": currency,
        "starts": starts,
        "expires": args.expires,
        "active": args.active,
        "url": args.url,
        "terms": args.terms,
    }
    row = coupon_store.create(session=ctx.session, tenant_id=ctx.tenant_id, fields=fields)
    audit(
        ctx,
        action="create_coupon",
        resource="coupon",
        resource_id=row.code,
        before=None,
        after=snapshot(row, _FIELDS),
    )
    return {"coupon": coupon_out(row, {partnership.id: partnership}, today=today), "created": True}


class UpdateCouponArgs(OwnerArgs):
    code: str = Field(..., min_length=1, max_length=64)
    active: bool | None = Field(None, description="false = deactivate (followers stop getting it)")
    expires: dt.date | None = Field(None, description="new last valid day (extend or shorten)")
    starts: dt.date | None = None
    value: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    terms: str | None = None
    url: str | None = Field(None, pattern=r"^https?://\S+$")

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        return _code(value)

    @model_validator(mode="after")
    def _something_changes(self) -> UpdateCouponArgs:
        if not (self.model_fields_set - {"code"}):
            raise ValueError(
                "nothing to change: deactivate, reactivate, or give a new expiry, value or terms"
            )
        return self


def _find(ctx: ToolContext, code: str) -> Coupon:
    row = coupon_store.get_by_code(session=ctx.session, tenant_id=ctx.tenant_id, code=code)
    if row is None:
        raise ToolError(f"there is no code {code}", field="code", code="not_found")
    return row


def confirm_update_coupon(ctx: ToolContext, args: UpdateCouponArgs) -> str | None:
    """Deactivating a code (followers stop getting it) is confirmed first."""
    if args.active is not False:
        return None
    try:
        c = _find(ctx, args.code)
    except ToolError:
        return None
    if not c.active:
        return None
    brand = brand_of(partnership_names(ctx, [c.partnership_id]), c.partnership_id)
    of = f" of {brand['brand']}" if brand else ""
    return f"Deactivate coupon {c.code}{of} ({discount_words(c)}); followers will no longer get it"


@tool("update_coupon", roles=OWNER_ONLY, args=UpdateCouponArgs, confirm=confirm_update_coupon)
@atomic
def update_coupon(ctx: ToolContext, args: UpdateCouponArgs) -> dict:
    """Deactivate or reactivate a code, extend (or shorten) its dates, change its value or terms."""
    c = _find(ctx, args.code)
    before = snapshot(c, _FIELDS)
    for name in ("active", "expires", "starts", "value", "terms", "url"):
        if name in args.model_fields_set and getattr(args, name) is not None:
            setattr(c, name, getattr(args, name))
    if c.discount_type == "percentage" and c.value is not None and c.value > 100:
        raise ToolError("a percentage discount is at most 100", field="value")
    if c.starts and c.expires and c.expires < c.starts:
        raise ToolError(
            f"{c.expires.isoformat()} is before the start {c.starts.isoformat()}", field="expires"
        )
    ctx.session.flush()
    after = snapshot(c, _FIELDS)
    audit(ctx, action="update_coupon", resource="coupon", resource_id=c.code, before=before, after=after)
    today = local_today(ctx.now, ctx.timezone)
    changed = sorted(k for k in after if after[k] != before[k])
    return {
        "coupon": coupon_out(c, partnership_names(ctx, [c.partnership_id]), today=today),
        "changed": changed,
        "previous": {k: before[k] for k in changed},
    }
