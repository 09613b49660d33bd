"""A brief (pasted text, or text taken out of a PDF, DOCX or e-mail) read into a partnership proposal.

Offline, by rules over the vocabulary in knowledge/briefs/data; relative dates on the tenant's clock.
Nothing here writes: the owner sees the proposal first (tools/briefs.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from knowledge.briefs import parties, payments, terms
from knowledge.briefs.dates import find_dates, find_months, find_ranges
from knowledge.briefs.deliverables import Deliverable, find_deliverables
from knowledge.briefs.words import WORDS

__all__ = ["Brief", "extract_brief", "looks_like_brief", "correction"]

_FEE_CUE = re.compile(r"(?i)\b(?:fee|budget|price|amount|pay(?:ment)?)\b|תמורה|התמורה|תקציב|התקציב|מחיר|סכום|הסכום")
_BRAND_CUE = re.compile(r"(?i)^\s*(?:the\s+)?brand\s+is\s+(.{2,60}?)\s*[.!]?\s*$"
                        r"|^\s*(?:ה)?מותג\s+(?:הוא\s+)?(.{2,60}?)\s*$")
_START_CUE = re.compile(r"(?i)\bstart(?:s|ing)?\b|\bfrom\b|מתחיל|מתחילים|התחלה|מ-")
_END_CUE = re.compile(r"(?i)\bend(?:s|ing)?\b|\buntil\b|מסתיים|נגמר|סיום|עד")

_BRIEF_HEAD = re.compile(r"(?i)^\s*(?:new\s+)?(?:brief|fwd?:|forwarded|proposal from|בריף|הצעה חדשה|הצעת שת\"?פ)\b")

MAX_CHARS = 60_000  # a brief longer than this is read only this far


@dataclass
class Brief:
    """What a brief says; None (or empty) where it says nothing."""

    brand: str | None = None
    contact: str | None = None
    campaign: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    fee: Decimal | None = None
    currency: str | None = None
    vat: str | None = None  # "plus" | "included"
    payment_days: int | None = None
    deliverables: list[dict[str, Any]] = field(default_factory=list)  # {count, kind, platform, due: [date]}
    usage_months: int | None = None
    exclusivity_months: int | None = None
    hashtags: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    signed: bool = False
    payments: list[dict[str, Any]] = field(default_factory=list)  # {share|amount, anchor, days, eom, date}
    model_filled: list[str] = field(default_factory=list)  # the fields a model read where the rules found none

    def as_dict(self) -> dict[str, Any]:
        """Plain values (dates as ISO strings, the fee as a string)."""
        out = asdict(self)
        for key in ("start", "end"):
            out[key] = out[key].isoformat() if out[key] else None
        out["fee"] = str(self.fee) if self.fee is not None else None
        out["deliverables"] = [{**d, "due": [x.isoformat() for x in d["due"]]} for d in out["deliverables"]]
        out["payments"] = [{k: (v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v)
                            for k, v in part.items()} for part in self.payments]
        return out


def _period(text: str, today: dt.date, deliverables: list[Deliverable]) -> tuple[dt.date | None, dt.date | None]:
    """The campaign's dates: the first range not inside a deliverable's own clause, else a whole month."""
    due = {d for item in deliverables for d in item.due}
    for first, second in find_ranges(text, today):
        if first.day in due and second.day in due:  # "due Jan 10 and Jan 20": two deliverables, no period
            continue
        return first.day, second.day
    for month_start, month_end, _, how in find_months(text, today):
        return (None, month_end) if how == "until" else (month_start, month_end)
    for found in find_dates(text, today):  # "launch is next Monday": a start with no end
        before = text[max(0, found.start - 25): found.start].lower()
        if any(w in before for w in ("launch", "go-live", "starts", "start", "עלייה", "השקה")) and not any(
                d.start <= found.start <= d.end + 40 for d in deliverables):
            return found.day, None
    return None, None


def looks_like_brief(text: str, *, today: dt.date) -> bool:
    """A forwarded brief rather than a command: it says so ("brief:", "בריף"), or it is a long, multi-line
    text naming deliverables and a fee or a brand."""
    text = text or ""
    if _BRIEF_HEAD.match(text) and len(text) >= 20:
        return True
    if len(text) < 80 or text.count("\n") < 2:
        return False
    found = extract_brief(text, today=today)
    return bool(found.deliverables) and (found.fee is not None or found.brand is not None)


def correction(text: str, *, today: dt.date) -> dict[str, Any]:
    """What a short reply to a brief's proposal corrects: {"fee", "currency"}, {"brand"}, {"start_date"},
    {"end_date"} ("fee is 14,000", "התמורה 14,000 ש"ח", "brand is Lumi", "starts Dec 3"); {} for none."""
    text = (text or "").strip()
    if not text or len(text) > 200:
        return {}
    out: dict[str, Any] = {}
    if _FEE_CUE.search(text):
        value, currency, _ = terms.fee(text if re.search(r"\d", text) else "")
        if value is None:
            m = re.search(r"\d{1,3}(?:,\d{3})+|\d{3,7}", text)
            value = Decimal(m.group(0).replace(",", "")) if m else None
        if value is not None:
            out["fee"] = str(value)
            if currency:
                out["currency"] = currency
    brand = _BRAND_CUE.search(text)
    if brand:
        out["brand"] = (brand.group(1) or brand.group(2)).strip().strip("\"'")
    dates = find_dates(text, today)
    if dates and not out.get("fee"):
        if _END_CUE.search(text) and not _START_CUE.search(text[: dates[0].start]):
            out["end_date"] = dates[0].day.isoformat()
        elif _START_CUE.search(text):
            out["start_date"] = dates[0].day.isoformat()
    return out


def extract_brief(text: str, *, today: dt.date, influencer: str = "") -> Brief:
    """Everything the rules can read from a brief's text."""
    text = (text or "")[:MAX_CHARS].replace("\r\n", "\n")
    dates = find_dates(text, today)
    deliverables = find_deliverables(text, dates)
    start, end = _period(text, today, deliverables)
    for item in deliverables:  # an item due at the campaign's end only because the range said so is not due
        item.due = [d for d in item.due if not (start and end and d in (start, end) and len(item.due) == 1
                                                 and item.count > 1)]
    fee, currency, at = terms.fee(text)
    brand = parties.brand(text, influencer=influencer)
    return Brief(
        brand=brand,
        contact=parties.contact(text, brand_name=brand, influencer=influencer),
        campaign=parties.campaign(text, brand_name=brand),
        start=start,
        end=end,
        fee=fee,
        currency=currency,
        vat=terms.vat(text, at) if fee is not None else None,
        payment_days=terms.payment_days(text),
        deliverables=[{"count": d.count, "kind": d.kind, "platform": d.platform, "due": sorted(set(d.due))}
                      for d in deliverables],
        usage_months=terms.period_months(text, WORDS["usage_cues"]),
        exclusivity_months=terms.period_months(text, WORDS["exclusivity_cues"],
                                               none_cues=tuple(WORDS["no_exclusivity_cues"])),
        hashtags=terms.hashtags(text),
        codes=terms.codes(text),
        signed=terms.signed(text),
        payments=payments.payments(text, today=today, fee=fee),
    )
