"""The conversation lifecycle: an owner who goes quiet hands the follower back to the bot after the idle
time (the follower is told), idle conversations close and the next message reopens them, and the
statistics count them."""

from __future__ import annotations

import datetime as dt

from agent_graph_support import NOW as CLOCK
from agent_graph_support import rows, say

from channels.lifecycle import run_lifecycle

NOW = dt.datetime.fromisoformat(CLOCK)


class _NoSend:
    """The sender's clock and a record of what would go to WhatsApp (these followers write on the web)."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def clock(self) -> dt.datetime:
        return NOW

    def send(self, **kwargs) -> None:
        self.sent.append(kwargs)

    def deliver(self, **kwargs) -> str:
        self.sent.append(kwargs)
        return "sent"


def test_a_held_conversation_goes_back_to_the_bot_after_the_idle_time(shira, make_agent):
    agent = make_agent(shira)
    asked = say(agent, "can I talk to a human please?", sender="dana")
    conversation = asked.conversation_id
    sender = _NoSend()
    assert run_lifecycle(shira, sender, now=NOW + dt.timedelta(hours=11))["handed_back"] == 0  # not yet
    done = run_lifecycle(shira, sender, now=NOW + dt.timedelta(hours=13))
    assert done["handed_back"] == 1
    assert rows(shira, "select paused from conversations where id = :c", c=conversation)[0].paused is False
    told = rows(shira, "select content from messages where conversation_id = :c and meta->>'handed_back' = 'idle'",
                c=conversation)
    assert len(told) == 1 and "assistant" in told[0].content
    assert rows(shira, "select status from handoffs where conversation_id = :c", c=conversation)[0].status == "released"
    again = say(agent, "is there a code for olivia?", sender="dana", conversation_id=conversation,
                now=NOW + dt.timedelta(hours=14))
    assert "SHIRA15" in again.reply


def test_idle_conversations_close_count_as_closed_and_reopen_on_the_next_message(shira, make_agent):
    agent = make_agent(shira)
    first = say(agent, "hi!", sender="a")
    say(agent, "hello", sender="b", now=NOW + dt.timedelta(hours=20))
    closed = run_lifecycle(shira, _NoSend(), now=NOW + dt.timedelta(hours=25))["closed"]
    assert closed == 1
    assert rows(shira, "select status from conversations where id = :c", c=first.conversation_id)[0].status == "closed"
    stats = say(agent, "how many conversations closed this week?", role="owner", sender="owner-token",
                now=NOW + dt.timedelta(hours=25))
    closed_figure = [r for r in stats.tool_results if r["name"] == "conversation_stats"]
    assert closed_figure and closed_figure[0]["data"]["closed"] == 1
    say(agent, "me again", sender="a", conversation_id=first.conversation_id, now=NOW + dt.timedelta(hours=26))
    assert rows(shira, "select status from conversations where id = :c", c=first.conversation_id)[0].status == "open"
