"""Cross-script name matching: "זארה" is "Zara", "גרינבוקס" is "GreenBox", without any alias given.

Both spellings are reduced to a consonant skeleton (letters grouped by sound) plus the vowels between
consonants. Hebrew may leave vowels out but may not contradict the Latin ones, which keeps
"למה" (why) from matching "Lumi".
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

__all__ = ["Spelling", "spell", "same_name"]

_LATIN_DIGRAPHS = [("sch", "s"), ("sh", "s"), ("ch", "k"), ("ph", "p"), ("th", "t"), ("ck", "k"), ("ts", "s"),
                   ("tz", "s"), ("kh", "k"), ("qu", "k"), ("x", "ks"), ("q", "k"), ("w", "b"), ("v", "b"),
                   ("f", "p"), ("j", "g")]
_LATIN_VOWELS = set("aeiouy")
_HE_CONSONANT = {"ב": "b", "ג": "g", "ד": "d", "ז": "z", "ח": "k", "ט": "t", "כ": "k", "ך": "k", "ל": "l",
                 "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "פ": "p", "ף": "p", "צ": "s", "ץ": "s",
                 "ק": "k", "ר": "r", "ש": "s", "ת": "t"}
# Which Latin vowels a Hebrew vowel letter can stand for.
_HE_VOWEL = {"א": set("aeiouy"), "ע": set("aeiouy"), "ה": set("ae"), "ו": set("ou"), "י": set("iey")}


class Spelling(tuple):
    """(skeleton, vowel slots): consonant classes, and the vowels before/between/after them."""

    @property
    def skeleton(self) -> str:
        """The consonant skeleton."""
        return self[0]

    @property
    def slots(self) -> tuple[frozenset[str], ...]:
        """Vowels in each gap around the consonants (len(skeleton) + 1 gaps)."""
        return self[1]


@lru_cache(maxsize=4096)
def spell(word: str) -> Spelling | None:
    """The sound skeleton of a Latin or Hebrew word; None for words in neither script."""
    if re.fullmatch(r"[a-z]+", word):
        return _latin(word)
    if re.fullmatch(r"[\u05D0-\u05EA'\"]+", word):
        return _hebrew(word)
    return None


def _latin(word: str) -> Spelling:
    word = re.sub(r"(.)\1+", r"\1", word)  # Latin doubling (bella, sunny) is spelling, not sound
    for a, b in _LATIN_DIGRAPHS:
        word = word.replace(a, b)
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k").replace("h", "")
    skeleton: list[str] = []
    slots: list[frozenset[str]] = []
    gap: set[str] = set()
    for ch in word:
        if ch in _LATIN_VOWELS:
            gap.add(ch)
        else:
            skeleton.append(ch)
            slots.append(frozenset(gap))
            gap = set()
    slots.append(frozenset(gap))
    return Spelling(("".join(skeleton), tuple(slots)))


def _hebrew(word: str) -> Spelling:
    word = word.replace("'", "").replace('"', "").replace("וו", "ב")
    skeleton: list[str] = []
    slots: list[frozenset[str]] = []
    gap: set[str] = set()
    for ch in word:
        if ch in _HE_CONSONANT:
            skeleton.append(_HE_CONSONANT[ch])
            slots.append(frozenset(gap))
            gap = set()
        else:
            gap.add(ch)
    slots.append(frozenset(gap))
    return Spelling(("".join(skeleton), tuple(slots)))


def _vowels_agree(hebrew: Spelling, latin: Spelling) -> bool:
    for he_gap, la_gap in zip(hebrew.slots, latin.slots, strict=False):
        for letter in he_gap:
            if not la_gap or not (_HE_VOWEL.get(letter, set()) & la_gap):
                return False
    return True


@lru_cache(maxsize=16384)
def same_name(a: str, b: str) -> bool:
    """True when two words of different scripts plausibly spell the same name."""
    sa, sb = spell(a), spell(b)
    if sa is None or sb is None:
        return False
    a_hebrew = not re.fullmatch(r"[a-z]+", a)
    b_hebrew = not re.fullmatch(r"[a-z]+", b)
    if a_hebrew == b_hebrew:
        return False
    hebrew, latin = (sa, sb) if a_hebrew else (sb, sa)
    if not latin.skeleton:
        return False
    if len(latin.skeleton) == 1 and (len(a if a_hebrew else b) < 4 or len(b if a_hebrew else a) < 3):
        return False  # one-consonant names ("Maya", "Noa") only from a full Hebrew spelling ("מאיה", "נועה")
    if hebrew.skeleton == latin.skeleton:
        return _vowels_agree(hebrew, latin)
    return len(latin.skeleton) >= 5 and OSA.distance(hebrew.skeleton, latin.skeleton) <= 1
