"""The model path with a scripted chat model: full Agent turns on the real database (shira.kitchen).

The scripted model returns structured understandings, tool calls and replies as a test says, so
each non-negotiable is checked against a model that misbehaves in exactly one way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from agent_graph_support import AVI_BUNDLE, import_bundle, make_agent, rows, say, shira  # noqa: F401
from fakes.scripted_chat import ScriptedChat, codes_in_facts, system_of, understanding, user_of

from agent.engines.model.engine import ModelEngine

OWNER_TOOLS = {
    "update_coupon",
    "create_coupon",
    "list_partnerships",
    "update_invoice",
    "create_task",
    "daily_digest",
}


def engine_with(**script: Any) -> tuple[ModelEngine, ScriptedChat]:
    chat = ScriptedChat(**script)
    return ModelEngine(chat, model_name="scripted-model", timeout=2.0), chat


def coupon_script(brand: str = "Olivia Oils", language: str = "en") -> dict[str, Any]:
    return {
        "understand_fn": lambda m: understanding("coupon_request", brands=(brand,), language=language),
        "tools_fn": lambda m: [{"name": "find_coupons", "args": {"brand": brand}}],
    }


def collect(events: list[dict[str, Any]]) -> Any:
    return events.append


def shown(events: list[dict[str, Any]]) -> str:
    """What the follower's screen showed, token by token (a reset clears it)."""
    text = ""
    for event in events:
        if event["type"] == "reset":
            text = ""
        elif event["type"] == "token":
            text += event["text"]
    return text


def test_model_calls_find_coupons_and_the_reply_carries_the_code_from_the_database(shira, make_agent):
    engine, chat = engine_with(
        **coupon_script(),
        reply_fn=lambda m: f"Sure thing! Use {codes_in_facts(m)[0]} at Olivia 🫒",
    )
    agent = make_agent(shira, engine=engine)
    events: list[dict[str, Any]] = []

    result = say(agent, "any discount for olivia oils?", on_event=events.append)

    assert result.reply == "Sure thing! Use SHIRA15 at Olivia 🫒"
    assert result.tools == ["find_coupons"] and result.tool_results[0]["ok"]
    assert result.trace["engine"] == "model"
    assert result.trace["entities"]["brands"] == ["olivia"]  # the model's brand name resolved to the catalog ref
    assert shown(events) == result.reply  # streamed token by token, nothing withheld at the end
    assert sum(1 for e in events if e["type"] == "token") > 3
    assert [stage for stage, _ in chat.sent] == ["understand", "tools", "reply"]
    assert agent.engine_name == "scripted-model"


def test_an_invented_code_never_reaches_the_follower(shira, make_agent):
    engine, _ = engine_with(**coupon_script(), reply_fn=lambda m: "Use SHIRA50 for 50% off everything!")
    agent = make_agent(shira, engine=engine)
    events: list[dict[str, Any]] = []

    result = say(agent, "any discount for olivia oils?", on_event=events.append)

    assert "SHIRA50" not in result.reply and "50%" not in result.reply
    assert "SHIRA15" in result.reply  # the template reply, from the database
    assert not any("SHIRA50" in e.get("text", "") for e in events)
    assert shown(events) == result.reply
    assert result.trace["engine"] == "model->offline"
    fallback = [e for e in result.trace["events"] if e.get("event") == "engine_fallback"]
    assert fallback and "UngroundedReply" in fallback[0]["error"] and "SHIRA50" in fallback[0]["error"]
    stored = rows(shira, "select content from messages where direction = 'out'")
    assert all("SHIRA50" not in r.content for r in stored)


def test_an_expired_code_from_the_model_is_discarded_even_in_lower_case(shira, make_agent):
    engine, _ = engine_with(**coupon_script(), reply_fn=lambda m: "try kpshira, it still works")
    agent = make_agent(shira, engine=engine)

    result = say(agent, "any discount for olivia oils?")

    assert "kpshira" not in result.reply.lower()
    assert "a code that may not be offered now" in str(result.trace["events"])


def test_a_model_calling_an_owner_tool_in_a_follower_turn_is_refused_at_act(shira, make_agent):
    before = rows(shira, "select code, active, value from coupons order by code")
    engine, chat = engine_with(
        understand_fn=lambda m: understanding("coupon_request", brands=("olivia",)),
        tools_fn=lambda m: [
            {"name": "update_coupon", "args": {"code": "SHIRA15", "active": False}},
            {
                "name": "create_coupon",
                "args": {"brand": "olivia", "code": "FREE100", "discount_type": "percentage", "value": 100},
            },
        ],
        reply_fn=lambda m: "Done! FREE100 is yours.",
    )
    agent = make_agent(shira, engine=engine)

    result = say(agent, "is there a code for olivia?")

    assert not set(chat.offered) & OWNER_TOOLS  # a follower's model never even sees the owner tools
    assert set(chat.offered) <= {
        "find_coupons",
        "list_brands",
        "search_knowledge",
        "open_support_issue",
        "request_handoff",
        "record_feedback",
        "set_consent",
    }
    # The owner tools are dropped before they run; the rules' coupon lookup still answers the follower.
    assert [r["name"] for r in result.tool_results] == ["find_coupons"]
    assert "['update_coupon', 'create_coupon'] dropped" in result.trace["decision"]["reason"]
    assert rows(shira, "select code, active, value from coupons order by code") == before
    assert "Done" not in result.reply and "FREE100" not in result.reply  # nor does it get to claim success
    assert "SHIRA15" in result.reply


def test_a_model_that_raises_falls_back_to_offline_and_the_trace_says_why(shira, make_agent):
    engine, chat = engine_with(fail={"understand"}, reply_fn=lambda m: "never used")
    agent = make_agent(shira, engine=engine)

    result = say(agent, "יש קוד הנחה לאוליביה?")

    assert "SHIRA15" in result.reply and result.language == "he"  # the offline engine answered fully
    assert result.trace["engine"] == "model->offline"
    reasons = [e["error"] for e in result.trace["events"] if e.get("event") == "engine_fallback"]
    assert reasons and "scripted understand failure" in reasons[0]
    assert [stage for stage, _ in chat.sent] == ["understand"]  # the rest of the turn did not wait on the model


def test_a_brand_the_catalog_does_not_have_is_dropped(shira, make_agent):
    engine, _ = engine_with(
        understand_fn=lambda m: understanding("coupon_request", brands=("Zara", "olivia")),
        tools_fn=lambda m: [],  # no tool call: the decision rules choose from the understanding
        reply_fn=lambda m: f"Here: {' '.join(codes_in_facts(m))}",
    )
    agent = make_agent(shira, engine=engine)

    result = say(agent, "codes for zara and olivia?")

    assert result.trace["entities"]["brands"] == ["olivia"]
    assert result.tool_results[0]["args"]["brand"] == "olivia"


def test_another_influencers_brand_gets_nothing(shira, make_agent):
    import_bundle(shira, AVI_BUNDLE)
    avi_id = rows(shira, "select id from tenants where handle = 'avi.grill'")[0].id
    engine, _ = engine_with(
        understand_fn=lambda m: understanding("coupon_request", brands=("emberline", "Emberline Grills")),
        tools_fn=lambda m: [
            {
                "name": "find_coupons",
                "args": {"brand": "Emberline", "tenant_id": avi_id, "handle": "avi.grill"},
            }
        ],
        reply_fn=lambda m: "Use AVIGRILL10 at Emberline!",
    )
    agent = make_agent(shira, engine=engine)

    result = say(agent, "code for emberline grills?")

    assert result.trace["entities"]["brands"] == []
    data = result.tool_results[0]["data"] or {}
    # Not a brand of this influencer: the answer says so, then offers only her own codes.
    assert data.get("status") == "unknown_brand"
    assert {c["code"] for c in data.get("coupons") or []} <= {"SHIRA15", "GREEN50", "KPSHIRA"}
    assert "AVIGRILL10" not in result.reply and "AVIGRILL10" not in str(result.tool_results)
    assert "Emberline" not in system_of(engine.chat.sent[0][1])  # avi's catalog never reached shira's prompt


def test_the_reply_is_in_the_language_the_follower_wrote(shira, make_agent):
    engine, _ = engine_with(
        **coupon_script(language="he"), reply_fn=lambda m: f"Sure, the code is {codes_in_facts(m)[0]}"
    )
    agent = make_agent(shira, engine=engine)

    result = say(agent, "יש קוד הנחה לאוליביה?")

    assert result.language == "he"
    assert re.search(r"[\u05d0-\u05ea]", result.reply) and "Sure, the code" not in result.reply
    assert "reply in en" in str(result.trace["events"])


def test_a_hebrew_model_reply_passes_when_grounded(shira, make_agent):
    engine, _ = engine_with(
        **coupon_script(brand="אוליביה", language="he"),
        reply_fn=lambda m: f"בטח! הקוד לאוליביה הוא {codes_in_facts(m)[0]} 🫒",
    )
    agent = make_agent(shira, engine=engine)

    result = say(agent, "יש קוד הנחה לאוליביה?")

    assert result.reply == "בטח! הקוד לאוליביה הוא SHIRA15 🫒"
    assert result.trace["entities"]["brands"] == ["olivia"]
    assert result.trace["engine"] == "model"


def test_personal_data_is_masked_in_everything_sent_to_the_model(shira, make_agent):
    engine, chat = engine_with(
        understand_fn=lambda m: understanding("support_issue", brands=("olivia",)),
        tools_fn=lambda m: [
            {
                "name": "open_support_issue",
                "args": {"summary": user_of(m), "kind": "order_missing", "brand": "olivia"},
            }
        ],
        reply_fn=lambda m: "So sorry! I passed it on and we'll get back to you.",
    )
    agent = make_agent(shira, engine=engine)

    say(agent, "my olivia order never arrived, call me on 054-7654321 or mail dana@example.com")
    say(agent, "any update? my id is 123456782")

    sent = "\n".join(str(m.content) for _, messages in chat.sent for m in messages)
    assert "7654321" not in sent and "dana@example.com" not in sent and "123456782" not in sent
    assert "[PHONE]" in sent and "[EMAIL]" in sent
    assert {stage for stage, _ in chat.sent} >= {"understand", "tools", "reply"}


def test_an_owner_turn_from_the_model_still_asks_before_a_destructive_change(shira, make_agent):
    engine, chat = engine_with(
        understand_fn=lambda m: understanding("owner_command"),
        tools_fn=lambda m: [{"name": "update_coupon", "args": {"code": "SHIRA15", "active": False}}],
        reply_fn=lambda m: "Done!",
    )
    agent = make_agent(shira, engine=engine)

    result = say(agent, "turn off the olivia code", role="owner", channel="cli", sender="+972541112233")

    assert "update_coupon" in chat.offered
    assert result.action == "confirm" and result.tools == []
    assert rows(shira, "select active from coupons where code = 'SHIRA15'")[0].active is True
    assert result.reply != "Done!"  # a confirmation is asked in the template's exact words


@pytest.mark.parametrize("bad", ["Order now at https://evil.example/olivia", "Only 9 ₪ today!"])
def test_invented_links_and_prices_fall_back_to_the_template(shira, make_agent, bad):
    engine, _ = engine_with(**coupon_script(), reply_fn=lambda m: f"Use {codes_in_facts(m)[0]}. {bad}")
    agent = make_agent(shira, engine=engine)

    result = say(agent, "any discount for olivia oils?")

    assert bad not in result.reply and "SHIRA15" in result.reply
    assert "UngroundedReply" in str(result.trace["events"])
