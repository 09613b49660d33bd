"""Scoring the offline engine on labelled messages (evals/nlu/*.yaml): accuracy, per-intent precision and
recall, and the confusion matrix, for the rules alone or rules with the intent classifier."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agent.engines.offline import BrandEntry, Catalog, understand

__all__ = ["Score", "load_catalogs", "score_file", "render"]

DEFAULT_NOW = "2026-11-23T10:00:00+02:00"


@dataclass
class Score:
    """The outcome of one labelled file."""

    name: str
    pairs: list[tuple[str, str, str]] = field(default_factory=list)  # (expected, predicted, text)

    @property
    def accuracy(self) -> float:
        return sum(e == p for e, p, _ in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def per_intent(self) -> dict[str, tuple[float, float, int]]:
        """intent -> (precision, recall, support)."""
        labels = sorted({e for e, _, _ in self.pairs} | {p for _, p, _ in self.pairs})
        out = {}
        for label in labels:
            tp = sum(e == p == label for e, p, _ in self.pairs)
            predicted = sum(p == label for _, p, _ in self.pairs)
            support = sum(e == label for e, _, _ in self.pairs)
            out[label] = (tp / predicted if predicted else 0.0, tp / support if support else 0.0, support)
        return out

    def confusion(self) -> Counter[tuple[str, str]]:
        """(expected, predicted) -> count, mistakes only."""
        return Counter((e, p) for e, p, _ in self.pairs if e != p)


def load_catalogs(path: Path) -> dict[str, Catalog]:
    """The catalogs a labelled set refers to by `cat` (the `catalogs:` block of a labelled file)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        key: Catalog(
            brands=tuple(BrandEntry(ref=b["ref"], name=b["name"], aliases=tuple(b.get("aliases", ())),
                                    coupon_codes=tuple(b.get("coupon_codes", ())),
                                    products=tuple(b.get("products", ()))) for b in spec["brands"]),
            handle=spec["handle"], display_name=spec["display_name"],
        )
        for key, spec in (data.get("catalogs") or {}).items()
    }


def score_file(path: Path, catalogs: dict[str, Catalog], *, classifier: bool = True) -> Score:
    """Run the engine on every message of a labelled file that names its intent."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    now = dt.datetime.fromisoformat(str(data.get("now") or DEFAULT_NOW))
    previous_setting = os.environ.get("INTENT_CLASSIFIER")
    if not classifier:
        os.environ["INTENT_CLASSIFIER"] = "off"
    try:
        score = Score(path.name + (" (in the training data: not blind)" if data.get("trained_on") else ""))
        for case in data.get("messages") or []:
            if "intent" not in case:
                continue
            result = understand(case["text"], catalog=catalogs.get(case.get("cat", ""), Catalog()),
                                role=case.get("role", "follower"), now=now, previous=case.get("previous"))
            score.pairs.append((case["intent"], result.intent, case["text"]))
        return score
    finally:
        if previous_setting is None:
            os.environ.pop("INTENT_CLASSIFIER", None)
        else:
            os.environ["INTENT_CLASSIFIER"] = previous_setting


def render(score: Score, *, label: str) -> list[str]:
    """Lines of a report: accuracy, the per-intent table, the most frequent confusions."""
    right = sum(e == p for e, p, _ in score.pairs)
    lines = [f"{score.name} [{label}]: accuracy {score.accuracy:.3f} ({right}/{len(score.pairs)})",
             f"  {'intent':22} {'precision':>9} {'recall':>7} {'n':>4}"]
    for intent, (precision, recall, support) in score.per_intent().items():
        lines.append(f"  {intent:22} {precision:9.2f} {recall:7.2f} {support:4d}")
    confusion = score.confusion()
    if confusion:
        lines.append("  confusions (expected -> got):")
        lines += [f"    {e} -> {p}: {n}" for (e, p), n in confusion.most_common(12)]
    return lines


