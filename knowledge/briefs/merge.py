"""The model's reading of a brief, merged into the rules' (issue 14): never worse than the rules.

The rules' value wins wherever they found one. The model only fills what they left empty, and each of
its values is checked like user input: names, hashtags and codes must be written in the brief, amounts
and numbers of days must appear in its digits, dates must be real and near (a year back, two ahead),
kinds and platforms from the vocabulary, counts 1-50. Whether a contract is signed is never the model's.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from knowledge.briefs import payments, terms
from knowledge.briefs.extract import Brief
from knowledge.briefs.words import WORDS

__all__ = ["merge"]

_CURRENCIES = ("ILS", "USD", "EUR", "GBP")


def _written(value: Any, text: str) -> str | None:
    if not isinstance(value, str) or not 2 <= len(value.strip()) <= 80:
        return None
    return value.strip() if value.strip().casefold() in text.casefold() else None


def _digits(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def _amount(value: Any, text: str) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if amount <= 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    written = _digits(text)
    plain = f"{amount.normalize():f}"
    return amount if plain in written or f"{amount:.2f}" in written or (
        amount % 1000 == 0 and f"{amount // 1000}k" in text.lower()) else None


def _date(value: Any, today: dt.date) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return None
    return day if today - dt.timedelta(days=365) <= day <= today + dt.timedelta(days=730) else None


def _months(value: Any) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= 60 else None


def _deliverables(items: Any, today: dt.date) -> list[dict[str, Any]]:
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind, platform, count = item.get("kind"), item.get("platform"), item.get("count")
        if kind not in WORDS["kinds"] or not isinstance(count, int) or not 1 <= count <= 50:
            continue
        platform = platform if platform in WORDS["platforms"] else WORDS["kinds"][kind]["platform"] or "instagram"
        due = sorted({d for d in (_date(x, today) for x in item.get("due") or []) if d is not None})
        out.append({"count": count, "kind": kind, "platform": platform, "due": due[:count]})
    return out


def merge(brief: Brief, model: dict[str, Any], *, text: str, today: dt.date) -> tuple[Brief, list[str]]:
    """The rules' brief with the gaps the model filled (validated); and the names of the fields it filled."""
    filled: list[str] = []

    def fill(name: str, value: Any) -> None:
        if value not in (None, [], "") and getattr(brief, name) in (None, []):
            setattr(brief, name, value)
            filled.append(name)

    for name in ("brand", "contact", "campaign"):
        fill(name, _written(model.get(name), text))
    fill("start", _date(model.get("start_date"), today))
    fill("end", _date(model.get("end_date"), today))
    if brief.start and brief.end and brief.end < brief.start:  # a filled date that breaks the period: not kept
        for name in ("start", "end"):
            if name in filled:
                setattr(brief, name, None)
                filled.remove(name)
    fill("fee", _amount(model.get("fee"), text))
    currency = str(model.get("currency") or "").upper()
    fill("currency", currency if currency in _CURRENCIES else None)
    fill("vat", model.get("vat") if model.get("vat") in ("plus", "included") else None)
    days = model.get("payment_days")
    fill("payment_days", days if isinstance(days, int) and 0 < days <= 180 and str(days) in _digits(text) else None)
    fill("deliverables", _deliverables(model.get("deliverables"), today))
    fill("usage_months", _months(model.get("usage_months")))
    fill("exclusivity_months", _months(model.get("exclusivity_months")))
    fill("hashtags", [t for t in model.get("hashtags") or [] if isinstance(t, str) and t.startswith("#")
                      and t in text][:20])
    fill("codes", [c for c in model.get("codes") or [] if isinstance(c, str) and re.fullmatch(r"[A-Z0-9]{3,20}", c)
                   and c in text][:10])
    if "fee" in filled:  # the terms that hang on the fee, read again now that there is one
        brief.payments = payments.payments(text, today=today, fee=brief.fee)
        brief.vat = brief.vat or terms.vat(text, -1)
    return brief, filled
