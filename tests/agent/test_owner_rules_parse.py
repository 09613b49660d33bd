"""Notification rules, follower limits and retention said in chat, understood offline (issue 12).

evals/nlu/owner-rules-blind-01.yaml was written before it was run: first score 19/27 (0.70); after the
vocabulary took its misses in, 26/27 (tuned on it: a regression set from then on, not a result). The one
case still missed is a coupon question ("how many follow ups did SHIRA15 get?") the stats parser reads as
a list of codes; kept as a strict expected failure so a fix shows up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from agent.engines.offline.owner_commands import parse_owner_command

DATA = yaml.safe_load((Path(__file__).resolve().parents[2] / "evals" / "nlu" / "owner-rules-blind-01.yaml")
                      .read_text(encoding="utf-8"))
NOW = dt.datetime.fromisoformat(DATA["now"])
KNOWN_MISSES = {"how many follow ups did SHIRA15 get?"}


def _parse(text: str):
    return parse_owner_command(text, now=NOW, timezone=DATA["timezone"], brands=[tuple(b) for b in DATA["brands"]],
                               tasks=[tuple(t) for t in DATA["tasks"]], coupon_codes=DATA["coupon_codes"])


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c["text"][:40], marks=[pytest.mark.xfail(strict=True)] if c["text"] in KNOWN_MISSES else [])
    for c in DATA["cases"]])
def test_the_rule_said_in_chat_is_the_rule_set(case):
    command = _parse(case["text"])
    assert (command.tool if command else None) == case["tool"]
    for key, value in (case.get("args") or {}).items():
        assert str(command.args.get(key)).lower() == str(value).lower(), key


def test_a_rule_that_names_no_reminder_gets_one_question_not_a_guess():
    for text in ("stop all reminders", "remind me 3 days before"):
        command = _parse(text)
        assert command.tool == "set_rule" and command.missing == ["trigger"]
        assert command.question and "?" in command.question

