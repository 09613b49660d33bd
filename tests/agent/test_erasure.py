"""A follower's own data: "delete my data" asks first; yes erases (details, messages as placeholders,
saved state) and the next message starts fresh; anything else keeps everything. "send me my data" tells
what is held."""

from __future__ import annotations

from agent_graph_support import rows, say


def _talk(agent, sender: str = "dana"):
    first = say(agent, "hi! my email is dana@example.com, any code for olivia?", sender=sender)
    assert "SHIRA15" in first.reply
    return first.conversation_id


def test_erasure_asks_first_and_yes_erases(shira, make_agent):
    agent = make_agent(shira)
    conversation = _talk(agent)
    asked = say(agent, "please delete my data", sender="dana", conversation_id=conversation)
    assert asked.action == "confirm" and asked.tools == [] and "?" in asked.reply
    assert rows(shira, "select count(*) as n from messages where content = '[erased]'")[0].n == 0  # not yet
    done = say(agent, "yes", sender="dana", conversation_id=conversation)
    assert done.tools == ["erase_my_data"] and done.tool_results[0]["ok"], done.reply
    assert "deleted" in done.reply.lower()
    kept = rows(shira, "select content from messages where conversation_id = :c order by id", c=conversation)
    assert kept[0].content == "[erased]" and not any("olivia" in r.content.lower() for r in kept)
    contact = rows(shira, "select external_id, consent, attributes from contacts where channel = 'web'")[0]
    assert contact.external_id.startswith("erased:") and contact.consent == "withdrawn" and contact.attributes == {}
    traces = rows(shira, "select trace from turn_traces where conversation_id = :c", c=conversation)
    assert [t.trace["text"] for t in traces] == ["yes"]  # only the erasing turn's own
    assert rows(shira, "select count(*) as n from turn_checkpoints where thread_id = :c", c=conversation)[0].n == 0
    fresh = say(agent, "hi", sender="dana", conversation_id=conversation)
    assert fresh.reply  # the conversation goes on, from scratch


def test_anything_but_yes_keeps_everything(shira, make_agent):
    agent = make_agent(shira)
    conversation = _talk(agent)
    say(agent, "תמחקו את המידע שלי", sender="dana", conversation_id=conversation)
    kept = say(agent, "לא, עזבו", sender="dana", conversation_id=conversation)
    assert kept.tools == [] and ("בוטל" in kept.reply or "ביטלתי" in kept.reply)
    assert rows(shira, "select count(*) as n from messages where content = '[erased]'")[0].n == 0


def test_send_me_my_data_says_what_is_held(shira, make_agent):
    agent = make_agent(shira)
    conversation = _talk(agent)
    told = say(agent, "what data do you have on me?", sender="dana", conversation_id=conversation)
    assert told.tools == ["export_my_data"] and "message" in told.reply and "dana@example.com" not in told.reply
