"""A model's understanding checked against the offline engine's before a turn uses it.

The offline engine is exact where rules are exact: the coupon codes and order numbers typed, the
catalogue brands named, the language of the letters. A model that contradicts it there is wrong,
and a small model often is. Intents are different: the offline engine knows how sure it is, so
- when both engines agree, the model's understanding is used with the offline engine's exact entities;
- when they disagree and the offline engine is sure, the offline understanding is used whole;
- when they disagree and the offline engine is unsure (it would have asked back or guessed), the
  model's intent is *adopted*: the offline understanding is kept beside it, so a turn whose model
  reply then fails can still give the offline engine's whole answer (agent/respond/node.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Checked", "reconcile", "SURE", "GUESS"]

SURE = 0.5  # at or above: the offline intent stands against the model's
GUESS = 0.3  # below: the offline engine had no real candidate, the model's intent is taken
CANDIDATE = 0.3  # between: the model's intent is taken only when the offline engine also weighed it
_EXACT = ("brands", "coupon_codes", "order_ids", "dates", "times", "amounts")
_IN_TEXT = ("coupon_codes", "order_ids")


@dataclass
class Checked:
    """The understanding a turn uses; `replaced` says what of the model's did not survive."""

    understanding: dict[str, Any]
    replaced: list[str] = field(default_factory=list)
    adopted: bool = False  # the model's intent was used over an unsure offline one


def _typed(value: str, text: str) -> bool:
    return bool(value) and re.search(rf"(?<![\w]){re.escape(value)}(?![\w])", text, re.IGNORECASE) is not None


def _entities(model: dict[str, Any], offline: dict[str, Any], text: str, replaced: list[str]) -> dict[str, Any]:
    mine = dict(model.get("entities") or {})
    theirs = offline.get("entities") or {}
    out = {**theirs, **mine}  # the offline engine's facts (support kind, times...) the model has no field for
    for key in _EXACT:
        exact = list(theirs.get(key) or [])
        said = list(mine.get(key) or [])
        if key in _IN_TEXT:  # a code or an order number is only one the user typed
            kept = [v for v in said if _typed(str(v), text)]
            if kept != said:
                replaced.append(f"{key} not in the message: {[v for v in said if v not in kept]}")
            said = kept
        if exact and said != exact:
            if said:
                replaced.append(f"{key} {said} -> {exact}")
            said = exact
        out[key] = said
    return out


def reconcile(model: dict[str, Any], offline: dict[str, Any], *, text: str) -> Checked:
    """The understanding to use for this turn from the model's and the offline engine's."""
    replaced: list[str] = []
    m_intent, o_intent = model.get("intent"), offline.get("intent")
    o_conf = float(offline.get("confidence") or 0)
    if m_intent != o_intent:
        weighed = float((offline.get("scores") or {}).get(str(m_intent)) or 0)
        if o_conf >= SURE or (o_conf >= GUESS and weighed < CANDIDATE):
            return Checked(dict(offline), [f"intent {m_intent} -> {o_intent} (offline {o_conf:.2f})"])
    out = dict(model)
    out["entities"] = _entities(model, offline, text, replaced)
    out["language"] = offline.get("language") or model.get("language")
    if offline.get("ambiguous_brands") and not model.get("ambiguous_brands"):
        out["ambiguous_brands"] = list(offline["ambiguous_brands"])
    out["scores"] = {**(offline.get("scores") or {}), **(model.get("scores") or {})}
    return Checked(out, replaced, adopted=m_intent != o_intent)
