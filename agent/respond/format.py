"""How figures read in a reply: money, discounts, dates and lists, in Hebrew and English.

Every figure comes from a tool result (the database); these helpers only decide how it is written.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from knowledge.text import is_hebrew

__all__ = ["money", "number", "percent", "discount", "date", "join_names", "expires_phrase"]

_SYMBOL = {"ILS": "₪", "NIS": "₪", "USD": "$", "EUR": "€", "GBP": "£"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any) -> str:
    """1234.50 -> "1,234.50", 7000.00 -> "7,000", 15 -> "15"."""
    amount = _decimal(value)
    if amount is None:
        return str(value or "")
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def money(value: Any, currency: str | None, language: str) -> str:
    """An amount with its currency the way each language writes it: "7,000 ₪" / "₪7,000"."""
    text = number(value)
    code = (currency or "").upper()
    symbol = _SYMBOL.get(code)
    if not code:
        return text
    if language == "he":
        return f"{text} {symbol or code}"
    return f"{symbol}{text}" if symbol else f"{text} {code}"


def percent(value: Any) -> str:
    """0.125 -> "12.5%" (a ratio), shown with at most one decimal."""
    ratio = _decimal(value)
    if ratio is None:
        return ""
    shown = (ratio * 100).quantize(Decimal("0.1"))
    return f"{shown.normalize():f}%" if shown != shown.to_integral_value() else f"{int(shown)}%"


def discount(coupon: dict[str, Any], language: str) -> str:
    """What a code gives, from its type and value: "15% הנחה", "₪50 off", "free shipping"."""
    kind = coupon.get("discount_type")
    value = coupon.get("value")
    if kind == "free_shipping":
        return "משלוח חינם" if language == "he" else "free shipping"
    if kind == "fixed" and value is not None:
        amount = money(value, coupon.get("currency"), language)
        return f"{amount} הנחה" if language == "he" else f"{amount} off"
    if kind == "percentage" and value is not None:
        return f"{number(value)}% הנחה" if language == "he" else f"{number(value)}% off"
    return "הנחה" if language == "he" else "a discount"


def _parse(value: Any) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        return value.date(), value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value, None
    text = str(value or "")
    try:
        if len(text) > 10:
            moment = dt.datetime.fromisoformat(text)
            return moment.date(), moment.strftime("%H:%M")
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, None


def date(value: Any, language: str, *, today: dt.date | None = None, with_time: bool = False) -> str:
    """A day the way people write it: "31/01" / "Jan 31" this year, with the year otherwise."""
    day, clock = _parse(value)
    if day is None:
        return str(value or "")
    same_year = today is not None and day.year == today.year
    if language == "he":
        text = f"{day.day:02d}/{day.month:02d}" + ("" if same_year else f"/{day.year}")
    else:
        text = f"{_MONTHS[day.month - 1]} {day.day}" + ("" if same_year else f", {day.year}")
    return f"{text} {clock}" if with_time and clock else text


def expires_phrase(value: Any, language: str, *, today: dt.date | None = None) -> str:
    """ "בתוקף עד 31/01" / "valid until Jan 31" (empty when the code has no end date)."""
    if not value:
        return ""
    shown = date(value, language, today=today)
    return f"בתוקף עד {shown}" if language == "he" else f"valid until {shown}"


def _and_word(name: str, language: str) -> str:
    if language != "he":
        return f"and {name}"
    # Hebrew glues "ו" to a Hebrew word; before Latin letters or digits it takes a hyphen: "ו-GreenBox".
    return f"ו{name}" if is_hebrew(name[:1]) else f"ו-{name}"


def join_names(names: list[str], language: str, *, conjunction: str = "and") -> str:
    """ "A, B and C" / "A, B ו-C"; "A or B" / "A או B" with conjunction="or"."""
    names = [n for n in names if n]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    head = ", ".join(names[:-1])
    if conjunction == "or":
        return f"{head} או {names[-1]}" if language == "he" else f"{head} or {names[-1]}"
    last = _and_word(names[-1], language)
    return f"{head} {last}"


def clean_spaces(text: str) -> str:
    """Tidy a rendered template: no trailing spaces, at most one empty line, no space before punctuation."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.replace("\r", "").split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r" +([,.!?:;)])", r"\1", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)  # "Zohar Spice Co." ending a sentence
    return text.strip()
