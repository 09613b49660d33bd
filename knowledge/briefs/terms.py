"""The deal's terms in a brief: fee and currency (+VAT or included), payment days, usage and exclusivity
periods, hashtags, the codes the brand asks for, and whether it is signed."""

from __future__ import annotations

import re
from decimal import Decimal

from knowledge.briefs.words import WORDS

__all__ = ["fee", "amounts", "vat", "payment_days", "period_months", "hashtags", "codes", "signed"]

_SYMBOLS = {"₪": "ILS", "$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS = {w.lower(): code for code, words in WORDS["currencies"].items() for w in words if len(w) > 1}
_CUR = "|".join(re.escape(w) for w in sorted(_CURRENCY_WORDS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = re.compile(
    rf"(?i)(?P<sym>[₪$€£])\s?(?P<n1>{_NUM})(?P<k1>k\b)?"
    rf"|(?<![\w.])(?P<cur>{_CUR})\s+(?P<n2>{_NUM})(?P<k2>k\b)?"
    rf"|(?<![\w.,/])(?P<n3>{_NUM})(?P<k3>k)?\s?(?P<after>[₪$€£]|(?:{_CUR})(?![\w]))"
    rf"|(?<![\w.,/])(?P<n4>\d{{1,3}}(?:,\d{{3}})+|\d{{4,6}})(?=\s*(?:\+|plus|פלוס|בתוספת)\s*(?:vat|מע))"
)
_TOTAL = re.compile(r"(?i)\btotal\b|סה\"כ|סה״כ|כוללת|בסך")
_EACH = re.compile(r"(?i)^\s*(?:each|per\s+\w+|לכל|ליחידה|commission)")


def _value(match: re.Match[str]) -> tuple[Decimal, str | None]:
    number = next(match.group(g) for g in ("n1", "n2", "n3", "n4") if match.group(g))
    thousands = any(match.group(g) for g in ("k1", "k2", "k3"))
    value = Decimal(number.replace(",", "")) * (1000 if thousands else 1)
    code = _SYMBOLS.get(match.group("sym") or "") or _CURRENCY_WORDS.get((match.group("cur") or "").lower())
    after = match.group("after") or ""
    code = code or _SYMBOLS.get(after) or _CURRENCY_WORDS.get(after.lower())
    return value, code


def amounts(text: str) -> list[tuple[Decimal, str | None, int]]:
    """Every amount with a currency (or before "+ VAT"): its value, currency and where it ends."""
    return [(*_value(m), m.end()) for m in _AMOUNT.finditer(text)]


def fee(text: str) -> tuple[Decimal | None, str | None, int]:
    """The fee, its currency and where it is written; amounts in words ("עשרת אלפים ש"ח") too."""
    if any(cue in text.lower() for cue in WORDS["no_fee_cues"]) and not _TOTAL.search(text):
        return None, None, -1
    best: tuple[int, Decimal, str | None, int] | None = None
    currencies: list[str] = []
    for m in _AMOUNT.finditer(text):
        value, code = _value(m)
        if code:
            currencies.append(code)
        if value < 100 or "%" in text[m.end(): m.end() + 2]:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start: text.find("\n", m.end()) if "\n" in text[m.end():] else len(text)]
        score = 0
        score += 3 if _TOTAL.search(text[max(line_start, m.start() - 20): m.end() + 15]) else 0
        score -= 3 if _EACH.search(text[m.end(): m.end() + 15]) else 0
        in_brackets = text[max(0, m.start() - 1): m.start()] == "("
        score -= 2 if in_brackets and not _TOTAL.search(text[m.end(): m.end() + 10]) else 0
        score += 1 if any(cue in line.lower() for cue in WORDS["fee_cues"]) else 0
        if best is None or score > best[0]:
            best = (score, value, code, m.start())
    if best is None:
        for phrase, amount in sorted(WORDS["thousands"]["he"].items(), key=lambda kv: -len(kv[0])):
            at = text.find(phrase)
            if at >= 0:
                tail = text[at + len(phrase): at + len(phrase) + 8].lower()
                code = next((c for w, c in _CURRENCY_WORDS.items() if tail.strip().startswith(w)), None)
                return Decimal(amount), code, at
        return None, None, -1
    _, value, code, at = best
    return value, code or (currencies[0] if currencies else None), at


def vat(text: str, near: int) -> str | None:
    """"plus" or "included" as written on the fee's line (else anywhere in the brief)."""
    lower = text.lower().replace("״", "\"")
    line_start = lower.rfind("\n", 0, max(near, 0)) + 1
    line_end = lower.find("\n", max(near, 0))
    line = lower[line_start: line_end if line_end >= 0 else len(lower)]
    for scope in ([line] if near >= 0 else []) + [lower]:
        for kind in ("plus", "included"):  # "לא כולל מע"מ" holds "כולל מע"מ"
            if any(p in scope for p in WORDS["vat"][kind]):
                return kind
    return None


def payment_days(text: str) -> int | None:
    """Net days: "net 30", "שוטף + 60", "within forty-five (45) days", "תוך 30 יום"."""
    patterns = [r"(?i)\bnet\s*(\d{1,3})\b", r"שוטף\s*\+\s*(\d{1,3})", r"(?i)\((\d{1,3})\)\s*days",
                r"(?i)(?:within|payable in|payment)\s+(\d{1,3})\s+days",
                r"(?i)\b(\d{1,3})\s+days\s+(?:of|after|from|end of month)",
                r"תוך\s+(\d{1,3})\s+(?:יום|ימים)"]
    for pattern in patterns:
        m = re.search(pattern, text)
        if m:
            return int(m.group(1))
    return None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return {**WORDS["numbers"]["en"], **WORDS["numbers"]["he"]}.get(word.lower())


def period_months(text: str, cues: list[str], *, none_cues: tuple[str, ...] = ()) -> int | None:
    """Months of the period written after a cue: "6 months", "twelve (12) months", "שנה", "60 days" (2),
    "8 weeks" (2); None when a none-cue says there is none."""
    lower = text.lower()
    if any(cue in lower for cue in none_cues):
        return None
    for cue in cues:
        for m in re.finditer(re.escape(cue.lower()), lower):
            window = re.split(r"\n|\.\s|\|", lower[m.start():])[0][:140]  # the cue's own clause
            hit = re.search(r"(?:\((\d+)\)|(\d+|[a-z]+|[א-ת]+))[\s-]+"
                            r"(months?|חודשים|חודש|days?|יום|ימים|weeks?|שבועות)", window)
            if hit:
                amount = int(hit.group(1)) if hit.group(1) else _number(hit.group(2))
                if amount:
                    unit = hit.group(3)
                    if unit.startswith(("day", "יום", "ימים")):
                        return max(1, round(amount / 30))
                    if unit.startswith(("week", "שבוע")):
                        return max(1, round(amount / 4))
                    return amount
            if re.search(r"\b(?:a|one)\s+year\b|\bשנה\b|12\s*months", window):
                return 12
    return None


def hashtags(text: str) -> list[str]:
    """#tags in order, each once."""
    out: list[str] = []
    for tag in re.findall(r"#[\w]+", text):
        if tag not in out:
            out.append(tag)
    return out


def codes(text: str) -> list[str]:
    """Coupon codes the brand names ("code MAYA20", "קוד הנחה: BLOOM15", "your code TRAIL15")."""
    out: list[str] = []
    for m in re.finditer(r"\b[A-Z][A-Z0-9]{2,15}\d{1,3}\b", text):
        before = text[max(0, m.start() - 45): m.start()].lower()
        if re.search(r"code|קוד", before) and m.group(0) not in out:
            out.append(m.group(0))
    return out


def signed(text: str) -> bool:
    """True when the brief says it is signed (and does not ask for a signature)."""
    lower = text.lower()
    if any(cue in lower for cue in WORDS["unsigned_cues"]):
        return False
    return any(cue in lower for cue in WORDS["signed_cues"])
