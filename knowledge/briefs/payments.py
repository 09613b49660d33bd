"""A contract's payment terms: when each part of the fee is due.

Three shapes, most specific first: amounts on dates ("3,000 USD on December 15 and 3,000 USD on January
15"), shares on events ("50% upon signing, 50% within 30 days of publication", "50% בחתימה ו-50% תוך 30
יום מהפרסום"), or one payment after net days from an event ("net 30 after publication", "שוטף + 30 מסיום
הקמפיין"). Each part is {"share" | "amount", "anchor", "days", "eom", "date"}; the tool turns anchors
into dates (signing is today, publication the last deliverable, end the campaign's end).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from knowledge.briefs import terms
from knowledge.briefs.dates import find_dates
from knowledge.briefs.words import WORDS

__all__ = ["payments", "due_date"]

_PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*%")
_DAYS = re.compile(r"(?i)(\d{1,3})\s*(?:days?|יום|ימים)|\+\s*(\d{1,3})")
_DATE_CUE = re.compile(r"(?i)^\W{0,3}(?:on|by|due|payable on|no later than|ב-?|עד|ביום|בתאריך)?\s*$")


def _anchor(clause: str) -> str | None:
    lower = clause.lower()
    best: tuple[int, str] | None = None
    for anchor, words in WORDS["payment_anchors"].items():
        for word in words:
            at = lower.find(word.lower())
            if at >= 0 and (best is None or at < best[0]):
                best = (at, anchor)
    return best[1] if best else None


def _days(clause: str) -> int | None:
    m = _DAYS.search(clause)
    return int(m.group(1) or m.group(2)) if m else None


def _eom(clause: str) -> bool:
    lower = clause.lower()
    return any(cue in lower for cue in WORDS["eom_cues"])


def _dated(text: str, today: dt.date, fee: Decimal | None) -> list[dict[str, Any]]:
    dates = find_dates(text, today)
    parts: list[dict[str, Any]] = []
    for m in terms.amounts(text):
        value = m[0]
        after = next((d for d in dates if m[2] <= d.start <= m[2] + 30 and _DATE_CUE.match(text[m[2]: d.start])),
                     None)
        if after is not None and value >= 1 and (fee is None or value < fee):
            parts.append({"amount": value, "date": after.day, "anchor": "date", "days": None, "eom": False})
    total = sum((p["amount"] for p in parts), Decimal(0))
    if len(parts) >= 2 and (fee is None or abs(total - fee) <= 1):
        return parts
    return []


def _shares(text: str) -> list[dict[str, Any]]:
    found = list(_PERCENT.finditer(text))
    parts: list[dict[str, Any]] = []
    for i, m in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(text)
        line_end = text.find("\n", m.end())
        clause = text[m.end(): min(stop, line_end if line_end >= 0 else len(text), m.end() + 90)]
        anchor = _anchor(clause)
        if anchor is None:
            continue
        parts.append({"share": Decimal(m.group(1)) / 100, "anchor": anchor, "days": _days(clause),
                      "eom": _eom(clause)})
    if len(parts) >= 2 and abs(sum((p["share"] for p in parts), Decimal(0)) - 1) <= Decimal("0.01"):
        return parts
    return []


def _single(text: str) -> list[dict[str, Any]]:
    days = terms.payment_days(text)
    clause = ""
    for line in text.splitlines():
        lower = line.lower()
        if any(cue in lower for cue in WORDS["payment_cues"]) or any(cue in lower for cue in WORDS["eom_cues"]):
            clause = line
            break
    return [{"share": Decimal(1), "anchor": _anchor(clause) or "end", "days": days, "eom": _eom(clause)}]


def payments(text: str, *, today: dt.date, fee: Decimal | None) -> list[dict[str, Any]]:
    """The parts of the fee and when each is due (amounts on dates, shares on events, or one payment)."""
    if fee is None:
        return []
    return _dated(text, today, fee) or _shares(text) or _single(text)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def due_date(part: dict[str, Any], *, today: dt.date, end: dt.date | None, last_due: dt.date | None,
             default_days: int) -> dt.date:
    """When a part is due: its date, or its event (signing today, publication the last deliverable, the
    campaign's end) plus its days (end of that month first for "שוטף"/EOM); never before today."""
    if part.get("date"):
        return max(part["date"], today)
    anchor = part.get("anchor")
    if anchor == "signing":
        base, days = today, part.get("days") or 0
    else:
        base = (last_due or end or today) if anchor == "publication" else (end or last_due or today)
        days = part["days"] if part.get("days") is not None else default_days
    if part.get("eom"):
        base = _month_end(base)
    return max(base + dt.timedelta(days=days), today)
