"""Presidio recognizers of our own: Israeli phones and ID numbers, Luhn cards, offline e-mail."""

from __future__ import annotations

import tldextract
from presidio_analyzer import Pattern, PatternRecognizer
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.predefined_recognizers import EmailRecognizer

IL_PHONE = "IL_PHONE"
NATIONAL_PHONE = "NATIONAL_PHONE"
IL_ID = "IL_ID_NUMBER"
CARD = "CARD_NUMBER"

# Hebrew letters may touch a number or an address ("ל-054...", "במייל:dana@x.com"), so the
# boundaries below exclude only digits and Latin letters, never Python's Unicode \w.
_NOT_AFTER_ALNUM = r"(?<![0-9A-Za-z])"
_NOT_BEFORE_ALNUM = r"(?![0-9A-Za-z])"

# Seven subscriber digits, grouped the ways people actually type them: 7654321, 765-4321,
# 765 4321, 765-43-21. Dots are deliberately not separators: "04.05.2024 9" is a date.
_SUBSCRIBER = r"(?:\d{7}|\d{3}[- ]?\d{4}|\d{3}[- ]\d{2}[- ]\d{2})"
# Area/operator codes: mobile 050-059, VoIP/"virtual" 070-079, landlines 02 03 04 08 09.
_AREA = r"(?:5\d|7\d|[23489])"

IL_PHONE_PATTERNS = [
    Pattern(
        "IL mobile in pairs (05 47 65 43 21)",
        r"(?<![0-9A-Za-z+])0[57]\d?(?:[- ]\d{2}){4}(?!\d)",
        0.6,
    ),
    Pattern(
        "IL phone, local (05X-XXXXXXX, 0X-XXXXXXX)",
        rf"(?<![0-9A-Za-z+])\(?0{_AREA}\)?[- ]?{_SUBSCRIBER}(?!\d)",
        0.6,
    ),
    Pattern(
        "IL phone, international (+972 / 00972 / 972)",
        rf"(?<![0-9A-Za-z+])(?:\+|00)?972[- ]?(?:\(0\)[- ]?)?{_AREA}[- ]?{_SUBSCRIBER}(?!\d)",
        0.7,
    ),
]

IL_ID_PATTERNS = [
    # Nine digits, optionally written with a dash before the check digit (12345678-2); or eight, the
    # leading zero left out (39337423 for 039337423), which the check digit then validates.
    Pattern("IL ID number", rf"{_NOT_AFTER_ALNUM}(?:\d{{9}}|\d{{8}}-\d|\d{{8}}){_NOT_BEFORE_ALNUM}", 0.3),
]

# National formats of other countries that libphonenumber may call invalid (fictional 555 numbers)
# or that its regions do not cover: UK 07700 900 123, US (212) 555-0147 / 212-555-0147.
NATIONAL_PHONE_PATTERNS = [
    Pattern("UK/EU national with a trunk 0", r"(?<![0-9A-Za-z+])0\d{3,4}[ -]\d{3}[ -]?\d{3,4}(?!\d)", 0.5),
    Pattern("US (NPA) NXX-XXXX", r"(?<![0-9A-Za-z+])\(\d{3}\)[ ]?\d{3}[-. ]\d{4}(?!\d)", 0.5),
    Pattern("US NPA-NXX-XXXX", r"(?<![0-9A-Za-z+])[2-9]\d{2}[-.][2-9]\d{2}[-.]\d{4}(?!\d)", 0.5),
]

CARD_PATTERNS = [
    # 13-19 digits in groups of four (the last group 1-3 digits), with spaces/dashes or none.
    Pattern(
        "card, groups of four",
        rf"{_NOT_AFTER_ALNUM}[2-6]\d{{3}}(?:[- ]?\d{{4}}){{2,3}}(?:[- ]?\d{{1,3}})?{_NOT_BEFORE_ALNUM}",
        0.3,
    ),
    Pattern(
        "card, groups of four with dots",
        rf"{_NOT_AFTER_ALNUM}[2-6]\d{{3}}(?:\.\d{{4}}){{3}}(?:\.\d{{1,3}})?{_NOT_BEFORE_ALNUM}",
        0.3,
    ),
    Pattern(
        "card, Amex 4-6-5",
        rf"{_NOT_AFTER_ALNUM}3[47]\d{{2}}[- ]?\d{{6}}[- ]?\d{{5}}{_NOT_BEFORE_ALNUM}",
        0.3,
    ),
]

EMAIL_PATTERNS = [
    Pattern(
        "e-mail, ASCII",
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])",
        0.5,
    ),
    Pattern(
        "e-mail, a local part in any script (דנה@, josé@)",
        r"(?<![\w.%+-])[\w.%+-]*[^\x00-\x7f\s@][\w.%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])",
        0.5,
    ),
]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def is_valid_il_id(text: str) -> bool:
    """Return True when the digits form a valid Israeli ID number (Teudat Zehut check digit)."""
    digits = _digits(text)
    if len(digits) > 9 or not digits or int(digits) == 0:
        return False
    total = 0
    for index, char in enumerate(digits.zfill(9)):
        value = int(char) * (1 if index % 2 == 0 else 2)
        total += value if value < 10 else value - 9
    return total % 10 == 0


def passes_luhn(text: str) -> bool:
    """Return True when the digits pass the Luhn checksum used by payment cards."""
    digits = _digits(text)
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value if value < 10 else value - 9
    return total % 10 == 0


class IsraeliPhoneRecognizer(PatternRecognizer):
    """Israeli phone numbers by shape, including ranges libphonenumber calls unallocated."""

    def __init__(self, *, supported_language: str) -> None:
        super().__init__(
            supported_entity=IL_PHONE,
            name=f"IsraeliPhoneRecognizer_{supported_language}",
            patterns=IL_PHONE_PATTERNS,
            supported_language=supported_language,
        )


class NationalPhoneRecognizer(PatternRecognizer):
    """Phones in other countries' national formats, by shape (see NATIONAL_PHONE_PATTERNS)."""

    def __init__(self, *, supported_language: str) -> None:
        super().__init__(
            supported_entity=NATIONAL_PHONE,
            name=f"NationalPhoneRecognizer_{supported_language}",
            patterns=NATIONAL_PHONE_PATTERNS,
            supported_language=supported_language,
        )


class IsraeliIdRecognizer(PatternRecognizer):
    """Israeli ID numbers (9 digits); only those whose check digit is valid count."""

    def __init__(self, *, supported_language: str) -> None:
        super().__init__(
            supported_entity=IL_ID,
            name=f"IsraeliIdRecognizer_{supported_language}",
            patterns=IL_ID_PATTERNS,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        """Keep the match only if its check digit is right."""
        return is_valid_il_id(pattern_text)


class LuhnCardRecognizer(PatternRecognizer):
    """Payment card numbers of 13-19 digits that pass the Luhn checksum."""

    def __init__(self, *, supported_language: str) -> None:
        super().__init__(
            supported_entity=CARD,
            name=f"LuhnCardRecognizer_{supported_language}",
            patterns=CARD_PATTERNS,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        """Keep the match only if it passes Luhn."""
        return passes_luhn(pattern_text)


# An extractor that never fetches the public-suffix list: it reads the snapshot bundled with
# tldextract, whatever the environment says (the module-level one may have been built earlier).
_OFFLINE_TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    """E-mail addresses with an ASCII pattern (Hebrew may touch them) and an offline TLD check."""

    def __init__(self, *, supported_language: str) -> None:
        super().__init__(
            patterns=EMAIL_PATTERNS,
            supported_language=supported_language,
            name=f"OfflineEmailRecognizer_{supported_language}",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """Keep the match only if its domain ends in a real public suffix."""
        return _OFFLINE_TLD_EXTRACTOR(pattern_text.rsplit("@", 1)[-1]).fqdn != ""


class NoContextEnhancer(ContextAwareEnhancer):
    """Leaves scores alone: with no NLP model there are no tokens to find context words in.

    Presidio's default enhancer would log "Skipping context extraction" at INFO on every call.
    Our decisions rest on shape and checksums instead (phone shape, check digit, Luhn, TLD).
    """

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        """Return the results unchanged."""
        return raw_results


__all__ = [
    "CARD",
    "IL_ID",
    "IL_PHONE",
    "IsraeliIdRecognizer",
    "IsraeliPhoneRecognizer",
    "NationalPhoneRecognizer",
    "LuhnCardRecognizer",
    "NoContextEnhancer",
    "OfflineEmailRecognizer",
    "is_valid_il_id",
    "passes_luhn",
]
