"""Coupon terms in the reply's language: the common clauses of a code's terms, reworded.

The owner writes terms once, in one language ("first order only, above 350 ILS"); a follower who
writes Hebrew should read them in Hebrew. Known clauses are reworded with their numbers and codes
copied exactly; anything unknown stays as the owner wrote it (the card always carries the original).
"""

from __future__ import annotations

import re

from knowledge.text import is_hebrew

__all__ = ["localize_terms"]

_NUM = r"(\d[\d,\.]*)"
_ILS = r"(?:ILS|NIS|₪|shekels?)"
_HE_ILS = r"(?:₪|ש\"ח|ש״ח|שקלים|שקל|ILS)"
_I = re.IGNORECASE

_TO_HE: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"\b(?:on |for )?(?:orders?|purchases?|carts?|baskets?|boxes?) "
            rf"(?:above|over|from|of at least) {_NUM} ?{_ILS}",
            _I,
        ),
        r"בהזמנות מעל \1 ₪",
    ),
    (re.compile(rf"\b(?:above|over|from|min(?:imum)?(?: order)?(?: of)?) {_NUM} ?{_ILS}", _I), r"מעל \1 ₪"),
    (re.compile(rf"{_NUM} ?{_ILS} (?:minimum|min)(?: order)?", _I), r"מינימום \1 ₪"),
    (re.compile(r"\bfirst (?:order|purchase) only\b", _I), "להזמנה ראשונה בלבד"),
    (re.compile(r"\b(?:only )?(?:on|for) (?:the |your )?first (?:order|purchase)\b", _I), "להזמנה ראשונה"),
    (re.compile(r"\b(?:one|single) use per (?:customer|person|user|account)\b", _I), "שימוש אחד ללקוח"),
    (re.compile(r"\bnot (?:valid )?(?:on|for) (?:sale|discounted) (?:items|products)\b", _I), "לא על מוצרים במבצע"),
    (
        re.compile(
            r"\b(?:can'?t|cannot|can not) be combined with (?:other|any other) "
            r"(?:codes|offers|coupons|discounts|promotions)\b",
            _I,
        ),
        "לא בשילוב עם הנחות אחרות",
    ),
    (re.compile(r"\b(?:can'?t|cannot|can not) be combined with ([A-Z0-9][A-Z0-9_-]{2,})", _I), r"לא בשילוב עם \1"),
    (re.compile(r"\bnot combinable(?: with other (?:offers|codes|discounts))?\b", _I), "לא בשילוב עם הנחות אחרות"),
    (re.compile(r"\bfree (?:shipping|delivery)\b", _I), "משלוח חינם"),
    (re.compile(r"\bwhile (?:stocks?|supplies) last\b", _I), "עד גמר המלאי"),
    (re.compile(r"\b(?:sitewide|on all products|on everything)\b", _I), "על כל האתר"),
    (re.compile(r"\bnew customers only\b", _I), "ללקוחות חדשים בלבד"),
    (re.compile(r"\bonline only\b", _I), "באתר בלבד"),
]
_TO_EN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"ב?הזמנ(?:ה|ות) (?:מעל|מ-?|החל מ-?)\s?{_NUM} ?{_HE_ILS}"), r"on orders above \1 ILS"),
    (re.compile(rf"(?:מעל|החל מ-?|מינימום)\s?{_NUM} ?{_HE_ILS}"), r"above \1 ILS"),
    (re.compile(r"(?:ל|ב)?הזמנה ראשונה(?: בלבד)?"), "first order only"),
    (re.compile(r"(?:שימוש|פעם) אחת? (?:ל|לכל )(?:לקוח|משתמש)"), "one use per customer"),
    (re.compile(r"לא (?:על|כולל|תקף על|תקף ב)\s?(?:מוצרים ב)?מבצעים?"), "not on sale items"),
    (
        re.compile(r"לא (?:בשילוב|ניתן לשלב) (?:עם )?(?:הנחות|מבצעים|קודים|קופונים) אחר(?:ים|ות)"),
        "can't be combined with other offers",
    ),
    (re.compile(r"לא (?:בשילוב|ניתן לשלב) עם ([A-Z0-9][A-Z0-9_-]{2,})"), r"can't be combined with \1"),
    (re.compile(r"משלוח חינם"), "free shipping"),
    (re.compile(r"עד גמר המלאי"), "while stocks last"),
    (re.compile(r"ללקוחות חדשים(?: בלבד)?"), "new customers only"),
    (re.compile(r"(?:על )?כל האתר"), "sitewide"),
]


def localize_terms(terms: str | None, language: str) -> str:
    """The terms with their known clauses in the reply's language (unchanged when already in it)."""
    text = (terms or "").strip()
    if not text:
        return ""
    written_in_hebrew = is_hebrew(text)
    if (language == "he") == written_in_hebrew:
        return text
    rules = _TO_HE if language == "he" else _TO_EN
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s{2,}", " ", text).strip()
