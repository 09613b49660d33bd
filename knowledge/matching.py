"""Matching an owner's words to names (brands, task titles) in Hebrew and English, deterministically."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rapidfuzz import fuzz

from knowledge.text import normalize, token_variants, tokens

T = TypeVar("T")

__all__ = ["STOP_WORDS", "word_forms", "name_terms", "significant_tokens", "match_score", "best_matches"]

# Words that say nothing about which brand or task is meant.
STOP_WORDS = frozenset(
    """
    the a an of for with to on in at by my our this that task tasks todo to-do item one about from and or
    is it
    partnership deal brand collab collaboration invoice coupon code
    את של עם על אל זה זו הזה הזאת המשימה משימה משימת המשימות משימות לגבי עבור או גם שלי
    """.split()
)
_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})


def word_forms(token: str) -> set[str]:
    """A token's comparable forms: Hebrew prefixes stripped, finals folded, English plural dropped."""
    forms: set[str] = set()
    for variant in token_variants(token):
        variant = variant.translate(_FINALS)
        forms.add(variant)
        if variant.isascii() and len(variant) > 3:
            if variant.endswith("ies"):
                forms.add(variant[:-3] + "y")
            elif variant.endswith("s") and not variant.endswith("ss"):
                forms.add(variant[:-1])
    return forms


def name_terms(*names: str) -> set[str]:
    """Every comparable form of every word in the names."""
    out: set[str] = set()
    for name in names:
        for tok in tokens(name):
            out |= word_forms(tok)
    return out


def significant_tokens(query: str) -> list[str]:
    """The query's words without stop words (a query of only stop words keeps them)."""
    words = tokens(query)
    kept = [w for w in words if w not in STOP_WORDS and not any(f in STOP_WORDS for f in word_forms(w))]
    return kept or words


def match_score(query: str, names: Iterable[str]) -> float:
    """0..100: 100 when every significant query word is a word of one of the names, else fuzzy similarity."""
    names = [n for n in names if n]
    if not names or not query.strip():
        return 0.0
    terms = name_terms(*names)
    words = significant_tokens(query)
    if words and all(word_forms(w) & terms for w in words):
        return 100.0
    # Most query words found: a strong partial match ("olivia reel draft" vs "Film Olivia reel #2").
    found = sum(1 for w in words if word_forms(w) & terms)
    partial = 80.0 * found / len(words) if words and found and len(words) >= 2 else 0.0
    fuzzy = max(fuzz.WRatio(normalize(query), normalize(n)) for n in names)
    return max(partial, float(fuzzy) if fuzzy >= 85 else 0.0)


def best_matches(query: str, candidates: Iterable[tuple[T, list[str]]], *, floor: float = 85.0) -> list[T]:
    """The candidates (item, names) scoring highest, when that score reaches `floor`; ties all returned."""
    scored = [(match_score(query, names), item) for item, names in candidates]
    top = max((s for s, _ in scored), default=0.0)
    if top < floor:
        return []
    return [item for s, item in scored if s == top]
