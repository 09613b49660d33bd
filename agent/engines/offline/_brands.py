"""Finding brands, coupon codes, products and the influencer in a message, with typos and prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ._catalog import SELF, CatalogIndex, compact, is_ordinary, stem
from ._cues import ALL_CUE_WORDS
from ._prep import Prepared, is_latin_word
from ._translit import same_name, spell

__all__ = ["BrandFindings", "find_brands"]

_CODE_TOKEN = re.compile(r"(?<![\w@#/])[A-Za-z0-9][A-Za-z0-9-]{2,24}(?![\w@])")


@dataclass
class BrandFindings:
    """What the catalog recognised in one message."""

    brands: list[str] = field(default_factory=list)  # unambiguous, in order of mention
    ambiguous: list[str] = field(default_factory=list)  # refs that one mention fits equally
    weak: list[str] = field(default_factory=list)  # refs named only by a generic word ("the hair one")
    self_mentioned: bool = False
    codes: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    masks: dict[int, str] = field(default_factory=dict)  # token position -> placeholder for intent cues
    fuzzy: bool = False  # some brand was recognised only approximately


def _hebrew_ktiv(word: str) -> str:
    """Without inner ו/י, so plene and defective spellings agree ("גרינבוקס" / "גרנבוקס")."""
    return word[0] + word[1:-1].replace("ו", "").replace("י", "") + word[-1] if len(word) > 2 else word


def _approximate(idx: CatalogIndex, word: str) -> tuple[str, ...]:
    """One-word forms that the word is probably a misspelling or a transliteration of."""
    if len(word) < 3 or word in ALL_CUE_WORDS or is_ordinary(word):
        return ()
    found: list[str] = []
    if is_latin_word(word):
        if len(word) >= 5:
            limit = 1 if len(word) < 8 else 2
            best = process.extractOne(word, idx.single_latin, scorer=OSA.distance, score_cutoff=limit)
            if best and best[0][0] == word[0]:
                found.append(best[0])
    else:
        if len(word) >= 4:
            ktiv = _hebrew_ktiv(word)
            found.extend(f for f in idx.single_hebrew if _hebrew_ktiv(f) == ktiv)
            if not found and len(word) >= 5:
                best = process.extractOne(word, idx.single_hebrew, scorer=OSA.distance, score_cutoff=1)
                if best:
                    found.append(best[0])
    sp = spell(word)
    if sp is not None and sp.skeleton:
        same = idx.by_skeleton.get(sp.skeleton, ())
        found.extend(f.tokens[0] for f in same if same_name(word, f.tokens[0]))
    return tuple(dict.fromkeys(found))


def _candidates(prep: Prepared, idx: CatalogIndex) -> tuple[list[tuple[int, int, str, float]], bool]:
    cands: list[tuple[int, int, str, float]] = []
    n = prep.n
    for i in range(n):
        for v in prep.variants[i]:
            for form in idx.by_first.get(v, ()):
                k = len(form.tokens)
                if i + k <= n and all(form.tokens[j] in prep.variants[i + j] for j in range(1, k)):
                    cands.append((i, i + k, form.ref, form.strength))
            for k in (1, 2, 3):  # "green box" vs "greenbox", "powerup" vs "power up"
                if i + k > n or (k == 1 and v not in idx.by_compact):
                    continue
                joined = v + compact(prep.tokens[i + 1:i + k])
                forms = idx.by_compact.get(joined, []) + (idx.forms_by_word.get(joined, []) if k > 1 else [])
                for form in forms:
                    cands.append((i, i + k, form.ref, form.strength * 0.95))
    covered = {p for s, e, _, _ in cands for p in range(s, e)}
    fuzzy = False
    for i in range(n):
        if i in covered or prep.tokens[i].isdigit():
            continue
        # One word, or two written apart ("ליש קו" for "LeashCo"), misspelt or in the other script.
        spans = [(v, 1) for v in prep.variants[i]]
        nxt = prep.tokens[i + 1] if i + 1 < n else ""
        joinable = nxt and not nxt.isdigit() and nxt not in ALL_CUE_WORDS
        if joinable and i + 1 not in covered:
            spans += [(v + prep.tokens[i + 1], 2) for v in prep.variants[i]]
        for text, k in spans:
            for word in _approximate(idx, text):
                for form in idx.forms_by_word.get(word, []) + idx.by_compact.get(word, []):
                    if form.strength >= 0.9:
                        cands.append((i, i + k, form.ref, form.strength * 0.85))
                        fuzzy = True
    return cands, fuzzy


def _codes(prep: Prepared, idx: CatalogIndex, findings: BrandFindings) -> None:
    catalog_codes = {c: c for c in idx.codes}
    for m in _CODE_TOKEN.finditer(prep.raw):
        raw = m.group(0)
        key = re.sub(r"[^0-9A-Z]", "", raw.upper())
        code = catalog_codes.get(key)
        if code is None and raw.isupper() and len(key) >= 5:
            # A letter typo in a known code, never another number ("NOA20" is a new code, not "NOA10").
            digits = re.sub(r"\D", "", key)
            best = process.extractOne(key, [c for c in catalog_codes if re.sub(r"\D", "", c) == digits],
                                      scorer=OSA.distance, score_cutoff=1)
            code = best[0] if best else None
        if code and code not in findings.codes:
            findings.codes.append(code)
        if code:
            low = raw.lower()
            for pos, tok in enumerate(prep.tokens):
                if tok == low or tok == key.lower():
                    findings.masks[pos] = "§code"


def _distinctive(word: str) -> bool:
    """A long word that is neither everyday nor an English verb form ("packing", "used", "really")."""
    return len(word) >= 6 and not word.endswith(("ing", "ed", "ly")) and not is_ordinary(word)


def _products(prep: Prepared, idx: CatalogIndex) -> list[tuple[str, str, float]]:
    words = {stem(v) for forms in prep.variants for v in forms}
    hebrew = [v for forms in prep.variants for v in forms if not is_latin_word(v) and len(v) >= 4]
    found = []
    for p in idx.products:
        if all(k in words for k in p.keys):
            found.append((p.ref, p.name, 0.75))
            continue
        head = p.keys[-1]
        if idx.head_count.get(head) == 1 and len(head) >= 4 and not is_ordinary(head):
            if head in words or any(same_name(h, head) for h in hebrew):
                found.append((p.ref, p.name, 0.6))
                continue
        # A long, distinctive word of the name names it too ("the swaddle" for "Swaddle blanket").
        if any(k in words and _distinctive(k) and idx.key_count.get(k) == 1 for k in p.keys):
            found.append((p.ref, p.name, 0.6))
    return found


def find_brands(prep: Prepared, idx: CatalogIndex) -> BrandFindings:
    """Brands (exact, by alias, prefixed, misspelled or transliterated), codes, products and self-mentions."""
    findings = BrandFindings()
    cands, findings.fuzzy = _candidates(prep, idx)
    spans: dict[tuple[int, int], dict[str, float]] = {}
    for s, e, ref, strength in cands:
        refs = spans.setdefault((s, e), {})
        refs[ref] = max(refs.get(ref, 0.0), strength)
    ranked = sorted(spans.items(), key=lambda kv: (-max(kv[1].values()), -(kv[0][1] - kv[0][0]), kv[0][0]))
    taken: set[int] = set()
    accepted = []
    for (s, e), refs in ranked:
        if any(p in taken for p in range(s, e)):
            continue
        best = max(refs.values())
        top = sorted(r for r, v in refs.items() if v >= best - 1e-9)
        if len(top) > 1 and SELF in top:
            top.remove(SELF)
            findings.self_mentioned = True
        accepted.append((s, top, best))
        if best >= 0.6:
            taken.update(range(s, e))
            for p in range(s, e):
                findings.masks[p] = "§self" if top == [SELF] else "§brand"
    for _, top, best in sorted(accepted, key=lambda a: a[0]):
        if top == [SELF]:
            findings.self_mentioned = True
        elif best < 0.6:
            if len(top) == 1 and top[0] not in findings.weak:
                findings.weak.append(top[0])
        elif len(top) == 1:
            if top[0] not in findings.brands:
                findings.brands.append(top[0])
        else:
            findings.ambiguous.extend(r for r in top if r not in findings.ambiguous)
    _codes(prep, idx, findings)
    for code in findings.codes:
        code_ref = idx.codes.get(re.sub(r"[^0-9A-Z]", "", code.upper()))
        if code_ref and code_ref not in findings.brands:
            findings.brands.append(code_ref)
    explicit = bool(findings.brands or findings.ambiguous)
    for ref, name, _strength in _products(prep, idx):
        findings.products.append(name)
        if not explicit and ref not in findings.brands:
            findings.brands.append(ref)
    findings.ambiguous = [r for r in findings.ambiguous if r not in findings.brands]
    findings.weak = [r for r in findings.weak if r not in findings.brands]
    return findings
