"""The compiled cue tables (intents per language, features, owner vocabulary), from the data files."""

from __future__ import annotations

from ._patterns import CueSet
from .vocabulary import cue_table, load

__all__ = ["CUES", "CUE_WORDS", "ALL_CUE_WORDS", "OWNER_LABELS", "TAGS", "LANGUAGES"]

LANGUAGES = ("en", "he")  # each has data/<language>/intents.yaml


def _merge(*tables: dict[str, list[tuple[str, float]]]) -> dict[str, list[tuple[str, float]]]:
    merged: dict[str, list[tuple[str, float]]] = {}
    for table in tables:
        for label, entries in table.items():
            merged.setdefault(label, []).extend(entries)
    return merged


_OWNER = cue_table("features", "OWNER")
TAGS: dict[str, tuple[str, ...]] = {tag: tuple(labels) for tag, labels in load("features")["TAGS"].items()}
CUES = CueSet(_merge(*(cue_table(f"{lang}/intents", lang.upper()) for lang in LANGUAGES),
                     cue_table("features", "FEATURES"), _OWNER))
OWNER_LABELS = frozenset(_OWNER)
# Every literal word of every cue: a message word that is one of these is not a misspelt brand.
ALL_CUE_WORDS = frozenset(w for cue in CUES.cues for slot in cue.slots for w in slot.exact)
# Every literal word of every intent cue: such a word inside a brand name does not name the brand alone.
CUE_WORDS = frozenset(
    w for cue in CUES.cues if not cue.label.startswith(("f_", "o_")) for slot in cue.slots for w in slot.exact
)
