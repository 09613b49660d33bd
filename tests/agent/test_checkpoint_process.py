"""A conversation's state lives in Postgres: a second process continues what the first one started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from agent_graph_support import NOW, REPO, say

_FIRST_TURN = textwrap.dedent(
    """
    import json, sys
    from agent import Agent, InboundMessage
    from store.db import Database

    db = Database(sys.argv[1], sys.argv[2])
    agent = Agent(db)
    result = agent.handle(InboundMessage("shira.kitchen", "web", "visitor-42", sys.argv[3], now=sys.argv[4]))
    print(json.dumps({"conversation_id": result.conversation_id, "intent": result.intent,
                      "pid": __import__("os").getpid()}))
    agent.close()
    """
)


def _first_turn_in_another_process(db, text: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_TURN, db.url, db.redis_url, text, NOW],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_second_process_resolves_the_follow_up_from_the_first(shira, make_agent):
    first = _first_turn_in_another_process(shira, "tell me about GreenBox")
    assert first["pid"] != os.getpid()

    agent = make_agent(shira)
    follow_up = say(agent, "is there a code for it?", sender="visitor-42", conversation_id=first["conversation_id"])

    assert follow_up.intent == "coupon_request"
    assert follow_up.tools and follow_up.tools[0] == "find_coupons"
    assert follow_up.tool_results[0]["args"].get("brand") == "greenbox"
    assert "GREEN50" in follow_up.reply
    assert follow_up.trace["turn"] == 2

    state = agent.graph.get_state({"configurable": {"thread_id": first["conversation_id"]}}).values
    assert [h["role"] for h in state["history"]] == ["user", "assistant", "user", "assistant"]
    assert state["history"][0]["text"] == "tell me about GreenBox"


def test_checkpoint_holds_no_raw_personal_data(shira, make_agent):
    agent = make_agent(shira)
    result = say(agent, "my number is 054-7654321 and mail dana@example.com, what's the olivia code?")
    from sqlalchemy import text

    with shira.admin_engine.connect() as conn:
        saved = conn.execute(text("select state from turn_checkpoints where thread_id = :t"),
                             {"t": result.conversation_id}).scalars().all()
    assert len(saved) == 1
    dump = bytes(saved[0])
    assert b"7654321" not in dump and b"dana@example.com" not in dump
    assert b"[PHONE]" in dump


def test_checkpoint_keeps_what_the_next_turn_reads_and_not_the_turns_scratch(shira, make_agent):
    agent = make_agent(shira)
    first = say(agent, "tell me about GreenBox")
    saved = agent.checkpointer.get_tuple({"configurable": {"thread_id": first.conversation_id}})
    values = saved.checkpoint["channel_values"]
    # The brand catalog, persona, tool results and reply are read afresh every turn: not stored again.
    assert not values.get("catalog") and not values.get("persona") and not values.get("tool_results")
    assert not values.get("reply") and not values.get("understanding")
    assert [h["role"] for h in values["history"]] == ["user", "assistant"] and values["turn"] == 1
    assert values.get("last_understanding")  # what a follow-up resolves against

    follow_up = say(agent, "is there a code for it?", conversation_id=first.conversation_id)
    assert "GREEN50" in follow_up.reply and follow_up.trace["turn"] == 2


def test_an_owner_change_in_one_process_reloads_the_cached_catalog_in_another(shira, make_agent):
    follower_side, owner_side = make_agent(shira), make_agent(shira)  # two processes' caches, one Redis
    say(follower_side, "hi")
    loads = follower_side.cache.misses
    say(follower_side, "any code for GreenBox?", sender="visitor-2")
    assert follower_side.cache.misses == loads  # nothing changed: her brands and persona come from the cache

    changed = say(owner_side, "add a task: send the GreenBox stories by Thursday", role="owner", sender="owner-token")
    assert changed.tools == ["create_task"]
    say(follower_side, "any code for GreenBox?", sender="visitor-3")
    assert follower_side.cache.misses > loads  # the other process's committed change: loaded afresh at once


def test_a_conversation_keeps_one_saved_state_however_long_it_runs(shira, make_agent):
    """LangGraph's saver kept a checkpoint row and its blobs for every turn, forever."""
    from agent_graph_support import rows

    agent = make_agent(shira)
    first = say(agent, "tell me about GreenBox")
    for text in ("is there a code for it?", "thanks!", "and for Olivia?"):
        say(agent, text, conversation_id=first.conversation_id)
    assert rows(shira, "select count(*) as n from turn_checkpoints")[0].n == 1
    assert agent.checkpointer.get_tuple({"configurable": {"thread_id": first.conversation_id}}) \
        .checkpoint["channel_values"]["turn"] == 4


def test_the_state_commits_with_the_turn_or_not_at_all(shira, make_agent, monkeypatch):
    """A turn that fails after its graph ran (here: building its result) is rolled back, its saved
    state too: the next turn does not remember a message the database never kept."""
    import agent._turn as turn_module

    agent = make_agent(shira)
    first = say(agent, "tell me about GreenBox")
    real = turn_module.result_from_state

    def broken(*args, **kwargs):
        raise RuntimeError("the turn fails after its graph")

    monkeypatch.setattr(turn_module, "result_from_state", broken)
    failed = say(agent, "what about Olivia?", conversation_id=first.conversation_id)
    assert failed.reply  # answered gracefully, the message stored
    monkeypatch.setattr(turn_module, "result_from_state", real)

    state = agent.graph.get_state({"configurable": {"thread_id": first.conversation_id}}).values
    assert [h["text"] for h in state["history"] if h["role"] == "user"] == ["tell me about GreenBox"]
    assert state["turn"] == 1
