"""Which retrieved knowledge hits answer the question (used by search_knowledge and the reply).

Retrieval always returns its best chunks, relevant or not, and its fused score is by rank; quoting
an unrelated post would be a confident wrong answer ("a sushi recipe?" -> the shakshuka post, because
both say "recipe"). A hit is used when it covers most of the question's content words (in either
language, through the knowledge glossary) or its meaning is very close; otherwise the reply says
"I don't know, I'll pass it on".
"""

from __future__ import annotations

import math
from typing import Any

from knowledge import lexicon as knowledge_lexicon
from knowledge.text import search_terms, tokens

__all__ = [
    "relevant_hits",
    "is_relevant",
    "coverage",
    "content_tokens",
    "MIN_COVERAGE",
    "MIN_MATCHED",
    "MIN_SIMILARITY",
]

# A hit must contain most of the question's content words (1 of 1, 2 of 2, 2 of 3), or at least
# MIN_MATCHED of them in a longer question.
MIN_COVERAGE = 0.6
MIN_MATCHED = 2
# Cosine similarity above which a hit counts whatever its words (a paraphrase, with real embeddings).
MIN_SIMILARITY = 0.75
# Words that carry the question's shape, not its topic.
_FILLER = frozenset(
    """
    what which how where when who why whose is are was were be do does did can could would should will
    you your yours i me my mine we our it its the a an in on at for of to and or with from about by as
    any some this that these those there here have has had get got use used using uses recommend
    recommended good best better like love buy bought make made tell know think need want please pls
    hi hey hello thanks thank really just also still much many more most one ones kind type sort
    post posts where's what's who's i've i'm i'd ever never before after yet again since
    מה איזה איזו אילו איך איפה מתי מי למה כמה את אתה אתם אתן אני לי לך שלך שלכם שלי זה זו זאת יש אין
    של על עם גם רק כל הכי כן לא עוד כבר אבל או אם כי אז פה שם היא הוא הם הן משתמשת משתמש משתמשים
    ממליצה ממליץ ממליצים אוהבת אוהב קונה קנית קנית טוב טובה טובים כדאי צריך צריכה רוצה רוצים
    יודעת יודע תגידי תגיד ספרי ספר אפשר בבקשה היי שלום תודה באמת פוסט הפוסט העלית העלת העלה לעשות
    """.split()
)


# Hebrew inflection endings (final letters folded, as search_terms gives them): plural, feminine, construct.
_HE_SUFFIXES = ("יימ", "יות", "ימ", "ות", "ית", "ת", "ה", "י")
_HE_LETTERS = set("אבגדהוזחטיכלמנסעפצקרשת")


def _hebrew_fold(term: str) -> set[str]:
    """Light Hebrew stems: one inflection ending off, and the spelling without one inner ו/י (a vowel
    letter plene spelling adds), so "כואבת" and "כאבי" (כאב), "ברכיים" and "ברך", "רצה" and "ריצה" meet.
    One letter at a time: dropping them all made "ראיתי" and "בריאות" one word. Stems shorter than three
    letters are dropped: they would match everything."""
    stems = {term}
    for suffix in _HE_SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            stems.add(term[: -len(suffix)])
            break
    out = set(stems)
    for stem in stems:
        for i in range(1, len(stem) - 1):
            if stem[i] in "וי" and len(stem) > 3:
                out.add(stem[:i] + stem[i + 1 :])
    return out


def _fold(term: str) -> set[str]:
    """A term with light English folds: plural, -ed, -ing ("workshops", "unboxed", "wrapped", "running"),
    and light Hebrew stems (see _hebrew_fold)."""
    out = {term}
    if term and set(term) <= _HE_LETTERS:
        return _hebrew_fold(term) if len(term) >= 3 else out
    if not term.isascii() or len(term) <= 3:
        return out
    term = term.split("'")[0] or term  # "brisket's", "i've"
    out.add(term)
    for suffix in ("ing", "ed", "es", "s"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 3 and not term.endswith("ss"):
            stem = term[: -len(suffix)]
            out.add(stem)
            if len(stem) > 3 and stem[-1] == stem[-2]:  # "wrapp" -> "wrap", "runn" -> "run"
                out.add(stem[:-1])
            break
    return out


def _terms_of(text: str) -> set[str]:
    found: set[str] = set()
    for term in search_terms(text):
        found |= _fold(term)
    return found


def content_tokens(query: str) -> list[set[str]]:
    """Each content word of the query as its set of forms (prefixes stripped, plural, translation)."""
    out: list[set[str]] = []
    for token in tokens(query):
        forms = _terms_of(token)
        if len(token) < 2 or forms & _FILLER or token.isdigit():
            continue
        for word in knowledge_lexicon.translations(token):
            forms |= _terms_of(word)
        if not any(forms & kept for kept in out):  # "running" and "run" are one word of the question
            out.append(forms)
    return out


def _hit_terms(hit: dict[str, Any]) -> set[str]:
    meta = hit.get("meta") or {}
    extra = [
        hit.get("title") or "",
        hit.get("brand") or "",
        str(meta.get("brand") or ""),
        str(meta.get("question") or ""),
        " ".join(str(x) for x in meta.get("aliases") or []),
        " ".join(str(x) for x in meta.get("hashtags") or []),
        " ".join(str(x) for x in meta.get("mentions") or []),
    ]
    text = " ".join([hit.get("text") or "", *extra])
    return _terms_of(text) | _terms_of(" ".join(knowledge_lexicon.translations(text)))


def coverage(hit: dict[str, Any], query: str) -> float:
    """Share of the query's content words found in the hit (1.0 when the query has none)."""
    wanted = content_tokens(query)
    if not wanted:
        return 0.0
    have = _hit_terms(hit)
    return sum(1 for forms in wanted if forms & have) / len(wanted)


def _matched(hit: dict[str, Any], wanted: list[set[str]]) -> int:
    have = _hit_terms(hit)
    return sum(1 for forms in wanted if forms & have)


def _needed(wanted: list[set[str]]) -> int:
    return min(MIN_MATCHED, max(1, math.ceil(MIN_COVERAGE * len(wanted) - 1e-9)))


def is_relevant(hit: dict[str, Any], query: str) -> bool:
    """True when the hit contains enough of the question's content words, or means nearly the same (by
    the line of the embedder that found it, `meaning_similarity`; MIN_SIMILARITY when it has none)."""
    similarity = hit.get("similarity")
    line = hit.get("meaning_similarity") or MIN_SIMILARITY
    if similarity is not None and float(similarity) >= float(line):
        return True
    wanted = content_tokens(query)
    return bool(wanted) and _matched(hit, wanted) >= _needed(wanted)


def relevant_hits(data: dict[str, Any] | None, *, query: str = "") -> list[dict[str, Any]]:
    """The hits worth quoting, the most covering first (may be empty)."""
    query = query or (data or {}).get("query") or ""
    wanted = content_tokens(query)
    scored = [
        (-_matched(hit, wanted), order, hit)
        for order, hit in enumerate((data or {}).get("hits") or [])
        if is_relevant(hit, query)
    ]
    return [hit for _, _, hit in sorted(scored, key=lambda item: item[:2])]
