"""Message preparation: the shared normaliser plus what intent matching needs on top of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge import text as kt

__all__ = ["Prepared", "prepare", "fold", "word_variants", "is_latin_word"]

_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
# Hebrew acronyms are written with gershayim between letters (ש"ח, שת"פ, מו"מ, לו"ז): join them so the
# tokenizer keeps one word.
_ACRONYM = re.compile(r"([\u05D0-\u05EA])[\"'](?=[\u05D0-\u05EA])")
# "heyyyy", "תודהההה", "sooo": a letter repeated 3+ times is emphasis, not spelling (digits are left alone).
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
# Hebrew prefix letters glued straight onto a Latin word: "לOlivia", "בGreenBox".
_HEB_PREFIX_LATIN = re.compile(r"^[והבלמשכ]{1,3}(?=[a-z0-9])")
_HEBREW = re.compile(r"[\u05D0-\u05EA]")
_LATIN = re.compile(r"[a-z]")


def fold(word: str) -> str:
    """Hebrew final letters folded to their regular forms, so "קופון" and a prefix-stripped form agree."""
    return word.translate(_FINALS)


def is_latin_word(word: str) -> bool:
    """True when the word has Latin letters and no Hebrew ones."""
    return bool(_LATIN.search(word)) and not _HEBREW.search(word)


def word_variants(token: str) -> tuple[str, ...]:
    """The folded token and its forms without glued Hebrew prefixes (also "לolivia" -> "olivia")."""
    out = [fold(v) for v in kt.token_variants(token)]
    latin = _HEB_PREFIX_LATIN.sub("", token)
    if latin != token and latin:
        out.append(latin)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Prepared:
    """A message ready for matching: the raw text, its clean form, tokens and their variants."""

    raw: str
    clean: str
    tokens: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]

    @property
    def n(self) -> int:
        """Number of tokens."""
        return len(self.tokens)


def clean_text(text: str) -> str:
    """Normalised text with acronyms joined, elongations collapsed and typographic apostrophes plain."""
    out = kt.normalize(text).replace("’", "'").replace("`", "'")
    out = _ACRONYM.sub(r"\1", out)
    return _ELONGATION.sub(r"\1", out)


def prepare(text: str) -> Prepared:
    """Tokenise a message (with the shared normaliser) and compute each token's variants."""
    clean = clean_text(text)
    toks = tuple(fold(t) for t in kt.tokens(clean))
    return Prepared(raw=text or "", clean=clean, tokens=toks, variants=tuple(word_variants(t) for t in toks))
