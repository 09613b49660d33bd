"""From a validated bundle's items to column values (the bundle is known to be valid here)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from store.bundle._checks import parse_date, parse_date_or_datetime, parse_datetime

__all__ = [
    "tenant_fields",
    "partnership_fields",
    "coupon_fields",
    "redemption_fields",
    "task_fields",
    "invoice_fields",
    "post_items",
    "post_fields",
    "faq_items",
    "money",
]

_HASHTAG = re.compile(r"#([^\s#@.,!?;:()\[\]{}\"'<>]+)")
_MENTION = re.compile(r"@([A-Za-z0-9._]{1,30})")


def money(value: Any, places: str = "0.01") -> Decimal | None:
    """A JSON number as a Decimal rounded like the column keeps it (so re-imports compare equal)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places))


def _date(value: Any):
    return parse_date(value) if value is not None else None


def tenant_fields(inf: dict, instagram: dict | None) -> dict[str, Any]:
    """Tenant columns; optional keys that are absent are left out, so an update keeps what is there."""
    languages: list[str] = []
    for lang in inf["languages"]:
        if lang not in languages:
            languages.append(lang)
    fields: dict[str, Any] = {
        "handle": inf["handle"],
        "display_name": inf["display_name"],
        "languages": languages,
    }
    if inf.get("timezone") is not None:
        fields["timezone"] = inf["timezone"]
    if "persona_notes" in inf:
        fields["persona_notes"] = inf["persona_notes"]
    if instagram and instagram.get("profile") is not None:
        fields["instagram_profile"] = instagram["profile"]
    return fields


def partnership_fields(item: dict) -> dict[str, Any]:
    """Partnership columns; an optional key that is absent clears the column."""
    comp = item.get("compensation") or {}
    return {
        "ref": item["ref"],
        "brand": item["brand"],
        "brand_aliases": list(item.get("brand_aliases") or []),
        "status": item["status"],
        "start_date": _date(item.get("start_date")),
        "end_date": _date(item.get("end_date")),
        "compensation_amount": money(comp.get("amount")),
        "compensation_currency": comp.get("currency"),
        "deliverables": list(item.get("deliverables") or []),
        "brief": item.get("brief"),
        "link": item.get("link"),
        "faq": [{"q": f["q"], "a": f["a"]} for f in item.get("faq") or []],
        "commission": _commission(item.get("commission")),
        "costs": [{"label": str(c.get("label") or "")[:200], "amount": str(money(c["amount"])),
                   "currency": c["currency"]} for c in item.get("costs") or []],
    }


def _commission(value: dict | None) -> dict[str, Any] | None:
    if not value:
        return None
    out = {"type": value["type"], "value": str(money(value["value"], "0.0001"))}
    if value.get("currency"):
        out["currency"] = value["currency"]
    return out


def coupon_fields(item: dict, partnership_id: int) -> dict[str, Any]:
    """Coupon columns."""
    return {
        "code": item["code"].strip(),
        "partnership_id": partnership_id,
        "discount_type": item["discount_type"],
        "value": money(item.get("value")),
        "currency": item.get("currency"),
        "starts": _date(item.get("starts")),
        "expires": _date(item.get("expires")),
        "active": True if item.get("active") is None else item["active"],
        "url": item.get("url"),
        "terms": item.get("terms"),
    }


def redemption_fields(item: dict, coupon_id: int, tz: str) -> dict[str, Any]:
    """Columns of a coupon event of kind 'redeemed'."""
    return {
        "coupon_id": coupon_id,
        "kind": "redeemed",
        "order_id": str(item["order_id"]),
        "order_amount": money(item["order_amount"]),
        "currency": item["currency"],
        "items": item.get("items"),
        "products": list(item.get("products") or []),
        "at": parse_datetime(item["at"], tz=tz),
    }


def task_fields(item: dict, partnership_id: int | None, tz: str) -> dict[str, Any]:
    """Task columns (completed_at is handled by the importer: it is not in the format)."""
    due_date, due_at = (
        parse_date_or_datetime(item["due"], tz=tz) if item.get("due") is not None else (None, None)
    )
    return {
        "title": item["title"].strip(),
        "partnership_id": partnership_id,
        "type": item.get("type") or "general",
        "status": item["status"],
        "priority": item.get("priority") or "medium",
        "due_date": due_date,
        "due_at": due_at,
        "notes": item.get("notes"),
    }


def invoice_fields(item: dict, partnership_id: int | None) -> dict[str, Any]:
    """Invoice columns."""
    return {
        "number": str(item["number"]).strip(),
        "partnership_id": partnership_id,
        "amount": money(item["amount"]),
        "currency": item["currency"],
        "vat_rate": money(item.get("vat_rate"), "0.0001"),
        "status": item["status"],
        "issued": _date(item.get("issued")),
        "due": _date(item.get("due")),
        "paid_at": _date(item.get("paid_at")),
    }


def post_items(instagram: dict | None) -> list[dict]:
    """The posts of the bundle: `instagram.posts`, then the profile's latestPosts not already there."""
    if not instagram:
        return []
    out: dict[str, dict] = {}
    profile = instagram.get("profile") or {}
    for item in list(instagram.get("posts") or []) + list(profile.get("latestPosts") or []):
        key = _post_key(item)
        if key is not None and key not in out:
            out[key] = item
    return list(out.values())


def _post_key(item: dict) -> str | None:
    key = item.get("id") if item.get("id") not in (None, "") else item.get("shortCode")
    return None if key in (None, "") else str(key)


def _count(value: Any) -> int | None:
    # Apify gives -1 or null when a count is hidden.
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def post_fields(item: dict) -> dict[str, Any]:
    """Post columns, with the whole Apify item kept as `raw`."""
    caption = item.get("caption") or ""
    hashtags = item.get("hashtags")
    if not isinstance(hashtags, list) or not all(isinstance(h, str) for h in hashtags):
        hashtags = _HASHTAG.findall(caption)
    mentions = item.get("mentions")
    if not isinstance(mentions, list) or not all(isinstance(m, str) for m in mentions):
        mentions = _MENTION.findall(caption)
    tagged = []
    for user in item.get("taggedUsers") or []:
        name = user.get("username") if isinstance(user, dict) else user
        if isinstance(name, str) and name:
            tagged.append(name)
    short_code = item.get("shortCode")
    url = item.get("url") or (f"https://www.instagram.com/p/{short_code}/" if short_code else None)
    return {
        "post_id": _post_key(item),
        "short_code": short_code if isinstance(short_code, str) else None,
        "type": item.get("type") if isinstance(item.get("type"), str) else None,
        "caption": caption,
        "hashtags": [h.lstrip("#") for h in hashtags],
        "mentions": [m.lstrip("@") for m in mentions],
        "tagged_users": tagged,
        "url": url if isinstance(url, str) else None,
        "posted_at": parse_datetime(item["timestamp"]) if item.get("timestamp") else None,
        "likes": _count(item.get("likesCount")),
        "comments": _count(item.get("commentsCount")),
        "is_sponsored": bool(item.get("isSponsored") or item.get("isPaidPartnership")),
        "raw": item,
    }


def faq_items(faq: list[dict]) -> list[dict[str, str]]:
    """The top-level FAQ as stored: {q, a} plus lang when given."""
    out = []
    for item in faq:
        entry = {"q": item["q"], "a": item["a"]}
        if item.get("lang"):
            entry["lang"] = item["lang"]
        out.append(entry)
    return out
