"""A model never makes an answer worse than the offline engine's (issue 17), on the real database.

Each test scripts a model that is wrong in one way a small real model is (it hears a greeting in a
coupon request, invents a code, returns an empty reply) and checks what the follower or the owner
gets against what the offline engine alone gives for the same message.
"""

from __future__ import annotations

import re
from typing import Any

from agent_graph_support import make_agent, rows, say, shira  # noqa: F401
from fakes.scripted_chat import ScriptedChat, codes_in_facts, understanding

from agent.engines.model.engine import ModelEngine


def engine_with(**script: Any) -> ModelEngine:
    return ModelEngine(ScriptedChat(**script), model_name="scripted-model", timeout=2.0)


def essentials(result: Any) -> dict[str, Any]:
    """What an answer gives, beyond the wording the persona's voice varies per conversation."""
    return {
        "intent": result.trace["intent"],
        "tools": [r["name"] for r in result.tool_results],
        "codes": sorted(set(re.findall(r"\b[A-Z]{3,}\d+\b", result.reply))),
        "links": sorted(set(re.findall(r"https?://\S+", result.reply))),
        "cards": [c.get("type") for c in result.cards or []],
    }


def links_in(messages: list[Any]) -> list[str]:
    """The links the model was shown (the template reply's among them), each once."""
    found = re.findall(r"https?://[^\s)\]>\"']+", " ".join(str(m.content) for m in messages))
    return sorted({link.rstrip(".,!?") for link in found})


def events_of(result: Any) -> list[dict[str, Any]]:
    return list(result.trace.get("events") or [])


def test_a_greeting_heard_in_a_coupon_request_does_not_cost_the_follower_the_code(shira, make_agent):
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("greeting", confidence=0.95),
        tools_fn=lambda m: [],
        reply_fn=lambda m: "",  # a small model's empty reply, as llama.cpp's Gemma 270M gave
    ))
    offline = make_agent(shira)

    asked = "do you have a discount code for olivia oils?"
    with_model = say(model, asked, sender="m-1")
    alone = say(offline, asked, sender="o-1")

    assert "SHIRA15" in alone.reply
    assert essentials(with_model) == essentials(alone)
    assert with_model.trace["intent"] == "coupon_request"
    checked = [e for e in events_of(with_model) if e.get("event") == "model_checked"]
    assert checked and "intent greeting -> coupon_request" in checked[0]["replaced"][0]


def test_a_code_or_order_number_the_follower_never_typed_is_dropped(shira, make_agent):
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("support_issue", coupon_codes=["FREE100"], order_ids=["999999"]),
        tools_fn=lambda m: [],
        reply_fn=lambda m: "",
    ))

    result = say(model, "my olivia order never arrived, order 4411")

    entities = result.trace["entities"]
    assert "FREE100" not in entities.get("coupon_codes", [])
    assert entities.get("order_ids") == ["4411"]
    issue = rows(shira, "select order_id from support_issues order by id desc limit 1")
    assert issue and issue[0].order_id == "4411"


def test_an_adopted_model_intent_whose_reply_fails_gives_the_offline_answer_whole(shira, make_agent):
    # "olivia?" is one the offline engine is unsure of (it guesses a coupon request): the model's
    # product question is adopted, then its reply comes back empty.
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("product_question", brands=("Olivia Oils",)),
        tools_fn=lambda m: [{"name": "search_knowledge", "args": {"query": "olivia"}}],
        reply_fn=lambda m: "",
    ))
    offline = make_agent(shira)
    shown: list[dict[str, Any]] = []

    with_model = say(model, "olivia?", sender="m-2", on_event=shown.append)
    alone = say(offline, "olivia?", sender="o-2")

    assert essentials(with_model) == essentials(alone)
    assert any(e.get("event") == "offline_redo" and e.get("model_intent") == "product_question"
               for e in events_of(with_model))
    screen = ""
    for event in shown:  # what the follower's screen showed: the offline answer, once
        screen = "" if event["type"] == "reset" else screen + event.get("text", "")
    assert screen.strip() == with_model.reply.strip()


def test_an_adopted_model_intent_with_a_grounded_reply_keeps_the_model_answer(shira, make_agent):
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("product_question", brands=("Olivia Oils",)),
        tools_fn=lambda m: [],
        reply_fn=lambda m: "Olivia Oils makes lovely olive oils, I cook with them all the time! "
                           + " ".join(codes_in_facts(m) + links_in(m)),
    ))

    result = say(model, "olivia?", sender="m-3")

    assert result.reply.startswith("Olivia Oils makes lovely olive oils")
    assert not any(e.get("event") == "offline_redo" for e in events_of(result))


def test_a_model_reply_that_leaves_out_the_code_the_answer_gives_is_replaced(shira, make_agent):
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("coupon_request", brands=("Olivia Oils",)),
        tools_fn=lambda m: [],
        reply_fn=lambda m: "Olivia Oils is great, check my stories for a deal!",  # the code went missing
    ))

    result = say(model, "is there a code for olivia?", sender="m-4")

    assert "SHIRA15" in result.reply
    assert "leaves out what the answer gives: SHIRA15" in str(events_of(result))


def test_a_command_the_owner_parser_is_sure_of_runs_as_parsed_whatever_the_model_picks(shira, make_agent):
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("owner_command"),
        tools_fn=lambda m: [{"name": "create_task", "args": {"title": "invoice"}}],
        reply_fn=lambda m: "",
    ))

    result = say(model, "add a task: call Olivia about the December post, due Friday", role="owner",
                 sender="owner")

    tasks = rows(shira, "select title from tasks order by id desc limit 1")
    assert tasks and "call olivia" in tasks[0].title.lower()
    assert [r["name"] for r in result.tool_results] == ["create_task"]


def test_the_owners_data_replies_are_never_reworded_by_the_model(shira, make_agent):
    model = make_agent(shira, engine=engine_with(
        understand_fn=lambda m: understanding("owner_query"),
        tools_fn=lambda m: [],
        reply_fn=lambda m: "You have some invoices waiting, check the console!",  # drops the numbers
    ))

    result = say(model, "any unpaid invoices?", role="owner", sender="owner")

    assert result.tool_results and "1042" in result.reply
    assert "check the console" not in result.reply



def test_a_boundary_redirect_is_never_reworded_by_the_model():
    # maya-demo's "מה את ממליצה לאקנה?": the persona's "I'm not a doctor" redirect, reworded by Gemma
    # without the doctor, failed the case; exact wording matters there.
    chat = ScriptedChat(reply_fn=lambda m: "Drink water and sleep well 💧")
    state = {"decision": {"action": "respond", "note": "boundary"}, "reply": "אני לא רופאה – כדאי לשאול רופא/ת עור",
             "conversation_id": "c", "turn": 1, "message_id": "m"}
    assert ModelEngine(chat, timeout=2.0).reply(state) is None
    assert not [stage for stage, _ in chat.sent if stage == "reply"]
