"""The offline understanding engine on hand-labelled messages (four fictional influencers), plus targeted
behaviour: Hebrew prefixes, misspelt brands, dates against a frozen clock, follow-ups, ambiguity, speed."""

from __future__ import annotations

import dataclasses
import re
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from agent.offline import BrandEntry, Catalog, Understanding, understand

DATA = yaml.safe_load((Path(__file__).parent / "data" / "labelled_messages.yaml").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(DATA["now"])
TZ = "Asia/Jerusalem"
CRITICAL_FLOORS = {"coupon_request": 0.9, "support_issue": 0.9, "human_request": 0.9, "consent": 0.9,
                   "abuse": 0.9, "owner_command": 0.85, "owner_query": 0.85}


def _catalog(spec: dict) -> Catalog:
    return Catalog(
        brands=tuple(BrandEntry(ref=b["ref"], name=b["name"], aliases=tuple(b.get("aliases", ())),
                                coupon_codes=tuple(b.get("coupon_codes", ())), products=tuple(b.get("products", ())))
                     for b in spec["brands"]),
        handle=spec["handle"], display_name=spec["display_name"],
    )


CATALOGS = {key: _catalog(spec) for key, spec in DATA["catalogs"].items()}
MESSAGES = DATA["messages"]


def _run(case: dict) -> Understanding:
    now = datetime.fromisoformat(case["now"]) if "now" in case else NOW
    return understand(case["text"], catalog=CATALOGS[case["cat"]], role=case.get("role", "follower"), now=now,
                      timezone=TZ, previous=case.get("previous"))


def _intent_ok(case: dict, result: Understanding) -> bool:
    if "intent" in case:
        return result.intent == case["intent"]
    return result.intent not in case["intent_not"]


def _entity_problems(case: dict, r: Understanding) -> list[str]:
    problems = []
    expected_lang = case.get("lang") or ("he" if re.search(r"[\u05D0-\u05EA]", case["text"]) else
                                         "en" if re.search(r"[A-Za-z]", case["text"]) else "he")
    if r.language != expected_lang:
        problems.append(f"language {r.language} != {expected_lang}")
    checks = [("brands", sorted(r.entities["brands"])), ("ambiguous", sorted(r.ambiguous_brands)),
              ("codes", r.entities["coupon_codes"]), ("order_ids", r.entities["order_ids"]),
              ("dates", r.entities["dates"]), ("times", r.entities["times"]),
              ("consent", r.entities.get("consent")), ("followup", r.followup)]
    for key, actual in checks:
        if key in case:
            expected = sorted(case[key]) if key in ("brands", "ambiguous") else case[key]
            if actual != expected:
                problems.append(f"{key} {actual!r} != {expected!r}")
    return problems


def test_labelled_messages_accuracy():
    """Overall and per-intent accuracy on the labelled set, with a printed table (pytest -s)."""
    per_intent: dict[str, list[bool]] = defaultdict(list)
    failures, entity_failures, confidences = [], [], {True: [], False: []}
    for case in MESSAGES:
        result = _run(case)
        ok = _intent_ok(case, result)
        label = case.get("intent", "not-owner")
        per_intent[label].append(ok)
        confidences[ok].append(result.confidence)
        if not ok:
            failures.append(f"  [{label} -> {result.intent} {result.confidence}] {case['text']}")
        problems = _entity_problems(case, result)
        if problems:
            entity_failures.append(f"  {case['text']}: {'; '.join(problems)}")
    total = sum(len(v) for v in per_intent.values())
    correct = sum(sum(v) for v in per_intent.values())
    he = sum(1 for c in MESSAGES if re.search(r"[\u05D0-\u05EA]", c["text"]))
    print(f"\nlabelled messages: {total} ({he} Hebrew, {total - he} other), intent accuracy {correct / total:.3f}")
    print(f"{'intent':22} {'n':>4} {'accuracy':>9}")
    for label in sorted(per_intent):
        oks = per_intent[label]
        print(f"{label:22} {len(oks):4d} {sum(oks) / len(oks):9.2f}")
    for ok, values in confidences.items():
        if values:
            print(f"mean confidence when {'right' if ok else 'wrong'}: {sum(values) / len(values):.2f}")
    print(f"entity checks failed: {len(entity_failures)}")
    print("\n".join(failures + entity_failures))
    assert total >= 200
    assert correct / total >= 0.9
    for intent, floor in CRITICAL_FLOORS.items():
        oks = per_intent[intent]
        assert sum(oks) / len(oks) >= floor, f"{intent} accuracy below {floor}"
    assert all(per_intent["not-owner"]), "a follower got an owner intent"
    assert len(entity_failures) <= total * 0.05


def test_every_intent_has_ten_labelled_examples_in_both_languages_overall():
    counts = defaultdict(int)
    for case in MESSAGES:
        counts[case.get("intent", "not-owner")] += 1
    assert all(counts[i] >= 10 for i in [*CRITICAL_FLOORS, "greeting", "product_question", "content_question",
                                          "partnership_question", "feedback", "small_talk", "off_topic"])
    hebrew = sum(1 for c in MESSAGES if re.search(r"[\u05D0-\u05EA]", c["text"]))
    assert 0.4 <= hebrew / len(MESSAGES) <= 0.6
