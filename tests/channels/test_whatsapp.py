"""WhatsApp through Twilio, end to end: signed webhook -> queue -> worker -> real Agent -> the real
twilio client -> a local fake Twilio API. What a follower or owner on WhatsApp would notice."""

from __future__ import annotations

import concurrent.futures as cf

from channel_support import (
    BOT_NUMBER,
    HANDLE,
    OWNER_PHONE,
    PUBLIC_BASE,
    post_signed,
    wait_until,
    webhook_params,
)
from sqlalchemy import func, select

from channels.whatsapp_twilio import EMPTY_TWIML, MEDIA_ONLY_REPLY
from store.models import Conversation, Message, OutboundMessage

FOLLOWER = "+972501234567"


def _count(db, model, *where) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _inbound(db) -> list[Message]:
    with db.admin_session() as s:
        return list(s.scalars(select(Message).where(Message.direction == "in").order_by(Message.id)))


def test_signed_message_is_acknowledged_at_once_and_answered_with_the_valid_code(client, twilio, demo_db):
    response = post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-A1", "יש קוד לסילקה?"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == EMPTY_TWIML  # the reply goes through the REST API, not TwiML

    sent = twilio.wait_for(1)
    assert len(sent) == 1
    assert sent[0]["to"] == f"whatsapp:{FOLLOWER}"
    assert sent[0]["from"] == f"whatsapp:{BOT_NUMBER}"
    assert "SILKA20" in sent[0]["body"]
    assert "SILKASHIP" not in sent[0]["body"]  # inactive code, never offered
    assert sent[0]["status_callback"] == f"{PUBLIC_BASE}/channels/twilio/status"

    stored = _inbound(demo_db)
    assert [m.channel_message_id for m in stored] == ["SM-A1"]
    row = wait_until(lambda: _sent_rows(demo_db))[0]
    assert row.provider_id == sent[0]["sid"] and row.purpose == "reply" and row.attempts == 1


def _sent_rows(db) -> list[OutboundMessage]:
    with db.admin_session() as s:
        return list(s.scalars(select(OutboundMessage).where(OutboundMessage.status == "sent")))


def test_bad_or_missing_signature_is_403_and_nothing_is_stored(client, twilio, demo_db):
    params = webhook_params("SM-BAD", "hi")
    assert post_signed(client, "/channels/twilio/whatsapp", params, token="wrong-token").status_code == 403
    assert client.post("/channels/twilio/whatsapp", data=params).status_code == 403
    tampered = dict(params, Body="something else")
    signature = post_signed.__globals__["sign"]("test-auth-token", PUBLIC_BASE + "/channels/twilio/whatsapp", params)
    response = client.post("/channels/twilio/whatsapp", data=tampered, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "X-Twilio-Signature"
    # Then a good message goes through, and it is the only thing ever stored or sent.
    assert post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-GOOD", "hi")).status_code == 200
    twilio.wait_for(1)
    assert [m.channel_message_id for m in _inbound(demo_db)] == ["SM-GOOD"]
    assert len(twilio.messages) == 1


def test_retried_webhook_is_stored_once_and_answered_once(client, twilio, demo_db):
    params = webhook_params("SM-DUP", "codes for velora?")
    with cf.ThreadPoolExecutor(4) as pool:  # Twilio retrying while the first is still in flight
        codes = list(pool.map(lambda _: post_signed(client, "/channels/twilio/whatsapp", params).status_code, range(4)))
    assert codes == [200, 200, 200, 200]
    twilio.wait_for(1)
    assert post_signed(client, "/channels/twilio/whatsapp", params).status_code == 200  # a late retry
    wait_until(lambda: client.app.state.runtime.queue.depth() == 0)
    assert twilio.wait_for(2, timeout=1.0) and len(twilio.messages) == 1
    assert _count(demo_db, Message, Message.direction == "in") == 1
    assert _count(demo_db, OutboundMessage, OutboundMessage.purpose == "reply") == 1


def test_the_same_job_run_twice_sends_one_reply(client, twilio, demo_db):
    runtime = client.app.state.runtime
    from channels.whatsapp_twilio import inbound_job

    job = inbound_job(webhook_params("SM-TWICE", "hi", sender=FOLLOWER), "SM-TWICE", runtime.sender.clock().isoformat())
    runtime.worker.run_job(job)
    runtime.worker.run_job(job)  # a worker died after sending and the job ran again
    assert len(twilio.messages) == 1
    assert _count(demo_db, Message, Message.direction == "in") == 1


def test_429_and_500_are_retried_with_backoff_until_sent(client, twilio, demo_db):
    twilio.fail_next(429, 500, 503)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-RETRY", "hi"))
    sent = twilio.wait_for(1)
    assert len(sent) == 1 and twilio.requests == 4
    row = wait_until(lambda: _sent_rows(demo_db))[0]
    assert row.attempts == 4 and row.error is None


def test_a_400_is_not_retried_and_the_failure_is_recorded(client, twilio, demo_db):
    twilio.fail_next(400)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-400", "hi"))

    def failed():
        with demo_db.admin_session() as s:
            return s.scalars(select(OutboundMessage).where(OutboundMessage.status == "failed")).first()

    row = wait_until(failed)
    assert row.attempts == 1 and "400" in row.error
    assert twilio.requests == 1 and twilio.messages == []


def test_messages_of_one_conversation_run_in_order(client, twilio, demo_db):
    texts = ["hi", "codes for velora?", "and for silka?", "thanks!", "what do you use for SPF?"]
    for n, text in enumerate(texts):
        assert post_signed(client, "/channels/twilio/whatsapp", webhook_params(f"SM-ORD{n}", text)).status_code == 200
    sent = twilio.wait_for(len(texts))
    assert len(sent) == len(texts)
    stored = _inbound(demo_db)
    assert [m.channel_message_id for m in stored] == [f"SM-ORD{n}" for n in range(len(texts))]
    assert [m.content for m in stored] == texts
    assert "VELORA50" in sent[1]["body"] or "MAYA15" in sent[1]["body"]
    assert "SILKA20" in sent[2]["body"]  # the follow-up was answered after its question, in order
    with demo_db.admin_session() as s:
        assert s.scalar(select(func.count(func.distinct(Message.conversation_id)))) == 1


def test_owner_number_gets_owner_mode_and_a_follower_does_not(client, twilio, demo_db):
    post_signed(
        client,
        "/channels/twilio/whatsapp",
        webhook_params("SM-OWN", "what's open with brands?", sender=OWNER_PHONE),
    )
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-FOL", "what's open with brands?"))
    sent = twilio.wait_for(2)
    by_phone = {m["to"]: m["body"] for m in sent}
    with demo_db.admin_session() as s:
        roles = dict(
            s.execute(
                select(Message.channel_message_id, Conversation.role)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Message.direction == "in")
            ).all()
        )
    assert roles == {"SM-OWN": "owner", "SM-FOL": "follower"}
    owner_reply = by_phone[f"whatsapp:{OWNER_PHONE}"]
    follower_reply = by_phone[f"whatsapp:{FOLLOWER}"]
    # The owner sees the pipeline (open deals such as Zarra's contract); a follower never does.
    assert "Zarra" in owner_reply or "זארה" in owner_reply
    assert "negotiation" not in follower_reply.lower() and "Nomi" not in follower_reply


def test_media_gets_a_polite_text_only_answer_and_is_stored_with_its_url(client, twilio, demo_db):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    params = webhook_params("SM-MEDIA", "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    post_signed(client, "/channels/twilio/whatsapp", params)
    sent = twilio.wait_for(1)
    assert sent[0]["body"] == MEDIA_ONLY_REPLY["he"]  # a Hebrew-first influencer
    stored = _inbound(demo_db)
    assert stored[0].media == [{"url": url, "content_type": "image/jpeg"}]


def test_status_callbacks_update_the_outbound_message(client, twilio, demo_db):
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-ST", "hi"))
    sid = twilio.wait_for(1)[0]["sid"]
    wait_until(lambda: _sent_rows(demo_db))
    callback = {
        "MessageSid": sid,
        "MessageStatus": "delivered",
        "AccountSid": "AC1",
        "To": f"whatsapp:{FOLLOWER}",
    }
    assert client.post("/channels/twilio/status", data=callback).status_code == 403  # unsigned: ignored
    assert post_signed(client, "/channels/twilio/status", callback).status_code == 200
    assert post_signed(client, "/channels/twilio/status", dict(callback, MessageStatus="sent")).status_code == 200
    with demo_db.admin_session() as s:
        row = s.scalars(select(OutboundMessage).where(OutboundMessage.provider_id == sid)).one()
    assert row.status == "delivered"  # a late 'sent' does not undo 'delivered'
    post_signed(client, "/channels/twilio/status", dict(callback, MessageStatus="read"))
    with demo_db.admin_session() as s:
        assert s.scalars(select(OutboundMessage.status).where(OutboundMessage.provider_id == sid)).one() == "read"


def test_follower_to_an_unknown_tenant_number_is_routed_by_the_number(client, twilio, demo_db):
    from store.models import Tenant

    with demo_db.admin_session() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.handle == HANDLE)).one()
        tenant.settings = {**(tenant.settings or {}), "whatsapp_number": BOT_NUMBER}
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-ROUTE", "hi"))
    assert twilio.wait_for(1)
    assert _inbound(demo_db)[0].tenant_id == tenant.id


def test_conversations_run_in_parallel_and_each_one_a_turn_at_a_time(make_client, twilio, demo_db, clock):
    import threading
    import time

    from agent import Agent
    from channels.turns import TurnRunner

    agent = Agent(demo_db, clock=clock)
    runner = TurnRunner(agent)
    spans: list[tuple[str, str, float, float]] = []
    lock = threading.Lock()

    def recording(message, output):  # the real turn, made slow enough to see overlaps
        start = time.perf_counter()
        time.sleep(0.15)
        result = runner(message, output)
        with lock:
            spans.append((message.sender_id, message.message_id, start, time.perf_counter()))
        return result

    client = make_client(agent=agent, on_message=recording)
    phones = ["+972501111111", "+972502222222", "+972503333333"]
    for n in range(3):
        for p, phone in enumerate(phones):
            sid = f"SM-P{p}-{n}"
            assert (
                post_signed(
                    client, "/channels/twilio/whatsapp", webhook_params(sid, f"hi {n}", sender=phone)
                ).status_code
                == 200
            )
    assert len(twilio.wait_for(9)) == 9
    wait_until(lambda: len(spans) == 9)
    agent.close()
    for phone in phones:
        mine = sorted((s for s in spans if s[0] == phone), key=lambda s: s[2])
        assert [s[1] for s in mine] == [f"SM-P{phones.index(phone)}-{n}" for n in range(3)]  # in order
        assert all(a[3] <= b[2] for a, b in zip(mine, mine[1:], strict=False))  # never two at once
    overlapping = max(sum(1 for s in spans if s[2] <= t < s[3]) for t in (s[2] for s in spans))
    assert overlapping >= 2  # different conversations did run at the same time


def test_when_redis_is_down_the_webhook_still_answers_and_nothing_is_lost(client, twilio, demo_db):
    import redis.asyncio

    runtime = client.app.state.runtime
    runtime._async_redis = redis.asyncio.Redis(unix_socket_path="/nonexistent/redis.sock", socket_timeout=0.2)
    response = post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-NOREDIS", "יש קוד לסילקה?"))
    assert response.status_code == 200
    assert "SILKA20" in twilio.wait_for(1)[0]["body"]
    assert [m.channel_message_id for m in _inbound(demo_db)] == ["SM-NOREDIS"]


def test_the_newer_sha256_signature_with_a_webhook_key_is_accepted(make_client, twilio, twilio_settings, demo_db):
    import base64
    import hashlib
    import hmac

    from pydantic import SecretStr

    client = make_client(twilio_settings=twilio_settings.model_copy(update={"webhook_key": SecretStr("shared-key")}))
    params = webhook_params("SM-256", "hi")
    url = PUBLIC_BASE + "/channels/twilio/whatsapp"
    payload = url + "".join(k + params[k] for k in sorted(params))
    signature = base64.b64encode(hmac.new(b"shared-key", payload.encode(), hashlib.sha256).digest()).decode()
    headers = {"X-Twilio-Signature": signature, "X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256"}
    assert client.post("/channels/twilio/whatsapp", data=params, headers=headers).status_code == 200
    forged = dict(headers, **{"X-Twilio-Signature": signature[:-4] + "AAAA"})
    assert (
        client.post("/channels/twilio/whatsapp", data=dict(params, MessageSid="SM-257"), headers=forged).status_code
        == 403
    )
    assert twilio.wait_for(1)[0]["to"] == f"whatsapp:{FOLLOWER}"


def test_a_send_whose_answer_was_lost_is_not_sent_twice(client, twilio, demo_db):
    twilio.drop_next(1)  # Twilio takes the reply, then the connection drops before it answers
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-LOST", "code for silka?"))
    sent = twilio.wait_for(1)
    wait_until(lambda: client.app.state.runtime.queue.depth() == 0)
    row = wait_until(lambda: _sent_rows(demo_db))[0]
    assert len(twilio.messages) == 1 and "SILKA20" in sent[0]["body"]
    assert row.provider_id == sent[0]["sid"]


def _sender_in_window(client, twilio, demo_db):
    """The app's sender and the demo tenant's id, after the follower wrote (the 24-hour window is open)
    and the fake Twilio was emptied."""
    from store.models import Tenant

    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-OPEN", "hi"))
    twilio.wait_for(1)
    wait_until(lambda: client.app.state.runtime.queue.depth() == 0)
    twilio.reset()
    with demo_db.admin_session() as s:
        return client.app.state.runtime.sender, s.scalar(select(Tenant.id).where(Tenant.handle == HANDLE))


def test_a_worker_killed_after_twilio_took_the_reply_does_not_send_it_again(client, twilio, demo_db):
    import datetime as dt

    sender, tenant_id = _sender_in_window(client, twilio, demo_db)
    first = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="reply", body="hello", dedupe_key="reply:SM-K")
    assert first.status == "sent" and len(twilio.messages) == 1
    with demo_db.admin_session() as s:  # what a worker killed between Twilio's acceptance and our commit leaves
        row = s.get(OutboundMessage, first.outbound_id)
        row.status, row.provider_id = "sending", None
        row.updated_at = row.updated_at - dt.timedelta(minutes=5)
    again = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="reply", body="hello", dedupe_key="reply:SM-K")
    assert len(twilio.messages) == 1  # asked Twilio, found it, did not send again
    assert again.status == "sent" and again.provider_id == twilio.messages[0]["sid"]
    other = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="reply", body="bye", dedupe_key="reply:SM-K2")
    assert other.status == "sent" and len(twilio.messages) == 2


def test_a_send_left_in_progress_by_a_dead_worker_is_finished_not_skipped(client, twilio, demo_db, monkeypatch):
    """The job runs again while the dead worker's row still looks fresh: the sender waits for the row
    to go stale, asks Twilio, and sends only what Twilio never got (found by the fault suite)."""
    import datetime as dt

    from channels import _twilio_sender

    monkeypatch.setattr(_twilio_sender, "IN_PROGRESS", dt.timedelta(seconds=1))
    monkeypatch.setattr(_twilio_sender, "_WAIT_SECONDS", 3.0)
    sender, tenant_id = _sender_in_window(client, twilio, demo_db)
    for key, body in (("reply:SM-DIED-BEFORE", "never sent"), ("reply:SM-DIED-AFTER", "sent, not recorded")):
        first = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="reply", body=body, dedupe_key=key)
        with demo_db.admin_session() as s:  # what the dead worker left: a fresh row in 'sending'
            row = s.get(OutboundMessage, first.outbound_id)
            row.status, row.provider_id = "sending", None
    twilio.reset()
    twilio.messages.append({"sid": "SMalready", "to": f"whatsapp:{FOLLOWER}", "from": f"whatsapp:{BOT_NUMBER}",
                            "body": "sent, not recorded", "created": __import__("time").time(), "received": 0})
    before = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="reply", body="never sent",
                         dedupe_key="reply:SM-DIED-BEFORE")
    after = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="reply", body="sent, not recorded",
                        dedupe_key="reply:SM-DIED-AFTER")
    assert before.status == "sent" and after.status == "sent" and after.provider_id == "SMalready"
    assert [m["body"] for m in twilio.messages] == ["sent, not recorded", "never sent"]  # one each
