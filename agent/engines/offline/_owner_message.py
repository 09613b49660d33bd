"""What an owner's message contains: brands, codes, numbers, amounts, dates, times, and the word lists.

Private to agent.engines.offline.owner_commands. Everything works on `lowered(text)`, which keeps the
length of the text, so spans found here cut the original text (titles keep their casing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agent.engines.offline._date_phrases import find_dates, find_times, lowered
from knowledge.matching import STOP_WORDS, word_forms
from knowledge.text import is_hebrew
from tools.dates import local_today

from ._catalog import is_ordinary
from ._translit import same_name

_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})

QUESTIONS = {
    "reply_text": ("What should I send them?", "מה לשלוח?"),
    "title": ("What's the task?", "מה המשימה?"),
    "task": ("Which task?", "איזו משימה?"),
    "task_pick": ("Which task: {options}?", "איזו משימה: {options}?"),
    "due_date": ("To when?", "לאיזה תאריך?"),
    "partnership": ("Which brand?", "לאיזה מותג?"),
    "brand_pick": ("Which brand: {options}?", "לאיזה מותג: {options}?"),
    "brand": ("What's the brand's name?", "מה שם המותג?"),
    "code_new": ("What should the code be?", "מה יהיה הקוד?"),
    "code": ("Which code?", "איזה קוד?"),
    "value": ("How much off: a percent or an amount?", "כמה הנחה: אחוזים או סכום?"),
    "amount": ("What's the amount?", "על איזה סכום?"),
    "number": ("Which invoice number?", "איזה מספר חשבונית?"),
    "change": ("What should change?", "מה לשנות?"),
    "next_follow_up": ("When should I remind you to follow up?", "מתי להזכיר לך לחזור אליהם?"),
    "rule": ("Which reminder: tasks, invoices, proposals, partnerships, open issues or the coupon follow-ups?",
             "איזו תזכורת: משימות, חשבוניות, הצעות, שיתופי פעולה, פניות פתוחות או הפולואפים על קודים?"),
}

QUERY_START = (
    r"^\s*(?:show|list|what|what's|whats|which|how|who|any|see|tell me|give me|do i|are there|is there|"
    r"אילו|איזה|אלו|מה|תראה|תראי|תציג|תציגי|כמה|יש|תן|תני)\b"
)
STATUS_WORDS = {
    "lead": "lead",
    "proposal": "proposal",
    "negotiation": "negotiation",
    "negotiations": "negotiation",
    "negotiating": "negotiation",
    "contract": "contract",
    "signed": "contract",
    "active": "active",
    "live": "active",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "finished": "completed",
    "over": "completed",
    "wrapped up": "completed",
    "ended": "completed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "ליד": "lead",
    "הצעה": "proposal",
    "משא ומתן": "negotiation",
    'מו"מ': "negotiation",
    "חוזה": "contract",
    "פעיל": "active",
    "פעילים": "active",
    "פעילה": "active",
    "הושלם": "completed",
    "הסתיים": "completed",
    "הסתיימה": "completed",
    "מבוטל": "cancelled",
    "בוטל": "cancelled",
    "בוטלה": "cancelled",
    "ביטלו": "cancelled",
    "חתמו": "contract",
    "חתמה": "contract",
    "חתם": "contract",
}
# Words that carry the command, not the object: what is left names the task (or nothing but a brand).
FILLER = frozenset(
    """
    mark marked as with the a an to is are now it its please pls i im i'm have has we our my me set make
    change
    update move moved push postpone reschedule delay shift bump complete completed finish finished done close
    tick off check cancel drop delete remove scrap reopen re-open undo task tasks todo to-do partnership
    collab
    collaboration deal signed priority urgent urgently high low medium important can you could for of on at
    by and
    asap just already item was been be
    את של עם שלי תסמן תסמני לסמן סמן כבוצע כבוצעה בוצע בוצעה סיימתי סיימנו גמרתי הושלם הושלמה תדחה תדחי לדחות
    תזיז תזיזי להזיז תעביר תעבירי להעביר תעשה תעשי לעשות תבטל תבטלי לבטל בטל תמחק תמחקי למחוק משימה המשימה
    דחוף דחופה בדחיפות בעדיפות גבוהה נמוכה עברו עבר עברה השת"פ שת"פ שיתוף פעולה הפעולה בבקשה אני כבר עכשיו
    תפתח תפתחי מחדש גמור גמורה
    """.split()
) | frozenset(w for w in STATUS_WORDS if " " not in w)
FILLER = FILLER | frozenset(w.translate(_FINALS) for w in FILLER)  # word forms fold final letters
_CURRENCY = {
    "ils": "ILS",
    "nis": "ILS",
    "shekel": "ILS",
    "shekels": "ILS",
    'ש"ח': "ILS",
    "שח": "ILS",
    "₪": "ILS",
    "שקל": "ILS",
    "שקלים": "ILS",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "$": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "€": "EUR",
}
_AMOUNT = re.compile(
    r"(?<![\w.,])(₪|\$|€)?\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(k)?"
    r"(?:\s?(ils|nis|shekels?|ש\"ח|שח|₪|שקלים|שקל|usd|dollars?|\$|eur|euros?|€))?(?![\w%])"
)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?(?:%|percent\b|אחוז(?:ים)?)")
_INVOICE_NO = re.compile(
    r"(?:invoices?|inv\.?|חשבונית|חשבוניות)\s*(?:no\.?|number|#|מס'?|מספר)?\s*#?(\d{1,10})(?!\d)"
)
_BARE_NUMBER = re.compile(r"(?<![\d.,/:\w])(\d{3,10})(?![\d.,/:\w%])")
_TASK_NO = re.compile(r"(?:task|משימה|המשימה)\s*(?:#|number|no\.?|מספר)?\s*#?(\d{1,6})(?!\d)")
_CODE_TOKEN = re.compile(r"(?<![\w])([A-Za-z][A-Za-z0-9_-]{2,63})(?![\w])")
_NOT_CODES = {
    "ILS",
    "NIS",
    "USD",
    "EUR",
    "VAT",
    "ASAP",
    "OK",
    "PM",
    "AM",
    "DM",
    "FAQ",
    "TODO",
    "SMS",
    "PDF",
    "ID",
    "URL",
    "UGC",
    "CEO",
    "PR",
    "TV",
    "DIY",
}
_WORD = re.compile(r"[^\W_]+(?:['’\"][^\W_]+)?")


@dataclass
class Hit:
    """A brand named in the text; several refs when the words fit more than one brand."""

    refs: list[str]
    names: list[str]
    start: int
    end: int


class Message:
    """The message with everything found in it."""

    def __init__(
        self,
        text: str,
        *,
        now: dt.datetime,
        timezone: str,
        brands: Sequence[tuple],
        tasks: Sequence[tuple],
        codes: Sequence[str],
        language: str | None,
    ):
        self.text = text
        self.low = lowered(text)
        self.lang = language if language in ("he", "en") else ("he" if is_hebrew(text) else "en")
        self.today = local_today(now, timezone)
        self.brands = [(str(r), str(n), [str(a) for a in (al or ())]) for r, n, al in brands]
        self.brand_names = {r: [n, *al] for r, n, al in self.brands}
        self.tasks = [(t[0], str(t[1]), t[2] if len(t) > 2 else None) for t in tasks]
        self.known_codes = {c.upper() for c in codes}
        self.codes = self._codes()
        self.percent = _PERCENT.search(self.low)
        self.invoice_no = _INVOICE_NO.search(self.low)
        self.task_no = _TASK_NO.search(self.low)
        self.dates = find_dates(text, today=self.today, tz=timezone)
        self.past_dates = find_dates(text, today=self.today, tz=timezone, prefer="past")
        self.times = find_times(text, skip=[(f.start, f.end) for f in self.dates])
        self.hits = self._brand_hits()
        self.is_query = bool(re.search(QUERY_START, self.low))

    def has(self, pattern: str) -> re.Match[str] | None:
        """The first match of a pattern in the lowered text."""
        return re.search(pattern, self.low)

    # --- entities ---
    def _codes(self) -> list[tuple[str, int, int]]:
        out = []
        brand_words = {w.casefold() for _, n, al in self.brands for w in (n, *al)}
        # A capitalised word without digits ("STOP", "SHIPSHIRA") is a code only when codes are talked about.
        code_talk = re.search(r"\b(?:codes?|coupons?|promos?)\b|קוד|קופון", self.text.lower()) is not None
        for m in _CODE_TOKEN.finditer(self.text):
            word = m.group(1)
            upper = word.upper()
            shaped = (
                word == upper
                and upper not in _NOT_CODES
                and (any(c.isdigit() for c in word) or (len(word) >= 4 and code_talk))
            )
            if (upper in self.known_codes or shaped) and word.casefold() not in brand_words:
                out.append((upper, m.start(1), m.end(1)))
        return out

    def _phrases(self) -> dict[str, set[str]]:
        """Per brand: name, ref, aliases, and first words of multi-word names (shared ones are ambiguous)."""
        out: dict[str, set[str]] = {}
        for ref, name, aliases in self.brands:
            phrases = {name, ref, *aliases}
            for phrase in (name, *aliases):
                words = phrase.split()
                if len(words) > 1 and len(words[0]) >= 4 and words[0].casefold() not in STOP_WORDS:
                    phrases.add(words[0])
            out[ref] = phrases
        return out

    def _brand_hits(self) -> list[Hit]:
        toks = [(m.start(), m.end(), word_forms(m.group())) for m in _WORD.finditer(self.low)]
        code_spans = [(s, e) for _, s, e in self.codes]
        names = {r: n for r, n, _ in self.brands}
        found: list[tuple[int, int, int, str]] = []  # (words, start, end, ref)
        for ref, phrases in self._phrases().items():
            for phrase in phrases:
                words = [w.translate(_FINALS) for w in _WORD.findall(lowered(phrase))]
                # A one-word name heard in the other script must be distinctive ("Galil" as "גליל", not "Pro").
                sounded = len(words) > 1 or (len(words) == 1 and len(words[0]) >= 4 and not is_ordinary(words[0]))
                for i in range(len(toks) - len(words) + 1) if words else ():
                    span = len(words)
                    if not all(
                        words[j] in toks[i + j][2]
                        or (sounded and _sounds_like(words[j], toks[i + j][2], alone=len(words) == 1))
                        for j in range(len(words))
                    ):
                        # "קיטשן פרו" for "KitchenPro": one name written as two words in the other script.
                        if not (sounded and len(words) == 1 and i + 1 < len(toks)):
                            continue
                        joined = {f + self.low[toks[i + 1][0] : toks[i + 1][1]].translate(_FINALS) for f in toks[i][2]}
                        if not _sounds_like(words[0], joined, alone=True):
                            continue
                        span = 2
                    start, end = toks[i][0], toks[i + span - 1][1]
                    if not any(start < e and s < end for s, e in code_spans):
                        found.append((span, start, end, ref))
        found.sort(key=lambda f: (-f[0], f[1], f[3]))
        hits: list[Hit] = []
        for _, start, end, ref in found:
            same = next((h for h in hits if h.start == start and h.end == end), None)
            if same is not None:
                if ref not in same.refs:
                    same.refs.append(ref)
                    same.names.append(names[ref])
            elif not any(start < h.end and h.start < end for h in hits):
                hits.append(Hit([ref], [names[ref]], start, end))
        return sorted(hits, key=lambda h: h.start)

    def brand(self) -> tuple[str | None, list[str]]:
        """(the brand ref named, the first of several; or None with the names when it is ambiguous)."""
        ambiguous = next((h for h in self.hits if len(h.refs) > 1), None)
        clear = [h.refs[0] for h in self.hits if len(h.refs) == 1]
        if clear:
            return clear[0], []
        return (None, ambiguous.names) if ambiguous else (None, [])

    def amounts(self) -> list[tuple[str, str | None]]:
        """(amount as a plain decimal string, currency or None) outside dates, codes, percents and numbers."""
        skip = [(f.start, f.end) for f in (*self.dates, *self.times)] + [(s, e) for _, s, e in self.codes]
        skip += [m.span() for m in (self.percent, self.invoice_no, self.task_no) if m]
        out = []
        for m in _AMOUNT.finditer(self.low):
            if any(m.start() < e and s < m.end() for s, e in skip):
                continue
            number = m.group(2).replace(",", "") + (f".{m.group(3)}" if m.group(3) else "")
            if m.group(4):
                number = str(int(float(number) * 1000))
            out.append((number, _CURRENCY.get((m.group(5) or m.group(1) or "").strip())))
        return out

    def bare_number(self) -> str | None:
        """A 3-10 digit number outside dates and codes (an invoice number said without 'invoice')."""
        skip = [(f.start, f.end) for f in self.dates] + [(s, e) for _, s, e in self.codes]
        for m in _BARE_NUMBER.finditer(self.low):
            if not any(m.start() < e and s < m.end() for s, e in skip):
                return m.group(1)
        return None

    def words(self, *, without: Sequence[tuple[int, int]] = (), keep_brands: bool = True) -> list[str]:
        """The words that are not command filler, outside the given spans (and brand names unless kept)."""
        spans = list(without)
        if not keep_brands:
            spans += [(h.start, h.end) for h in self.hits]
        out = []
        for m in _WORD.finditer(self.low):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            if word_forms(m.group()) & FILLER or m.group() in STOP_WORDS:
                continue
            out.append(self.text[m.start() : m.end()])
        return out

    def ask(self, key: str, options: Sequence[str] = ()) -> str:
        """One short question in the user's language."""
        en, he = QUESTIONS[key]
        quoted = [f'"{o}"' if key == "task_pick" else o for o in options]
        return (he if self.lang == "he" else en).format(
            options=(" או " if self.lang == "he" else " or ").join(quoted)
        )


def _sounds_like(word: str, forms: set[str], *, alone: bool = False) -> bool:
    """True when a name word is written in the other script by one of a token's forms ("גרין" ~ "green").
    A word that names the brand `alone` must not be an everyday word ("סבבה" is "OK", not Sababa)."""
    return any(len(form) >= 3 and same_name(word, form) and not (alone and is_ordinary(form)) for form in forms)


def cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text without the spans, spaces tidied."""
    out, last = [], 0
    for s, e in sorted(spans):
        if s >= last:
            out.append(text[last:s])
            last = e
        elif e > last:
            last = e
    out.append(text[last:])
    joined = re.sub(r"\s+", " ", " ".join(out))
    return re.sub(r"\s+([,.;:!?])", r"\1", joined).strip()


def entry_value(entry: Any, key: str) -> Any:
    """A field of a catalog entry given as a dict or an object."""
    return entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)
