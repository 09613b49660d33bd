"""Knowledge answers: which retrieved hits are worth quoting, and the short extract to quote.

Retrieval always returns its best chunks, relevant or not; quoting an unrelated post would be a
confident wrong answer. A hit is used only when the question's words were found in it (the
lexical rank is set) or its meaning is very close; otherwise the reply says "I don't know, I'll
pass it on".
"""

from __future__ import annotations

import re
from typing import Any

from knowledge.text import is_hebrew, search_terms

__all__ = ["relevant_hits", "extract", "MIN_FUSED_SCORE", "MIN_SIMILARITY"]

# The search's fused score is 0..1 by rank (1 = first by meaning and by words). A hit that matched
# words but ranks low among vector candidates still has about 0.5.
MIN_FUSED_SCORE = 0.45
# Cosine similarity above which a hit counts even with no shared word (a paraphrase).
MIN_SIMILARITY = 0.55
_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+")
_HASHTAG_TAIL = re.compile(r"(\s*[#@][^\s#@]+)+\s*$")
_QUESTION_WORDS = {
    "what",
    "which",
    "how",
    "where",
    "when",
    "who",
    "why",
    "is",
    "are",
    "do",
    "does",
    "did",
    "can",
    "you",
    "your",
    "the",
    "a",
    "an",
    "it",
    "in",
    "on",
    "for",
    "of",
    "to",
    "and",
    "or",
    "i",
    "my",
    "me",
    "with",
    "use",
    "מה",
    "איזה",
    "איזו",
    "איך",
    "איפה",
    "מתי",
    "מי",
    "למה",
    "את",
    "אתה",
    "שלך",
    "זה",
    "יש",
    "של",
    "על",
    "עם",
    "אני",
    "לי",
    "הם",
    "היא",
    "הוא",
    "באיזה",
    "באיזו",
    "משתמשת",
    "משתמש",
    "ממה",
    "כמה",
}


def _content_terms(text: str) -> set[str]:
    return {t for t in search_terms(text) if len(t) > 1 and t not in _QUESTION_WORDS}


def relevant_hits(data: dict[str, Any] | None, *, query: str = "") -> list[dict[str, Any]]:
    """The hits worth quoting, best first (may be empty)."""
    out = []
    for hit in (data or {}).get("hits") or []:
        score = float(hit.get("score") or 0.0)
        lexical = hit.get("lexical")
        similarity = hit.get("similarity")
        if similarity is not None and float(similarity) >= MIN_SIMILARITY:
            out.append(hit)
        elif lexical is not None and score >= MIN_FUSED_SCORE:
            out.append(hit)
        elif lexical is None and similarity is None and score >= 0.8:  # a search that reports only a score
            out.append(hit)
    return out


def _answer_part(text: str) -> str:
    """For a Q&A chunk ("Q: ...\\nA: ..."), the answer; otherwise the text."""
    match = re.search(r"(?:^|\n)\s*(?:A|ת|תשובה)\s*:\s*(.+)", text, re.S)
    return match.group(1).strip() if match else text.strip()


def extract(hit: dict[str, Any], *, query: str, limit: int) -> str:
    """The sentences of a hit that best answer the query, within `limit` characters."""
    text = _answer_part(hit.get("text") or "")
    text = _HASHTAG_TAIL.sub("", text).strip()
    if len(text) <= limit:
        return text
    wanted = _content_terms(query)
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    scored = sorted(
        enumerate(sentences),
        key=lambda item: (-len(wanted & set(search_terms(item[1]))), item[0]),
    )
    chosen: list[int] = []
    size = 0
    for index, sentence in scored:
        if size + len(sentence) + 1 > limit and chosen:
            break
        chosen.append(index)
        size += len(sentence) + 1
    picked = " ".join(sentences[i] for i in sorted(chosen))
    if len(picked) > limit:
        cut = picked.rfind(" ", 0, limit - 1)
        picked = picked[: cut if cut > limit // 2 else limit - 1].rstrip(",;:–- ") + "…"
    return picked


def language_of(text: str) -> str:
    """he or en, by the letters of the text."""
    hebrew = sum(1 for ch in text if "\u05d0" <= ch <= "\u05ea")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "he" if is_hebrew(text) and hebrew >= latin / 2 else "en"
