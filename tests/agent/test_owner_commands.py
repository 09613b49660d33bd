"""Owner commands in Hebrew and English understood offline: the tool, the key arguments, the question."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from agent.engines.offline.owner_commands import parse_owner_command

NLU = Path(__file__).resolve().parents[2] / "evals" / "nlu"
DATA = yaml.safe_load((NLU / "owner-tuning.yaml").read_text(encoding="utf-8"))
BLIND = yaml.safe_load((NLU / "owner-blind-01.yaml").read_text(encoding="utf-8"))
NOW = dt.datetime.fromisoformat(DATA["now"])
BRANDS = [(ref, name, aliases) for ref, name, aliases in DATA["brands"]]
TASKS = [tuple(t) for t in DATA["tasks"]]


def _parse(text: str, **extra):
    return parse_owner_command(
        text,
        now=NOW,
        timezone=DATA["timezone"],
        brands=BRANDS,
        tasks=TASKS,
        coupon_codes=DATA["coupon_codes"],
        **extra,
    )


def _same(actual, expected) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        fold = lambda s: re.sub(r"\s+", " ", s).strip(" .,!?").casefold()  # noqa: E731
        return fold(actual) == fold(expected)
    if isinstance(expected, bool) or expected is None:
        return actual is expected
    return str(actual) == str(expected)


def check(case: dict) -> list[str]:
    """What is wrong with the parse of one case (empty when it is right)."""
    command = _parse(case["text"])
    if case.get("tool") is None:
        return [] if command is None else [f"expected no command, got {command.tool} {command.args}"]
    if command is None:
        return [f"expected {case['tool']}, got nothing"]
    problems = []
    if command.tool != case["tool"]:
        problems.append(f"tool {command.tool} != {case['tool']}")
    for key, value in (case.get("args") or {}).items():
        if not _same(command.args.get(key), value):
            problems.append(f"{key}: {command.args.get(key)!r} != {value!r}")
    expected_missing = case.get("missing") or []
    for key in expected_missing:
        if key not in command.missing:
            problems.append(f"{key} not reported missing ({command.missing})")
    if expected_missing and not command.question:
        problems.append("no question asked")
    if not expected_missing and command.missing:
        problems.append(f"unexpected missing {command.missing}: {command.question}")
    return problems


CASES = DATA["cases"]


def test_there_are_at_least_80_commands_in_both_languages():
    hebrew = [c for c in CASES if re.search(r"[\u05d0-\u05ea]", c["text"])]
    assert len(CASES) >= 80 and len(hebrew) >= 30 and len(CASES) - len(hebrew) >= 30


def test_accuracy_on_the_command_set(capsys):
    failures = {c["text"]: check(c) for c in CASES}
    failures = {text: problems for text, problems in failures.items() if problems}
    tool_right = sum(
        1 for c in CASES if ((_parse(c["text"]) or None) and _parse(c["text"]).tool) == c.get("tool")
    )
    accuracy = 1 - len(failures) / len(CASES)
    with capsys.disabled():
        print(
            f"\nowner commands: {len(CASES)} cases, tool right {tool_right}/{len(CASES)}, "
            f"tool+arguments right {len(CASES) - len(failures)}/{len(CASES)} = {accuracy:.1%}"
        )
        for text, problems in failures.items():
            print(f"  MISS {text!r}: {'; '.join(problems)}")
    assert accuracy >= 0.95


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c["text"]
        in {
            "add a task: send the GreenBox stories by Thursday",
            "תוסיף משימה להתקשר לאוליביה מחר ב-10",
            "move Lumi to negotiation",
            "mark invoice 1042 paid",
            "כמה השתמשו בקוד SHIRA15 החודש?",
            "what's still open with brands?",
            "what's on today?",
        }
    ],
    ids=lambda c: c["text"],
)
def test_the_issue_examples(case):
    assert check(case) == []


def test_two_olivia_tasks_make_one_short_question_naming_both():
    command = _parse("complete the Olivia task")
    assert command.tool == "update_task" and command.missing == ["task"]
    assert (
        "Film Olivia reel #2" in command.question
        and "Call Olivia about the contract renewal" in command.question
    )
    assert command.question.count("?") == 1


def test_questions_are_in_the_language_of_the_message():
    assert _parse("תוסיף משימה").question == "מה המשימה?"
    assert _parse("add a task").question == "What's the task?"
    assert _parse("create an invoice for Lumi").question == "What's the amount?"
    assert _parse("תפיקי חשבונית לאוליביה").question == "על איזה סכום?"


def test_without_a_task_list_the_words_go_to_the_tool():
    command = parse_owner_command("complete the Olivia reel task", now=NOW, brands=BRANDS)
    assert command.tool == "update_task" and command.args["status"] == "completed"
    assert command.args["task"].casefold() == "olivia reel"


def test_relative_days_follow_the_tenant_clock_not_utc():
    # 23:30 on Monday in Jerusalem is still Monday there, although UTC says Monday 21:30.
    late = dt.datetime(2026, 11, 23, 21, 30, tzinfo=dt.UTC)
    command = parse_owner_command(
        "add a task: call Lumi tomorrow", now=late, timezone="Asia/Jerusalem", brands=BRANDS
    )
    assert command.args["due_date"] == "2026-11-24"
    # 00:30 Tuesday in Jerusalem (22:30 UTC Monday): tomorrow is Wednesday.
    after_midnight = dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.UTC)
    command = parse_owner_command("add a task: call Lumi tomorrow", now=after_midnight, brands=BRANDS)
    assert command.args["due_date"] == "2026-11-25"


def test_same_input_same_output():
    assert _parse("תוסיף משימה להתקשר לאוליביה מחר ב-10") == _parse("תוסיף משימה להתקשר לאוליביה מחר ב-10")


def test_a_catalog_object_can_stand_in_for_the_brand_list():
    from agent.engines.offline.types import BrandEntry, Catalog

    catalog = Catalog(brands=(BrandEntry("lumi", "Lumi Blenders", ("לומי",), ("LUMI10",)),))
    command = parse_owner_command("תעביר את לומי למשא ומתן", now=NOW, catalog=catalog)
    assert (command.tool, command.args) == (
        "update_partnership",
        {"partnership": "lumi", "status": "negotiation"},
    )
    assert parse_owner_command("deactivate lumi10", now=NOW, catalog=catalog).args == {
        "code": "LUMI10",
        "active": False,
    }


def test_old_holdout_is_tuning_now():
    """The first 'holdout' was tuned against (its one miss was fixed with a near-twin): it is a tuning set."""
    holdout = DATA.get("holdout") or []
    failures = [c["text"] for c in holdout if check(c)]
    assert len(holdout) >= 40 and len(failures) / len(holdout) <= 0.02, failures


def test_blind_owner_commands_beside_the_tuning_figure(capsys):
    """Owner commands written blind and scored once (the score is in the file): the tool, and the tool with
    its arguments, each with a floor of its recorded score less a small margin."""
    cases = BLIND["cases"]
    tool_right = 0
    for case in cases:
        command = _parse(case["text"])
        tool_right += (command is None and case.get("tool") is None) or (
            command is not None and command.tool == case.get("tool"))
    whole_right = sum(1 for case in cases if not check(case))
    tuning = [c for c in CASES + (DATA.get("holdout") or [])]
    tuning_right = sum(1 for c in tuning if not check(c)) / len(tuning)
    scored = BLIND["scored"]
    with capsys.disabled():
        print(f"\nowner commands: tuning {tuning_right:.3f} (floor 0.98) | "
              f"blind-01 tool {tool_right / len(cases):.3f}, "
              f"tool+args {whole_right / len(cases):.3f} (scored once at {scored['at_commit']}: "
              f"{scored['tool_accuracy']}, {scored['tool_and_args_accuracy']})")
    assert tuning_right >= 0.98
    assert tool_right / len(cases) >= float(scored["tool_accuracy"]) - 0.04
    assert whole_right / len(cases) >= float(scored["tool_and_args_accuracy"]) - 0.04


def test_every_complete_command_passes_the_tool_validation():
    """What the parser hands over is accepted by the tool's argument model, also after a JSON round trip."""
    from tools import REGISTRY
    from tools.registry import validate_args

    for case in [c for c in CASES + (DATA.get("holdout") or []) if c.get("tool")]:
        command = _parse(case["text"])
        if command is None or command.missing:
            continue
        spec = REGISTRY.get(command.tool)
        validated = validate_args(spec, command.args)
        again = validate_args(spec, validated.model_dump(mode="json", exclude_unset=True))
        assert again == validated, case["text"]


def test_a_brand_written_in_the_other_script_is_recognised_without_an_alias():
    """Bundles seldom list Hebrew spellings: "גרין פטי", "קיטשן פרו", "זארה" still name the brand."""
    brands = [("greenpatty", "Green Patty", ()), ("kitchen", "KitchenPro", ()), ("zara", "Zara", ()),
              ("sababa", "Sababa Spices", ())]
    parse = lambda text: parse_owner_command(text, now=NOW, brands=brands)  # noqa: E731
    assert parse("מה המצב עם גרין פטי?").args == {"brand": "greenpatty"}
    assert parse("מה קורה עם קיטשן פרו").args == {"brand": "kitchen"}
    assert parse("כמה מכירות היו לזארה החודש?").args == {"partnership": "zara", "period": "month"}
    # An everyday word that sounds like a one-word name is not the brand ("סבבה" is "OK").
    assert "partnership" not in parse("סבבה, תוסיף משימה לצלם סטורי מחר").args
