"""Owner turns: commands become tools; destructive ones wait for a yes, which expires after 10 minutes."""

from __future__ import annotations

import pytest
from agent_graph_support import ScriptedEngine, rows, say, u


def _owner_engine() -> ScriptedEngine:
    def understand(text: str) -> dict:
        low = text.lower()
        if low.startswith(("mark", "add a task", "cancel", "סמני")):
            return u("owner_command", language="he" if "סמני" in text else "en")
        if low.startswith(("what", "how many")):
            return u("owner_query")
        return u("small_talk", language="he" if any("\u05d0" <= c <= "\u05ea" for c in text) else "en")

    return ScriptedEngine(understand)


def owner(agent, text: str, **kwargs):
    return say(agent, text, role="owner", sender="owner-token", **kwargs)


def _invoice_status(db, number: str = "1042") -> str:
    return rows(db, "select status from invoices where number = :n", n=number)[0].status


def test_mark_paid_asks_first_and_runs_on_yes(shira, make_agent):
    agent = make_agent(shira, engine=_owner_engine())

    asked = owner(agent, "mark invoice 1042 paid")
    assert asked.action == "confirm" and asked.tools == []
    assert "1042" in asked.trace["decision"]["question"]
    assert _invoice_status(shira) == "sent"

    done = owner(agent, "yes", conversation_id=asked.conversation_id)
    # marking paid is followed by the receipt (issue 13): the change, then the document, both fine
    assert done.tools == ["update_invoice", "receipt"] and all(r["ok"] for r in done.tool_results)
    assert done.trace["decision"]["note"] == "confirmed"
    assert _invoice_status(shira) == "paid"
    audit = rows(shira, "select action, resource from audit_log")
    assert len(audit) == 1


@pytest.mark.parametrize("answer", ["כן", "אישור", "confirm", "Yes!", "👍"])
def test_every_form_of_yes_confirms(shira, make_agent, answer):
    agent = make_agent(shira, engine=_owner_engine())
    asked = owner(agent, "mark invoice 1042 paid")
    done = owner(agent, answer, conversation_id=asked.conversation_id)
    assert done.tools == ["update_invoice", "receipt"]
    assert _invoice_status(shira) == "paid"


@pytest.mark.parametrize("answer", ["no", "לא", "wait, which invoice is that?"])
def test_anything_but_yes_cancels(shira, make_agent, answer):
    agent = make_agent(shira, engine=_owner_engine())
    asked = owner(agent, "mark invoice 1042 paid")
    cancelled = owner(agent, answer, conversation_id=asked.conversation_id)
    assert cancelled.tools == [] and cancelled.trace["decision"]["note"] == "cancelled"
    assert _invoice_status(shira) == "sent"
    # the pending action is gone: a late yes does nothing
    late = owner(agent, "yes", conversation_id=asked.conversation_id)
    assert late.tools == [] and _invoice_status(shira) == "sent"


def test_a_yes_after_ten_minutes_has_expired(shira, make_agent):
    agent = make_agent(shira, engine=_owner_engine())
    asked = owner(agent, "mark invoice 1042 paid", now="2026-11-23T10:00:00+02:00")
    late = owner(agent, "yes", conversation_id=asked.conversation_id, now="2026-11-23T10:10:30+02:00")
    assert late.tools == [] and late.trace["decision"]["note"] == "expired"
    assert _invoice_status(shira) == "sent"


def test_non_destructive_command_runs_at_once(shira, make_agent):
    agent = make_agent(shira, engine=_owner_engine())
    result = owner(agent, "add a task: send the GreenBox stories by Thursday")
    assert result.action == "respond" and result.tools == ["create_task"], result.trace["decision"]
    assert rows(shira, "select count(*) as n from tasks where title ilike '%GreenBox stories%'")[0].n >= 1


def test_a_model_planned_destructive_call_is_confirmed_first(shira, make_agent):
    plan = lambda state: [{"name": "update_invoice", "args": {"number": "1042", "status": "paid"}}]  # noqa: E731
    agent = make_agent(shira, engine=ScriptedEngine(lambda text: u("owner_command"), plan=plan))
    result = owner(agent, "the model wants invoice 1042 paid")
    assert result.action == "confirm" and result.tools == []
    assert _invoice_status(shira) == "sent"


def test_act_refuses_an_unconfirmed_destructive_call_whatever_the_decision(shira, make_agent, monkeypatch):
    import agent.decision as decision

    forced = {"action": "respond", "tool_calls": [{"name": "update_invoice",
                                                   "args": {"number": "1042", "status": "paid"}}], "reason": "forced"}
    monkeypatch.setattr(decision, "_follower_decision", lambda state, ctx: dict(forced))
    agent = make_agent(shira, engine=ScriptedEngine(lambda text: u("small_talk")))
    result = owner(agent, "anything")
    assert result.tool_results[0]["error"]["code"] == "needs_confirmation"
    assert _invoice_status(shira) == "sent"


def test_owner_not_rate_limited_nor_refused_for_listing_all_codes(shira, make_agent):
    from agent import AgentSettings

    agent = make_agent(shira, engine=_owner_engine(), settings=AgentSettings(rate_contact_capacity=1))
    first = owner(agent, "what coupons are active?")
    second = owner(agent, "what coupons are active?")
    assert first.action != "rate_limited" and second.action != "rate_limited"


def test_an_answer_to_our_question_completes_the_command(shira, make_agent):
    agent = make_agent(shira)
    asked = owner(agent, "add a task")
    assert asked.action == "clarify" and asked.tools == []
    done = owner(agent, "call Lumi about the contract", conversation_id=asked.conversation_id)
    assert done.tools == ["create_task"], done.trace["decision"]
    assert done.intent == "owner_command"
    assert rows(shira, "select count(*) as n from tasks where title ilike '%call Lumi%'")[0].n == 1


def test_a_bare_number_answers_which_invoice_then_it_is_confirmed(shira, make_agent):
    agent = make_agent(shira)
    asked = owner(agent, "mark invoice paid")
    assert asked.action == "clarify"
    confirm = owner(agent, "1042", conversation_id=asked.conversation_id)
    assert confirm.action == "confirm" and _invoice_status(shira) == "sent"
    assert confirm.language == "en"  # no letters: the conversation's language
    owner(agent, "yes", conversation_id=asked.conversation_id)
    assert _invoice_status(shira) == "paid"


def test_the_question_is_forgotten_after_one_unrelated_answer(shira, make_agent):
    agent = make_agent(shira)
    asked = owner(agent, "mark invoice paid")
    owner(agent, "what tasks are open?", conversation_id=asked.conversation_id)
    late = owner(agent, "1042", conversation_id=asked.conversation_id)
    assert late.action != "confirm" and _invoice_status(shira) == "sent"
