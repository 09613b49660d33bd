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

from agent.engines.offline import BrandEntry, Catalog, Understanding, understand
from agent.nlu import load_catalogs

NLU = Path(__file__).resolve().parents[2] / "evals" / "nlu"
DATA = yaml.safe_load((NLU / "follower-tuning.yaml").read_text(encoding="utf-8"))
BLIND = yaml.safe_load((NLU / "follower-blind-01.yaml").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(DATA["now"])
TZ = "Asia/Jerusalem"
CRITICAL_FLOORS = {"coupon_request": 0.9, "support_issue": 0.9, "human_request": 0.9, "consent": 0.9,
                   "abuse": 0.9, "owner_command": 0.85, "owner_query": 0.85}


CATALOGS = load_catalogs(NLU / "follower-tuning.yaml")
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
    """Overall and per-intent accuracy on the TUNING set (the rules were fitted to it: a regression guard,
    not a measure of accuracy on new wording), with a printed table (pytest -s)."""
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
    print(f"\nlabelled messages: {total} ({he} Hebrew, {total - he} other), "
          f"intent accuracy {correct / total:.3f}")
    print(f"{'intent':22} {'n':>4} {'accuracy':>9}")
    for label in sorted(per_intent):
        oks = per_intent[label]
        print(f"{label:22} {len(oks):4d} {sum(oks) / len(oks):9.2f}")
    for ok, values in confidences.items():
        if values:
            print(f"mean confidence when {'right' if ok else 'wrong'}: {sum(values) / len(values):.2f}")
    print(f"entity checks failed: {len(entity_failures)}")
    print("\n".join(failures + entity_failures))
    assert total >= 900
    assert correct / total >= 0.98  # today 0.999: a handful of regressions fail the build, not ninety
    for intent, floor in CRITICAL_FLOORS.items():
        oks = per_intent[intent]
        assert sum(oks) / len(oks) >= floor, f"{intent} accuracy below {floor}"
    assert all(per_intent["not-owner"]), "a follower got an owner intent"
    assert entity_failures == []


def test_blind_batch_accuracy_beside_the_tuning_figure(capsys):
    """The honest figure: a batch written blind and scored once (its score is in the file). The floor is
    that score less a small margin; the tuning figure is printed beside it."""
    messages = BLIND["messages"]
    right = [case for case in messages if _intent_ok(case, _run(case))]
    blind = len(right) / len(messages)
    tuning = sum(_intent_ok(case, _run(case)) for case in MESSAGES) / len(MESSAGES)
    recorded = float(BLIND["scored"]["intent_accuracy"])
    with capsys.disabled():
        print(f"\nfollower intent accuracy: tuning {tuning:.3f} (floor 0.98) | blind-01 {blind:.3f} "
              f"(scored once at {BLIND['scored']['at_commit']}: {recorded:.3f}, floor {recorded - 0.03:.3f})")
    assert len(messages) >= 60
    assert blind >= recorded - 0.03


def test_every_intent_has_ten_labelled_examples_in_both_languages_overall():
    counts = defaultdict(int)
    for case in MESSAGES:
        counts[case.get("intent", "not-owner")] += 1
    assert all(counts[i] >= 10 for i in [*CRITICAL_FLOORS, "greeting", "product_question", "content_question",
                                          "partnership_question", "feedback", "small_talk", "off_topic"])
    hebrew = sum(1 for c in MESSAGES if re.search(r"[\u05D0-\u05EA]", c["text"]))
    assert 0.4 <= hebrew / len(MESSAGES) <= 0.6


# ---------------------------------------------------------------------------------------------------------
# Targeted behaviour, on a small catalog of its own.

SHOP = Catalog(
    brands=(
        BrandEntry("olivia", "Olivia Oils", ("אוליביה",), ("OLI15",),
                   ("Extra virgin 750ml", "Olive oil soap")),
        BrandEntry("greenbox", "GreenBox", ("גרינבוקס", "green box"), ("GREEN50",), ("Family veg box",)),
        BrandEntry("zara", "Zara", (), ("ZARA10",)),  # no Hebrew alias on purpose
        BrandEntry("lumi", "Lumi Blenders", (), ()),
    ),
    handle="maya.cooks", display_name="Maya Levi",
)
TWINS = Catalog(brands=(BrandEntry("olivia_skin", "Olivia Skin"), BrandEntry("olivia_hair", "Olivia Hair"),
                        BrandEntry("glowy", "Glowy")))
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(TZ))


def _u(text: str, catalog: Catalog = SHOP, **kw) -> Understanding:
    return understand(text, catalog=catalog, now=kw.pop("now", MONDAY), **kw)


@pytest.mark.parametrize("text, ref", [
    ("יש קוד לאוליביה?", "olivia"), ("ויש הנחה בגרינבוקס?", "greenbox"), ("מה הקוד מזארה", "zara"),
    ("יש קוד ל-Olivia?", "olivia"), ("יש קוד לOlivia?", "olivia"), ("וגם לגרינבוקס", "greenbox"),
])
def test_hebrew_prefixes_glued_to_brand_names(text, ref):
    assert _u(text).entities["brands"] == [ref]


@pytest.mark.parametrize("text, ref", [
    ("code for grenbox?", "greenbox"), ("oliva oils discount", "olivia"), ("יש קוד לגרנבוקס?", "greenbox"),
    ("יש קוד לזארה?", "zara"), ("קוד ללומי", "lumi"), ("code for @olivia.oils", "olivia"),
    ("greenbox", "greenbox"),
    ("green box code", "greenbox"), ("OLI15 doesn't work", "olivia"),
])
def test_brands_by_typo_transliteration_handle_and_code(text, ref):
    assert ref in _u(text).entities["brands"]


def test_a_one_word_brand_written_as_two_hebrew_words_ending_in_an_everyday_one():
    """"אובן פרו" is OvenPro and "פיקס ליין" is FixLine, although "פרו" and "ליין" alone are everyday words."""
    catalog = Catalog(brands=(BrandEntry("ovenpro", "OvenPro"), BrandEntry("fixline", "FixLine")), handle="lior.bakes",
                      display_name="Lior")
    assert _u("יש קוד לאובן פרו?", catalog).entities["brands"] == ["ovenpro"]
    assert _u("מה הקוד של פיקס ליין", catalog).entities["brands"] == ["fixline"]
    assert _u("אני פרו בזה", catalog).entities["brands"] == []


def test_ordinary_words_are_not_mistaken_for_brands():
    for text in ("למה אין קוד?", "create a new task", "the code is great", "מה קורה"):
        assert _u(text).entities["brands"] == [], text


def test_a_name_two_brands_share_is_ambiguous_until_the_user_picks_one():
    first = _u("is there a code for olivia?", TWINS)
    assert first.intent == "coupon_request"
    assert first.entities["brands"] == [] and sorted(first.ambiguous_brands) == ["olivia_hair", "olivia_skin"]
    assert _u("olivia skin code please", TWINS).entities["brands"] == ["olivia_skin"]
    second = _u("the hair one", TWINS, previous=dataclasses.asdict(first))
    assert second.entities["brands"] == ["olivia_hair"] and second.followup
    assert second.intent == "coupon_request" and second.ambiguous_brands == []


def test_follow_ups_take_the_brand_and_the_intent_from_the_previous_turn():
    product = _u("which oil do you use? olivia?")
    code = _u("is there a code for it?", previous=dataclasses.asdict(product))
    assert (code.intent, code.entities["brands"], code.followup) == ("coupon_request", ["olivia"], True)
    other = _u("ולגרינבוקס?", previous=dataclasses.asdict(code))
    assert (other.intent, other.entities["brands"], other.followup) == ("coupon_request", ["greenbox"], True)
    alone = _u("ולגרינבוקס?")
    assert alone.followup is False and alone.entities["brands"] == ["greenbox"]
    assert _u("is there a code for it?").entities["brands"] == []


def test_owner_phrasing_from_a_follower_never_gets_owner_intents():
    for text in ("mark invoice 1042 paid", "add a task: call Zara tomorrow", "show unpaid invoices",
                 "תוסיפי משימה להתקשר לזארה מחר", "what's open with brands?", "digest",
                 "move Lumi to negotiation"):
        assert _u(text).intent not in ("owner_query", "owner_command"), text
        assert _u(text, role="owner").intent in ("owner_query", "owner_command"), text
    assert _u("hi", role="owner").intent == "greeting"


def test_dates_and_times_resolve_against_the_clock_in_the_tenant_zone():
    cases = {
        "add a task: send the draft to Zara by Friday": ["2026-11-27"],
        "call olivia tomorrow": ["2026-11-24"], "תתקשרי מחר": ["2026-11-24"], "עד יום רביעי": ["2026-11-25"],
        "next week": ["2026-11-30"], "בעוד שבועיים": ["2026-12-07"], "ב-25/11": ["2026-11-25"],
        "due Nov 30": ["2026-11-30"], "30 בנובמבר": ["2026-11-30"], "by 5/1": ["2027-01-05"],
        "עד סוף החודש": ["2026-11-30"], "4/5": [],
    }
    for text, dates in cases.items():
        assert _u(text, role="owner").entities["dates"] == dates, text
    assert _u("remind me tomorrow at 3pm", role="owner").entities["times"] == ["15:00"]
    assert _u("תזכירי לי מחר ב-10", role="owner").entities["times"] == ["10:00"]
    assert _u("meeting at 14:30", role="owner").entities["times"] == ["14:30"]
    # 23:30 UTC on Monday is already Tuesday in Jerusalem.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert _u("tomorrow", now=late).entities["dates"] == ["2026-11-25"]
    period = _u("כמה השתמשו בקוד OLI15 החודש?", role="owner").entities["period"]
    assert period == {"label": "this_month", "start": "2026-11-01", "end": "2026-11-30"}


def test_amounts_order_numbers_and_codes():
    amounts = _u("₪200, 200 שקל, $50, 1,200 ILS and 120.50 ש\"ח").entities["amounts"]
    assert amounts == [{"value": "200", "currency": "ILS"}, {"value": "200", "currency": "ILS"},
                       {"value": "50", "currency": "USD"}, {"value": "1200", "currency": "ILS"},
                       {"value": "120.50", "currency": "ILS"}]
    order = _u("my order #A-1234 never arrived")
    assert order.intent == "support_issue" and order.entities["order_ids"] == ["A-1234"]
    assert _u("הזמנה 55871 לא הגיעה").entities["order_ids"] == ["55871"]
    assert _u("is oli15 still valid?").entities["coupon_codes"] == ["OLI15"]
    new = _u("create coupon OLI20 20% for olivia", role="owner")
    assert new.intent == "owner_command" and new.entities["coupon_codes"] == []
    assert new.entities["code_candidates"] == ["OLI20"] and new.entities["percentages"] == ["20"]


def test_owner_command_details():
    task = _u("add a task: send the draft to Zara by Friday", role="owner")
    assert task.entities["task_title"] == "send the draft to Zara" and task.entities["brands"] == ["zara"]
    he = _u("תוסיף משימה להתקשר לזארה מחר ב-10", role="owner")
    assert he.entities["task_title"] == "להתקשר לזארה"
    assert _u("move Lumi to negotiation", role="owner").entities["status"] == "negotiation"
    assert _u("mark invoice 1042 paid", role="owner").entities["invoice_numbers"] == ["1042"]


def test_language_of_the_reply():
    assert _u("יש קוד ל-Olivia?").language == "he"
    assert _u("is there a code for אוליביה?").language == "en"
    assert _u("5", default_language="en").language == "en"
    assert _u("👍", default_language="he").language == "he"


def test_consent_direction_sentiment_and_confidence():
    assert _u("הסר אותי").entities["consent"] == "withdrawn"
    assert _u("yes you can send me updates").entities["consent"] == "granted"
    assert _u("the code doesn't work!! so annoying").sentiment == "negative"
    assert _u("thank you so much, that helped ❤️").sentiment == "positive"
    assert _u("you're an idiot").sentiment == "negative"
    clear, unclear = _u("do you have a discount code for GreenBox?"), _u("asdf qwer")
    assert clear.confidence >= 0.7 > 0.35 >= unclear.confidence


def test_results_are_deterministic_and_json_serialisable():
    import json

    first = dataclasses.asdict(_u("תביאי קוד לגרינבוקס מחר ב-10, הזמנה #A-1234, ₪200"))
    assert first == dataclasses.asdict(_u("תביאי קוד לגרינבוקס מחר ב-10, הזמנה #A-1234, ₪200"))
    json.dumps(first, ensure_ascii=False)


def test_speed_is_well_under_two_milliseconds_a_message():
    texts = [c["text"] for c in MESSAGES[:200]]
    for text in texts:
        _u(text)
    timings = []
    for text in texts:
        start = time.perf_counter()
        _u(text)
        timings.append(time.perf_counter() - start)
    timings.sort()
    median = timings[len(timings) // 2]
    p90 = timings[int(len(timings) * 0.9)]
    print(f"\nunderstand(): median {median * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms")
    assert median < 0.002  # measured ~0.5 ms; a loaded CI machine still fits


BLIND_02 = yaml.safe_load((NLU / "follower-blind-02.yaml").read_text(encoding="utf-8"))


def test_blind_batch_02_with_and_without_the_intent_classifier(capsys, monkeypatch):
    """Blind batch 02 was written before the intent classifier and scored once each way (the figures are
    in the file): the rules alone, and the rules with the classifier where they are unsure. Both are kept
    as floors, so neither path can quietly get worse."""
    messages = BLIND_02["messages"]
    with_classifier = sum(_intent_ok(case, _run(case)) for case in messages) / len(messages)
    monkeypatch.setenv("INTENT_CLASSIFIER", "off")
    rules = sum(_intent_ok(case, _run(case)) for case in messages) / len(messages)
    scored = BLIND_02["scored"]
    with capsys.disabled():
        print(f"\nblind-02: rules {rules:.3f} (scored once: {scored['rules']}) | rules + classifier "
              f"{with_classifier:.3f} (scored once: {scored['rules_plus_classifier']})")
    assert rules >= float(scored["rules"]) - 0.03
    assert with_classifier >= float(scored["rules_plus_classifier"]) - 0.03
    assert with_classifier > rules  # the classifier is worth its cost only while it adds something


BLIND_03 = yaml.safe_load((NLU / "follower-blind-03.yaml").read_text(encoding="utf-8"))


def test_blind_batch_03_customer_service_phrasing_stays_understood(capsys):
    """Blind batch 03 scored 0.896 once (rules + classifier); the training data and cues written after it
    lifted it to 0.943 (tuned: a regression floor now, not a result). The intents a follower is failed by
    most when missed (a problem, a person asked for, a code, abuse) keep a recall floor each."""
    messages = BLIND_03["messages"]
    hits: dict[str, list[bool]] = {}
    for case in messages:
        hits.setdefault(case["intent"], []).append(_intent_ok(case, _run(case)))
    overall = sum(sum(v) for v in hits.values()) / len(messages)
    with capsys.disabled():
        print(f"\nblind-03 (tuned): {overall:.3f} (scored once: {BLIND_03['scored']['rules_plus_classifier']})")
    assert overall >= float(BLIND_03["scored"]["tuned_floor"])
    for intent in ("support_issue", "human_request", "coupon_request", "abuse"):
        assert sum(hits[intent]) / len(hits[intent]) >= 0.9, intent


@pytest.mark.parametrize("name", ["follower-blind-04", "follower-blind-05", "follower-blind-06",
                                  "follower-blind-07", "follower-blind-08"])
def test_later_blind_batches_keep_their_floors(name, capsys):
    """Blind batches 04-08, each scored once when written (figures in the files); their floors keep the
    engine from quietly getting worse on phrasing it was never fitted to."""
    data = yaml.safe_load((NLU / f"{name}.yaml").read_text(encoding="utf-8"))
    messages = data["messages"]
    accuracy = sum(_intent_ok(case, _run(case)) for case in messages) / len(messages)
    with capsys.disabled():
        print(f"\n{name}: {accuracy:.3f} (scored once: {data['scored']['rules_plus_classifier']})")
    assert accuracy >= float(data["scored"]["floor"])


def test_the_classifier_decides_only_where_the_rules_are_unsure(monkeypatch):
    sure = _run({"text": "any discount code for zeitim?", "cat": "kitchen"})
    assert sure.intent == "coupon_request" and "intent_by" not in sure.entities  # rules were sure
    unsure = _run({"text": "הבלנדר מעולה, תודה על ההמלצה", "cat": "kitchen"})  # rules: product_question 0.27
    assert unsure.intent == "feedback" and unsure.entities.get("intent_by") == "classifier"
    monkeypatch.setenv("INTENT_CLASSIFIER", "off")
    assert _run({"text": "הבלנדר מעולה, תודה על ההמלצה", "cat": "kitchen"}).intent != "feedback"
