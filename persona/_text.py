"""Script detection, words and n-grams of captions (Hebrew and English alike)."""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["script_of", "language_of", "words", "ngrams", "STOPWORDS"]

_SCRIPTS = {
    "he": re.compile(r"[\u05D0-\u05EA]"),
    "ar": re.compile(r"[\u0620-\u064A]"),
    "ru": re.compile(r"[\u0400-\u04FF]"),
    "el": re.compile(r"[\u0370-\u03FF]"),
    "th": re.compile(r"[\u0E00-\u0E7F]"),
    "ja": re.compile(r"[\u3040-\u30FF]"),
    "zh": re.compile(r"[\u4E00-\u9FFF]"),
    "ko": re.compile(r"[\uAC00-\uD7AF]"),
    "latin": re.compile(r"[A-Za-z\u00C0-\u024F]"),
}
_NOISE = re.compile(r"https?://\S+|[#@][^\s#@]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

STOPWORDS = frozenset(
    """
    a an the and or but of to in on at for with from by is are was were be been am i you he she it we they
    my your his her its our their me him us them this that these those so if as not no yes do does did
    just very too also all any some more most can will would could should have has had get got what which
    who how when where why there here then than up down out over about into only own same one two
    את של על עם זה זו זאת אני אתה את הוא היא אנחנו אתם הם הן לא כן גם רק כל מה מי איך למה כי אם או אבל
    יש אין היה הייתה היו יהיה להיות שלי שלך שלו שלה שלנו שלהם אותי אותך אותו אותה לי לך לו לה לנו להם
    כבר עוד אז פה שם כמו מאוד הכי ממש אחרי לפני בין תוך כדי עד אל מן הזה הזאת האלה ואני וזה
    hi hey hello minutes minute hours hour day days today week time times first new make made like love
    היי הי שלום דקות דקה שעה שעות יום היום שבוע פעם חדש
    """.split()
)


def script_of(text: str) -> str | None:
    """The script most of the letters are in ('he', 'ar', 'ru', ..., 'latin'), or None with no letters."""
    clean = _NOISE.sub(" ", text or "")
    counts = {name: len(rx.findall(clean)) for name, rx in _SCRIPTS.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else None


def language_of(text: str, *, latin_language: str = "en") -> str | None:
    """The language of a caption by its script; Latin script maps to `latin_language`."""
    script = script_of(text)
    if script == "latin":
        return latin_language
    return script


def words(text: str) -> list[str]:
    """Lower-case words without hashtags, mentions, links and numbers."""
    return [w.casefold() for w in _WORD.findall(_NOISE.sub(" ", text or ""))]


def ngrams(texts: list[str], *, sizes: tuple[int, ...] = (2, 3), min_docs: int = 2) -> list[tuple[str, int]]:
    """Word n-grams found in at least `min_docs` texts, not made of stopwords only, most frequent first."""
    doc_counts: Counter[str] = Counter()
    for text in texts:
        seen: set[str] = set()
        # n-grams do not cross sentence ends: "בשלות. מתכון" is not a phrase.
        for sentence in re.split(r"[.!?\n:;|,\d]+", _NOISE.sub(" ", text or "")):
            tokens = words(sentence)
            for n in sizes:
                for i in range(len(tokens) - n + 1):
                    window = tokens[i : i + n]
                    if all(t in STOPWORDS for t in window) or window[0] in STOPWORDS and window[-1] in STOPWORDS:
                        continue
                    seen.add(" ".join(window))
        doc_counts.update(seen)
    found = [(gram, count) for gram, count in doc_counts.items() if count >= min_docs]
    # Prefer longer phrases over the shorter ones they contain when equally frequent.
    found.sort(key=lambda item: (-item[1], -len(item[0].split()), item[0]))
    kept: list[tuple[str, int]] = []
    for gram, count in found:
        if any(gram in longer and count <= c for longer, c in kept):
            continue
        kept.append((gram, count))
    return kept
