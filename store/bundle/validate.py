"""Validation of an `influencer-bundle/1` document: every problem at once, each with its JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from store.bundle._checker import Checker
from store.bundle._checks import (
    HANDLE_RE,
    check_currency,
    check_language,
    check_timezone,
    check_url,
    parse_date,
    parse_date_or_datetime,
    parse_datetime,
)
from store.models import (
    DEFAULT_TIMEZONE,
    DISCOUNT_TYPES,
    INVOICE_STATUSES,
    PARTNERSHIP_STATUSES,
    TASK_PRIORITIES,
    TASK_STATUSES,
    TASK_TYPES,
)
from store.owners import is_e164

__all__ = ["FORMAT", "Findings", "check", "validate", "format_errors", "MAX_SHOWN_ERRORS"]

FORMAT = "influencer-bundle/1"
MAX_SHOWN_ERRORS = 20

TOP_KEYS = (
    "format",
    "influencer",
    "instagram",
    "partnerships",
    "coupons",
    "coupon_redemptions",
    "tasks",
    "invoices",
    "faq",
)
INFLUENCER_KEYS = ("handle", "display_name", "languages", "timezone", "owner_phones", "persona_notes")
PARTNERSHIP_KEYS = (
    "ref",
    "brand",
    "brand_aliases",
    "status",
    "start_date",
    "end_date",
    "compensation",
    "deliverables",
    "brief",
    "link",
    "faq",
    "commission",
    "costs",
)
COUPON_KEYS = (
    "code",
    "partnership",
    "discount_type",
    "value",
    "currency",
    "starts",
    "expires",
    "active",
    "url",
    "terms",
)
REDEMPTION_KEYS = ("code", "order_id", "order_amount", "currency", "items", "products", "at")
TASK_KEYS = ("title", "partnership", "type", "status", "priority", "due", "notes")
INVOICE_KEYS = (
    "number",
    "partnership",
    "amount",
    "currency",
    "vat_rate",
    "status",
    "issued",
    "due",
    "paid_at",
)


@dataclass
class Findings:
    """What checking a bundle found: errors refuse it, warnings are reported and the import goes on."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def validate(data: Any) -> list[str]:
    """Every error in the bundle ('path: reason'), in document order; empty when it can be imported."""
    return check(data).errors


def format_errors(errors: list[str], *, limit: int = MAX_SHOWN_ERRORS) -> list[str]:
    """The first `limit` errors, plus one line 'and N more' when there are more."""
    shown = list(errors[:limit])
    if len(errors) > limit:
        shown.append(f"and {len(errors) - limit} more")
    return shown


def check(data: Any) -> Findings:
    """Errors and warnings of a bundle (a parsed JSON document)."""
    c = Checker()
    if not isinstance(data, dict):
        c.error("bundle", f"must be a JSON object with format '{FORMAT}'")
        return Findings(c.errors, c.warnings)
    c.unknown_keys(data, TOP_KEYS, "")
    fmt = data.get("format")
    if fmt is None:
        c.error("format", f"required ('{FORMAT}')")
    elif fmt != FORMAT:
        c.error("format", f"{fmt!r} is not supported (expected '{FORMAT}')")
    tz = _influencer(c, data)
    if data.get("instagram") is not None:
        _instagram(c, data["instagram"], handle=(data.get("influencer") or {}).get("handle"))
    refs = _partnerships(c, data)
    codes = _coupons(c, data, refs)
    _redemptions(c, data, codes, tz)
    _tasks(c, data, refs, tz)
    _invoices(c, data, refs)
    _faq(c, data.get("faq"), "faq", with_lang=True)
    return Findings(c.errors, c.warnings)


def _influencer(c: Checker, data: dict) -> str:
    if not c.present(data, "influencer", "", required=True):
        return DEFAULT_TIMEZONE
    inf = c.object(data["influencer"], "influencer")
    if inf is None:
        return DEFAULT_TIMEZONE
    p = "influencer"
    c.unknown_keys(inf, INFLUENCER_KEYS, p)
    handle = c.string(inf, "handle", p, required=True)
    if handle is not None and not HANDLE_RE.fullmatch(handle):
        c.error(f"{p}.handle", f"must match [a-z0-9._]{{2,30}} (got {handle!r})")
    c.string(inf, "display_name", p, required=True, max_len=200)
    if c.present(inf, "languages", p, required=True):
        langs = inf["languages"]
        if not isinstance(langs, list) or not langs:
            c.error(f"{p}.languages", 'must be a non-empty list of ISO 639-1 codes (like ["he", "en"])')
        else:
            for i, lang in enumerate(langs):
                try:
                    check_language(lang)
                except ValueError as exc:
                    c.error(f"{p}.languages[{i}]", str(exc))
            if len(set(map(str, langs))) != len(langs):
                c.warn(f"{p}.languages", "a language is listed twice; the first one counts")
    tz = c.parsed(inf, "timezone", p, check_timezone) or DEFAULT_TIMEZONE
    phones = c.strings(inf, "owner_phones", p) or []
    seen: set[str] = set()
    for i, phone in enumerate(phones):
        if not is_e164(phone):
            c.error(f"{p}.owner_phones[{i}]", f"{phone!r} is not an E.164 phone number (like +972541112233)")
        elif phone in seen:
            c.warn(f"{p}.owner_phones[{i}]", f"{phone} is listed twice")
        seen.add(phone)
    c.text(inf, "persona_notes", p)
    return tz


def _instagram(c: Checker, value: object, *, handle: object) -> None:
    ig = c.object(value, "instagram")
    if ig is None:
        return
    c.unknown_keys(ig, ("profile", "posts"), "instagram")
    if ig.get("profile") is not None:
        profile = c.object(ig["profile"], "instagram.profile")
        user = (profile or {}).get("username")
        if isinstance(user, str) and isinstance(handle, str) and user.lower() != handle:
            c.warn("instagram.profile.username", f"{user!r} is not the influencer's handle {handle!r}")
        latest = (profile or {}).get("latestPosts")
        if latest is not None and not isinstance(latest, list):
            c.error("instagram.profile.latestPosts", "must be a list")
        elif latest:
            _posts(c, latest, "instagram.profile.latestPosts", warn_duplicates=False)
    posts = c.items(ig, "posts", "instagram")
    if posts:
        _posts(c, posts, "instagram.posts", warn_duplicates=True)


def _posts(c: Checker, posts: list, path: str, *, warn_duplicates: bool) -> None:
    seen: dict[str, int] = {}
    for i, raw in enumerate(posts):
        p = f"{path}[{i}]"
        post = c.object(raw, p)
        if post is None:
            continue
        key = post.get("id") if post.get("id") not in (None, "") else post.get("shortCode")
        if key in (None, "") or isinstance(key, bool) or not isinstance(key, str | int):
            c.error(f"{p}.id", "required (or shortCode)")
            continue
        if str(key) in seen and warn_duplicates:
            c.warn(p, f"post {key} appears twice (also at {path}[{seen[str(key)]}]); the first is kept")
        seen.setdefault(str(key), i)
        c.text(post, "caption", p)
        c.parsed(post, "timestamp", p, parse_datetime)
        if post.get("hashtags") is not None and not isinstance(post["hashtags"], list):
            c.warn(f"{p}.hashtags", "not a list; hashtags are taken from the caption")


def _partnerships(c: Checker, data: dict) -> set[str]:
    refs: dict[str, int] = {}
    for i, raw in enumerate(c.items(data, "partnerships", "") or []):
        p = f"partnerships[{i}]"
        item = c.object(raw, p)
        if item is None:
            continue
        c.unknown_keys(item, PARTNERSHIP_KEYS, p)
        ref = c.string(item, "ref", p, required=True, max_len=100)
        if ref is not None:
            if ref in refs:
                c.error(f"{p}.ref", f"duplicate ref {ref!r} (also at partnerships[{refs[ref]}])")
            refs.setdefault(ref, i)
        c.string(item, "brand", p, required=True, max_len=200)
        c.strings(item, "brand_aliases", p)
        c.one_of(item, "status", p, PARTNERSHIP_STATUSES, required=True)
        start = c.parsed(item, "start_date", p, parse_date)
        end = c.parsed(item, "end_date", p, parse_date)
        if start and end and end < start:
            c.warn(f"{p}.end_date", f"{end} is before start_date {start}")
        if item.get("compensation") is not None:
            comp = c.object(item["compensation"], f"{p}.compensation")
            if comp is not None:
                c.unknown_keys(comp, ("amount", "currency"), f"{p}.compensation")
                c.number(comp, "amount", f"{p}.compensation", required=True, minimum=0)
                c.parsed(comp, "currency", f"{p}.compensation", check_currency, required=True)
        c.strings(item, "deliverables", p)
        c.text(item, "brief", p)
        c.parsed(item, "link", p, check_url)
        if "faq" in item:
            _faq(c, item["faq"], f"{p}.faq", with_lang=False)
        _deal_terms(c, item, p)
    return set(refs)


def _deal_terms(c: Checker, item: dict, p: str) -> None:
    """commission {type: percentage|per_order, value, currency?} and costs [{label, amount, currency}]."""
    if item.get("commission") is not None:
        com = c.object(item["commission"], f"{p}.commission")
        if com is not None:
            c.unknown_keys(com, ("type", "value", "currency"), f"{p}.commission")
            kind = c.one_of(com, "type", f"{p}.commission", ("percentage", "per_order"), required=True)
            value = c.number(com, "value", f"{p}.commission", required=True, minimum=0)
            if kind == "percentage" and value is not None and value > 100:
                c.error(f"{p}.commission.value", f"a percentage is at most 100 (got {value:g})")
            c.parsed(com, "currency", f"{p}.commission", check_currency, required=kind == "per_order")
    for j, raw in enumerate(c.items(item, "costs", p) or []):
        q = f"{p}.costs[{j}]"
        cost = c.object(raw, q)
        if cost is not None:
            c.unknown_keys(cost, ("label", "amount", "currency"), q)
            c.string(cost, "label", q, required=True, max_len=200)
            c.number(cost, "amount", q, required=True, minimum=0)
            c.parsed(cost, "currency", q, check_currency, required=True)


def _ref(c: Checker, item: dict, p: str, refs: set[str], *, required: bool) -> None:
    ref = c.string(item, "partnership", p, required=required)
    if ref is not None and ref not in refs:
        c.error(f"{p}.partnership", f"unknown partnership ref {ref!r}")


def _coupons(c: Checker, data: dict, refs: set[str]) -> dict[str, str]:
    codes: dict[str, str] = {}  # folded code -> code as written
    where: dict[str, int] = {}
    for i, raw in enumerate(c.items(data, "coupons", "") or []):
        p = f"coupons[{i}]"
        item = c.object(raw, p)
        if item is None:
            continue
        c.unknown_keys(item, COUPON_KEYS, p)
        code = c.string(item, "code", p, required=True, max_len=64)
        if code is not None:
            folded = code.strip().casefold()
            # Followers type codes in any case, so two codes that differ only in case are one code.
            if folded in codes:
                c.error(f"{p}.code", f"duplicate coupon code {code!r} (also at coupons[{where[folded]}])")
            codes.setdefault(folded, code)
            where.setdefault(folded, i)
        _ref(c, item, p, refs, required=True)
        kind = c.one_of(item, "discount_type", p, DISCOUNT_TYPES, required=True)
        value = c.number(
            item,
            "value",
            p,
            required=kind in ("percentage", "fixed"),
            reason="required unless discount_type is free_shipping",
        )
        if value is not None and kind == "percentage" and not 0 < value <= 100:
            c.error(f"{p}.value", f"a percentage must be more than 0 and at most 100 (got {value:g})")
        elif value is not None and kind == "fixed" and value <= 0:
            c.error(f"{p}.value", f"a fixed discount must be more than 0 (got {value:g})")
        c.parsed(item, "currency", p, check_currency, required=kind == "fixed", reason="required for fixed")
        starts = c.parsed(item, "starts", p, parse_date)
        expires = c.parsed(item, "expires", p, parse_date)
        if starts and expires and expires < starts:
            c.warn(f"{p}.expires", f"{expires} is before starts {starts}; the code is never valid")
        c.boolean(item, "active", p)
        c.parsed(item, "url", p, check_url)
        c.text(item, "terms", p)
    return codes


def _redemptions(c: Checker, data: dict, codes: dict[str, str], tz: str) -> None:
    orders: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(c.items(data, "coupon_redemptions", "") or []):
        p = f"coupon_redemptions[{i}]"
        item = c.object(raw, p)
        if item is None:
            continue
        c.unknown_keys(item, REDEMPTION_KEYS, p)
        code = c.string(item, "code", p, required=True)
        if code is not None and code.strip().casefold() not in codes:
            c.error(f"{p}.code", f"unknown coupon code {code!r}")
        order_id = c.string(item, "order_id", p, required=True, max_len=100, allow_int=True)
        if code is not None and order_id is not None:
            key = (code.strip().casefold(), order_id)
            if key in orders:
                c.error(
                    f"{p}.order_id",
                    f"duplicate order_id {order_id!r} for code {code!r} "
                    f"(also at coupon_redemptions[{orders[key]}])",
                )
            orders.setdefault(key, i)
        c.number(item, "order_amount", p, required=True, minimum=0)
        c.parsed(item, "currency", p, check_currency, required=True)
        c.number(item, "items", p, minimum=0, integer=True)
        c.strings(item, "products", p)
        c.parsed(item, "at", p, lambda v: parse_datetime(v, tz=tz), required=True)


def _tasks(c: Checker, data: dict, refs: set[str], tz: str) -> None:
    titles: dict[str, int] = {}
    for i, raw in enumerate(c.items(data, "tasks", "") or []):
        p = f"tasks[{i}]"
        item = c.object(raw, p)
        if item is None:
            continue
        c.unknown_keys(item, TASK_KEYS, p)
        title = c.string(item, "title", p, required=True, max_len=300)
        if title is not None:
            if title.strip() in titles:
                c.error(
                    f"{p}.title",
                    f"duplicate title {title!r} (also at tasks[{titles[title.strip()]}]); "
                    "tasks are matched by title",
                )
            titles.setdefault(title.strip(), i)
        _ref(c, item, p, refs, required=False)
        c.one_of(item, "type", p, TASK_TYPES)
        c.one_of(item, "status", p, TASK_STATUSES, required=True)
        c.one_of(item, "priority", p, TASK_PRIORITIES)
        c.parsed(item, "due", p, lambda v: parse_date_or_datetime(v, tz=tz))
        c.text(item, "notes", p)


def _invoices(c: Checker, data: dict, refs: set[str]) -> None:
    numbers: dict[str, int] = {}
    for i, raw in enumerate(c.items(data, "invoices", "") or []):
        p = f"invoices[{i}]"
        item = c.object(raw, p)
        if item is None:
            continue
        c.unknown_keys(item, INVOICE_KEYS, p)
        number = c.string(item, "number", p, required=True, max_len=50, allow_int=True)
        if number is not None:
            if number.strip() in numbers:
                c.error(
                    f"{p}.number",
                    f"duplicate invoice number {number!r} (also at invoices[{numbers[number.strip()]}])",
                )
            numbers.setdefault(number.strip(), i)
        _ref(c, item, p, refs, required=False)
        c.number(item, "amount", p, required=True, minimum=0)
        c.parsed(item, "currency", p, check_currency, required=True)
        vat = c.number(item, "vat_rate", p, minimum=0)
        if vat is not None and vat >= 1:
            c.error(f"{p}.vat_rate", f"must be a fraction below 1, like 0.18 (got {vat:g})")
        c.one_of(item, "status", p, INVOICE_STATUSES, required=True)
        for key in ("issued", "due", "paid_at"):
            c.parsed(item, key, p, parse_date)


def _faq(c: Checker, value: object, path: str, *, with_lang: bool) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        c.error(path, "must be a list of {q, a}")
        return
    for i, raw in enumerate(value):
        p = f"{path}[{i}]"
        item = c.object(raw, p)
        if item is None:
            continue
        c.unknown_keys(item, ("q", "a", "lang") if with_lang else ("q", "a"), p)
        c.string(item, "q", p, required=True)
        c.string(item, "a", p, required=True)
        if with_lang:
            c.parsed(item, "lang", p, check_language)
