"""The compiled cue tables (intents, features, owner vocabulary) shared by the engine's modules."""

from __future__ import annotations

from ._lexicon_en import EN
from ._lexicon_features import FEATURES, OWNER, TAGS
from ._lexicon_he import HE
from ._patterns import CueSet

__all__ = ["CUES", "CUE_WORDS", "ALL_CUE_WORDS", "OWNER_LABELS", "TAGS"]


def _merge(*tables: dict[str, list[tuple[str, float]]]) -> dict[str, list[tuple[str, float]]]:
    merged: dict[str, list[tuple[str, float]]] = {}
    for table in tables:
        for label, entries in table.items():
            merged.setdefault(label, []).extend(entries)
    return merged


CUES = CueSet(_merge(EN, HE, FEATURES, OWNER))
OWNER_LABELS = frozenset(OWNER)
# Every literal word of every cue: a message word that is one of these is not a misspelt brand.
ALL_CUE_WORDS = frozenset(w for cue in CUES.cues for slot in cue.slots for w in slot.exact)
# Every literal word of every intent cue: such a word inside a brand name does not name the brand alone.
CUE_WORDS = frozenset(
    w for cue in CUES.cues if not cue.label.startswith(("f_", "o_")) for slot in cue.slots for w in slot.exact
)
