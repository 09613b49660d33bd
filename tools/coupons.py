"""Coupons: find_coupons for everyone (only codes valid today in the tenant's zone, never invented) and the
owner's list, create and update."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from store import coupons as coupon_store
from store import rules as rule_store
from store import schedule as schedule_store
from store.records import PUBLIC_STATUSES, Coupon, Partnership
from tools._brands import (
    brand_summary,
    resolve_brand,
    tenant_today,
    visible_partnerships,
)
from tools._coupon_views import brand_perks, coupon_out, coupon_state, coupon_view, discount_words
from tools._owner_common import (
    OWNER_ONLY,
    OwnerArgs,
    atomic,
    audit,
    brand_of,
    partnership_names,
    resolve_partnership,
    snapshot,
)
from tools.dates import local_today
from tools.registry import FOLLOWER, OWNER, ToolContext, ToolError, tool

__all__ = ["find_coupons", "list_coupons", "create_coupon", "update_coupon", "valid_coupons", "coupon_state",
           "coupon_view", "coupon_out", "discount_words", "brand_perks"]

# Why a brand's code is not offered, best news first: a code that starts soon beats one that
# expired, which beats one the owner switched off.
_REASON_ORDER = ("not_started", "expired", "inactive")


class FindCouponsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    brand: str | None = Field(default=None, max_length=120, description="brand ref, name or alias")
    code: str | None = Field(default=None, max_length=64, description="a coupon code the user mentioned")


def valid_coupons(
    ctx: ToolContext, *, partnership_ids: list[int] | None = None
) -> list[tuple[Coupon, Partnership | None]]:
    """The tenant's coupons offerable today (active, starts <= today <= expires in the tenant zone)."""
    rows = coupon_store.offerable(session=ctx.session, tenant_id=ctx.tenant_id, on_date=tenant_today(ctx),
                                  partnership_ids=partnership_ids)
    if ctx.role != OWNER:  # a code tied to a private (unannounced) deal is not the follower's to see
        rows = [(c, p) for c, p in rows if p is None or p.status in PUBLIC_STATUSES]
    return rows


FOLLOW_UP_DAYS = 3  # after a code is shown, the follower is asked whether it worked


def _follow_up_rule(ctx: ToolContext) -> dict:
    return rule_store.rule_of(session=ctx.session, tenant_id=ctx.tenant_id, trigger="coupon_follow_up")


def _record_shown(ctx: ToolContext, coupons: list[Coupon]) -> None:
    # The owner looking at their own codes is not an audience signal.
    if ctx.role == OWNER or not coupons:
        return
    coupon_store.record_events(session=ctx.session, tenant_id=ctx.tenant_id, coupon_ids=[c.id for c in coupons],
                               kind="shown", conversation_id=ctx.conversation_id, contact_id=ctx.contact_id,
                               at=ctx.now)
    rule = _follow_up_rule(ctx)
    if ctx.contact_id is not None and rule.get("active", True):  # "did the code work?" days later, with consent
        first = coupons[0]
        schedule_store.schedule(
            session=ctx.session, tenant_id=ctx.tenant_id, kind="follow_up",
            due_at=ctx.now + dt.timedelta(days=int(rule.get("days") or FOLLOW_UP_DAYS)),
            payload={"rule": "coupon", "contact_id": ctx.contact_id, "coupon_id": first.id,
                     "conversation_id": ctx.conversation_id},
            dedupe_key=f"follow_up:coupon:{ctx.contact_id}:{first.id}")


def _result(
    status: str,
    rows: list[tuple[Coupon, Partnership | None]],
    brand: Partnership | None,
    ctx: ToolContext,
    **extra: Any,
) -> dict[str, Any]:
    _record_shown(ctx, [c for c, _ in rows])
    out = {
        "status": status,
        "coupons": [coupon_view(c, p) for c, p in rows],
        "brand": brand_summary(brand, role=ctx.role),
    }
    out.update(extra)
    return out


def _by_code(ctx: ToolContext, code: str, partnerships: list[Partnership]) -> dict[str, Any]:
    row = coupon_store.get_by_code(session=ctx.session, tenant_id=ctx.tenant_id, code=code)
    by_id = {p.id: p for p in partnerships}
    if row is None or (row.partnership_id and row.partnership_id not in by_id):
        return _result("unknown_code", [], None, ctx, query={"code": code})
    partnership = by_id.get(row.partnership_id) if row.partnership_id else None
    state = coupon_state(row, tenant_today(ctx))
    if state == "ok":
        return _result("ok", [(row, partnership)], partnership, ctx)
    # The code itself is not repeated back: an expired or inactive code is never offered.
    extra: dict[str, Any] = {"query": {"code": code}}
    extra.update(_dates_for(state, [row]))
    alternatives = valid_coupons(ctx, partnership_ids=[partnership.id]) if partnership else []
    out = _result(state, alternatives, partnership, ctx, **extra)
    if alternatives:
        out["status"] = "ok"
        out["asked_code_status"] = state
    return out


def _dates_for(state: str, coupons: list[Coupon]) -> dict[str, str]:
    if state == "expired":
        dates = [c.expires for c in coupons if c.expires]
        return {"expired_on": max(dates).isoformat()} if dates else {}
    if state == "not_started":
        dates = [c.starts for c in coupons if c.starts]
        return {"starts_on": min(dates).isoformat()} if dates else {}
    return {}


@tool("find_coupons", roles={FOLLOWER, OWNER}, args=FindCouponsArgs)
def find_coupons(ctx: ToolContext, args: FindCouponsArgs) -> dict[str, Any]:
    """Find the coupon codes valid right now for a brand (by name or alias), or for a given code, or all
    currently valid codes when no brand is given. Says honestly when a brand has none or its code expired."""
    partnerships = visible_partnerships(ctx)
    if args.code:
        return _by_code(ctx, args.code, partnerships)
    if not args.brand:
        rows = valid_coupons(ctx)
        return _result("ok" if rows else "none", rows, None, ctx)
    match = resolve_brand(partnerships, args.brand)
    if match.ambiguous:
        return _result(
            "ambiguous_brand",
            [],
            None,
            ctx,
            query={"brand": args.brand},
            candidates=[brand_summary(p, role=ctx.role) for p in match.partnerships],
        )
    brand = match.resolved
    if brand is None:  # not a brand of ours (or not public): say so, then the codes there are
        return _result(
            "unknown_brand",
            valid_coupons(ctx),
            None,
            ctx,
            query={"brand": args.brand},
            brands_with_codes=_brands_with_codes(ctx),
        )
    rows = valid_coupons(ctx, partnership_ids=[brand.id])
    if rows:
        return _result("ok", rows, brand, ctx)
    all_codes = coupon_store.list_coupons(session=ctx.session, tenant_id=ctx.tenant_id, partnership_ids=[brand.id])
    perks = brand_perks(brand)
    if not all_codes:
        return _result("none_for_brand", [], brand, ctx, brands_with_codes=_brands_with_codes(ctx), perks=perks)
    today = tenant_today(ctx)
    states = {coupon_state(c, today) for c in all_codes}
    status = next(s for s in _REASON_ORDER if s in states)
    dated = [c for c in all_codes if coupon_state(c, today) == status]
    return _result(
        status, [], brand, ctx, brands_with_codes=_brands_with_codes(ctx), perks=perks, **_dates_for(status, dated)
    )


def _brands_with_codes(ctx: ToolContext) -> list[dict[str, Any]]:
    """Brands that have a code valid today, so a reply can offer them instead."""
    seen: dict[str, dict[str, Any]] = {}
    for _, p in valid_coupons(ctx):
        if p is not None and p.ref not in seen:
            seen[p.ref] = {"ref": p.ref, "name": p.brand, "link": p.link}
    return list(seen.values())


# Owner tools: list, create, deactivate and extend codes.

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
