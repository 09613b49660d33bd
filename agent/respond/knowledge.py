"""Knowledge answers: the short extract of a relevant hit to quote, in the reply's language."""

from __future__ import annotations

import re
from typing import Any

from knowledge.relevance import content_tokens, relevant_hits
from knowledge.text import language_of, search_terms

__all__ = ["relevant_hits", "extract", "language_of"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_HASHTAG_TAIL = re.compile(r"(\s*[#@][^\s#@]+)+\s*$")


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
    wanted = set().union(*content_tokens(query)) if query else set()
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
