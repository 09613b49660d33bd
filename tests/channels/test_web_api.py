"""The web chat API the widget uses, with the real Agent on the demo influencer (clock frozen)."""

from __future__ import annotations

import json

import pytest
from channel_support import HANDLE
from sqlalchemy import func, select

from store.models import Coupon, CouponEvent, Event, Message, Tenant

PROBLEM = "application/problem+json"


def _new_conversation(client, **extra) -> str:
    response = client.post("/api/conversations", json={"influencer": HANDLE, **extra})
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"]


def _sse(response) -> list[tuple[str, dict]]:
    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and name:
            events.append((name, json.loads(line.split(":", 1)[1])))
            name = None
    return events


def _count(db, *where) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(Message).where(*where))


def test_create_conversation_tells_the_widget_language_and_direction(client):
    body = client.post(
        "/api/conversations", json={"influencer": "@Maya.Glow", "visitor_id": "visitor-123456"}
    ).json()
    assert body["influencer"] == HANDLE and body["visitor_id"] == "visitor-123456"
    assert body["language"] == "he" and body["dir"] == "rtl"  # a Hebrew-first influencer
    config = client.get("/api/widget/config", params={"influencer": HANDLE}).json()
    assert config["dir"] == "rtl" and config["display_name"].startswith("Maya")


def test_post_message_returns_the_reply_the_card_and_a_trace_summary(client, demo_db):
    cid = _new_conversation(client)
    response = client.post(f"/api/conversations/{cid}/messages", json={"text": "יש קוד לסילקה?"})
    assert response.status_code == 200
    body = response.json()
    assert "SILKA20" in body["reply"]["text"] and "SILKASHIP" not in body["reply"]["text"]
    assert body["reply"]["language"] == "he" and body["reply"]["dir"] == "rtl"
    assert [c["code"] for c in body["reply"]["cards"]] == ["SILKA20"]
    assert "trace" not in body  # how the reply was decided is for the owner, not the follower
    assert body["message_id"] and body["reply_id"] and not body["duplicate"]
    english = client.post(f"/api/conversations/{cid}/messages", json={"text": "and for velora?"}).json()
    assert english["reply"]["dir"] == "ltr" and "MAYA15" in english["reply"]["text"]


def test_retry_with_the_same_client_message_id_returns_the_same_reply_once(client, demo_db):
    cid = _new_conversation(client)
    payload = {"text": "codes for velora?", "client_message_id": "retry-0001"}
    first = client.post(f"/api/conversations/{cid}/messages", json=payload).json()
    again = client.post(f"/api/conversations/{cid}/messages", json=payload).json()
    assert again["duplicate"] is True
    assert again["reply"]["text"] == first["reply"]["text"] and again["reply_id"] == first["reply_id"]
    assert again["reply"]["cards"] == first["reply"]["cards"]
    assert (
        _count(demo_db, Message.direction == "in") == 1 and _count(demo_db, Message.direction == "out") == 1
    )


def test_stream_sends_typing_tokens_cards_and_done_with_ids(client, demo_db):
    cid = _new_conversation(client)
    with client.stream(
        "POST",
        f"/api/conversations/{cid}/messages/stream",
        json={"text": "יש קוד לסילקה?", "client_message_id": "s-1"},
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _sse(response)
    names = [name for name, _ in events]
    assert names[0] == "typing" and names[-1] == "done"
    assert names.count("token") >= 2 and "card" in names
    text = "".join(data["text"] for name, data in events if name == "token")
    done = events[-1][1]
    assert text.strip() == done["reply"]["text"].strip() and "SILKA20" in text
    assert done["client_message_id"] == "s-1" and done["message_id"] and done["reply_id"]
    assert [d["card"]["code"] for n, d in events if n == "card"] == ["SILKA20"]
    # A reconnect with the same id streams the same reply and stores nothing new.
    with client.stream(
        "POST",
        f"/api/conversations/{cid}/messages/stream",
        json={"text": "יש קוד לסילקה?", "client_message_id": "s-1"},
    ) as response:
        again = _sse(response)
    assert again[-1][1]["reply"]["text"] == done["reply"]["text"] and again[-1][1]["duplicate"] is True
    assert _count(demo_db, Message.direction == "in") == 1


def test_get_stream_for_eventsource_clients(client):
    cid = _new_conversation(client)
    with client.stream("GET", f"/api/conversations/{cid}/stream", params={"text": "hi"}) as response:
        names = [name for name, _ in _sse(response)]
    assert names[0] == "typing" and names[-1] == "done"


def test_history_restores_the_conversation_in_order(client):
    cid = _new_conversation(client)
    client.post(f"/api/conversations/{cid}/messages", json={"text": "hi", "client_message_id": "h-1"})
    client.post(
        f"/api/conversations/{cid}/messages", json={"text": "יש קוד לסילקה?", "client_message_id": "h-2"}
    )
    messages = client.get(f"/api/conversations/{cid}/messages").json()["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert [m["client_message_id"] for m in messages if m["role"] == "user"] == ["h-1", "h-2"]
    assert messages[3]["reply_to"] == messages[2]["id"] and messages[3]["dir"] == "rtl"
    assert messages[3]["cards"][0]["code"] == "SILKA20"


def test_coupon_copied_is_recorded_for_this_influencers_coupon_only(client, demo_db, shira_bundle_path):
    from knowledge.bundles import import_bundle_file

    import_bundle_file(demo_db, shira_bundle_path)
    cid = _new_conversation(client)
    for text, code in (("code for silka?", "SILKA20"), ("and for velora?", "MAYA15")):  # shown first
        shown = client.post(f"/api/conversations/{cid}/messages", json={"text": text}).json()
        assert code in shown["reply"]["text"]
    response = client.post(
        "/api/events", json={"conversation_id": cid, "type": "coupon_copied", "code": "silka20"}
    )
    assert response.status_code == 201 and response.json()["code"] == "SILKA20"
    with demo_db.admin_session() as s:
        shira_code = s.scalar(
            select(func.min(Coupon.code))
            .join(Tenant, Tenant.id == Coupon.tenant_id)
            .where(Tenant.handle == "shira.kitchen")
        )
    other = client.post(
        "/api/events", json={"conversation_id": cid, "type": "coupon_copied", "code": shira_code}
    )
    assert other.status_code == 404 and other.json()["errors"][0]["field"] == "code"
    click = client.post(
        "/api/events", json={"conversation_id": cid, "type": "link_clicked", "code": "MAYA15"}
    )
    assert click.status_code == 201
    bare = client.post(
        "/api/events", json={"conversation_id": cid, "type": "link_clicked", "url": "https://x.example"}
    )
    assert bare.status_code == 201
    with demo_db.admin_session() as s:
        rows = s.execute(
            select(CouponEvent.kind, Coupon.code, Coupon.tenant_id)
            .join(Coupon, Coupon.id == CouponEvent.coupon_id)
            .where(CouponEvent.conversation_id == cid, CouponEvent.kind != "shown")
            .order_by(CouponEvent.id)
        ).all()
        maya = s.scalar(select(Tenant.id).where(Tenant.handle == HANDLE))
        assert [(r.kind, r.code, r.tenant_id) for r in rows] == [
            ("copied", "SILKA20", maya),
            ("link_clicked", "MAYA15", maya),
        ]
        assert s.scalar(select(func.count()).select_from(Event).where(Event.kind == "link_clicked")) == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("post", "/api/conversations", {"influencer": "nobody.here"}, 404, "influencer"),
        ("post", "/api/conversations", {}, 422, "influencer"),
        ("post", "/api/conversations/{cid}/messages", {"text": "x" * 2001}, 422, "text"),
        ("post", "/api/conversations/{cid}/messages", {"text": ""}, 422, "text"),
        (
            "post",
            "/api/conversations/{cid}/messages",
            {"text": "hi", "client_message_id": "bad id!"},
            422,
            "client_message_id",
        ),
        (
            "post",
            "/api/conversations/00000000-0000-0000-0000-000000000000/messages",
            {"text": "hi"},
            404,
            "conversation_id",
        ),
        ("post", "/api/conversations/not-a-uuid/messages/stream", {"text": "hi"}, 404, "conversation_id"),
        (
            "get",
            "/api/conversations/00000000-0000-0000-0000-000000000000/messages",
            None,
            404,
            "conversation_id",
        ),
        ("post", "/api/events", {"conversation_id": "{cid}", "type": "coupon_copied"}, 422, "code"),
        ("post", "/api/events", {"conversation_id": "{cid}", "type": "shared"}, 422, "type"),
        (
            "post",
            "/api/events",
            {"conversation_id": "{cid}", "type": "coupon_copied", "code": "NOPE"},
            404,
            "code",
        ),
        ("get", "/api/widget/config?influencer=nobody.here", None, 404, "influencer"),
    ],
)
def test_errors_are_problem_json_naming_the_field(client, method, path, body, status, field):
    cid = _new_conversation(client)
    path = path.replace("{cid}", cid)
    if body and body.get("conversation_id") == "{cid}":
        body["conversation_id"] = cid
    response = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status and problem["title"]
    assert problem["errors"][0]["field"] == field


def test_a_whatsapp_or_owner_conversation_id_is_not_reachable_from_the_web(client, demo_db):
    from channel_support import OWNER_PHONE

    from agent import InboundMessage

    result = client.app.state.agent.handle(
        InboundMessage(
            HANDLE, "whatsapp", OWNER_PHONE, "what's open with brands?", role="owner", message_id="w-1"
        )
    )
    response = client.get(f"/api/conversations/{result.conversation_id}/messages")
    assert response.status_code == 404


def test_cors_lets_only_the_influencers_allowed_origins_use_the_widget(client, demo_db):
    with demo_db.admin_session() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.handle == HANDLE)).one()
        tenant.settings = {**(tenant.settings or {}), "allowed_origins": ["https://maya.example"]}
    good, evil = {"Origin": "https://maya.example"}, {"Origin": "https://evil.example"}
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}

    ok = client.options(f"/api/conversations?influencer={HANDLE}", headers={**good, **preflight})
    assert ok.status_code == 204 and ok.headers["access-control-allow-origin"] == "https://maya.example"
    assert "POST" in ok.headers["access-control-allow-methods"]
    refused = client.options(f"/api/conversations?influencer={HANDLE}", headers={**evil, **preflight})
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers

    created = client.post("/api/conversations", json={"influencer": HANDLE}, headers=good)
    assert (
        created.status_code == 201
        and created.headers["access-control-allow-origin"] == "https://maya.example"
    )
    cid = created.json()["conversation_id"]
    blocked = client.post("/api/conversations", json={"influencer": HANDLE}, headers=evil)
    assert blocked.status_code == 403 and "access-control-allow-origin" not in blocked.headers
    assert blocked.json()["errors"][0]["field"] == "origin"
    posted = client.post(f"/api/conversations/{cid}/messages", json={"text": "hi"}, headers=evil)
    assert posted.status_code == 403
    preflight_conv = client.options(
        f"/api/conversations/{cid}/messages/stream", headers={**evil, **preflight}
    )
    assert preflight_conv.status_code == 403
    # The server's own origin (the demo page) is always allowed.
    own = client.post(
        "/api/conversations", json={"influencer": HANDLE}, headers={"Origin": "http://testserver"}
    )
    assert own.status_code == 201
    # A validation error on an allowed origin is still readable by the widget.
    bad = client.post(f"/api/conversations/{cid}/messages", json={"text": "x" * 2001}, headers=good)
    assert bad.status_code == 422
    assert _count(demo_db, Message.direction == "in") == 0  # the refused page stored nothing


def test_widget_and_demo_page_are_served(client, make_client):
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("application/javascript")
    assert "attachShadow" in widget.text
    assert client.get("/").status_code == 404  # no demo page unless serve --demo
    page = make_client(demo=True).get("/")
    assert page.status_code == 200
    assert '<script src="/widget.js" data-influencer="maya.glow" defer></script>' in page.text


def test_an_open_widget_gets_the_influencers_own_reply_and_the_hand_back_live(client, demo_db, monkeypatch):
    from channels.settings import get_web_settings
    from store import owners as owner_store

    monkeypatch.setenv("WEB_UPDATES_STREAM_SECONDS", "0.5")  # one short listening response per read below
    monkeypatch.setenv("WEB_UPDATES_POLL_SECONDS", "0.05")
    get_web_settings.cache_clear()
    try:
        with demo_db.admin_session() as s:
            tenant = s.scalar(select(Tenant).where(Tenant.handle == HANDLE))
            token = owner_store.create_token(session=s, tenant_id=tenant.id, label="test")
        owner = {"Authorization": f"Bearer {token}"}
        cid = _new_conversation(client)
        asked = client.post(f"/api/conversations/{cid}/messages", json={"text": "I want to talk to Maya herself"})
        after = asked.json()["reply_id"]

        def updates(**params):
            with client.stream("GET", f"/api/conversations/{cid}/updates", params=params) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                return [payload for name, payload in _sse(response) if name == "message"]

        assert updates(after=after) == []  # the bot's own replies came in their turn's stream
        waiting = client.get("/owner/v1/conversations", params={"state": "waiting"}, headers=owner).json()
        number = waiting["conversations"][0]["number"]
        sent = client.post(f"/owner/v1/conversations/{number}/reply", headers=owner,
                           json={"text": "Hi! Maya here, what happened?"})
        assert sent.status_code == 200 and sent.json()["delivery"] == "stored"
        live = updates(after=after)
        assert [(m["text"], m["by"]) for m in live] == [("Hi! Maya here, what happened?", "person")]
        client.post(f"/owner/v1/conversations/{number}/hand-back", headers=owner)
        resumed = updates(after=live[0]["id"])  # a reconnect after the last event it saw
        assert [m["by"] for m in resumed] == ["system"] and resumed[0]["dir"] == "ltr"
        history = client.get(f"/api/conversations/{cid}/messages").json()["messages"]
        assert [m["by"] for m in history if m["role"] == "assistant"][-2:] == ["person", "system"]
        other = _new_conversation(client)  # another visitor's window hears nothing of it
        with client.stream("GET", f"/api/conversations/{other}/updates") as response:
            assert [n for n, _ in _sse(response) if n == "message"] == []
    finally:
        get_web_settings.cache_clear()


def test_a_follower_gets_a_link_to_their_data_and_can_have_it_erased(client, demo_db):
    import re

    cid = _new_conversation(client)
    client.post(f"/api/conversations/{cid}/messages", json={"text": "יש קוד לסילקה? המייל שלי dana@example.com"})
    told = client.post(f"/api/conversations/{cid}/messages", json={"text": "send me my data"}).json()
    link = re.search(r"https?://\S+/api/export/[\w-]+", told["reply"]["text"]).group(0)
    data = client.get(link[link.index("/api/export"):])
    assert data.status_code == 200 and "attachment" in data.headers["content-disposition"]
    body = data.json()
    assert any("סילקה" in m["text"] for m in body["messages"]) and "dana@example.com" not in data.text
    assert client.get("/api/export/" + "x" * 30).status_code == 404

    asked = client.post(f"/api/conversations/{cid}/messages", json={"text": "תמחקו את המידע שלי"}).json()
    assert "כן" in asked["reply"]["text"]  # asks to confirm
    client.post(f"/api/conversations/{cid}/messages", json={"text": "כן"})
    history = client.get(f"/api/conversations/{cid}/messages").json()["messages"]
    assert not any("סילקה" in m["text"] for m in history)
