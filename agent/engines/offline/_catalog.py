"""A matching index built once per catalog: brand names, aliases, handles, codes, products, the influencer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge import text as kt

from ._common import COMMON_WORDS
from ._cues import CUE_WORDS
from ._prep import clean_text, fold, is_latin_word, word_variants
from ._translit import spell
from .types import Catalog

__all__ = ["Form", "ProductKey", "CatalogIndex", "index_for", "is_ordinary", "compact", "stem", "SELF",
           "GENERIC_WORDS", "FUNCTION_WORDS"]

SELF = "__self__"  # the influencer themself, recognised like a brand but never reported as one

FUNCTION_WORDS = frozenset(fold(w) for w in (
    "the a an and of for by with in on at to from my your our its it is be co inc ltd llc il tlv "
    "ה של עם את על ו ב ל מ"
).split())
# Category words: too common to identify a brand alone, but they can tell apart brands the user was asked
# to choose between ("the hair one") or confirm a product.
GENERIC_WORDS = frozenset(fold(w) for w in (
    "green blue red black white gold golden silver pink pure fresh natural organic home kitchen beauty skin "
    "skincare care hair body face oil oils olive spice "
    "spices box shop store company studio lab labs life style "
    "fit fitness baby kids kid pro plus max one daily good "
    "best bio eco coffee tea wine food foods market fashion "
    "wear sport sports blenders blender mixer mixers "
    "cosmetics makeup jewelry jewellery israel official world house "
    "nature land nutrition health shoes shoe wellness design group brand brands products product collection "
    "club kitchenware bakery cafe bar farm garden pets pet toys travel tech digital media online "
    "עור שיער גוף פנים שמן שמנים זית תבלין תבלינים בית "
    "מטבח טבע טבעי טבעית ביוטי קוסמטיקה ילדים תינוק אופנה ספורט "
    "בריאות מזון אוכל קפה תה יין חנות מותג מוצרים נעליים סקין הייר קידס פרו"
).split())


@dataclass(frozen=True)
class Form:
    """One way of writing a brand: its tokens, the brand it names and how sure a match makes us."""

    ref: str
    tokens: tuple[str, ...]
    strength: float  # 1.0 name/alias, 0.9 a distinctive word of it, 0.45 a generic word of it
    kind: str  # name | word | generic


@dataclass(frozen=True)
class ProductKey:
    """A catalog product: its display name, brand and the words that identify it."""

    ref: str
    name: str
    keys: tuple[str, ...]


@dataclass
class CatalogIndex:
    """Lookup tables for one catalog."""

    by_first: dict[str, list[Form]]
    by_compact: dict[str, list[Form]]
    single_latin: list[str]  # one-word forms and compacts in Latin, for typo matching
    single_hebrew: list[str]
    forms_by_word: dict[str, list[Form]]
    codes: dict[str, str]  # upper-case code -> ref
    products: list[ProductKey]
    head_count: dict[str, int]  # how many products share a head word
    key_count: dict[str, int]  # how many products share any word
    brand_words: frozenset[str]  # every token of every form (never "typo-corrected" into a cue word)
    refs: tuple[str, ...]
    by_skeleton: dict[str, list[Form]]  # one-word forms by sound skeleton, for the other script


def _toks(text: str) -> tuple[str, ...]:
    # The same cleaning as messages get (joined acronyms, collapsed elongations), so both sides agree.
    return tuple(fold(t) for t in kt.tokens(clean_text(text)))


def compact(tokens: tuple[str, ...] | list[str]) -> str:
    """Tokens joined without spaces: "green box" and "greenbox" agree."""
    return "".join(tokens)


def stem(word: str) -> str:
    """A light English plural strip for product words ("runners" -> "runner")."""
    if is_latin_word(word) and len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_ordinary(word: str) -> bool:
    """True for a word too common to name a brand by itself (a category, a cue or an everyday word)."""
    forms = [v for i, v in enumerate(word_variants(word)) if i == 0 or len(v) >= 3]  # "לומי" is not "מי"
    return any(v in GENERIC_WORDS or v in COMMON_WORDS or v in CUE_WORDS for v in forms)


def _forms_for(ref: str, surface: str, out: list[Form]) -> None:
    toks = _toks(surface)
    if not toks:
        return
    out.append(Form(ref, toks, 1.0, "name"))
    if len(toks) > 1:
        lead = next((t for t in toks if t not in FUNCTION_WORDS), "")
        for tok in toks:
            if tok in FUNCTION_WORDS or len(tok) < 2 or tok.isdigit():
                continue
            # Brand names lead with the distinctive word ("Ikara Living", "Lumi Blenders"); the words after it
            # are mostly categories, good for telling two brands apart but not for naming one.
            generic = len(tok) < 3 or tok != lead or is_ordinary(tok)
            out.append(Form(ref, (tok,), 0.45 if generic else 0.9, "generic" if generic else "word"))


def _handle_surfaces(handle: str) -> list[str]:
    handle = handle.lstrip("@").lower()
    parts = [p for p in re.split(r"[._]+", handle) if p]
    return [handle.replace(".", " ").replace("_", " "), "".join(parts)]


@lru_cache(maxsize=1)
def _categories() -> tuple[frozenset[str], ...]:
    from .vocabulary import load

    return tuple(frozenset(fold(str(w).lower()) for w in words)
                 for words in (load("categories").get("categories") or {}).values())


def _category_words(*surfaces: str) -> set[str]:
    """Every word of each category one of the surfaces' words belongs to (data/categories.yaml)."""
    words = {t for surface in surfaces for t in _toks(surface)}
    return {w for category in _categories() if category & words for w in category}


@lru_cache(maxsize=64)
def index_for(catalog: Catalog) -> CatalogIndex:
    """Build (and cache) the matching index of a catalog."""
    forms: list[Form] = []
    codes: dict[str, str] = {}
    products: list[ProductKey] = []
    for brand in catalog.brands:
        for surface in (brand.name, *brand.aliases):
            _forms_for(brand.ref, surface, forms)
        for word in _category_words(brand.name, *brand.aliases, *brand.products):  # "hair" / "שיער": Silka Hair
            forms.append(Form(brand.ref, (word,), 0.45, "generic"))
        if re.fullmatch(r"[a-z][a-z0-9]{2,}", brand.ref or "") and not is_ordinary(brand.ref):
            forms.append(Form(brand.ref, (brand.ref,), 0.9, "word"))
        for code in brand.coupon_codes:
            codes[re.sub(r"[^0-9A-Z]", "", code.upper())] = brand.ref
        for product in brand.products:
            keys = tuple(stem(t) for t in _toks(product)
                         if len(t) >= 3 and not any(c.isdigit() for c in t) and t not in FUNCTION_WORDS)
            if keys:
                products.append(ProductKey(brand.ref, product, keys))
    self_surfaces = [catalog.display_name, *_handle_surfaces(catalog.handle)] if catalog.handle else [
        catalog.display_name]
    for surface in filter(None, self_surfaces):
        toks = _toks(surface)
        if toks:
            forms.append(Form(SELF, toks, 1.0, "name"))
            if not is_ordinary(toks[0]) and len(toks[0]) >= 2:
                forms.append(Form(SELF, (toks[0],), 0.9, "word"))
    by_first: dict[str, list[Form]] = {}
    by_compact: dict[str, list[Form]] = {}
    forms_by_word: dict[str, list[Form]] = {}
    for form in dict.fromkeys(forms):
        by_first.setdefault(form.tokens[0], []).append(form)
        if len(form.tokens) > 1:
            by_compact.setdefault(compact(form.tokens), []).append(form)
        else:
            forms_by_word.setdefault(form.tokens[0], []).append(form)
    singles = {compact(f.tokens) for f in forms if f.strength >= 0.9 and len(compact(f.tokens)) >= 4}
    by_skeleton: dict[str, list[Form]] = {}
    for word, word_forms in forms_by_word.items():
        sp = spell(word)
        strong = [f for f in word_forms if f.strength >= 0.9]
        if sp is not None and sp.skeleton and strong:
            by_skeleton.setdefault(sp.skeleton, []).extend(strong)
    heads: dict[str, int] = {}
    key_counts: dict[str, int] = {}
    for p in products:
        heads[p.keys[-1]] = heads.get(p.keys[-1], 0) + 1
        for k in set(p.keys):
            key_counts[k] = key_counts.get(k, 0) + 1
    return CatalogIndex(
        by_first=by_first,
        by_compact=by_compact,
        single_latin=sorted(s for s in singles if is_latin_word(s)),
        single_hebrew=sorted(s for s in singles if not is_latin_word(s)),
        forms_by_word=forms_by_word,
        codes=codes,
        products=products,
        head_count=heads,
        key_count=key_counts,
        brand_words=frozenset(t for f in forms for t in f.tokens),
        refs=tuple(b.ref for b in catalog.brands),
        by_skeleton=by_skeleton,
    )
