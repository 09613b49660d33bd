"""Dates, times and periods in Hebrew and English, resolved against the turn's clock in the tenant's zone."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tools.dates import week_starts_on

__all__ = ["Moments", "find_moments", "local_today"]

_EN_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_HE_DAYS = {"ראשון": 6, "שני": 0, "שלישי": 1, "רביעי": 2, "חמישי": 3, "שישי": 4, "שבת": 5}
_HE_DAY_LETTERS = {"א": 6, "ב": 0, "ג": 1, "ד": 2, "ה": 3, "ו": 4}
_EN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_HE_MONTHS = {"ינואר": 1, "פברואר": 2, "מרץ": 3, "מרס": 3, "אפריל": 4, "מאי": 5, "יוני": 6, "יולי": 7,
              "אוגוסט": 8, "ספטמבר": 9, "אוקטובר": 10, "נובמבר": 11, "דצמבר": 12}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "couple": 2,
                 "few": 3, "אחד": 1, "אחת": 1, "שני": 2, "שתי": 2, "שניים": 2, "שתיים": 2, "שלושה": 3,
                 "שלוש": 3,
                 "ארבעה": 4, "ארבע": 4, "חמישה": 5, "חמש": 5, "שישה": 6, "שש": 6, "עשרה": 10, "עשר": 10}
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "יום": 1, "ימים": 1, "שבוע": 7, "שבועות": 7}

_H = r"(?<![\u05D0-\u05EA])"  # not glued to a Hebrew letter before
_HE_END = r"(?![\u05D0-\u05EA])"
_EN_MONTH_RE = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
                r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_HE_MONTH_RE = "(" + "|".join(_HE_MONTHS) + ")"
_DATE_HINT = re.compile(r"(?:by|on|until|till|due|from|before|after|date|עד|תאריך|ב|ל|מ)[\s-]*$")


class Moments(tuple):
    """(dates as ISO strings, times as HH:MM, period dict or None, character spans of date words)."""


def local_today(now: datetime, timezone: str) -> date:
    """Today's date in the tenant time zone (UTC when the zone name is unknown: never fail a turn on it)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    return local.date()


def _next_weekday(today: date, weekday: int) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _nearest(today: date, month: int, day: int) -> date | None:
    """The date with that day and month nearest to today (a year is rarely written)."""
    options = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: (abs((d - today).days), d < today)) if options else None


def _full(year: str | None, month: int, day: int, today: date) -> date | None:
    if year:
        y = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(y, month, day)
        except ValueError:
            return None
    return _nearest(today, month, day)


def _week_bounds(today: date, timezone: str, offset_weeks: int) -> tuple[date, date]:
    first = week_starts_on(timezone)  # the Israeli week starts on Sunday
    start = today - timedelta(days=(today.weekday() - first) % 7) + timedelta(weeks=offset_weeks)
    return start, start + timedelta(days=6)


def _dates(text: str, today: date, found: list[tuple[int, int, date]]) -> None:
    def add(m: re.Match, d: date | None) -> None:
        if d is not None and not any(s <= m.start() < e for s, e, _ in found):
            found.append((m.start(), m.end(), d))

    for m in re.finditer(r"\bday after tomorrow\b|" + _H + r"[ולבמ]{0,2}מחרתיים" + _HE_END, text):
        add(m, today + timedelta(days=2))
    tomorrow = r"\b(?:tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\b|" + _H + r"[ולבמ]{0,2}מחר" + _HE_END
    for m in re.finditer(tomorrow, text):
        add(m, today + timedelta(days=1))
    for m in re.finditer(r"\b(?:today|tonight)\b|" + _H + r"[ולבמ]{0,2}היום" + _HE_END, text):
        add(m, today)
    for m in re.finditer(r"\byesterday\b|" + _H + r"[ולבמ]{0,2}אתמול" + _HE_END, text):
        add(m, today - timedelta(days=1))
    for m in re.finditer(r"\bnext week\b|" + _H + r"[ולבמה]{0,2}שבוע\s+הבא", text):
        add(m, today + timedelta(days=7))
    for m in re.finditer(r"\bnext month\b|" + _H + r"[ולבמה]{0,2}חודש\s+הבא", text):
        add(m, _add_months(today, 1))
    for m in re.finditer(r"\bin\s+(?:a\s+)?(\d+|a|an|one|two|three|four|five|six|couple|few)\s+(?:of\s+)?"
                         r"(days?|weeks?|months?)\b", text):
        count = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS[m.group(1)]
        unit = m.group(2)
        months = unit.startswith("month")
        add(m, _add_months(today, count) if months else today + timedelta(days=count * _UNIT_DAYS[unit]))
    for m in re.finditer(_H + r"בעוד\s+(?:(יומיים|שבועיים|חודשיים|שבוע|חודש|שנה)|(\d+|[\u05D0-\u05EA]+)\s+"
                         r"(ימים|יום|שבועות|חודשים))" + _HE_END, text):
        word = m.group(1)
        if word:
            fixed = {"יומיים": timedelta(days=2), "שבועיים": timedelta(days=14), "שבוע": timedelta(days=7)}
            months = {"חודש": 1, "חודשיים": 2, "שנה": 12}
            d = today + fixed[word] if word in fixed else _add_months(today, months[word])
        else:
            raw = m.group(2)
            amount = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
            if amount is None:
                continue
            unit = m.group(3)
            days = timedelta(days=amount * _UNIT_DAYS.get(unit, 30))
            d = _add_months(today, amount) if unit == "חודשים" else today + days
        add(m, d)
    end_of = (r"\bend of (?:the )?(week|month)\b|" + _H + r"[ולבמ]{0,2}סוף\s+ה?(שבוע|חודש)" + _HE_END
              + r"|" + _H + r"[ולבמ]{0,2}(?:סופש)" + _HE_END)
    for m in re.finditer(end_of, text):
        unit = m.group(1) or m.group(2) or "week"
        add(m, _month_end(today.year, today.month) if unit in ("month", "חודש") else _next_weekday(today, 4)
            if today.weekday() != 4 else today)
    for m in re.finditer(r"\bend of " + _EN_MONTH_RE + r"|" + _H + r"[ולבמ]{0,2}סוף\s+" + _HE_MONTH_RE, text):
        month = _EN_MONTHS[m.group(1)[:3]] if m.group(1) else _HE_MONTHS[m.group(2)]
        year = today.year + (1 if month < today.month else 0)
        add(m, _month_end(year, month))
    for m in re.finditer(r"\b(?:(?:next|this|coming|on|by|until|till|before)\s+)?(monday|tuesday|wednesday|"
                         r"thursday|friday|saturday|sunday)\b|\b(?:next|this|coming|on|by|until|till|before)\s+"
                         r"(mon|tues?|wed|thu|thurs?|fri|sat|sun)\b\.?", text):
        add(m, _next_weekday(today, _EN_DAYS[(m.group(1) or m.group(2))[:3]]))
    he_days = (_H + r"[ולבמ]{0,2}(?:עד\s+)?(?:[ולבמ]{0,2}יום\s+)(ראשון|שני|שלישי|רביעי|חמישי|שישי|שבת)"
               + _HE_END + r"|" + _H + r"(?:[בל]|עד\s+)(שלישי|רביעי|חמישי|שישי|שבת)" + _HE_END
               + r"|" + _H + r"[ולבמ]{0,2}יום\s+([אבגדהו])'")
    for m in re.finditer(he_days, text):
        if m.group(3):
            add(m, _next_weekday(today, _HE_DAY_LETTERS[m.group(3)]))
        else:
            add(m, _next_weekday(today, _HE_DAYS[m.group(1) or m.group(2)]))
    for m in re.finditer(r"\b" + _EN_MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(\d{4}))?\b", text):
        add(m, _full(m.group(3), _EN_MONTHS[m.group(1)[:3]], int(m.group(2)), today))
    day_month = r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _EN_MONTH_RE + r"(?:\s+(\d{4}))?"
    for m in re.finditer(day_month, text):
        add(m, _full(m.group(3), _EN_MONTHS[m.group(2)[:3]], int(m.group(1)), today))
    for m in re.finditer(r"(\d{1,2})\s*(?:[בל]|של)?-?\s*" + _HE_MONTH_RE + r"(?:\s+(\d{4}))?", text):
        add(m, _full(m.group(3), _HE_MONTHS[m.group(2)], int(m.group(1)), today))
    for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
        add(m, _full(m.group(1), int(m.group(2)), int(m.group(3)), today))
    for m in re.finditer(r"(?<![\d/.:,])(\d{1,2})([/.])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/.:%,])", text):
        first, second, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
        hinted = bool(_DATE_HINT.search(text[max(0, m.start() - 8):m.start()]))
        if m.group(2) == "." and not (year_text or hinted):
            continue  # "1.5" is far more often a quantity than a date
        if not year_text and not hinted and second in (5, 10) and first <= second:
            continue  # "4/5" is a rating
        day, month = (first, second) if second <= 12 else (second, first)
        if 1 <= month <= 12 and 1 <= day <= 31:
            add(m, _full(year_text, month, day, today))


def _period(text: str, today: date, timezone: str) -> dict | None:
    rules = [
        (r"\bthis week\b|" + _H + r"[בל]?השבוע(?!\s+הבא)" + _HE_END, "this_week"),
        (r"\blast week\b|" + _H + r"[בל]?שבוע\s+שעבר|" + _H + r"[בל]?שבוע\s+הקודם", "last_week"),
        (r"\bthis month\b|(?<!סוף )" + _H + r"[בל]?החודש(?!\s+הבא)" + _HE_END, "this_month"),
        (r"\blast month\b|" + _H + r"[בל]?חודש\s+שעבר|" + _H + r"[בל]?החודש\s+הקודם", "last_month"),
    ]
    for pattern, label in rules:
        if re.search(pattern, text):
            if label.endswith("week"):
                start, end = _week_bounds(today, timezone, 0 if label == "this_week" else -1)
            else:
                anchor = today if label == "this_month" else _add_months(today.replace(day=1), -1)
                start, end = anchor.replace(day=1), _month_end(anchor.year, anchor.month)
            return {"label": label, "start": start.isoformat(), "end": end.isoformat()}
    return None


_DAYPART = r"(am|pm|a\.m\.|p\.m\.|בבוקר|בערב|בצהריים|בצהרים|אחהצ|אחה\"צ|בלילה|in the morning|in the evening)?"


def _hour(hour: int, minute: int, part: str | None, assume_pm: bool) -> str | None:
    part = (part or "").replace(".", "")
    if part in ("pm", "בערב", "אחהצ", 'אחה"צ', "בלילה", "in the evening") and hour < 12:
        hour += 12
    elif part in ("am", "בבוקר", "in the morning") and hour == 12:
        hour = 0
    elif part in ("בצהריים", "בצהרים") and hour <= 5:
        hour += 12
    elif not part and assume_pm and 1 <= hour <= 7:
        hour += 12  # "at 3" / "ב-3" for a meeting is the afternoon
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return f"{hour:02d}:{minute:02d}"


def _times(text: str, date_spans: list[tuple[int, int]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    used: list[tuple[int, int]] = []

    def add(m: re.Match, value: str | None) -> None:
        if value and not any(s <= m.start() < e for s, e in used):
            used.append((m.start(), m.end()))
            out.append((m.start(), value))

    for m in re.finditer(r"(?<![\d:/.])([01]?\d|2[0-3]):([0-5]\d)(?![\d/])\s*" + _DAYPART, text):
        add(m, _hour(int(m.group(1)), int(m.group(2)), m.group(3), False))
    for m in re.finditer(r"(?<![\d:/.])(1[0-2]|0?[1-9])\s*(am|pm|a\.m\.|p\.m\.)", text):
        add(m, _hour(int(m.group(1)), 0, m.group(2), False))
    for m in re.finditer(r"\b(?:at|around)\s+(\d{1,2})(?![\d:/.%])(?!\s*(?:%|percent|days?|weeks?|items?))\s*"
                         + _DAYPART, text):
        add(m, _hour(int(m.group(1)), 0, m.group(2), True))
    for m in re.finditer(_H + r"ב?שעה\s*(\d{1,2})(?![\d:/.%])\s*" + _DAYPART, text):
        add(m, _hour(int(m.group(1)), 0, m.group(2), True))
    not_a_time = r"(?!\s*(?:אחוז|שקל|ש\"ח|שח|₪|ils|%|ל?חודש|ב?חודש|ימים|יום|ל?דקות))"
    for m in re.finditer(_H + r"ב-?\s?(\d{1,2})(?![\d:/.%])" + not_a_time + r"\s*" + _DAYPART, text):
        near_date = any(0 <= m.start() - e <= 8 for _, e in date_spans)
        if m.group(2) or near_date:
            add(m, _hour(int(m.group(1)), 0, m.group(2), True))
    return out


def find_moments(text: str, *, now: datetime, timezone: str) -> Moments:
    """Dates (ISO), times (HH:MM) and a reporting period named in a normalised message."""
    today = local_today(now, timezone)
    found: list[tuple[int, int, date]] = []
    _dates(text, today, found)
    found.sort(key=lambda f: f[0])
    dates = list(dict.fromkeys(d.isoformat() for _, _, d in found))
    spans = [(s, e) for s, e, _ in found]
    times = [t for _, t in sorted(_times(text, spans))]
    return Moments((dates, list(dict.fromkeys(times)), _period(text, today, timezone), spans))
