"""Owner commands the rules cannot read, guessed by the trained owner classifier: measured on a blind
batch, and never a change without the owner's yes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from agent_graph_support import rows, say

from agent.engines.offline.owner_commands import parse_owner_command

NLU = Path(__file__).resolve().parents[2] / "evals" / "nlu"
WORLD = yaml.safe_load((NLU / "owner-tuning.yaml").read_text(encoding="utf-8"))
BLIND_03 = yaml.safe_load((NLU / "owner-blind-03.yaml").read_text(encoding="utf-8"))
BLIND_04 = yaml.safe_load((NLU / "owner-blind-04.yaml").read_text(encoding="utf-8"))
BLIND_05 = yaml.safe_load((NLU / "owner-blind-05.yaml").read_text(encoding="utf-8"))


def _tool(text: str) -> str | None:
    command = parse_owner_command(text, now=dt.datetime.fromisoformat(WORLD["now"]), timezone=WORLD["timezone"],
                                  brands=[tuple(b) for b in WORLD["brands"]], tasks=[tuple(t) for t in WORLD["tasks"]],
                                  coupon_codes=WORLD["coupon_codes"])
    return command.tool if command else None


def test_owner_blind_batch_03_with_the_classifier(capsys):
    """Scored once: the rules alone 0.719, with the classifier (trained without this file) 0.812. Since
    stop 25 the file is training data (the classifier's, and the rule changes of that stop looked at its
    misses): a regression floor now, not a result."""
    cases = BLIND_03["cases"]
    accuracy = sum(_tool(c["text"]) == c["tool"] for c in cases) / len(cases)
    with capsys.disabled():
        print(f"\nowner blind-03: {accuracy:.3f} (scored once: rules {BLIND_03['scored']['tool_accuracy_rules']}, "
              f"with the classifier {BLIND_03['scored']['tool_accuracy_with_classifier']})")
    assert accuracy >= float(BLIND_03["scored"]["tool_accuracy_with_classifier"]) - 0.03
    assert all(_tool(c["text"]) is None for c in cases if c["tool"] is None)  # chat stays chat


def test_owner_blind_batch_04_keeps_its_floor(capsys):
    """Scored once before and once after stop 25's first owner change (0.780 both times); then its misses
    were looked at and it joined the training data: a regression floor, no longer a result."""
    cases = BLIND_04["cases"]
    accuracy = sum(_tool(c["text"]) == c["tool"] for c in cases) / len(cases)
    with capsys.disabled():
        print(f"\nowner blind-04: {accuracy:.3f} (scored once: {BLIND_04['scored']['tool_accuracy_after']})")
    assert accuracy >= float(BLIND_04["scored"]["floor"])
    assert all(_tool(c["text"]) is None for c in cases if c["tool"] is None)  # thanks and greetings stay chat


def test_owner_blind_batch_05_keeps_its_floor(capsys):
    """Scored once before (0.727) and once after (0.773) the change made from blind-04's misses."""
    cases = BLIND_05["cases"]
    accuracy = sum(_tool(c["text"]) == c["tool"] for c in cases) / len(cases)
    with capsys.disabled():
        print(f"\nowner blind-05: {accuracy:.3f} (scored once: {BLIND_05['scored']['tool_accuracy_after']})")
    assert accuracy >= float(BLIND_05["scored"]["floor"])
    assert all(_tool(c["text"]) is None for c in cases if c["tool"] is None)


def test_a_guessed_change_waits_for_the_owners_yes(shira, make_agent):
    agent = make_agent(shira)
    asked = say(agent, "don't let me forget the sababa shoot tomorrow", role="owner", sender="owner-token")
    assert asked.action == "confirm" and asked.tools == []  # no rule reads it: the guess asks first
    count = "select count(*) as n from tasks where title ilike '%sababa shoot%'"
    assert rows(shira, count)[0].n == 0
    done = say(agent, "yes", role="owner", sender="owner-token", conversation_id=asked.conversation_id)
    assert done.tools == ["create_task"]
    assert rows(shira, count)[0].n == 1
    read = say(agent, "who still owes me money", role="owner", sender="owner-token")
    assert read.tools == ["list_invoices"]  # a guessed read runs at once
