"""The model path over HTTP: langchain-openai's real ChatOpenAI against a local fake OpenAI-compatible
server (tests/fakes/fake_openai.py), through Agent.handle on the real database.

The fake answers structured output, tool calls and streamed replies; every request it received is
kept, so what was sent to the model (masked personal data, only follower tools) is asserted too.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from agent_graph_support import AVI_BUNDLE, import_bundle, make_agent, say, shira  # noqa: F401
from fakes.fake_openai import FakeOpenAI, last_user_text, system_text

from agent.engines.model.engine import ModelEngine, build_model_engine
from agent.settings import OpenAISettings, get_settings

FOLLOWER_TOOLS = {
    "find_coupons",
    "list_brands",
    "search_knowledge",
    "open_support_issue",
    "request_handoff",
    "record_feedback",
    "set_consent",
}


def structured(intent: str, *, brands: list[str] | None = None, language: str = "en") -> dict[str, Any]:
    return {
        "intent": intent,
        "language": language,
        "brands": brands or [],
        "ambiguous_brands": [],
        "coupon_codes": [],
        "products": [],
        "order_ids": [],
        "dates": [],
        "amounts": [],
        "sentiment": "neutral",
        "confidence": 0.9,
        "followup": False,
    }


def facts(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = re.search(r"FACTS[^\n]*\n(.*?)\n\n", system_text(body), re.S)
    return json.loads(found.group(1)) if found else []


def codes(body: dict[str, Any]) -> list[str]:
    return [c["code"] for f in facts(body) for c in (f.get("result") or {}).get("coupons") or []]


def understand_by_words(body: dict[str, Any]) -> dict[str, Any]:
    """A tiny 'model': Hebrew or English, olivia or emberline, coupon or greeting."""
    text = last_user_text(body).lower()
    language = "he" if re.search(r"[\u05d0-\u05ea]", text) else "en"
    brands = [b for b, cue in (("olivia", "olivia"), ("olivia", "אוליביה"), ("Emberline", "emberline")) if cue in text]
    intent = "coupon_request" if re.search(r"code|coupon|discount|קוד|הנחה", text) else "greeting"
    return structured(intent, brands=brands, language=language)


def coupon_tools(body: dict[str, Any]) -> list[dict[str, Any]]:
    text = last_user_text(body).lower()
    brand = "Emberline" if "emberline" in text else "olivia"
    return [{"name": "find_coupons", "args": {"brand": brand}}]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeOpenAI) -> FakeOpenAI:
    server.reset()
    server.understand, server.tools, server.delay, server.fail_status = (
        understand_by_words,
        coupon_tools,
        0.0,
        None,
    )
    server.reply = lambda body: f"Sure! Your code is {codes(body)[0]} 🫒" if codes(body) else "Hi there! 😊"
    return server


def model_engine(fake: FakeOpenAI, **overrides: Any) -> ModelEngine:
    values = {
        "OPENAI_API_KEY": "test-key",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_MODEL": "fake-gpt",
        "OPENAI_TIMEOUT": 5.0,
        **overrides,
    }
    engine = build_model_engine(OpenAISettings(**values))
    assert engine is not None
    return engine


def test_the_agent_runs_the_model_engine_when_a_key_is_set(shira, make_agent, fake, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("OPENAI_MODEL", "fake-gpt")
    get_settings.cache_clear()
    try:
        agent = make_agent(shira)
        result = say(agent, "is there a discount code for olivia?")
    finally:
        get_settings.cache_clear()

    assert isinstance(agent.engine, ModelEngine) and agent.engine_name == "fake-gpt"
    assert result.reply == "Sure! Your code is SHIRA15 🫒" and result.trace["engine"] == "model"
    assert {r["model"] for r in fake.received()} == {"fake-gpt"}


def test_without_a_key_the_agent_is_offline(shira, make_agent, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    agent = make_agent(shira)
    assert agent.engine_name == "offline"


def test_a_coupon_turn_over_http_structured_output_tool_call_and_streamed_reply(shira, make_agent, fake):
    agent = make_agent(shira, engine=model_engine(fake))
    events: list[dict[str, Any]] = []

    result = say(agent, "is there a discount code for olivia?", on_event=events.append)

    assert result.reply == "Sure! Your code is SHIRA15 🫒"
    assert result.tools == ["find_coupons"] and result.tool_results[0]["data"]["coupons"][0]["code"] == "SHIRA15"
    assert [fake.kind(r) for r in fake.received()] == ["structured", "tools", "chat"]
    structured_request, tools_request, chat_request = fake.received()
    assert structured_request["response_format"]["type"] == "json_schema"
    assert chat_request["stream"] is True
    assert "".join(e["text"] for e in events if e["type"] == "token") == result.reply
    assert {t["function"]["name"] for t in tools_request["tools"]} <= FOLLOWER_TOOLS


def test_structured_output_by_function_calling_works_too(shira, make_agent, fake):
    agent = make_agent(shira, engine=model_engine(fake, OPENAI_STRUCTURED_METHOD="function_calling"))

    result = say(agent, "is there a discount code for olivia?")

    assert result.reply == "Sure! Your code is SHIRA15 🫒"
    assert "tool_choice" in fake.received()[0] and "response_format" not in fake.received()[0]


def test_an_invented_code_over_http_never_reaches_the_follower(shira, make_agent, fake):
    fake.reply = lambda body: "Great news: FAKE99 gives you 30% off!"
    agent = make_agent(shira, engine=model_engine(fake))
    events: list[dict[str, Any]] = []

    result = say(agent, "is there a discount code for olivia?", on_event=events.append)

    assert "FAKE99" not in result.reply and "SHIRA15" in result.reply
    assert not any("FAKE99" in (e.get("text") or "") for e in events)
    assert result.trace["engine"] == "model->offline"


def test_personal_data_never_reaches_the_model_server(shira, make_agent, fake):
    agent = make_agent(shira, engine=model_engine(fake))

    say(agent, "hi! I'm dana@example.com, 054-7654321, card 4111 1111 1111 1111")
    say(agent, "and a discount code for olivia? my id 123456782")

    sent = json.dumps(fake.received(), ensure_ascii=False)
    for secret in ("dana@example.com", "7654321", "4111 1111", "123456782"):
        assert secret not in sent
    assert "[EMAIL]" in sent and "[PHONE]" in sent
    assert len(fake.received()) >= 4


def test_the_model_hears_only_this_influencers_brands_and_gets_no_other_code(shira, make_agent, fake):
    import_bundle(shira, AVI_BUNDLE)
    fake.reply = lambda body: "Use AVIGRILL10 at Emberline 🔥"
    agent = make_agent(shira, engine=model_engine(fake))

    result = say(agent, "discount code for emberline?")

    assert result.trace["entities"]["brands"] == []
    data = result.tool_results[0]["data"] or {}
    assert data.get("status") == "unknown_brand"  # not her brand: said so, then only her own codes
    assert {c["code"] for c in data.get("coupons") or []} <= {"SHIRA15", "GREEN50", "KPSHIRA"}
    assert "AVIGRILL10" not in result.reply
    sent = json.dumps(fake.received(), ensure_ascii=False)
    assert "Galil" not in sent and "Emberline Grills" not in sent  # avi's catalog never in shira's prompts


def test_a_hebrew_message_gets_a_hebrew_reply_from_the_model(shira, make_agent, fake):
    fake.reply = lambda body: f"בטח! הקוד שלך: {codes(body)[0]} 🫒"
    agent = make_agent(shira, engine=model_engine(fake))

    result = say(agent, "יש קוד הנחה לאוליביה?")

    assert result.reply == "בטח! הקוד שלך: SHIRA15 🫒" and result.language == "he"
    assert "Hebrew only" in system_text(fake.received("chat")[0])


def test_a_slow_model_falls_back_within_about_the_timeout(shira, make_agent, fake):
    fake.delay = 3.0
    agent = make_agent(shira, engine=model_engine(fake, OPENAI_TIMEOUT=0.5))

    started = time.perf_counter()
    result = say(agent, "is there a discount code for olivia?")
    first = time.perf_counter() - started

    # Well under the model's 3 s delay: the turn gave up on the model at its timeout (the margin is for a
    # loaded CI machine; the exact figure belongs to the benchmarks).
    assert first < 2.5, f"turn took {first:.2f} s with a 0.5 s model timeout and a 3 s model delay"
    assert "SHIRA15" in result.reply and result.trace["engine"] == "model->offline"
    reasons = " ".join(e["error"] for e in result.trace["events"] if e.get("event") == "engine_fallback")
    assert "Timeout" in reasons
    requests_so_far = len(fake.received())

    started = time.perf_counter()
    again = say(agent, "and for greenbox?", sender="visitor-2")
    assert time.perf_counter() - started < 2.5  # the outage cool-down: nobody else waits 3 s for a dead model
    assert again.reply and len(fake.received()) == requests_so_far
    assert "skipped" in str(again.trace["events"])


def test_a_server_error_falls_back_to_offline(shira, make_agent, fake):
    fake.fail_status = 500
    engine = model_engine(fake)
    agent = make_agent(shira, engine=engine)

    result = say(agent, "is there a discount code for olivia?")

    assert "SHIRA15" in result.reply and result.trace["engine"] == "model->offline"
    assert "Error code: 500" in str(result.trace["events"])
    assert len(fake.received()) == 1  # one failed call, then the turn and the cool-down skip the model


def test_an_expired_code_in_lower_case_over_http_never_reaches_the_follower(shira, make_agent, fake):
    fake.reply = lambda body: "try kpshira, it still works!"
    agent = make_agent(shira, engine=model_engine(fake))
    events: list[dict[str, Any]] = []

    result = say(agent, "is there a discount code for olivia?", on_event=events.append)

    assert "kpshira" not in result.reply.lower() and "SHIRA15" in result.reply
    assert not any("kpshira" in (e.get("text") or "").lower() for e in events)  # never streamed either
    assert result.trace["engine"] == "model->offline"


@pytest.mark.parametrize("bad", ["Order now at https://evil.example/olivia", "Only 9 ₪ today!"])
def test_invented_links_and_prices_over_http_fall_back_to_the_template(shira, make_agent, fake, bad):
    fake.reply = lambda body: f"Use SHIRA15. {bad}"
    agent = make_agent(shira, engine=model_engine(fake))

    result = say(agent, "is there a discount code for olivia?")

    assert bad not in result.reply and "SHIRA15" in result.reply
    assert "UngroundedReply" in str(result.trace["events"])
