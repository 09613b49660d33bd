"""How coupons read in tool results: state on a day, the follower view, the owner view, brand perks."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from store.records import Coupon, Partnership
from tools._owner_common import brand_of, jsonable, money

__all__ = ["coupon_state", "coupon_view", "coupon_out", "discount_words", "brand_perks"]


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


def discount_words(c: Coupon) -> str:
    """'15% off', '50.00 ILS off' or 'free shipping'."""
    if c.discount_type == "percentage":
        return f"{Decimal(c.value or 0).normalize():f}% off"
    if c.discount_type == "fixed":
        return f"{money(c.value, c.currency)} off"
    return "free shipping"


def coupon_out(c: Coupon, partnerships: dict, *, today: dt.date) -> dict:
    """A coupon as JSON-ready data, with whether a follower would get it today."""
    valid_today = coupon_state(c, today) == "ok"
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
