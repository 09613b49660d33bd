"""Using the previous turn: "is there a code for it?", "and for GreenBox?", "the hair one", a bare "yes"."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._brands import BrandFindings

__all__ = ["Turn", "resolve_followup", "bare_answer_intent", "BRAND_INTENTS"]

# Intents whose subject is a brand, and which an elliptical "and for X?" continues.
BRAND_INTENTS = frozenset({"coupon_request", "product_question", "content_question", "partnership_question",
                           "support_issue", "owner_query", "owner_command"})
_ANSWERS_HELPED = frozenset({"coupon_request", "product_question", "content_question", "partnership_question",
                             "support_issue"})
_CONFIRMS = frozenset({"owner_command", "owner_query", "consent", "human_request"})


@dataclass
class Turn:
    """The engine's working result for one message, before it becomes an Understanding."""

    intent: str
    brands: list[str]
    ambiguous: list[str]
    followup: bool = False
    inherited: list[str] = field(default_factory=list)
    confidence_cap: float | None = None


def _previous(previous: dict | None) -> tuple[str | None, list[str], list[str]]:
    if not isinstance(previous, dict):
        return None, [], []
    entities = previous.get("entities") or {}
    brands = [b for b in (entities.get("brands") or []) if isinstance(b, str)]
    ambiguous = [b for b in (previous.get("ambiguous_brands") or []) if isinstance(b, str)]
    intent = previous.get("intent") if isinstance(previous.get("intent"), str) else None
    return intent, brands, ambiguous


def resolve_followup(turn: Turn, *, findings: BrandFindings, labels: dict[str, float], own_best: float,
                     n_tokens: int, previous: dict | None, role: str) -> Turn:
    """Fill the brand or the intent from the previous turn when this message leans on it."""
    prev_intent, prev_brands, prev_ambiguous = _previous(previous)
    if prev_intent is None and not prev_brands and not prev_ambiguous:
        return turn
    if prev_intent in ("owner_query", "owner_command") and role != "owner":
        prev_intent = None
    leaning = bool(labels.get("f_anaphora") or labels.get("f_continuation"))
    short = n_tokens <= 8
    # 1. The answer to "which one?": a word that picks one of the brands we asked about.
    if prev_ambiguous and not turn.brands:
        named = dict.fromkeys(findings.ambiguous + findings.weak + findings.brands)
        picked = [r for r in named if r in prev_ambiguous]
        if len(picked) == 1:
            turn.brands, turn.ambiguous = picked, []
            turn.followup = True
            turn.inherited.append("brands")
    # 2. An elliptical continuation ("and for X?", "ולגרינבוקס?", "what about Lumi?") keeps the intent.
    mentions = bool(turn.brands or turn.ambiguous or findings.weak)
    if prev_intent in BRAND_INTENTS and own_best < 0.35 and short and (mentions or leaning):
        turn.intent = prev_intent
        turn.followup = True
        turn.inherited.append("intent")
        turn.confidence_cap = 0.7
    # 3. The brand of the previous turn for a question about "it" or a short message without one.
    if not turn.brands and not turn.ambiguous and turn.intent in BRAND_INTENTS and (leaning or short):
        if findings.weak and len(findings.weak) <= 2:  # "and for hair?": the brand of that kind, not the last one
            turn.brands = list(findings.weak)
            turn.followup = True
        elif prev_brands or prev_ambiguous:
            turn.brands = list(prev_brands)
            turn.ambiguous = [] if prev_brands else list(prev_ambiguous)
            turn.followup = True
            turn.inherited.append("brands")
    return turn


def bare_answer_intent(previous: dict | None) -> str:
    """The intent of a bare "yes"/"no": a confirmation, an answer to "did it help?", else small talk."""
    prev_intent, _, _ = _previous(previous)
    if prev_intent in _CONFIRMS:
        return prev_intent
    if prev_intent in _ANSWERS_HELPED:
        return "feedback"
    return "small_talk"

