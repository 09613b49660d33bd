"""Deliverables in a brief: how many of what on which platform, and the due dates written with them.

"3 TikTok videos (due Dec 5, Dec 12 and Dec 19)", "2 x IG Reels - first by Dec 10, second by Dec 24",
"סרטון טיקטוק אחד", "שלושה סרטוני טיקטוק", "a 60-second YouTube Short", and schedules that number the
items ("טיקטוק 1: 7.12", "Reel 2 due January 24") which date a deliverable already counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from knowledge.briefs.dates import Found
from knowledge.briefs.words import WORDS

__all__ = ["Deliverable", "find_deliverables"]

_TOKEN = re.compile(r"[\w\"״'-]+|[^\w\s]", re.UNICODE)
_PREFIXES = ("ו", "ב", "ל", "ה", "מ")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "ראשון": 1, "שני": 2, "שלישי": 3}


@dataclass
class Deliverable:
    """count × kind on platform, with the due dates written for its items."""

    count: int
    kind: str
    platform: str
    due: list[dt.date] = field(default_factory=list)
    start: int = 0
    end: int = 0


def _lookup(word: str) -> tuple[str | None, str | None]:
    """(kind, platform) a word names, either may be None."""
    forms = [word.lower()] + [word[1:] for p in _PREFIXES if word.startswith(p) and len(word) > 3]
    for form in forms:
        form = form.strip("'\"")
        for kind, spec in WORDS["kinds"].items():
            if form in spec["words"]:
                platform = "tiktok" if form in ("tiktoks", "טיקטוקים") else None
                return kind, platform
        for platform, names in WORDS["platforms"].items():
            if form in names:
                return None, platform
    return None, None


def _count(tokens: list[tuple[str, int, int]], i: int) -> int | None:
    """A count written just before token i ("3", "two (2)", "2 x") or just after ("אחד", "one")."""
    numbers = {**WORDS["numbers"]["en"], **WORDS["numbers"]["he"]}
    for j in range(i - 1, max(-1, i - 4), -1):
        word = tokens[j][0].lower()
        if word in ("x", "×", "(", ")", "-", "ig", "instagram", "tiktok", "youtube", "facebook", "short", "עד"):
            continue
        digits = re.fullmatch(r"(?:[וב]-?)?(\d{1,2})", word)  # "3", "ו-2"
        if digits:
            return int(digits.group(1))
        if word.rstrip("-") in numbers:
            return int(numbers[word.rstrip("-")])
        if word.startswith("ו") and word[1:] in numbers:
            return int(numbers[word[1:]])
        if j < i - 1 and not re.fullmatch(r"\d+-?\w*|second|sec|minute|min|דקות", word):
            break
    for j in range(i + 1, min(len(tokens), i + 3)):
        word = tokens[j][0]
        if word in WORDS["numbers"]["he"] and word not in ("שני", "שתי"):
            return int(WORDS["numbers"]["he"][word])
        if _lookup(word) == (None, None):
            break
    return None


def find_deliverables(text: str, dates: list[Found]) -> list[Deliverable]:
    """Deliverables in text order; counts of the same kind and platform add up unless an item is numbered."""
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[Deliverable] = []
    i = 0
    while i < len(tokens):
        kind, platform = _lookup(tokens[i][0])
        if kind is None and platform is None:
            i += 1
            continue
        j = i
        # a kind and a platform written together ("TikTok videos", "רילס באינסטגרם", "IG Reels")
        for k in range(i + 1, min(len(tokens), i + 3)):
            k_kind, k_platform = _lookup(tokens[k][0])
            if k_kind is None and k_platform is None:
                if tokens[k][0].lower() not in ("x", "in", "on", "-", "(", "60-second"):
                    break
                continue
            if (k_kind and kind) or (k_platform and platform):
                break
            kind, platform, j = kind or k_kind, platform or k_platform, k
        if kind is None and platform not in WORDS["platform_alone_is_video"]:
            i = j + 1
            continue
        if i > 0 and tokens[i - 1][0].lower() in ("all", "every", "each", "כל"):
            i = j + 1  # "all posts shall include #X" names no deliverable
            continue
        kind = kind or "video"
        platform = platform or WORDS["kinds"][kind]["platform"] or "instagram"
        numbered = _numbered(tokens, j)
        count = _count(tokens, i)
        item = Deliverable(count or 1, kind, platform, start=tokens[i][1], end=tokens[j][2])
        if numbered is not None or count is None:
            same = next((d for d in found if (d.kind, d.platform) == (kind, platform)), None)
            if same is not None and (numbered is not None or _ordinal_before(tokens, i)):
                same.due += _due_after(text, item.end, dates, limit=1)
                same.count = max(same.count, numbered or 0, len(same.due))
                i = j + 1
                continue
        item.due = _due_after(text, item.end, dates)
        found.append(item)
        i = j + 1
    return _merge(found)


def _numbered(tokens: list[tuple[str, int, int]], j: int) -> int | None:
    nxt = tokens[j + 1][0] if j + 1 < len(tokens) else ""
    if re.fullmatch(r"[1-9]", nxt):
        return int(nxt)
    return _ORDINALS.get(nxt)


def _ordinal_before(tokens: list[tuple[str, int, int]], i: int) -> bool:
    return i > 0 and tokens[i - 1][0].lower() in _ORDINALS


# a deliverable's clause ends at a line, a bullet, "), ", " - 3 ..." or ", 3 ..." (not ", 2027")
_CLAUSE_END = re.compile(r"[\n•;]|(?<=\))\s*,|\s[-–]\s(?=\d+\s)|,\s*(?!\d{4}\b)(?=\d+\s*x?\s*\w)")


def _due_after(text: str, end: int, dates: list[Found], *, limit: int = 10) -> list[dt.date]:
    """Dates written after a deliverable in its own clause (up to the next deliverable word or line)."""
    clause = re.split(_CLAUSE_END, text[end:], maxsplit=1)[0]
    stop = end + len(clause)
    for m in _TOKEN.finditer(clause):
        if _lookup(m.group(0)) != (None, None) and m.start() > 0:
            stop = end + m.start()
            break
    return [d.day for d in dates if end <= d.start < stop][:limit]


def _merge(found: list[Deliverable]) -> list[Deliverable]:
    out: list[Deliverable] = []
    for item in found:
        same = next((d for d in out if (d.kind, d.platform) == (item.kind, item.platform)), None)
        if same is not None and item.count and not item.due and same.count >= item.count:
            continue  # a restatement ("Reels" again in the schedule)
        out.append(item)
    return out
