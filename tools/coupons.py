"""find_coupons: only codes that are active and valid today in the tenant's time zone, never invented."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_, select

from store.models import Contact, Conversation, Coupon, CouponEvent, Partnership
from tools._brands import (
    PUBLIC_STATUSES,
    brand_summary,
    resolve_brand,
    tenant_today,
    visible_partnerships,
)
from tools.registry import FOLLOWER, OWNER, ToolContext, tool

__all__ = ["FindCouponsArgs", "find_coupons", "coupon_state", "coupon_view", "valid_coupons", "brand_perks"]

# Why a brand's code is not offered, best news first: a code that starts soon beats one that
# expired, which beats one the owner switched off.
_REASON_ORDER = ("not_started", "expired", "inactive")


class FindCouponsArgs(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    brand: str | None = Field(default=None, max_length=120, description="brand ref, name or alias")
    code: str | None = Field(default=None, max_length=64, description="a coupon code the user mentioned")


def coupon_state(coupon: Coupon, today: dt.date) -> str:
    """'ok' when offerable today, else 'inactive', 'expired' or 'not_started' (dates inclusive)."""
    if not coupon.active:
        return "expired" if coupon.expires and coupon.expires < today else "inactive"
    if coupon.expires and coupon.expires < today:
        return "expired"
    if coupon.starts and coupon.starts > today:
        return "not_started"
    return "ok"


def _amount(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def coupon_view(coupon: Coupon, partnership: Partnership | None) -> dict[str, Any]:
    """A coupon as the tools return it: every figure straight from the row."""
    return {
        "id": coupon.id,
        "code": coupon.code,
        "brand": partnership.brand if partnership else None,
        "partnership_ref": partnership.ref if partnership else None,
        "discount_type": coupon.discount_type,
        "value": _amount(coupon.value),
        "currency": coupon.currency,
        "terms": coupon.terms,
        "url": coupon.url or (partnership.link if partnership else None),
        "starts": coupon.starts.isoformat() if coupon.starts else None,
        "expires": coupon.expires.isoformat() if coupon.expires else None,
    }


def valid_coupons(
    ctx: ToolContext, *, partnership_ids: list[int] | None = None
) -> list[tuple[Coupon, Partnership | None]]:
    """The tenant's coupons offerable today (active, starts <= today <= expires in the tenant zone)."""
    today = tenant_today(ctx)
    stmt = (
        select(Coupon, Partnership)
        .outerjoin(Partnership, Partnership.id == Coupon.partnership_id)
        .where(
            Coupon.tenant_id == ctx.tenant_id,
            Coupon.active.is_(True),
            or_(Coupon.starts.is_(None), Coupon.starts <= today),
            or_(Coupon.expires.is_(None), Coupon.expires >= today),
        )
        .order_by(Coupon.expires.asc().nulls_last(), Coupon.code)
    )
    if partnership_ids is not None:
        stmt = stmt.where(Coupon.partnership_id.in_(partnership_ids))
    rows = [(c, p) for c, p in ctx.session.execute(stmt).all()]
    if ctx.role != OWNER:  # a code tied to a private (unannounced) deal is not the follower's to see
        rows = [(c, p) for c, p in rows if p is None or p.status in PUBLIC_STATUSES]
    return rows


def _record_shown(ctx: ToolContext, coupons: list[Coupon]) -> None:
    # The owner looking at their own codes is not an audience signal.
    if ctx.role == OWNER or not coupons:
        return
    conversation_id = (
        ctx.conversation_id if ctx.conversation_id and ctx.session.get(Conversation, ctx.conversation_id) else None
    )
    contact_id = ctx.contact_id if ctx.contact_id and ctx.session.get(Contact, ctx.contact_id) else None
    for coupon in coupons:
        ctx.session.add(
            CouponEvent(
                tenant_id=ctx.tenant_id,
                coupon_id=coupon.id,
                kind="shown",
                conversation_id=conversation_id,
                contact_id=contact_id,
                at=ctx.now,
            )
        )
    ctx.session.flush()


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
    row = ctx.session.execute(
        select(Coupon).where(Coupon.tenant_id == ctx.tenant_id, func.upper(Coupon.code) == code.upper())
    ).scalar_one_or_none()
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
    if brand is None:
        return _result(
            "unknown_brand",
            [],
            None,
            ctx,
            query={"brand": args.brand},
            brands_with_codes=_brands_with_codes(ctx),
        )
    rows = valid_coupons(ctx, partnership_ids=[brand.id])
    if rows:
        return _result("ok", rows, brand, ctx)
    all_codes = list(
        ctx.session.scalars(select(Coupon).where(Coupon.tenant_id == ctx.tenant_id, Coupon.partnership_id == brand.id))
    )
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


_DEAL_WORDS = re.compile(
    r"\b(code|coupon|discount|promo|deal|offer|perk|free|trial|gift|sale)s?\b|קוד|קופון|הנחה|מבצע|הטבה|מתנה|חינם|ניסיון",
    re.IGNORECASE,
)


def brand_perks(brand: Partnership) -> list[dict[str, str]]:
    """The brand's own Q&A about codes and deals ("No code; the link gives a free trial week")."""
    out = []
    for item in brand.faq or []:
        question, answer = str(item.get("q") or ""), str(item.get("a") or "")
        if answer and _DEAL_WORDS.search(question):
            out.append({"q": question, "a": answer})
    return out


def _brands_with_codes(ctx: ToolContext) -> list[dict[str, Any]]:
    """Brands that have a code valid today, so a reply can offer them instead."""
    seen: dict[str, dict[str, Any]] = {}
    for _, p in valid_coupons(ctx):
        if p is not None and p.ref not in seen:
            seen[p.ref] = {"ref": p.ref, "name": p.brand, "link": p.link}
    return list(seen.values())
