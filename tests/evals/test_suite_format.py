"""Suite files are validated before anything runs: every error with its YAML path; compare lists regressions first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evals.compare import compare_reports, format_comparison
from evals.expectations import TurnOutcome, check_turn, reply_language
from evals.suite import Expect, SuiteInvalid, load_suite

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bundle-shira.json"

GOOD = f"""format: eval-suite/1
name: sample
bundle: {FIXTURE}
influencer: shira.kitchen
now: 2026-11-23T10:00:00+02:00
cases:
  - id: coupon-he
    tags: [coupon, he]
    turns:
      - user: "יש לך קוד הנחה לאוליביה?"
        expect: {{intent: coupon_request, tools: [find_coupons], contains: [SHIRA15], language: he}}
    after:
      - {{resource: tasks, where: {{title_contains: "GreenBox"}}, count: 1}}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_suite_loads_with_bundle_and_clock(tmp_path: Path) -> None:
    suite = load_suite(_write(tmp_path, GOOD))
    assert suite.influencer == "shira.kitchen"
    assert suite.bundle_path == FIXTURE
    assert suite.now.utcoffset().total_seconds() == 7200
    assert suite.cases[0].turns[0].expect.tools == ["find_coupons"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("intent: coupon_request", "intnt: coupon_request"), "cases[0].turns[0].expect.intnt: unknown key"),
        (("format: eval-suite/1", "format: eval-suite/9"), "format: 'eval-suite/9' is not one of"),
        (("resource: tasks", "resource: widgets"), "cases[0].after[0].resource: 'widgets' is not one of"),
        (("title_contains", "colour_contains"), "cases[0].after[0].where.colour_contains: tasks has no field 'colour'"),
        (("    tags: [coupon, he]\n", "    tags: [coupon, he]\n    colour: red\n"), "cases[0].colour: unknown key"),
        (("language: he", "language: hebrew"), "cases[0].turns[0].expect.language"),
        (("influencer: shira.kitchen\n", ""), "influencer: required key is missing"),
    ],
)
def test_each_error_names_its_yaml_path(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    with pytest.raises(SuiteInvalid) as err:
        load_suite(_write(tmp_path, GOOD.replace(*change)))
    assert any(expected in line for line in err.value.errors), err.value.errors


def test_cli_refuses_an_invalid_suite_with_exit_code_2_and_runs_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("intent: coupon_request", "intnt: coupon_request"))
    result = subprocess.run(
        [sys.executable, "-c", "from channels.cli import main; main()", "eval", "run", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "cases[0].turns[0].expect.intnt: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


def test_expectations_fold_case_and_unicode_and_detect_reply_language() -> None:
    out = TurnOutcome(
        reply="הקוד שלך: ＳＨＩＲＡ15 🎉",
        intent="coupon_request",
        tools=["find_coupons"],
        action="respond",
        language=None,
        ms=12.0,
    )
    failures, skipped = check_turn(Expect(contains=["shira15"], language="he", tools=["find_coupons"]), out)
    assert failures == [] and skipped == []
    failures, _ = check_turn(Expect(not_contains=["SHIRA15"], intent="greeting", max_ms=5), out)
    assert len(failures) == 3
    assert reply_language("Here is the code SHIRA15 for Olivia") == "en"
    assert reply_language("הנה הקוד SHIRA15 לאוליביה, https://olivia-oils.example/shop") == "he"


def test_judge_without_a_model_is_skipped_never_passed() -> None:
    out = TurnOutcome(reply="hi", intent="greeting", tools=[], action="respond", language="en", ms=1.0)
    failures, skipped = check_turn(Expect(judge="is warm"), out)
    assert failures == [] and skipped == ["judge"]


def test_compare_lists_regressions_then_fixes_then_time() -> None:
    def report(a_pass: bool, b_pass: bool, ms: float) -> dict:
        return {
            "suites": [
                {
                    "name": "s",
                    "cases": [
                        {
                            "id": "a",
                            "passed": a_pass,
                            "turns": [{"ms": ms, "failures": [] if a_pass else ["intent: x"]}],
                            "after": [],
                        },
                        {
                            "id": "b",
                            "passed": b_pass,
                            "turns": [{"ms": 10, "failures": [] if b_pass else ["contains: y"]}],
                            "after": [],
                        },
                    ],
                }
            ],
            "summary": {"pass_rate": 0.5, "p95_ms": ms},
        }

    old, new = report(True, False, 20), report(False, True, 80)
    diff = compare_reports(old, new)
    assert [d["case"] for d in diff["regressions"]] == ["s/a"]
    assert [d["case"] for d in diff["fixes"]] == ["s/b"]
    assert diff["slower"][0]["ratio"] == 4.0
    text = format_comparison(diff, old, new)
    assert text.index("REGRESSIONS") < text.index("FIXES") < text.index("SLOWER")
