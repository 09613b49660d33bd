"""Owner-side extras: the status a command moves something to, and the title of a task to add."""

from __future__ import annotations

import re

from ._dates import find_moments
from ._prep import clean_text

__all__ = ["find_status", "task_title"]

# Canonical statuses of partnerships, invoices and tasks (the bundle format's names), by the words for them.
_STATUS_WORDS = [
    ("negotiation", r"negotiation|negotiating|negotiate|משא ומתן|מומ|במומ|למומ"),
    ("proposal", r"proposal|הצעה|הצעת מחיר|להצעה"),
    ("contract", r"contract|חוזה|לחוזה|בחוזה"),
    ("lead", r"lead|ליד|לליד"),
    ("active", r"active|פעיל|פעילה|לפעיל|אקטיבי"),
    ("paid", r"paid|שולם|שולמה|כשולם|כשולמה|שולמו"),
    ("sent", r"sent|נשלח|נשלחה|כנשלחה"),
    ("overdue", r"overdue|באיחור"),
    ("draft", r"draft|טיוטה"),
    ("in_progress", r"in progress|in_progress|בתהליך|בעבודה"),
    ("blocked", r"blocked|חסום|חסומה|תקוע|תקועה"),
    ("pending", r"pending|ממתין|ממתינה"),
    ("completed", r"completed|complete|done|finished|הושלם|הושלמה|בוצע|בוצעה|כבוצע|כבוצעה|גמור|הסתיים|"
                  r"סיימתי"),
    ("cancelled", r"cancelled|canceled|cancel|בוטל|בוטלה|מבוטל|לבטל|תבטל|תבטלי"),
]
_STATUS = [(name, re.compile(r"(?<![\w\u05D0-\u05EA])(?:" + words + r")(?![\w\u05D0-\u05EA])"))
           for name, words in _STATUS_WORDS]
_TITLE = [
    re.compile(r"\b(?:add|create|new|make|open|log)\s+(?:a\s+|new\s+)*(?:task|todo|to-do|to do|reminder)\b"
               r"\s*(?:to\s+|:|-|—)?\s*(.+)", re.I | re.S),
    re.compile(r"\bremind me\s+(?:to\s+|about\s+)?(.+)", re.I | re.S),
    re.compile(r"(?:תוסיף|תוסיפי|תוסיפו|הוסף|הוסיפי|צור|תיצור|תיצרי|צרי|תרשום|תרשמי|רשום|רשמי|תפתח|תפתחי)\s+"
               r"(?:לי\s+)?(?:משימה|תזכורת|מטלה)(?:\s+חדשה)?\s*[:\-—]?\s*(.+)", re.S),
    re.compile(r"(?:תזכיר|תזכירי|תזכירו)\s+לי\s+(.+)", re.S),
]
_TIME_AT = re.compile(r"(?:\s|^)(?:at\s+\d|ב-?\s?\d{1,2}(?::\d\d)?(?!\S)|\d{1,2}:\d\d|\d{1,2}\s?(?:am|pm))")
_TRAILING_LINK = re.compile(r"(?:\s+(?:by|on|until|till|before|at|due|for|עד|ב|ל|ביום|עד יום)[\s-]*)+$", re.I)


def find_status(clean: str) -> str | None:
    """The first status word in a normalised message, as the bundle format names it."""
    best: tuple[int, str] | None = None
    for name, pattern in _STATUS:
        m = pattern.search(clean)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def task_title(raw: str, *, now, timezone: str) -> str | None:
    """The title of a task an owner asks to add, without the date and time phrases around it."""
    for pattern in _TITLE:
        m = pattern.search(raw)
        if not m:
            continue
        title = m.group(1).strip()
        clean = clean_text(title)
        if len(clean) == len(title):
            spans = find_moments(clean, now=now, timezone=timezone)[3]
            time_at = _TIME_AT.search(clean)
            cuts = [s for s, _ in spans if s > 0]
            if time_at and time_at.start() > 0:
                cuts.append(time_at.start())
            if cuts:
                title = title[:min(cuts)]
        title = _TRAILING_LINK.sub("", title.strip(" .,:;!-—")).strip(" .,:;!-—")
        return title or None
    return None
