"""Text normalisation shared by understanding and retrieval: Hebrew and English alike."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "tokens", "token_variants", "search_terms", "is_hebrew", "HEBREW_PREFIXES", "decode_bytes"]

# Letters that glue to the front of a Hebrew word: ו (and), ה (the), ב (in), ל (to), מ (from),
# ש (that), כ (as). Up to three can stack: "ושמהחנות".
HEBREW_PREFIXES = "והבלמשכ"
_NIQQUD = re.compile(r"[\u0591-\u05C7]")
_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_HEBREW = re.compile(r"[\u05D0-\u05EA]")


def is_hebrew(text: str) -> bool:
    """True when the text contains any Hebrew letter."""
    return bool(_HEBREW.search(text))


_LATIN = re.compile(r"[A-Za-z]")
_URL = re.compile(r"https?://\S+")


def detect_language(text: str) -> str | None:
    """he / en by the letters of the text (links left out), or None when it has no letters.

    The one language detector of the project: Hebrew wins from a third of the letters up, since a
    Hebrew message often carries a Latin brand name or code."""
    text = _URL.sub(" ", text or "")
    hebrew = len(_HEBREW.findall(text))
    latin = len(_LATIN.findall(text))
    if not hebrew and not latin:
        return None
    return "he" if hebrew >= latin * 0.5 else "en"


def language_of(text: str, default: str = "en") -> str:
    """he or en by the letters of the text; `default` when it has none."""
    return detect_language(text) or default


def normalize(text: str) -> str:
    """Lower-case, NFKC, without niqqud or geresh marks; Hebrew final letters kept."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _NIQQUD.sub("", text)
    text = text.replace("״", '"').replace("׳", "'")
    return text.casefold()


def tokens(text: str) -> list[str]:
    """Words of a normalised text, in order."""
    return _TOKEN.findall(normalize(text))


def token_variants(token: str, *, max_prefixes: int = 3) -> list[str]:
    """The token and its forms without glued Hebrew prefix letters ("והקוד" -> "הקוד", "קוד")."""
    out = [token]
    word = token
    for _ in range(max_prefixes):
        if len(word) > 2 and word[0] in HEBREW_PREFIXES and _HEBREW.match(word[1]):
            word = word[1:]
            out.append(word)
        else:
            break
    return out


def search_terms(text: str) -> list[str]:
    """Every token with its prefix-stripped variants, final letters folded, deduplicated in order."""
    seen: dict[str, None] = {}
    for tok in tokens(text):
        for variant in token_variants(tok):
            seen.setdefault(variant.translate(_FINALS), None)
    return list(seen)


def decode_bytes(raw: bytes) -> str:
    """An uploaded text file as text: UTF-8 (a BOM dropped), else Windows-1255 as Hebrew Windows saves it,
    else Latin-1 (which reads any byte)."""
    for encoding in ("utf-8-sig", "cp1255"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")
