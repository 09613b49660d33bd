"""Dates and times written in words, Hebrew and English, resolved against the tenant's today.

"Friday" is the coming Friday (a week ahead when today is Friday); "next Friday" is the Friday of
next week; "next week" is the first day of next week; "end of the week" is the coming Friday;
"31/12" is day/month (Israeli order); a date without a year that already passed means next year
(or this year when `prefer="past"`, for things that happened). "ב-10" and "at 10" are 10:00;
a bare hour from 1 to 7 without am/pm is afternoon.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tools.dates import month_bounds, week_bounds

__all__ = ["Found", "find_dates", "find_times", "lowered"]

_EN_DAYS = {
    "monday": 0,
    "tuesday": 1,
    "tues": 1,
    "wednesday": 2,
    "weds": 2,
    "thursday": 3,
    "thurs": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sunday": 6,
}
_HE_DAYS = {"ראשון": 6, "שני": 0, "שלישי": 1, "רביעי": 2, "חמישי": 3, "שישי": 4, "שבת": 5}
_HE_DAY_LETTERS = {"א": 6, "ב": 0, "ג": 1, "ד": 2, "ה": 3, "ו": 4}
_EN_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ]
    )
    for m in names.split()
}
_HE_MONTHS = {
    "ינואר": 1,
    "פברואר": 2,
    "מרץ": 3,
    "מרס": 3,
    "אפריל": 4,
    "מאי": 5,
    "יוני": 6,
    "יולי": 7,
    "אוגוסט": 8,
    "ספטמבר": 9,
    "אוקטובר": 10,
    "נובמבר": 11,
    "דצמבר": 12,
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "fourteen": 14,
    "שני": 2,
    "שלושה": 3,
    "ארבעה": 4,
    "חמישה": 5,
    "שלוש": 3,
}

_EN_PREP = r"(?:(?:by|until|till|before|on|due|for|to|from|at)\s+)?(?:the\s+)?"
_HE_PREP = r"(?:(?:עד|החל\s+מ)\s*(?:ה-?)?)?(?:[בלמ]-?)?"
_EN_MONTH_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_HE_MONTH_RE = "|".join(_HE_MONTHS)
_B = r"(?<![\w])"  # a word starts here (works for Hebrew too)
_E = r"(?![\w])"


@dataclass(frozen=True)
class Found:
    """A date or time found in the text: the value and the span it covers (with its preposition)."""

    value: dt.date | dt.time
    start: int
    end: int


def lowered(text: str) -> str:
    """Lower case with the same length as the text, so spans stay valid; Hebrew quote marks unified."""
    out = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return out.replace("״", '"').replace("׳", "'").replace("–", "-").replace("־", "-")


def _weekday(today: dt.date, weekday: int, *, nxt: bool, tz: str | None) -> dt.date:
    ahead = (weekday - today.weekday()) % 7 or 7
    day = today + dt.timedelta(days=ahead)
    if nxt and day <= week_bounds(today, tz)[1]:
        day += dt.timedelta(days=7)  # "next Friday" said early in the week: the Friday of next week
    return day


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = month_bounds(dt.date(year, month, 1))[1].day
    return dt.date(year, month, min(day.day, last))


def _explicit(today: dt.date, day: int, month: int, year: int | None, prefer: str) -> dt.date | None:
    if year is not None and year < 100:
        year += 2000
    try:
        found = dt.date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None:
        if prefer == "future" and found < today:
            found = found.replace(year=found.year + 1)
        elif prefer == "past" and found > today:
            found = found.replace(year=found.year - 1)
    return found


def _count(word: str) -> int:
    """A count in digits or words ("3", "three", "שלושה"); "a"/"an" is one."""
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 1)


def _end_of_week(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(4 - today.weekday()) % 7)


def _rules(today: dt.date, tz: str | None, prefer: str):
    """(pattern, resolver(match) -> date|None) in priority order; longer phrases first."""
    next_week = week_bounds(today, tz)[1] + dt.timedelta(days=1)
    units = {"day": 1, "days": 1, "week": 7, "weeks": 7, "ימים": 1, "שבועות": 7}
    return [
        (
            rf"{_B}(\d{{4}})-(\d{{2}})-(\d{{2}}){_E}",
            lambda m: _explicit(today, int(m[3]), int(m[2]), int(m[1]), prefer),
        ),
        # --- English ---
        (rf"{_B}{_EN_PREP}day after tomorrow{_E}", lambda m: today + dt.timedelta(days=2)),
        (rf"{_B}{_EN_PREP}(?:tomorrow|tmrw){_E}", lambda m: today + dt.timedelta(days=1)),
        (rf"{_B}{_EN_PREP}(?:today|tonight){_E}", lambda m: today),
        (rf"{_B}{_EN_PREP}yesterday{_E}", lambda m: today - dt.timedelta(days=1)),
        (rf"{_B}{_EN_PREP}end of (?:the |this )?week{_E}", lambda m: _end_of_week(today)),
        (rf"{_B}{_EN_PREP}end of (?:the |this )?month{_E}", lambda m: month_bounds(today)[1]),
        (rf"{_B}{_EN_PREP}end of next month{_E}", lambda m: month_bounds(_add_months(today, 1))[1]),
        (rf"{_B}{_EN_PREP}end of (?:the |this )?year{_E}", lambda m: dt.date(today.year, 12, 31)),
        (
            rf"{_B}{_EN_PREP}end of ({_EN_MONTH_RE}){_E}",
            lambda m: month_bounds(_explicit(today, 1, _EN_MONTHS[m[1]], None, "future") or today)[1],
        ),
        (rf"{_B}{_EN_PREP}next week{_E}", lambda m: next_week),
        (rf"{_B}{_EN_PREP}next month{_E}", lambda m: _add_months(today.replace(day=1), 1)),
        (
            rf"{_B}(?:with)?in (\d+|an?|one|two|three|four|five|six|seven|ten) (days?|weeks?){_E}",
            lambda m: today + dt.timedelta(days=_count(m[1]) * units[m[2]]),
        ),
        (rf"{_B}in (\d+|an?|one|two|three|six) months?{_E}", lambda m: _add_months(today, _count(m[1]))),
        (
            rf"{_B}{_EN_PREP}(?:(this|next|the coming|coming)\s+)?({'|'.join(_EN_DAYS)}){_E}",
            lambda m: _weekday(today, _EN_DAYS[m[2]], nxt=m[1] == "next", tz=tz),
        ),
        (
            rf"{_B}{_EN_PREP}({_EN_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?{_E}",
            lambda m: _explicit(today, int(m[2]), _EN_MONTHS[m[1]], int(m[3]) if m[3] else None, prefer),
        ),
        (
            rf"{_B}{_EN_PREP}(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH_RE}){_E}(?:,?\s+(\d{{4}}))?",
            lambda m: _explicit(today, int(m[1]), _EN_MONTHS[m[2]], int(m[3]) if m[3] else None, prefer),
        ),
        # --- Hebrew ---
        (rf"{_B}{_HE_PREP}מחרתיים{_E}", lambda m: today + dt.timedelta(days=2)),
        (rf"{_B}{_HE_PREP}מחר{_E}", lambda m: today + dt.timedelta(days=1)),
        (rf"{_B}{_HE_PREP}שלשום{_E}", lambda m: today - dt.timedelta(days=2)),
        (rf"{_B}{_HE_PREP}אתמול{_E}", lambda m: today - dt.timedelta(days=1)),
        (rf"{_B}(?:עד\s+)?(?:[בלמ]-?)?היום{_E}", lambda m: today),
        (rf"{_B}{_HE_PREP}סוף\s+השבוע{_E}", lambda m: _end_of_week(today)),
        (rf"{_B}{_HE_PREP}סוף\s+החודש\s+הבא{_E}", lambda m: month_bounds(_add_months(today, 1))[1]),
        (rf"{_B}{_HE_PREP}סוף\s+החודש{_E}", lambda m: month_bounds(today)[1]),
        (rf"{_B}{_HE_PREP}סוף\s+השנה{_E}", lambda m: dt.date(today.year, 12, 31)),
        (
            rf"{_B}{_HE_PREP}סוף\s+(?:חודש\s+)?({_HE_MONTH_RE}){_E}",
            lambda m: month_bounds(_explicit(today, 1, _HE_MONTHS[m[1]], None, "future") or today)[1],
        ),
        (rf"{_B}{_HE_PREP}(?:ה)?שבוע\s+ה?בא{_E}", lambda m: next_week),
        (rf"{_B}{_HE_PREP}(?:ה)?חודש\s+ה?בא{_E}", lambda m: _add_months(today.replace(day=1), 1)),
        (rf"{_B}(?:ב)?עוד\s+יומיים{_E}", lambda m: today + dt.timedelta(days=2)),
        (rf"{_B}(?:ב)?עוד\s+שבועיים{_E}", lambda m: today + dt.timedelta(days=14)),
        (rf"{_B}(?:ב)?עוד\s+שבוע{_E}", lambda m: today + dt.timedelta(days=7)),
        (rf"{_B}(?:ב)?עוד\s+חודש{_E}", lambda m: _add_months(today, 1)),
        (
            rf"{_B}(?:ב)?עוד\s+(\d+|שלושה|ארבעה|חמישה|שלוש)\s+(ימים|שבועות){_E}",
            lambda m: today + dt.timedelta(days=_count(m[1]) * units[m[2]]),
        ),
        (
            rf"{_B}{_HE_PREP}יום\s+(ראשון|שני|שלישי|רביעי|חמישי|שישי)(\s+ה?בא)?{_E}",
            lambda m: _weekday(today, _HE_DAYS[m[1]], nxt=bool(m[2]), tz=tz),
        ),
        (
            rf"{_B}{_HE_PREP}יום\s+([אבגדהו])'",
            lambda m: _weekday(today, _HE_DAY_LETTERS[m[1]], nxt=False, tz=tz),
        ),
        (
            rf"{_B}(?:עד\s+)?[בל](ראשון|שלישי|רביעי|חמישי|שישי|שבת)(\s+ה?בא)?{_E}",
            lambda m: _weekday(today, _HE_DAYS[m[1]], nxt=bool(m[2]), tz=tz),
        ),
        (rf"{_B}(?:עד\s+)?שבת(\s+ה?בא)?{_E}", lambda m: _weekday(today, 5, nxt=bool(m[1]), tz=tz)),
        (
            rf"{_B}{_HE_PREP}(\d{{1,2}})\s+(?:[בל]-?)?({_HE_MONTH_RE})(?:\s+(\d{{4}}))?{_E}",
            lambda m: _explicit(today, int(m[1]), _HE_MONTHS[m[2]], int(m[3]) if m[3] else None, prefer),
        ),
        # --- numeric day/month, either language ---
        (
            rf"{_B}(?:{_EN_PREP}|{_HE_PREP})(\d{{1,2}})[./](\d{{1,2}})(?:[./](\d{{4}}|\d{{2}}))?(?![\w.:/%])",
            lambda m: _explicit(today, int(m[1]), int(m[2]), int(m[3]) if m[3] else None, prefer),
        ),
    ]


def find_dates(text: str, *, today: dt.date, tz: str | None = None, prefer: str = "future") -> list[Found]:
    """Every date phrase in the text, left to right, without overlaps (earlier rules win)."""
    low = lowered(text)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, resolve in _rules(today, tz, prefer):
        for m in re.finditer(pattern, low):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            value = resolve(m)
            if value is None:
                continue
            found.append(Found(value, start, end))
            taken.append((start, end))
    return sorted(found, key=lambda f: f.start)


_AMPM = r"(a\.?m\.?|p\.?m\.?)"


def _clock(hour: int, minute: int, marker: str | None) -> dt.time | None:
    marker = (marker or "").replace(".", "")
    if marker in ("pm", "בערב", 'אחה"צ', "אחהצ", "בצהריים") and hour < 12:
        hour += 12
    elif marker in ("am", "בבוקר") and hour == 12:
        hour = 0
    elif not marker and 1 <= hour <= 7:
        hour += 12  # nobody schedules work at 3 in the night
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return dt.time(hour, minute)


def find_times(text: str, *, skip: Sequence[tuple[int, int]] = ()) -> list[Found]:
    """Clock times in the text ("at 10", "3pm", "14:30", "ב-10", "בשעה 11", "10 בבוקר"), outside `skip`."""
    low = lowered(text)
    he_marker = r'(?:\s+(בבוקר|בערב|אחה"צ|אחהצ|בצהריים))?'
    rules = [
        (
            rf"{_B}(בבוקר|בערב|בצהריים|אחה\"צ)\s+(?:בשעה\s+|ב-?\s?)(\d{{1,2}})(?::(\d{{2}}))?(?![\d%./:\w])",
            lambda m: (m[2], m[3], m[1]),
        ),
        (rf"{_B}(?:at\s+)?(\d{{1,2}})(?::(\d{{2}}))?\s*{_AMPM}(?![\w])", lambda m: (m[1], m[2], m[3])),
        (rf"{_B}at\s+(\d{{1,2}})(?::(\d{{2}}))?(?![\w%:.\d])", lambda m: (m[1], m[2], None)),
        (rf"{_B}at\s+noon{_E}", lambda m: ("12", "00", None)),
        (
            rf"{_B}(?:בשעה\s+|ב-?\s?)(\d{{1,2}})(?::(\d{{2}}))?(?![\d%./:\w]){he_marker}",
            lambda m: (m[1], m[2], m[3]),
        ),
        (rf"{_B}(\d{{1,2}})(?::(\d{{2}}))?\s+(בבוקר|בערב|אחה\"צ|בצהריים){_E}", lambda m: (m[1], m[2], m[3])),
        (rf"{_B}(\d{{1,2}}):(\d{{2}}){_E}", lambda m: (m[1], m[2], None)),
    ]
    found: list[Found] = []
    taken = list(skip)
    for pattern, parts in rules:
        for m in re.finditer(pattern, low):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            hour, minute, marker = parts(m)
            value = _clock(int(hour), int(minute or 0), marker)
            if value is not None:
                found.append(Found(value, start, end))
                taken.append((start, end))
    return sorted(found, key=lambda f: f.start)
