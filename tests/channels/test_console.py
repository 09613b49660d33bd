"""The owner console's API: sign-in (token or one-time link) into an HttpOnly cookie, CSRF on every
change, the inbox tabs, reply, hand back, issues, live `changed` events, and nothing of another
influencer's. The real app, the real agent on the demo influencer, the frozen clock."""

from __future__ import annotations

import json

import pytest
from channel_support import HANDLE
from sqlalchemy import func, select

from store.models import Message, Tenant


@pytest.fixture
def token(demo_db) -> str:
    from store import owners as owner_store

    with demo_db.admin_session() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.handle == HANDLE))
        return owner_store.create_token(session=s, tenant_id=tenant.id, label="console")


def _waiting(client) -> str:
    cid = client.post("/api/conversations", json={"influencer": HANDLE}).json()["conversation_id"]
    asked = client.post(f"/api/conversations/{cid}/messages", json={"text": "אני רוצה לדבר עם מאיה בעצמה"})
    assert asked.status_code == 200
    return cid


def _relays(db, cid: str) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(Message).where(
            Message.conversation_id == cid, Message.meta["by"].as_string() == "owner"))


def _sign_in(client, token: str) -> dict:
    response = client.post("/console/api/session", json={"token": token})
    assert response.status_code == 201, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert token not in cookie  # the cookie is a session id, never the token
    return response.json()


def test_sign_in_reply_hand_back_with_csrf_and_nothing_without_it(client, demo_db, token):
    assert client.get("/console").status_code == 200 and "console.js" in client.get("/console").text
    assert client.get("/console/api/conversations").status_code == 401
    bad = client.post("/console/api/session", json={"token": "ios_wrong"})
    assert bad.status_code == 401 and bad.json()["field"] == "token"
    empty = client.post("/console/api/session", json={})
    assert empty.status_code == 422 and empty.json()["field"] == "token"

    cid = _waiting(client)
    me = _sign_in(client, token)
    assert me["influencer"] == HANDLE and me["dir"] == "rtl" and me["csrf"]
    waiting = client.get("/console/api/conversations", params={"state": "waiting"}).json()["conversations"]
    assert [(c["state"], c["channel"]) for c in waiting] == [("waiting", "web")]
    number = waiting[0]["number"]
    assert waiting[0]["last_from"] == "us"  # the bot said a person will answer

    forged = client.post(f"/console/api/conversations/{number}/reply", json={"text": "hi"})  # no CSRF token
    assert forged.status_code == 403 and forged.json()["field"] == "X-CSRF-Token"
    wrong = client.post(f"/console/api/conversations/{number}/reply", json={"text": "hi"},
                        headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403 and _relays(demo_db, cid) == 0

    csrf = {"X-CSRF-Token": me["csrf"]}
    blank = client.post(f"/console/api/conversations/{number}/reply", json={"text": "   "}, headers=csrf)
    assert blank.status_code == 422 and blank.json()["field"] == "text" and _relays(demo_db, cid) == 0
    sent = client.post(f"/console/api/conversations/{number}/reply", json={"text": "היי, כאן מאיה"}, headers=csrf)
    assert sent.status_code == 200 and sent.json()["delivery"] == "stored" and _relays(demo_db, cid) == 1
    assert [c["number"] for c in client.get("/console/api/conversations?state=human").json()["conversations"]] == [
        number]
    shown = client.get(f"/console/api/conversations/{number}", params={"trace": "true"}).json()
    follower = [m for m in shown["messages"] if m["from"] == "follower"]
    assert follower and follower[0]["trace"]["intent"] and shown["messages"][-1]["from"] == "owner"
    assert client.get("/console/api/conversations/999").status_code == 404

    back = client.post(f"/console/api/conversations/{number}/hand-back", headers=csrf)
    assert back.status_code == 200
    assert client.get("/console/api/conversations?state=human").json()["conversations"] == []

    out = client.delete("/console/api/session", headers=csrf)
    assert out.status_code == 204
    assert client.get("/console/api/conversations").status_code == 401  # the session is gone on the server


def test_a_one_time_link_signs_in_once(client, demo_db, token):
    from channels.console import sign_in_link

    link = sign_in_link(demo_db, HANDLE, "http://testserver")
    assert sign_in_link(demo_db, "nobody.here", "http://testserver") is None
    first = client.get(link.removeprefix("http://testserver"), follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/console"
    assert client.get("/console/api/session").json()["influencer"] == HANDLE
    client.cookies.clear()
    again = client.get(link.removeprefix("http://testserver"), follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].endswith("#link-expired")
    assert client.get("/console/api/session").status_code == 401


def test_another_influencers_console_sees_none_of_it(client, demo_db, token, shira_bundle_path):
    from knowledge.bundles import import_bundle_file
    from store import owners as owner_store

    import_bundle_file(demo_db, shira_bundle_path)
    with demo_db.admin_session() as s:
        shira = s.scalar(select(Tenant).where(Tenant.handle != HANDLE))
        other = owner_store.create_token(session=s, tenant_id=shira.id, label="console")
    cid = _waiting(client)
    mine = _sign_in(client, token)
    number = client.get("/console/api/conversations?state=waiting").json()["conversations"][0]["number"]
    client.cookies.clear()
    theirs = _sign_in(client, other)
    assert client.get("/console/api/conversations?state=all").json()["conversations"] == []
    assert client.get(f"/console/api/conversations/{number}").status_code == 404
    tried = client.post(f"/console/api/conversations/{number}/reply", json={"text": "hi"},
                        headers={"X-CSRF-Token": theirs["csrf"]})
    assert tried.status_code == 404 and _relays(demo_db, cid) == 0
    stolen = client.post(f"/console/api/conversations/{number}/reply", json={"text": "hi"},
                         headers={"X-CSRF-Token": mine["csrf"]})  # the other session's CSRF token
    assert stolen.status_code == 403 and _relays(demo_db, cid) == 0


def test_live_events_say_changed_when_a_follower_writes(client, demo_db, token, monkeypatch):
    from channels.settings import get_web_settings

    monkeypatch.setenv("WEB_UPDATES_STREAM_SECONDS", "1.5")
    monkeypatch.setenv("WEB_UPDATES_POLL_SECONDS", "0.05")
    get_web_settings.cache_clear()
    try:
        _sign_in(client, token)
        import threading

        def follower_writes():
            import time

            time.sleep(0.3)
            _waiting(client)

        writer = threading.Thread(target=follower_writes)
        writer.start()
        names = []
        with client.stream("GET", "/console/api/events") as response:
            for line in response.iter_lines():
                if line.startswith("event:"):
                    names.append(line.split(":", 1)[1].strip())
                elif line.startswith("data:") and names and names[-1] == "changed":
                    assert json.loads(line.split(":", 1)[1])["at"]
        writer.join()
        assert names[0] == "ready" and "changed" in names
    finally:
        get_web_settings.cache_clear()


def test_the_owner_gets_a_one_time_console_link_on_whatsapp(client, twilio, demo_db):
    import re

    from channel_support import OWNER_PHONE, post_signed, webhook_params

    post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-CL1", "console link", sender=OWNER_PHONE))
    sent = twilio.wait_for(1)[-1]
    assert sent["to"] == f"whatsapp:{OWNER_PHONE}"
    link = re.search(r"https?://\S+/console/login\?code=[\w-]+", sent["body"]).group(0)
    path = link[link.index("/console"):]
    signed_in = client.get(path, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/console"
    assert client.get("/console/api/session").json()["influencer"] == HANDLE
    client.cookies.clear()
    assert client.get(path, follow_redirects=False).headers["location"].endswith("#link-expired")  # once
    follower = post_signed(client, "/channels/twilio/whatsapp", webhook_params("SM-CL2", "console link"))
    assert follower.status_code == 200
    reply = twilio.wait_for(2)[-1]
    assert "/console/login" not in (reply["body"] or "")  # a follower never gets one


def test_brands_in_the_console_need_the_session_and_csrf_and_read_a_pdf(client, demo_db, token):
    from evals.sample_files import pdf_with_text

    assert client.get("/console/api/brand-notes").status_code == 401
    assert client.post("/console/api/briefs", content=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}
                       ).status_code == 401  # no session: the file is not read
    me = _sign_in(client, token)
    forged = client.post("/console/api/brand-notes", json={"partnership": "velora", "text": "contract not signed"})
    assert forged.status_code == 403
    csrf = {"X-CSRF-Token": me["csrf"]}
    logged = client.post("/console/api/brand-notes", json={"partnership": "velora", "text": "contract not signed"},
                         headers=csrf)
    assert logged.status_code == 201 and logged.json()["note"]["kind"] == "legal"
    pdf = pdf_with_text(["Brand: Lumen Skin", "2 x Instagram Reels in January 2027", "Fee: 5,000 ILS + VAT"])
    read = client.post("/console/api/briefs?filename=brief.pdf", content=pdf,
                       headers={**csrf, "Content-Type": "application/pdf"})
    assert read.status_code == 200 and read.json()["proposal"].startswith("Lumen Skin")
    scan = client.post("/console/api/briefs?filename=scan.pdf", content=pdf_with_text([]),
                       headers={**csrf, "Content-Type": "application/pdf"})
    assert scan.status_code == 422 and scan.json()["field"] == "file"
