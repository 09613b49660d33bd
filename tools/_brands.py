"""Brand lookup for follower tools: a partnership by ref, name or alias, fuzzily, Hebrew prefixes included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.text import normalize, token_variants, tokens
from store import partnerships as partnership_store
from store.records import Partnership
from tools.dates import local_today
from tools.registry import OWNER, ToolContext

_FINALS = str.maketrans({"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"})
# Words too generic to identify a brand on their own ("oils" must not pick "Olivia Oils").
_GENERIC = {
    "the",
    "and",
    "shop",
    "store",
    "oil",
    "oils",
    "spices",
    "spice",
    "co",
    "ltd",
    "brand",
    "official",
    "il",
    "israel",
    "kitchen",
    "home",
    "box",
    "code",
    "coupon",
    "קוד",
    "קופון",
    "הנחה",
    "של",
    "את",
}
_FUZZY_MIN = 84


@dataclass(frozen=True)
class BrandMatch:
    """The outcome of a lookup: matching partnerships (one = resolved, several = ambiguous)."""

    query: str
    partnerships: tuple[Partnership, ...]

    @property
    def resolved(self) -> Partnership | None:
        """The single matching partnership, or None when none or several match."""
        return self.partnerships[0] if len(self.partnerships) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """True when more than one partnership matches equally well."""
        return len(self.partnerships) > 1


def tenant_today(ctx: ToolContext) -> dt.date:
    """The calendar day of ctx.now in the tenant's time zone."""
    return local_today(ctx.now, ctx.timezone)


def visible_partnerships(ctx: ToolContext) -> list[Partnership]:
    """The tenant's partnerships the caller may see: all for the owner, public ones for followers.

    Deals still being negotiated (lead..contract) and cancelled ones are the business's private
    pipeline: to a follower they do not exist.
    """
    return partnership_store.visible(session=ctx.session, tenant_id=ctx.tenant_id, public_only=ctx.role != OWNER)


def _fold(text: str) -> str:
    return normalize(text).translate(_FINALS).strip()


def _query_forms(query: str) -> set[str]:
    """The query whole and token by token, with glued Hebrew prefixes stripped ("לאוליביה" -> "אוליביה")."""
    toks = tokens(query)
    forms = {_fold(" ".join(toks)), _fold("".join(toks))}
    for tok in toks:
        forms.update(_fold(v) for v in token_variants(tok))
    if toks:  # a multi-word name with a prefix on its first word: "לגרין בוקס"
        for first in token_variants(toks[0]):
            forms.add(_fold(" ".join([first, *toks[1:]])))
            forms.add(_fold("".join([first, *toks[1:]])))
    return {f for f in forms if f}


def _names(p: Partnership) -> list[str]:
    return [n for n in (_fold(x) for x in [p.ref, p.brand, *(p.brand_aliases or [])]) if n]


def _score(p: Partnership, forms: set[str], whole: str) -> int:
    best = 0
    for name in _names(p):
        squashed = name.replace(" ", "")
        if name == whole or squashed == whole.replace(" ", ""):
            return 100
        if name in forms or squashed in forms:
            best = max(best, 95)
            continue
        name_tokens = [t for t in name.split() if len(t) >= 3 and t not in _GENERIC]
        if any(t in forms for t in name_tokens):
            best = max(best, 90)
            continue
        for form in forms:
            if len(form) < 4 or form in _GENERIC:
                continue
            for candidate in (name, squashed, *name_tokens):
                if len(candidate) >= 4 and fuzz.ratio(form, candidate) >= _FUZZY_MIN:
                    best = max(best, int(fuzz.ratio(form, candidate)) - 10)
    return best


def resolve_brand(partnerships: list[Partnership], query: str | None) -> BrandMatch:
    """The partnerships a free string (ref, brand name, alias, typo, Hebrew with prefixes) names."""
    query = (query or "").strip()
    if not query:
        return BrandMatch("", ())
    exact_ref = [p for p in partnerships if p.ref.casefold() == query.casefold()]
    if exact_ref:
        return BrandMatch(query, (exact_ref[0],))
    forms = _query_forms(query)
    whole = _fold(" ".join(tokens(query)))
    scored = [(p, _score(p, forms, whole)) for p in partnerships]
    top = max((s for _, s in scored), default=0)
    if top <= 0:
        return BrandMatch(query, ())
    return BrandMatch(query, tuple(p for p, s in scored if s == top))


def brand_summary(p: Partnership | None, *, role: str) -> dict | None:
    """The brand as tools return it; status and dates only for the owner."""
    if p is None:
        return None
    out = {"ref": p.ref, "name": p.brand, "aliases": list(p.brand_aliases or []), "link": p.link}
    if role == OWNER:
        out.update(status=p.status, start_date=_iso(p.start_date), end_date=_iso(p.end_date))
    return out


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
