"""One contract, every channel adapter: a message reaches the real agent only through `on_message`,
once per channel message id, and the person gets one reply, in their language, on that channel."""

from __future__ import annotations

import threading

import pytest
from channel_support import HANDLE, post_signed, wait_until, webhook_params
from sqlalchemy import func, select

from channels.base import CollectingOutputChannel, InboundMessage, OutputChannel
from channels.turns import TurnRunner
from store.models import Message


class WebDriver:
    """Talks to the web adapter as the widget does."""

    name = "web"

    def __init__(self, client) -> None:
        self.client = client
        self.cid = client.post("/api/conversations", json={"influencer": HANDLE}).json()["conversation_id"]
        self.reply_ids: dict[int, str] = {}

    def send(self, text: str, message_id: str) -> None:
        body = self.client.post(
            f"/api/conversations/{self.cid}/messages", json={"text": text, "client_message_id": message_id}
        ).json()
        self.reply_ids[body["reply_id"]] = body["reply"]["text"]

    def replies(self, count: int) -> list[str]:
        return list(self.reply_ids.values())


class WhatsAppDriver:
    """Talks to the WhatsApp adapter as Twilio does; replies arrive at the fake Twilio API."""

    name = "whatsapp"
    phone = "+972509876543"

    def __init__(self, client, twilio) -> None:
        self.client = client
        self.twilio = twilio

    def send(self, text: str, message_id: str) -> None:
        params = webhook_params(message_id, text, sender=self.phone)
        assert post_signed(self.client, "/channels/twilio/whatsapp", params).status_code == 200

    def replies(self, count: int) -> list[str]:
        self.twilio.wait_for(count)
        wait_until(lambda: self.client.app.state.runtime.queue.depth() == 0)
        return [m["body"] for m in self.twilio.messages if m["to"] == f"whatsapp:{self.phone}"]


@pytest.fixture(params=["web", "whatsapp"])
def channel(request, make_client, twilio, demo_db, clock):
    """(driver, the InboundMessages that reached on_message, the outputs they came with)."""
    from agent import Agent

    agent = Agent(demo_db, clock=clock)
    runner = TurnRunner(agent)
    seen: list[tuple[InboundMessage, OutputChannel]] = []
    lock = threading.Lock()

    def on_message(message, output):
        with lock:
            seen.append((message, output))
        return runner(message, output)

    client = make_client(agent=agent, on_message=on_message)
    driver = WebDriver(client) if request.param == "web" else WhatsAppDriver(client, twilio)
    yield driver, seen
    agent.close()


def _inbound_count(db) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(Message).where(Message.direction == "in"))


def test_a_message_reaches_the_agent_through_on_message_and_is_answered(channel, demo_db):
    driver, seen = channel
    driver.send("יש קוד לסילקה?", "contract-1")
    replies = driver.replies(1)
    assert len(replies) == 1 and "SILKA20" in replies[0]
    message, output = seen[0]
    assert message.channel == driver.name and message.handle == HANDLE and message.role == "follower"
    assert message.text == "יש קוד לסילקה?" and "contract-1" in (message.message_id or "")
    assert isinstance(output, OutputChannel)


def test_the_same_message_id_twice_is_stored_once_and_answered_once(channel, demo_db):
    driver, _ = channel
    driver.send("codes for velora?", "contract-2")
    driver.send("codes for velora?", "contract-2")
    replies = driver.replies(1)
    assert len(replies) == 1 and "MAYA15" in replies[0]
    assert _inbound_count(demo_db) == 1


def test_the_reply_is_in_the_language_the_person_wrote_in(channel):
    driver, _ = channel
    driver.send("hi! do you have a code for silka?", "contract-3")
    driver.send("ויש קוד לולורה?", "contract-4")
    english, hebrew = driver.replies(2)
    assert "SILKA20" in english and not any("\u05d0" <= ch <= "\u05ea" for ch in english.split("\n")[0])
    assert "MAYA15" in hebrew and any("\u05d0" <= ch <= "\u05ea" for ch in hebrew)


def test_a_collecting_output_gets_the_streamed_events_and_the_reply(demo_db, clock):
    from agent import Agent

    agent = Agent(demo_db, clock=clock)
    try:
        output = CollectingOutputChannel()
        message = InboundMessage(HANDLE, "cli", "tester", "יש קוד לסילקה?", message_id="collect-1")
        result = TurnRunner(agent)(message, output)
    finally:
        agent.close()
    kinds = [e["type"] for e in output.events]
    assert "token" in kinds and "card" in kinds and kinds[-1] == "done"
    assert output.texts == [result.reply] and "SILKA20" in result.reply
