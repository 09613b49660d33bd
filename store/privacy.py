"""Find and mask personal data (phones, e-mails, cards, Israeli IDs, IBANs, IPs) in he/en text.

Runs presidio-analyzer with no NLP model at all (NoOpNlpEngine): every recognizer is a pattern
or a checksum, so nothing is downloaded and a warm call takes well under a millisecond.
presidio is imported and the analyzer built on first use (about 1-2 s), once per process;
servers call `warm_up()` at start-up so no follower pays for it.

Decisions worth knowing:
- Israeli phone numbers are matched by shape (05X/07X/0X + 7 digits, +972 forms), so a number
  libphonenumber calls unallocated, such as 054-1234567, is masked too: a follower who types it
  means it as their number, allocation changes over time, and the shape is specific enough
  (leading 0, a real area code, exact digit count) not to hit order numbers or prices.
- An Israeli ID is 9 digits with a valid check digit; a card is 13-19 digits passing Luhn.
- A number right after an order marker ("#", "order no.", "הזמנה", "invoice", "חשבונית", "my order
  number is"...) is an order reference, not a phone or an ID, even if its shape says otherwise.
  Card numbers are masked even there.
- Order numbers, coupon codes and prices are left alone; support and coupons depend on them. The
  one gap: a bare 9-digit number with no order marker that happens to pass the ID check digit
  (1 in 10) is masked as an ID.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "he")

# presidio entity -> our kind. Two recognizers may report one kind (presidio's phone
# recognizer validates with libphonenumber; ours matches Israeli shapes).
_KIND_BY_ENTITY = {
    "PHONE_NUMBER": "PHONE",
    "IL_PHONE": "PHONE",
    "NATIONAL_PHONE": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "CREDIT_CARD": "CARD",
    "CARD_NUMBER": "CARD",
    "IL_ID_NUMBER": "IL_ID",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
}
# Asking for these explicitly spares presidio a registry scan (and an INFO log line) per call.
_ENTITIES = list(_KIND_BY_ENTITY)
_PLACEHOLDER_BY_KIND = {
    "PHONE": "[PHONE]",
    "EMAIL": "[EMAIL]",
    "CARD": "[CARD]",
    "IL_ID": "[ID]",
    "IBAN": "[IBAN]",
    "IP": "[IP]",
}
# Drops presidio's weakest guesses (a bare "::" scores 0.1) while keeping its phone matches (0.4).
_SCORE_THRESHOLD = 0.35

_HEBREW_LETTER = re.compile(r"[\u05d0-\u05ea]")
# "order 0541234567", "מספר ההזמנה שלי הוא 123456782": a number right after an order marker is
# an order reference even when it has the shape of a phone or an ID.
_ORDER_REFERENCE_BEFORE = re.compile(
    r"(?:#|\b(?:order|invoice|receipt|tracking|shipment|confirmation|ref(?:erence)?)|הזמנה|חשבונית|קבלה|"
    r"מעקב|משלוח|אסמכתא)"
    r"(?:\s*(?:no|num|number|nr|id|code|מס|מספר)['׳.]?)?(?:\s*(?:שלי|my))?(?:\s*(?:is|was|הוא|היא))?"
    r"\s*[:#.\-]?\s*$",
    re.IGNORECASE,
)
# Cards are left out: a Luhn-valid 13-19 digit number leaking into the logs costs more than a
# masked order number.
_ORDER_LOOKALIKE_KINDS = frozenset({"PHONE", "IL_ID"})
_WARM_UP_TEXT = "שלום, 054-7654321, dana@example.com, 4111 1111 1111 1111, 123456782, 10.0.0.1"


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data in a text: its kind and its [start, end) character range."""

    kind: str  # PHONE, EMAIL, CARD, IL_ID, IBAN, IP
    start: int
    end: int


_analyzer: AnalyzerEngine | None = None
_analyzer_lock = threading.Lock()


def _build_analyzer() -> AnalyzerEngine:
    # Must be set before tldextract is first imported, or its e-mail check tries a download.
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    from store import _pii_recognizers as ours

    recognizers = []
    for language in LANGUAGES:
        recognizers += [
            ours.OfflineEmailRecognizer(supported_language=language),
            PhoneRecognizer(supported_language=language, supported_regions=("IL", "US"), leniency=2),
            ours.IsraeliPhoneRecognizer(supported_language=language),
            ours.NationalPhoneRecognizer(supported_language=language),
            CreditCardRecognizer(supported_language=language),
            ours.LuhnCardRecognizer(supported_language=language),
            ours.IsraeliIdRecognizer(supported_language=language),
            IbanRecognizer(supported_language=language),
            IpRecognizer(supported_language=language),
        ]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=list(LANGUAGES))
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": lang, "model_name": "none"} for lang in LANGUAGES])
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=list(LANGUAGES),
        default_score_threshold=_SCORE_THRESHOLD,
        context_aware_enhancer=ours.NoContextEnhancer(),
    )
    # One pass per language compiles every regex and loads libphonenumber's metadata now,
    # under the lock, instead of racing on first use from several threads.
    for language in LANGUAGES:
        engine.analyze(_WARM_UP_TEXT, language=language)
    return engine


def _get_analyzer() -> AnalyzerEngine:
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                started = time.perf_counter()
                _analyzer = _build_analyzer()
                logger.info("PII analyzer ready in %.2f s", time.perf_counter() - started)
    return _analyzer


def warm_up() -> None:
    """Build the PII analyzer now (import and set-up take 1-2 s) so the first message is fast."""
    _get_analyzer()


def _is_order_reference(text: str, start: int) -> bool:
    return _ORDER_REFERENCE_BEFORE.search(text, max(0, start - 40), start) is not None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    # A Hebrew prefix letter or a space stuck to a match belongs to the sentence, not the PII.
    while start < end and (text[start].isspace() or _HEBREW_LETTER.match(text[start])):
        start += 1
    while end > start and (text[end - 1].isspace() or _HEBREW_LETTER.match(text[end - 1])):
        end -= 1
    return start, end


def find_pii(text: str) -> list[PiiSpan]:
    """Return the personal data found in `text`, ordered by position, never overlapping.

    Args:
        text: a message in Hebrew, English or both.

    Returns:
        Spans with kind PHONE, EMAIL, CARD, IL_ID, IBAN or IP. Overlapping detections are merged
        into one span whose kind is that of the most confident detection.
    """
    if not text or not any(ch.isdigit() or ch == "@" for ch in text):
        return []  # every kind we look for contains a digit or an @
    language = "he" if _HEBREW_LETTER.search(text) else "en"
    candidates: list[tuple[int, int, float, str]] = []
    for result in _get_analyzer().analyze(text, language=language, entities=_ENTITIES):
        kind = _KIND_BY_ENTITY.get(result.entity_type)
        if kind is None:
            continue
        # An e-mail's local part may be Hebrew (דנה@...): only spaces are trimmed from it.
        start, end = (result.start, result.end) if kind == "EMAIL" else _trim(text, result.start, result.end)
        if start >= end or (kind in _ORDER_LOOKALIKE_KINDS and _is_order_reference(text, start)):
            continue
        candidates.append((start, end, result.score, kind))
    return _merge_overlaps(candidates)


def _merge_overlaps(candidates: list[tuple[int, int, float, str]]) -> list[PiiSpan]:
    candidates.sort(key=lambda c: (c[0], -c[1]))
    merged: list[PiiSpan] = []
    best_score = 0.0
    for start, end, score, kind in candidates:
        if merged and start < merged[-1].end:
            last = merged[-1]
            better = score > best_score or (score == best_score and end - start > last.end - last.start)
            merged[-1] = PiiSpan(kind=kind if better else last.kind, start=last.start, end=max(end, last.end))
            best_score = max(best_score, score)
        else:
            merged.append(PiiSpan(kind=kind, start=start, end=end))
            best_score = score
    return merged


def mask_pii(text: str) -> str:
    """Return `text` with each piece of personal data replaced by a placeholder such as "[PHONE]".

    Args:
        text: a message in Hebrew, English or both.

    Returns:
        The same text, with phones, e-mails, cards, IDs, IBANs and IPs replaced by "[PHONE]",
        "[EMAIL]", "[CARD]", "[ID]", "[IBAN]", "[IP]"; everything else is left exactly as it was.
    """
    spans = find_pii(text)
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(_PLACEHOLDER_BY_KIND[span.kind])
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def mask_identity(value: str) -> str:
    """A sender id fit to keep (checkpoints, audit actors): a phone keeps only its last 4 digits
    ("+972501234567" -> "+•••••••••4567"); ids without a long run of digits are returned as they are."""
    digits = sum(ch.isdigit() for ch in value or "")
    if digits < 7:
        return value
    seen, out = 0, []
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > digits - 4 else "•")
        else:
            out.append(ch)
    return "".join(out)


def mask_email(value: str) -> str | None:
    """An e-mail fit to keep: the first letter of the name and the domain ("dana.levi@gmail.com" ->
    "d•••@gmail.com"), or None when it is not an e-mail."""
    m = re.fullmatch(r"\s*([^@\s]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*", value or "")
    if not m:
        return None
    return f"{m.group(1)[0]}•••@{m.group(2).lower()}"
