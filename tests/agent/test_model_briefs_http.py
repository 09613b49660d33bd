"""A brief read by the model with a JSON schema (issue 14), over HTTP against the local fake OpenAI server:
the model fills what the rules left empty (a brand they could not find), its invented values are
dropped (a fee the brief never wrote), the proposal and the yes read the same (one model call, cached),
and a model that fails leaves the rules' reading."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from agent_graph_support import import_bundle, make_agent, say, shira  # noqa: F401
from fakes.fake_openai import FakeOpenAI
from sqlalchemy import select

from agent.engines.model.engine import build_model_engine
from agent.settings import OpenAISettings
from store.models import Partnership

BRIEF = ("Hey Shira! Quick one, we are launching our new olive range\nand would love 2 Instagram Reels in "
         "January 2027.\nBudget 4,000 ILS + VAT, net 30.\nThanks, Dana (Golden Grove team)")
OWNER = {"role": "owner", "channel": "whatsapp", "sender": "+972541112233"}


def _is_brief(body: dict[str, Any]) -> bool:
    return "BriefFields" in json.dumps([body.get("response_format"), body.get("tools")])


def _understood(body: dict[str, Any]) -> dict[str, Any]:
    return {"intent": "owner_command", "language": "en", "brands": [], "ambiguous_brands": [], "coupon_codes": [],
            "products": [], "order_ids": [], "dates": [], "amounts": [], "sentiment": "neutral",
            "confidence": 0.9, "followup": False}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeOpenAI) -> FakeOpenAI:
    server.reset()
    server.fail_status, server.delay = None, 0.0
    server.understand = lambda body: ({"brand": "Golden Grove", "fee": "9000", "contact": "Dana"}
                                      if _is_brief(body) else _understood(body))
    server.reply = lambda body: "OK"
    return server


def _agent(make_agent, db, fake):
    engine = build_model_engine(OpenAISettings(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=fake.base_url,
                                               OPENAI_MODEL="fake-gpt", OPENAI_TIMEOUT=5.0))
    return make_agent(db, engine=engine)


def _grove(db) -> list[tuple[str, Any]]:
    with db.admin_session() as s:
        return [(p.status, p.compensation_amount) for p in s.scalars(
            select(Partnership).where(Partnership.brand == "Golden Grove"))]


def test_the_model_names_the_brand_the_rules_missed_and_its_invented_fee_is_dropped(shira, make_agent, fake):
    agent = _agent(make_agent, shira, fake)
    proposal = say(agent, BRIEF, **OWNER)
    assert proposal.action == "confirm" and "Golden Grove" in proposal.reply and "4,000 ILS + VAT" in proposal.reply
    assert "9,000" not in proposal.reply
    done = say(agent, "yes", **OWNER)
    assert "create_from_brief" in done.tools
    assert [(status, str(fee)) for status, fee in _grove(shira)] == [("proposal", "4000.00")]
    assert len([r for r in fake.received("structured") if _is_brief(r)]) == 1  # the yes read the cached reading


def test_a_failing_model_leaves_the_rules_reading(shira, make_agent, fake):
    agent = _agent(make_agent, shira, fake)
    fake.fail_status = 500
    proposal = say(agent, BRIEF, **OWNER)
    assert proposal.action == "confirm" and "which brand is it for?" in proposal.reply
    assert _grove(shira) == []
    # the outage (its 500s) put the model on its cool-down: the brief is not sent to it as well
    assert [r for r in fake.received("structured") if _is_brief(r)] == []
