"""The 24-hour window, owner notifications (handoff, support) and the daily digest on WhatsApp."""

from __future__ import annotations

import datetime as dt
import json

from channel_support import NOW, OWNER_PHONE, post_signed, wait_until, webhook_params
from sqlalchemy import select

from channels import notify
from store.models import Event, OutboundMessage, Tenant

FOLLOWER = "+972501234567"


def _rows(db, **where) -> list[OutboundMessage]:
    with db.admin_session() as s:
        query = select(OutboundMessage).order_by(OutboundMessage.id)
        for key, value in where.items():
            query = query.where(getattr(OutboundMessage, key) == value)
        return list(s.scalars(query))


def _owner_writes(client, twilio, sid: str = "SM-OWNER-HI") -> None:
    """The owner messages the bot (which opens their 24-hour window) and gets an answer."""
    before = len(twilio.messages)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params(sid, "היי", sender=OWNER_PHONE))
    twilio.wait_for(before + 1)


def test_handoff_is_announced_to_an_owner_inside_the_window(client, twilio, demo_db):
    _owner_writes(client, twilio)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-H1", "אפשר לדבר איתך?"))
    sent = twilio.wait_for(3)
    to_owner = [m for m in sent if m["to"] == f"whatsapp:{OWNER_PHONE}"]
    assert len(to_owner) == 2  # the owner's own answer, then the notice
    assert "🙋" in to_owner[-1]["body"] and "מושהה" in to_owner[-1]["body"]

    def notified():
        with demo_db.admin_session() as s:
            return s.scalars(select(Event.notified_at).where(Event.kind == "handoff_requested")).one()

    assert wait_until(notified)
    # The periodic pass does not announce it again.
    assert notify.notify_pending(demo_db, client.app.state.runtime.sender) == 0
    assert len(twilio.messages) == 3


def test_outside_the_window_without_a_template_nothing_is_sent_and_the_attempt_is_recorded(
    client, twilio, demo_db
):
    post_signed(
        client,
        "/channels/twilio/whatsapp",
        webhook_params("SM-S1", "My order from Silka never arrived, order SH-1234"),
    )
    wait_until(lambda: _rows(demo_db, purpose="support"))
    blocked = _rows(demo_db, purpose="support")[0]
    assert blocked.status == "blocked_window" and blocked.to == "+••••••••4321" != OWNER_PHONE
    assert "24-hour window" in blocked.error and "SH-1234" in blocked.body
    assert [m["to"] for m in twilio.messages] == [f"whatsapp:{FOLLOWER}"]  # only the follower's reply


def test_outside_the_window_the_purpose_template_is_sent(make_client, twilio, twilio_settings, demo_db):
    settings = twilio_settings.model_copy(update={"content_sid_handoff": "HX" + "a" * 32})
    client = make_client(twilio_settings=settings)
    post_signed(
        client,
        "/channels/twilio/whatsapp",
        webhook_params("SM-H2", "I want to talk to Maya, a real person please"),
    )
    sent = twilio.wait_for(2)
    template = next(m for m in sent if m["to"] == f"whatsapp:{OWNER_PHONE}")
    assert template["content_sid"] == "HX" + "a" * 32 and template["body"] in (None, "")
    assert set(json.loads(template["content_variables"])) == {"1", "2"}
    row = wait_until(lambda: _rows(demo_db, purpose="handoff", status="sent"))[0]
    assert row.content_sid == "HX" + "a" * 32 and row.provider_id == template["sid"]


def test_a_follow_up_a_day_later_is_blocked_but_a_reply_in_time_is_free_form(client, twilio, demo_db, clock):
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-W1", "hi"))
    twilio.wait_for(1)
    sender = client.app.state.runtime.sender
    with demo_db.admin_session() as s:
        tenant_id = s.scalars(select(Tenant.id)).first()
    clock.now = NOW + dt.timedelta(hours=23, minutes=59)
    assert (
        sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="follow_up", body="Did the code work?").status
        == "sent"
    )
    clock.now = NOW + dt.timedelta(hours=24, minutes=1)
    outcome = sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="follow_up", body="Did the code work?")
    assert outcome.status == "blocked_window"
    assert len(twilio.messages) == 2  # the reply and the in-time follow-up only


def test_daily_digest_is_sent_once_at_the_owners_hour(client, twilio, demo_db, clock):
    runtime = client.app.state.runtime
    with demo_db.admin_session() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.handle == "maya.glow")).one()
        tenant.settings = {**(tenant.settings or {}), "digest_hour": 9}
    clock.now = NOW - dt.timedelta(hours=2)  # 08:00 in Jerusalem: too early
    assert notify.send_due_digests(demo_db, runtime.sender) == []
    clock.now = NOW  # 10:00 in Jerusalem
    _owner_writes(client, twilio)
    outcomes = notify.send_due_digests(demo_db, runtime.sender)
    assert [o.status for o in outcomes] == ["sent"]
    digest = twilio.messages[-1]
    assert digest["to"] == f"whatsapp:{OWNER_PHONE}" and "הסיכום היומי" in digest["body"]
    assert "Silka" in digest["body"]  # the overdue "Chase Silka" task of the demo bundle
    assert notify.send_due_digests(demo_db, runtime.sender) == []  # once a day
    assert len(_rows(demo_db, purpose="digest")) == 1


def test_what_is_stored_of_a_sent_message_is_masked(client, twilio, demo_db):
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-M1", "hi"))
    twilio.wait_for(1)
    with demo_db.admin_session() as s:
        tenant_id = s.scalars(select(Tenant.id)).first()
    sender = client.app.state.runtime.sender
    body = "Call the shop at 054-7654321 or write to dana@example.com"
    assert sender.send(tenant_id=tenant_id, to=FOLLOWER, purpose="follow_up", body=body).status == "sent"
    assert twilio.messages[-1]["body"] == body  # the person gets the real text
    stored = _rows(demo_db, purpose="follow_up")[0].body
    assert "7654321" not in stored and "dana@example.com" not in stored


def test_the_owner_answers_a_waiting_follower_from_whatsapp_and_hands_back(client, twilio, demo_db):
    """The whole takeover on the real twilio client against the fake API: a follower asks for a human,
    the owner is told (#1), answers with "reply 1: …", the follower gets that text on WhatsApp, and after
    "done 1" the follower is told the assistant is back."""
    _owner_writes(client, twilio)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-T1", "can I talk to a real person?"))
    twilio.wait_for(3)  # the follower's handoff reply and the owner's notice
    notice = [m for m in twilio.messages if m["to"] == f"whatsapp:{OWNER_PHONE}"][-1]["body"]
    assert "#1" in notice and ("reply 1:" in notice or "תעני ל-1:" in notice)  # in the owner's language
    post_signed(client, "/channels/twilio/whatsapp",
                webhook_params("SM-T2", "reply 1: Hi! Maya here, sending a new box tomorrow", sender=OWNER_PHONE))
    sent = twilio.wait_for(5)  # the relay to the follower, the owner's confirmation
    to_follower = [m["body"] for m in sent if m["to"] == f"whatsapp:{FOLLOWER}"]
    assert "Hi! Maya here, sending a new box tomorrow" in to_follower
    # While the owner holds it, what the follower writes reaches the owner, with the number.
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-T2B", "great, which courier?"))
    sent = twilio.wait_for(7)
    assert any("#1" in m["body"] and "which courier" in m["body"] for m in sent
               if m["to"] == f"whatsapp:{OWNER_PHONE}")
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-T3", "done 1", sender=OWNER_PHONE))
    sent = twilio.wait_for(9)
    assert any("takes it from here" in m["body"] for m in sent if m["to"] == f"whatsapp:{FOLLOWER}")


def test_the_owner_answers_by_quoting_the_notification(client, twilio, demo_db):
    """Two followers wait; "reply: …" alone would be ambiguous. The owner swipes to reply to #2's notification
    (Twilio posts OriginalRepliedMessageSid): the plain text goes to that follower, "done" hands #2 back,
    and a quote of anything that is not one of our notifications changes nothing."""
    other = "+972509876543"
    _owner_writes(client, twilio)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-Q1", "can I talk to a real person?"))
    twilio.wait_for(3)
    post_signed(client, "/channels/twilio/whatsapp",
                webhook_params("SM-Q2", "I need a human please", sender=other))
    sent = twilio.wait_for(5)
    notices = [m for m in sent if m["to"] == f"whatsapp:{OWNER_PHONE}" and "🙋" in (m["body"] or "")]
    about_two = next(m for m in notices if "#2" in m["body"])
    wait_until(lambda: _rows(demo_db, provider_id=about_two["sid"]))  # recorded, as long before a person replies

    post_signed(client, "/channels/twilio/whatsapp", webhook_params(
        "SM-Q3", "Hi, Maya here! What size do you need?", sender=OWNER_PHONE,
        OriginalRepliedMessageSid=about_two["sid"]))
    sent = twilio.wait_for(7)  # the relay to follower #2 and the owner's confirmation
    assert "Hi, Maya here! What size do you need?" in [m["body"] for m in sent if m["to"] == f"whatsapp:{other}"]
    assert "Hi, Maya here!" not in " ".join(m["body"] or "" for m in sent if m["to"] == f"whatsapp:{FOLLOWER}")

    post_signed(client, "/channels/twilio/whatsapp", webhook_params(
        "SM-Q4", "done", sender=OWNER_PHONE, OriginalRepliedMessageSid=about_two["sid"]))
    sent = twilio.wait_for(9)
    assert any("takes it from here" in (m["body"] or "") for m in sent if m["to"] == f"whatsapp:{other}")
    with demo_db.admin_session() as s:
        from store.models import Conversation

        paused = dict(s.execute(select(Conversation.number, Conversation.paused)
                                .where(Conversation.number.isnot(None))).all())
    assert paused == {1: True, 2: False}  # #1 still waits for Maya; #2 is with the bot again

    before = len(twilio.messages)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params(
        "SM-Q5", "see you soon", sender=OWNER_PHONE, OriginalRepliedMessageSid="SM" + "0" * 32))
    twilio.wait_for(before + 1)  # the owner is answered; no follower gets anything
    assert all(m["to"] == f"whatsapp:{OWNER_PHONE}" for m in twilio.messages[before:])


def test_a_manager_serves_two_influencers_from_one_phone(client, twilio, demo_db, shira_bundle_path):
    """Noa manages maya.glow and shira.kitchen from one phone: both notify her, each notice names whose it
    is; quoting one answers that influencer's follower; "switch to shira.kitchen" moves her, and her
    "done 1" then hands back Shira's #1, not Maya's; the audit log says it was her."""
    from knowledge.bundles import import_bundle_file
    from store import owners as owner_store
    from store.models import AuditEntry, Conversation

    manager, shira_number, shira_follower = "+972521110000", "+14155550000", "+972501110022"
    import_bundle_file(demo_db, shira_bundle_path)
    with demo_db.admin_session() as s:
        tenants = {t.handle: t for t in s.scalars(select(Tenant))}
        shira = tenants["shira.kitchen"]
        shira.settings = {**(shira.settings or {}), "whatsapp_number": shira_number}
        maya = tenants["maya.glow"]
        maya.settings = {**(maya.settings or {}), "whatsapp_number": "+14155238886"}
        for tenant in (maya, shira):
            owner_store.add_manager(session=s, tenant_id=tenant.id, phone=manager, name="Noa")
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-M0", "hi", sender=manager))
    wait_until(lambda: any(m["to"] == f"whatsapp:{manager}" for m in twilio.messages))  # her window is open
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-M1", "can I talk to a real person?"))
    post_signed(client, "/channels/twilio/whatsapp", webhook_params(
        "SM-M2", "I want to talk to a human", sender=shira_follower, To=f"whatsapp:{shira_number}"))

    def notices():
        return [m for m in twilio.messages if m["to"] == f"whatsapp:{manager}" and "🙋" in (m["body"] or "")]

    wait_until(lambda: len(notices()) == 2)
    shira_notice = next(m for m in notices() if m["body"].startswith("[@shira.kitchen]"))
    assert any(m["body"].startswith("[@maya.glow]") for m in notices())
    wait_until(lambda: _rows(demo_db, provider_id=shira_notice["sid"]))  # the send is recorded (as it is long
    # before a person can swipe to reply to it)

    post_signed(client, "/channels/twilio/whatsapp", webhook_params(
        "SM-M3", "Hi, this is Noa from Shira's team!", sender=manager,
        OriginalRepliedMessageSid=shira_notice["sid"]))
    wait_until(lambda: any(m["body"] == "Hi, this is Noa from Shira's team!" for m in twilio.messages
                           if m["to"] == f"whatsapp:{shira_follower}"))
    confirmed = wait_until(lambda: [m["body"] for m in twilio.messages if m["to"] == f"whatsapp:{manager}"
                                    and "#1" in (m["body"] or "") and "🙋" not in m["body"]])
    assert confirmed[-1].startswith("[@shira.kitchen]")
    assert all("Noa from Shira" not in (m["body"] or "") for m in twilio.messages if m["to"] == f"whatsapp:{FOLLOWER}")

    before = len(twilio.messages)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-M4", "switch to shira.kitchen", sender=manager))
    switched = wait_until(lambda: [m["body"] for m in twilio.messages[before:] if m["to"] == f"whatsapp:{manager}"])
    assert switched[0].startswith("[@shira.kitchen]") and "#1" in switched[0]  # who waits there
    before = len(twilio.messages)
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-M5", "done 1", sender=manager))
    wait_until(lambda: any("takes it from here" in (m["body"] or "") for m in twilio.messages[before:]
                           if m["to"] == f"whatsapp:{shira_follower}"))
    def paused():
        with demo_db.admin_session() as s:
            return {(t, n): p for t, n, p in s.execute(
                select(Tenant.handle, Conversation.number, Conversation.paused)
                .join(Conversation, Conversation.tenant_id == Tenant.id).where(Conversation.number.isnot(None)))}

    wait_until(lambda: paused() == {("maya.glow", 1): True, ("shira.kitchen", 1): False})  # the turn commits
    with demo_db.admin_session() as s:
        actors = set(s.scalars(select(AuditEntry.actor).where(AuditEntry.tenant_id == shira.id)))
    assert actors and all(a.endswith("0000") and manager not in a for a in actors)  # her, masked
