"""A tiny cue-pattern language over prepared tokens, with typo-tolerant lookup.

Pattern syntax (one string per cue):
  words separated by spaces must be adjacent; "a|b" is either word; "recipe*" matches any word
  starting with "recipe"; "~" skips 0-3 words ("~5" up to 5); a leading "!" drops the match when a
  negation word stands just before it ("the code worked" yes, "the code didn't work" no); a leading
  "^" anchors the cue at the first word; a leading "=" means the cue is the whole message.
Words are matched against each token and its forms without Hebrew prefixes, final letters folded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ._prep import Prepared, fold, is_latin_word

__all__ = ["Cue", "CueSet", "Match", "NEGATIONS"]

NEGATIONS = frozenset(
    fold(w)
    for w in "not no never dont don't doesnt doesn't didnt didn't isnt isn't wasnt wasn't wont won't cant "
    "can't "
    "cannot hasnt hasn't havent haven't aint ain't nothing לא אין בלי אינו אינה מעולם טרם".split()
)
# Words that look like typos of cue words but are ordinary words: never "corrected".
_NO_FUZZ = frozenset(
    "there where their these those three other after about shoes shows share store stole price prize "
    "sizes since still stall while white whole house horse your yours they then than what when which "
    "with will well were here hers more most make made must take like love live life line time type "
    "post past cost most best test text next".split()
)


@dataclass(frozen=True)
class _Slot:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    gap: int = 0  # >0: this slot is a gap of up to `gap` words

    def accepts(self, forms: tuple[str, ...]) -> bool:
        """True when any form of a token fills this slot."""
        for form in forms:
            if form in self.exact:
                return True
            for p in self.prefixes:
                if form.startswith(p):
                    return True
        return False


@dataclass(frozen=True)
class Cue:
    """One compiled pattern with its weight and the label (intent or feature) it votes for."""

    label: str
    text: str
    weight: float
    slots: tuple[_Slot, ...]
    negation_guard: bool = False
    anchored: bool = False
    whole: bool = False


@dataclass(frozen=True)
class Match:
    """A cue found in a message, with its token span [start, end)."""

    cue: Cue
    start: int
    end: int


def _compile(label: str, text: str, weight: float) -> Cue:
    body = text.strip()
    guard = anchored = whole = False
    while body[:1] in ("!", "^", "="):
        guard |= body[0] == "!"
        anchored |= body[0] == "^"
        whole |= body[0] == "="
        body = body[1:]
    slots = []
    for part in body.split():
        if part.startswith("~"):
            slots.append(_Slot(frozenset(), (), gap=int(part[1:] or 3)))
            continue
        alts = [fold(a) for a in part.split("|")]
        exact = frozenset(a for a in alts if not a.endswith("*"))
        prefixes = tuple(a[:-1] for a in alts if a.endswith("*"))
        slots.append(_Slot(exact, prefixes))
    if not slots or slots[0].gap:
        raise ValueError(f"bad cue pattern: {text!r}")
    return Cue(label, text, weight, tuple(slots), guard, anchored, whole)


class CueSet:
    """Compiled cues for many labels, indexed by their first word for speed."""

    def __init__(self, table: dict[str, list[tuple[str, float]]]):
        self.cues = [_compile(label, text, w) for label, entries in table.items() for text, w in entries]
        self._by_word: dict[str, list[Cue]] = {}
        self._by_prefix: list[Cue] = []
        vocab: set[str] = set()
        for cue in self.cues:
            first = cue.slots[0]
            for word in first.exact:
                self._by_word.setdefault(word, []).append(cue)
            if first.prefixes:
                self._by_prefix.append(cue)
            for slot in cue.slots:
                vocab.update(w for w in slot.exact if len(w) >= 4)
        self.vocab = frozenset(vocab)
        self._single: dict[tuple[str, ...], list[Cue]] = {}
        for cue in self.cues:
            if len(cue.slots) == 1:
                self._single.setdefault((cue.label,), []).append(cue)
        self._latin_vocab = sorted(w for w in vocab if is_latin_word(w))
        self._hebrew_skeletons: dict[str, str] = {}
        for w in sorted(w for w in vocab if not is_latin_word(w)):
            self._hebrew_skeletons.setdefault(_skeleton(w), w)
        self._hebrew_vocab = sorted(w for w in vocab if not is_latin_word(w))

    def correct(self, forms: tuple[str, ...], protected: frozenset[str]) -> tuple[str, ...]:
        """Forms plus a cue word the token is probably a typo of (none when it is already known)."""
        if any(f in self.vocab or f in protected for f in forms):
            return forms
        word = forms[0]
        if len(word) > 3 and word[-1] == word[-2] and word[:-1] in self.vocab:
            return forms + (word[:-1],)  # "heyy", "pleasee", "thankss"
        fixed = self._fuzzy(forms[0])
        if fixed is None and len(forms) > 1:
            fixed = self._fuzzy(forms[-1])
        return forms + (fixed,) if fixed else forms

    def _fuzzy(self, word: str) -> str | None:
        return _fuzzy_lookup(self, word)

    def tag(self, forms: tuple[str, ...], tags: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        """Forms plus the tags ("@product") of the single-word feature cues the token fills."""
        extra = []
        for tag, labels in tags.items():
            for cue in self._single.get(labels, ()):
                if cue.slots[0].accepts(forms):
                    extra.append(tag)
                    break
        return forms + tuple(extra) if extra else forms

    def find(self, prep: Prepared, forms: list[tuple[str, ...]]) -> list[Match]:
        """Every cue occurrence in the message (each cue at most once, its first occurrence)."""
        found: dict[int, Match] = {}
        n = len(forms)
        for i, token_forms in enumerate(forms):
            candidates: list[Cue] = []
            for form in token_forms:
                candidates.extend(self._by_word.get(form, ()))
            for cue in self._by_prefix:
                if cue.slots[0].accepts(token_forms):
                    candidates.append(cue)
            for cue in candidates:
                if id(cue) in found or (cue.anchored and i != 0):
                    continue
                end = _match_from(cue.slots, 1, i + 1, forms)
                if end < 0 or (cue.whole and (i != 0 or end != n)):
                    continue
                if cue.negation_guard and _negated(forms, i):
                    continue
                found[id(cue)] = Match(cue, i, end)
        return list(found.values())


def _match_from(slots: tuple[_Slot, ...], si: int, ti: int, forms: list[tuple[str, ...]]) -> int:
    if si == len(slots):
        return ti
    slot = slots[si]
    if slot.gap:
        for skip in range(slot.gap + 1):
            end = _match_from(slots, si + 1, ti + skip, forms)
            if end >= 0:
                return end
        return -1
    if ti < len(forms) and slot.accepts(forms[ti]):
        return _match_from(slots, si + 1, ti + 1, forms)
    return -1


def _negated(forms: list[tuple[str, ...]], start: int) -> bool:
    for j in range(max(0, start - 2), start):
        if any(f in NEGATIONS for f in forms[j]):
            return True
    return False


def _skeleton(word: str) -> str:
    """A Hebrew word without its inner vowel letters: spelling with or without ו/י agrees."""
    if len(word) <= 2:
        return word
    return word[0] + word[1:-1].replace("ו", "").replace("י", "") + word[-1]


def _fuzzy_lookup(cs: CueSet, word: str) -> str | None:
    if word in _NO_FUZZ or word.isdigit():
        return None
    return _lookup(id(cs), cs, word)


_CACHE: dict[tuple[int, str], str | None] = {}


def _lookup(key: int, cs: CueSet, word: str) -> str | None:
    hit = _CACHE.get((key, word), ...)
    if hit is not ...:
        return hit
    result: str | None = None
    if is_latin_word(word):
        if len(word) >= 5:
            limit = 1 if len(word) < 8 else 2
            best = process.extractOne(word, cs._latin_vocab, scorer=OSA.distance, score_cutoff=limit)
            if best and abs(len(best[0]) - len(word)) <= limit and best[0][0] == word[0]:
                result = best[0]
    elif len(word) >= 4:
        result = cs._hebrew_skeletons.get(_skeleton(word))
        if result is None and len(word) >= 6:
            best = process.extractOne(word, cs._hebrew_vocab, scorer=OSA.distance, score_cutoff=1)
            result = best[0] if best else None
    if len(_CACHE) > 20000:
        _CACHE.clear()
    _CACHE[(key, word)] = result
    return result
