"""Odd and hostile input at the channel edge: nothing lost, never a 500, nothing raw at rest.

Each test reproduces a defect found by probing a clean clone (issue 9) and asserts what a follower,
an owner or an operator would notice: the message stored once, a reply sent, a problem naming the
field, no phone number in Redis.
"""

from __future__ import annotations

import json

from channel_support import HANDLE, OWNER_PHONE, post_signed, wait_until, webhook_params
from sqlalchemy import func, select

from store import owners as owner_store
from store.models import CouponEvent, Event, Message, Tenant

FOLLOWER = "+972501234567"
PROBLEM = "application/problem+json"


def _conversation(client) -> str:
    response = client.post("/api/conversations", json={"influencer": HANDLE})
    assert response.status_code == 201, response.text
    return response.json()["conversation_id"]


def _inbound_texts(db) -> list[str]:
    with db.admin_session() as s:
        return list(s.scalars(select(Message.content).where(Message.direction == "in").order_by(Message.id)))


def _owner_token(db) -> str:
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant).where(Tenant.handle == HANDLE)).one()
        return owner_store.create_token(session=s, tenant_id=tenant.id, label="test")


# --- NUL and control characters --------------------------------------------------------------


def test_nul_in_a_web_message_is_stored_without_it_and_answered(client, demo_db):
    conv = _conversation(client)
    response = client.post(f"/api/conversations/{conv}/messages", json={"text": "hi\u0000 any code\u0007 for silka?"})
    assert response.status_code == 200, response.text
    assert "SILKA20" in response.json()["reply"]["text"]
    assert _inbound_texts(demo_db) == ["hi any code for silka?"]


def test_nul_in_the_sse_query_text_ends_with_done_not_retry(client, demo_db):
    conv = _conversation(client)
    with client.stream("GET", f"/api/conversations/{conv}/stream", params={"text": "hello\u0000"}) as response:
        body = "".join(response.iter_text())
    assert "event: done" in body and "event: error" not in body
    assert _inbound_texts(demo_db) == ["hello"]


def test_nul_only_text_is_a_422_naming_text(client, demo_db):
    conv = _conversation(client)
    response = client.post(f"/api/conversations/{conv}/messages", json={"text": "\u0000\u0000"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["field"] == "text"


def test_nul_in_a_handle_is_a_problem_not_a_500(client):
    response = client.post("/api/conversations", json={"influencer": "maya\u0000.glow"})
    assert response.status_code == 201 and response.json()["influencer"] == HANDLE  # the NUL is dropped
    unknown = client.post("/api/conversations", json={"influencer": "\u0000nobody\u0000"})
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith(PROBLEM)
    config = client.get("/api/widget/config", params={"influencer": "maya.glow\u0000"})
    assert config.status_code in (200, 404, 422) and config.status_code != 500


def test_nul_in_a_whatsapp_body_is_stored_and_answered(client, twilio, demo_db):
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-NUL", "code for\u0000 silka?"))
    sent = twilio.wait_for(1)
    assert "SILKA20" in sent[0]["body"]
    assert _inbound_texts(demo_db) == ["code for silka?"]


def test_nul_in_owner_api_title_and_query_is_not_a_500(client, demo_db):
    headers = {"Authorization": f"Bearer {_owner_token(demo_db)}"}
    created = client.post("/owner/v1/tasks", json={"title": "Call\u0000 Velora", "due_date": "2099-01-05"},
                          headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["task"]["title"] == "Call Velora"
    listed = client.get("/owner/v1/partnerships", params={"brand": "vel\u0000ora"}, headers=headers)
    assert listed.status_code in (200, 422), listed.text


# --- long WhatsApp messages ------------------------------------------------------------------


def test_a_whatsapp_body_over_the_limit_is_stored_and_answered(client, twilio, demo_db):
    long_text = "do you have a code for silka? " + "I love your videos so much. " * 120
    assert len(long_text) > 2000
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-LONG", long_text))
    sent = twilio.wait_for(1)
    assert sent[0]["body"].strip()
    stored = _inbound_texts(demo_db)
    assert len(stored) == 1 and stored[0].startswith("do you have a code for silka?")
    assert len(stored[0]) <= 2000


# --- nothing raw in Redis ---------------------------------------------------------------------


def _redis_dump(db) -> str:
    out = []
    for key in db.redis.scan_iter(count=500):
        kind = db.redis.type(key).decode()
        if kind == "list":
            out += [v.decode("utf-8", "replace") for v in db.redis.lrange(key, 0, -1)]
        elif kind == "string":
            out.append((db.redis.get(key) or b"").decode("utf-8", "replace"))
        out.append(key.decode("utf-8", "replace"))
    return "\n".join(out)


def test_queued_whatsapp_jobs_keep_no_raw_phone_or_text(make_client, twilio, demo_db):
    client = make_client(worker_concurrency=0)  # nothing takes the job: look at what Redis holds
    secret = "my card is 4111 1111 1111 1111, call me on 054-7654321"
    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-RAW", secret, sender=FOLLOWER))
    dump = _redis_dump(demo_db)
    assert FOLLOWER not in dump and FOLLOWER.lstrip("+") not in dump
    assert "4111 1111" not in dump and "7654321" not in dump and "call me" not in dump
    # The job is there, sealed: nothing lost, the worker opens it.
    from channels._sealed import unseal
    from channels.worker import JobQueue

    queue = JobQueue(demo_db.redis)
    keys = [k.decode() for k in demo_db.redis.scan_iter(match=f"{queue.prefix}:k:*")]
    jobs = [json.loads(raw) for k in keys for raw in demo_db.redis.lrange(k, 0, -1)]
    assert [j["id"] for j in jobs] == ["SM-RAW"]
    assert unseal(jobs[0]["sealed"])["Body"] == secret


def test_dead_letters_are_masked_expire_and_can_be_retried(client, twilio, demo_db):
    from channels.worker import JobQueue

    queue = JobQueue(demo_db.redis)
    job = {"kind": "twilio_inbound", "id": "SM-DEAD", "from": f"whatsapp:{FOLLOWER}", "body": "call 0541234567"}
    queue.dead_letter("wa:x:y", job, "RuntimeError: boom for 0541234567")
    dump = _redis_dump(demo_db)
    assert "0541234567" not in dump and FOLLOWER not in dump
    assert demo_db.redis.ttl(f"{queue.prefix}:dead") > 0
    dead = queue.dead_letters()
    assert len(dead) == 1 and dead[0]["job"]["id"] == "SM-DEAD" and "boom" in dead[0]["error"]


# --- limits before cost -----------------------------------------------------------------------


def test_creating_conversations_is_limited_per_ip(make_client, demo_db):
    client = make_client(conversation_rate=(5, 0.0001))
    codes = [client.post("/api/conversations", json={"influencer": HANDLE}).status_code for _ in range(8)]
    assert codes[:5] == [201] * 5
    assert codes[5:] == [429] * 3


def _show_and_copy(client, db, conv: str, code: str) -> int:
    return client.post("/api/events", json={"conversation_id": conv, "type": "coupon_copied", "code": code}).status_code


def test_a_copy_counts_once_and_only_for_a_code_shown_in_the_conversation(client, demo_db):
    conv = _conversation(client)
    # Not shown yet: refused, nothing counted.
    assert _show_and_copy(client, demo_db, conv, "SILKA20") == 409
    reply = client.post(f"/api/conversations/{conv}/messages", json={"text": "code for silka?"}).json()
    assert "SILKA20" in reply["reply"]["text"]
    assert [_show_and_copy(client, demo_db, conv, "SILKA20") for _ in range(5)] == [201, 200, 200, 200, 200]
    assert _show_and_copy(client, demo_db, conv, "SILKASHIP") in (404, 409)  # inactive, never shown
    with demo_db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(CouponEvent).where(CouponEvent.kind == "copied")) == 1


def test_link_clicks_are_stored_masked(client, demo_db):
    conv = _conversation(client)
    url = "https://shop.example.com/p?email=dana@example.com&phone=0541234567"
    event = {"conversation_id": conv, "type": "link_clicked", "url": url}
    assert client.post("/api/events", json=event).status_code == 201
    with demo_db.admin_session() as s:
        payload = json.dumps([e.payload for e in s.scalars(select(Event))])
    assert "dana@example.com" not in payload and "0541234567" not in payload
    assert "shop.example.com" in payload


# --- owner API bodies -------------------------------------------------------------------------


def test_owner_api_odd_bodies_and_ids_are_problems(client, demo_db):
    headers = {"Authorization": f"Bearer {_owner_token(demo_db)}", "Content-Type": "application/json"}
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/owner/v1/tasks", content=deep, headers=headers)
    assert 400 <= response.status_code < 500 and response.headers["content-type"].startswith(PROBLEM)
    huge = client.patch("/owner/v1/tasks/1099511627776", json={"status": "done"}, headers=headers)
    assert huge.status_code in (404, 422) and huge.headers["content-type"].startswith(PROBLEM)
    big = client.post("/owner/v1/tasks", content=b'{"title": "' + b"a" * (20 * 1024 * 1024) + b'"}', headers=headers)
    assert big.status_code == 413 and big.headers["content-type"].startswith(PROBLEM)


def test_an_unexpected_error_is_problem_json_with_a_request_id(make_client, demo_db):
    def explode(message, output):
        raise RuntimeError("boom")

    client = make_client(on_message=explode)
    conv = _conversation(client)
    from fastapi.testclient import TestClient

    quiet = TestClient(client.app, raise_server_exceptions=False)
    response = quiet.post(f"/api/conversations/{conv}/messages", json={"text": "hi"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["request_id"] and response.headers["x-request-id"] == response.json()["request_id"]


def test_followers_do_not_get_the_trace_summary(client, demo_db):
    conv = _conversation(client)
    body = client.post(f"/api/conversations/{conv}/messages", json={"text": "code for silka?"}).json()
    assert "trace" not in body
    assert "SILKA20" in body["reply"]["text"]


def test_the_follower_phone_is_not_in_checkpoints(client, twilio, demo_db):
    from sqlalchemy import text

    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-CKPT", "hi there", sender=FOLLOWER))
    twilio.wait_for(1)
    wait_until(lambda: _inbound_texts(demo_db))
    with demo_db.admin_engine.connect() as conn:
        data = conn.execute(text("select coalesce(string_agg(encode(state, 'escape'), ''), '') "
                                 "from turn_checkpoints")).scalar() or ""
    assert data  # the conversation's state was saved
    assert FOLLOWER not in data and FOLLOWER.lstrip("+") not in data
    assert OWNER_PHONE  # the owner's phone is a registered identity, tested in the owner tests
