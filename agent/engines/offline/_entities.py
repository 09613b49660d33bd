"""Entities known by their shape: order and invoice numbers, amounts, percentages, contacts, codes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["extract_shapes"]

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z0-9._]{2,30})(?<!\.)")
_PHONE = re.compile(r"(?<![\d+])(?:\+972[-\s]?|0)(?:[23489]|5\d|7\d)[-\s]?\d{3}[-\s]?\d{4}(?!\d)"
                    r"|(?<![\d+])\+(?!972)\d{1,3}[-\s]?\(?\d{2,4}\)?[-\s]?\d{3,4}[-\s]?\d{3,4}(?!\d)")
_ORDER_HASH = re.compile(r"#\s?([A-Za-z]{1,4}-?\d{2,12}|\d{3,12})\b")
_ORDER_WORD = re.compile(
    r"(?:\border|\bord|\btracking|הזמנה|הזמנתי|הזמנת|מעקב)\s*(?:number|no\.?|num|id|#|מספר|מס'?|מס׳)?\s*[:#]?\s*"
    r"([A-Za-z]{1,4}-?\d{2,12}|\d{3,12})\b", re.I)
_ORDER_SHAPE = re.compile(r"\b([A-Z]{1,4}-\d{2,10})\b")
_INVOICE = re.compile(
    r"(?:\binvoice|\binv|חשבונית|חשבון)\s*(?:number|no\.?|#|מספר|מס'?|מס׳)?\s*#?\s*(\d{2,10})\b", re.I)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SYMBOL = {"₪": "ILS", "$": "USD", "€": "EUR", "£": "GBP"}
_WORD_CURRENCY = [
    (r"ils|nis|שקל|שקלים|ש\"ח|ש״ח|שח|shekels?|₪", "ILS"), (r"usd|dollars?|bucks|דולר|דולרים|\$", "USD"),
    (r"eur|euros?|יורו|אירו|€", "EUR"), (r"gbp|pounds?|פאונד|£", "GBP"),
]
_AMOUNT_BEFORE = re.compile(r"([₪$€£])\s?(" + _NUM + r")(k)?\b", re.I)
_AMOUNT_AFTER = re.compile(r"(?<![\w.,])(" + _NUM + r")(k)?\s?(" + "|".join(p for p, _ in _WORD_CURRENCY)
                           + r")(?![a-z\u05D0-\u05EA])", re.I)
_PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?(?:%|percent\b|אחוז(?:ים)?)", re.I)
_RATING_PATTERNS = [
    (re.compile(r"^([1-5])[.!]?$"), 5), (re.compile(r"^(\d{1,2})\s*/\s*(5|10)$"), 0),
    (re.compile(r"^(?:rating|rate|ציון|דירוג)\s*:?\s*(\d{1,2})$", re.I), 5),
    (re.compile(r"\b([1-5])\s*(?:stars?|כוכבים|כוכבי)\b", re.I), 5),
]
_CODE_SHAPE = re.compile(r"(?<![\w@#-])([A-Z][A-Z0-9]{2,19})(?![\w-])")
_CODE_CONTEXT = re.compile(r"code|coupon|promo|קוד|קופון", re.I)
_NOT_CODES = frozenset("STOP OK LOL ASAP FYI USD ILS NIS EUR GBP PDF DM VIP AI PM AM OMG WTF THANKS HI HELLO "
                       "YES NO "
                       "PLEASE HEY SOS BTW IMO TBH CEO PR UGC FAQ SMS TV USA UK IDK THX PLZ PLS".split())


def _value(number: str, thousands: str | None) -> str:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return number
    if thousands:
        value = (value * 1000).normalize()
    return format(value, "f")


def _currency(word: str) -> str | None:
    for pattern, code in _WORD_CURRENCY:
        if re.fullmatch(pattern, word, re.I):
            return code
    return None


def _rating(text: str) -> int | None:
    stripped = text.strip()
    stars = sum(stripped.count(c) for c in "⭐★🌟")
    if stars and not re.sub(r"[⭐★🌟\s️]", "", stripped):
        return min(stars, 5)
    for pattern, scale in _RATING_PATTERNS:
        m = pattern.search(stripped)
        if m:
            value = int(m.group(1))
            scale = scale or int(m.group(2))
            if 0 < value <= scale:
                return max(1, round(value * 5 / scale)) if scale != 5 else value
    return None


def extract_shapes(raw: str, *, known_codes: list[str]) -> dict:
    """Entities recognisable by their shape alone (no catalog needed except to tell codes apart)."""
    out: dict = {}
    emails = _EMAIL.findall(raw)
    scrubbed = _EMAIL.sub(" ", _URL.sub(" ", raw))
    known = {c.upper() for c in known_codes}
    invoices = list(dict.fromkeys(m.group(1) for m in _INVOICE.finditer(scrubbed)))
    orders: list[str] = []
    for pattern in (_ORDER_HASH, _ORDER_WORD, _ORDER_SHAPE):
        for m in pattern.finditer(scrubbed):
            oid = m.group(1).upper()
            digits = re.sub(r"\D", "", oid)
            phone = digits.startswith("05") and len(digits) == 10
            if oid.replace("-", "") in known or oid in invoices or phone:
                continue
            if oid not in orders:
                orders.append(oid)
    found: list[tuple[int, dict]] = []
    spans: list[tuple[int, int]] = []
    for m in _AMOUNT_BEFORE.finditer(scrubbed):
        found.append((m.start(), {"value": _value(m.group(2), m.group(3)), "currency": _SYMBOL[m.group(1)]}))
        spans.append(m.span())
    for m in _AMOUNT_AFTER.finditer(scrubbed):
        if not any(s <= m.start() < e for s, e in spans):
            amount = {"value": _value(m.group(1), m.group(2)), "currency": _currency(m.group(3))}
            found.append((m.start(), amount))
    amounts = [a for _, a in sorted(found, key=lambda f: f[0])]
    percentages = list(dict.fromkeys(m.group(1) for m in _PERCENT.finditer(scrubbed)))
    in_context = bool(_CODE_CONTEXT.search(raw))
    candidates = []
    for m in _CODE_SHAPE.finditer(scrubbed):
        token = m.group(1)
        if token in known or token in _NOT_CODES or any(token in o for o in orders):
            continue
        if any(ch.isdigit() for ch in token) or (in_context and len(token) >= 4):
            candidates.append(token)
    for key, value in (("order_ids", orders), ("amounts", amounts), ("invoice_numbers", invoices),
                       ("percentages", percentages), ("emails", emails), ("phones", _PHONE.findall(scrubbed)),
                       ("urls", _URL.findall(raw)), ("handles", _HANDLE.findall(raw)),
                       ("code_candidates", list(dict.fromkeys(candidates)))):
        if value or key in ("order_ids", "amounts"):
            out[key] = value
    rating = _rating(raw)
    if rating is not None:
        out["rating"] = rating
    return out
