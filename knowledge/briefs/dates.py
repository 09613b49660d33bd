"""Dates in a brief: where each is written and the day it means, on the tenant's clock.

Absolute ("Dec 5", "January 5, 2027", "15.12.2026", "7.12", "1 בדצמבר"), relative ("tomorrow", "next
Monday", "ביום חמישי הבא", "בעוד שבוע"), whole months ("in December", "לחודש ינואר", "March 2027") and
ranges ("Dec 1 - Dec 20", "1-31 בדצמבר", "מ-1.3.2027 ועד 30.4.2027", "3-17 dec"). A date without a year
is the next one from today (a brief plans ahead), unless that is more than ten months away.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from knowledge.briefs.words import WORDS

__all__ = ["Found", "find_dates", "find_ranges", "find_months"]

_EN_MONTH = "|".join(sorted(WORDS["months"]["en"], key=len, reverse=True))
_HE_MONTH = "|".join(sorted(WORDS["months"]["he"], key=len, reverse=True))
_SEP = r"\s*(?:-|–|—|to|through|until|till|עד|ועד|ל-|ל)\s*"


@dataclass(frozen=True)
class Found:
    """A date (or a range's end) and where it was written."""

    day: dt.date
    start: int
    end: int


def _month(word: str) -> int:
    word = word.lower().rstrip(".")
    return int(WORDS["months"]["en"].get(word) or WORDS["months"]["he"].get(word) or 0)


def _year(day: int, month: int, year: str | None, today: dt.date) -> dt.date | None:
    try:
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            return dt.date(full, month, day)
        guess = dt.date(today.year, month, day)
        if guess < today - dt.timedelta(days=60):
            guess = dt.date(today.year + 1, month, day)
        return guess
    except ValueError:
        return None


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\d.])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "iso"),
    (re.compile(r"(?<![\d./])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?![\d/]|\.\d)"), "dmy"),
    (re.compile(rf"(?i)\b({_EN_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b"), "mdy"),
    (re.compile(rf"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH})\.?(?:,?\s+(\d{{4}}))?\b"), "dmy_en"),
    (re.compile(rf"(?<!\d)(\d{{1,2}})\s+ב?({_HE_MONTH})(?:\s+(\d{{4}}))?"), "dmy_he"),
]


def find_dates(text: str, today: dt.date) -> list[Found]:
    """Every single date written in the text, in order (overlaps keep the longest)."""
    found: list[Found] = []
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            day: dt.date | None
            if kind == "iso":
                try:
                    day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    day = None
            elif kind == "dmy":
                if not m.group(3) and _looks_like_amount(text, m):
                    continue
                day = _year(int(m.group(1)), int(m.group(2)), m.group(3), today) if int(m.group(2)) <= 12 else None
            elif kind == "mdy":
                day = _year(int(m.group(2)), _month(m.group(1)), m.group(3), today)
            else:
                day = _year(int(m.group(1)), _month(m.group(2)), m.group(3), today)
            if day is not None:
                found.append(Found(day, m.start(), m.end()))
    found += _relative(text, today)
    return _longest(found)


def _looks_like_amount(text: str, m: re.Match[str]) -> bool:
    after = text[m.end(): m.end() + 6].lower()
    before = text[max(0, m.start() - 2): m.start()]
    return bool(re.match(r"\s*(k\b|%|₪|\$|€|£|cups?|ml|kg|sec|min)", after)) or "$" in before or "₪" in before


def _longest(found: list[Found]) -> list[Found]:
    out: list[Found] = []
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if out and item.start < out[-1].end:
            continue
        out.append(item)
    return out


def _relative(text: str, today: dt.date) -> list[Found]:
    out: list[Found] = []
    lower = text.lower()
    for word in WORDS["relative_days"]["tomorrow"]:
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", lower):
            out.append(Found(today + dt.timedelta(days=1), m.start(), m.end()))
    for m in re.finditer(r"(?i)\bnext\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", text):
        day = _next_weekday(today, WORDS["weekdays"]["en"][m.group(1).lower()], nxt=True)
        out.append(Found(day, m.start(), m.end()))
    for m in re.finditer(r"ב?יום\s+(ראשון|שני|שלישי|רביעי|חמישי|שישי|שבת)\s+הבא", text):
        out.append(Found(_next_weekday(today, WORDS["weekdays"]["he"][m.group(1)], nxt=True), m.start(), m.end()))
    for m in re.finditer(r"(?i)(?:\bin\s+(a|one|two|three)\s+weeks?\b|בעוד\s+(שבוע|שבועיים))", text):
        weeks = {"a": 1, "one": 1, "two": 2, "three": 3, "שבוע": 1, "שבועיים": 2}[(m.group(1) or m.group(2)).lower()]
        out.append(Found(today + dt.timedelta(weeks=weeks), m.start(), m.end()))
    for m in re.finditer(r"(?i)\bby\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b", text):
        nth = _year(int(m.group(1)), today.month, str(today.year), today)
        if nth is not None:
            out.append(Found(nth if nth >= today else _add_month(nth), m.start(), m.end()))
    return out


def _next_weekday(today: dt.date, weekday: int, *, nxt: bool) -> dt.date:
    """The weekday after today; "next Thursday" said on a Monday is the following week's."""
    ahead = (weekday - today.weekday()) % 7 or 7
    if nxt and today.weekday() + ahead < 7:  # still this (Monday-based) week
        ahead += 7
    return today + dt.timedelta(days=ahead)


def _add_month(day: dt.date) -> dt.date:
    month = day.month % 12 + 1
    year = day.year + (1 if month == 1 else 0)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_ranges(text: str, today: dt.date) -> list[tuple[Found, Found]]:
    """Date ranges: two dates joined by a dash, "to", "through", "עד", or a day range before a month."""
    dates = find_dates(text, today)
    out: list[tuple[Found, Found]] = []
    for first, second in zip(dates, dates[1:], strict=False):
        between = text[first.end: second.start]
        joined = re.fullmatch(rf"(?i)\s*,?\s*(?:{_SEP}|and\s+|ו?עד\s+(?:יום\s+)?|ל-?)\s*(?:ה-)?\s*", between)
        if joined and second.day >= first.day:
            out.append((first, second))
    for m in re.finditer(rf"(?i)(?<![\d.])(\d{{1,2}})\s*[-–]\s*(\d{{1,2}})\s+(?:ב)?({_EN_MONTH}|{_HE_MONTH})\b", text):
        month = _month(m.group(3))
        a, b = _year(int(m.group(1)), month, None, today), _year(int(m.group(2)), month, None, today)
        if a and b and b >= a:
            out.append((Found(a, m.start(), m.start(2) - 1), Found(b, m.start(2), m.end())))
    return sorted(out, key=lambda r: r[0].start)


def find_months(text: str, today: dt.date) -> list[tuple[dt.date, dt.date, int, str]]:
    """Whole months meant as a period: (first day, last day, position, how) for "in December", "לחודש
    ינואר", "March 2027", "this month", and "by the end of January" (how: "month" or "until")."""
    out: list[tuple[dt.date, dt.date, int, str]] = []
    patterns = [
        (rf"(?i)\b(?:in|for|during)\s+({_EN_MONTH})\b(?:\s+(\d{{4}}))?", "month"),
        (rf"(?i)\b({_EN_MONTH})\s+(\d{{4}})\b(?!\s*[-–])", "month"),
        (rf"(?:לחודש|בחודש|במהלך)\s+({_HE_MONTH})(?:\s+(\d{{4}}))?", "month"),
        (rf"(?i)(?:\bby\s+the\s+end\s+of|\bend\s+of|עד\s+סוף|סוף)\s+({_EN_MONTH}|{_HE_MONTH})"
         rf"(?:\s+(\d{{4}}))?", "until"),
    ]
    for pattern, how in patterns:
        for m in re.finditer(pattern, text):
            if re.match(r"\s*\d", text[m.end(): m.end() + 3]) and how == "month" and not m.group(2):
                continue  # "December 5" is a day, not a month
            month = _month(m.group(1))
            first = _year(1, month, m.group(2), today)
            if first is None:
                continue
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            out.append((first, last, m.start(), how))
    for m in re.finditer(r"(?i)\bthis\s+month\b|החודש", text):
        first = today.replace(day=1)
        out.append((first, first.replace(day=calendar.monthrange(first.year, first.month)[1]), m.start(), "month"))
    return sorted(out, key=lambda x: x[2])
