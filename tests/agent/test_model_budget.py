"""Model tokens are counted per turn and per tenant month, and the owner's monthly budget holds (issue 17)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from agent_graph_support import NOW, make_agent, say, shira  # noqa: F401
from fakes.scripted_chat import ScriptedChat, understanding
from sqlalchemy import text

from agent.engines.model.engine import ModelEngine
from store import model_usage
from store.tenancy import bind
from tools import REGISTRY, ToolContext


def engine() -> ModelEngine:
    chat = ScriptedChat(understand_fn=lambda m: understanding("coupon_request", brands=("Olivia Oils",)),
                        tools_fn=lambda m: [], reply_fn=lambda m: "Olivia Oils it is!")
    return ModelEngine(chat, model_name="scripted-model", timeout=2.0)


def owner_tool(db: Any, name: str, **args: Any) -> Any:
    with db.sessions() as session:
        tenant_id = session.execute(text("select id from tenants where handle = 'shira.kitchen'")).scalar_one()
        bind(session, tenant_id)
        ctx = ToolContext(session=session, tenant_id=tenant_id, handle="shira.kitchen", timezone="Asia/Jerusalem",
                          role="owner", services={"redis": db.redis},
                          now=dt.datetime.fromisoformat(NOW))
        result = REGISTRY.run(name, args, ctx)
        session.commit()
        return result


def test_a_model_turn_reports_its_calls_and_tokens_and_the_month_adds_them_up(shira, make_agent):
    agent = make_agent(shira, engine=engine())

    first = say(agent, "is there a code for olivia?", sender="b-1")
    say(agent, "and for olivia again?", sender="b-2")

    model = first.trace["model"]
    assert model["calls"] >= 2 and model["input_tokens"] == 120 and model["output_tokens"] == 30
    assert set(model["ms"]) >= {"understand", "reply"}
    usage = owner_tool(shira, "model_usage")
    assert usage.ok, usage.error
    assert usage.data["turns"] == 2 and usage.data["tokens"] == 300 and usage.data["state"] == "ok"


def test_over_the_hard_budget_the_tenant_is_served_offline_and_over_the_soft_one_replies_are_the_templates(
        shira, make_agent):
    agent = make_agent(shira, engine=engine())
    say(agent, "is there a code for olivia?", sender="b-3")  # 150 tokens this month

    assert owner_tool(shira, "set_model_budget", soft=100, hard=1000).ok
    soft = say(agent, "is there a code for olivia?", sender="b-4")
    assert "Olivia Oils it is!" not in soft.reply and "SHIRA15" in soft.reply  # the template, with the code
    assert {"node": "understanding", "event": "model_budget", "state": "soft"} in soft.trace["events"]

    assert owner_tool(shira, "set_model_budget", soft=100, hard=200).ok
    hard = say(agent, "is there a code for olivia?", sender="b-5")
    assert hard.trace["engine"] == "offline" and "model" not in hard.trace
    assert "SHIRA15" in hard.reply


def test_a_budget_whose_hard_limit_is_below_the_soft_one_is_refused_with_the_field(shira):
    result = owner_tool(shira, "set_model_budget", soft=500, hard=100)
    assert not result.ok and result.error["field"] == "hard"
    assert model_usage.budget_of({}) == {"soft": None, "hard": None}
