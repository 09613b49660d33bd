"""The owner JSON API: bearer token, the same tools and validation, problem+json, confirmation, scoping."""

from __future__ import annotations

import pytest
from _owner_world import build
from fastapi import FastAPI
from fastapi.testclient import TestClient

from channels.owner_api import router
from channels.owner_money_api import router as money_router
from store import owners as owner_store


@pytest.fixture
def api(db):
    ids = build(db)
    with db.admin_session() as s:
        tokens = {
            name: owner_store.create_token(session=s, tenant_id=tid, label=name) for name, tid in ids.items()
        }
    app = FastAPI()
    app.include_router(router)
    app.include_router(money_router)
    app.state.db = db
    client = TestClient(app)

    def as_owner(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    client.as_owner = as_owner  # type: ignore[attr-defined]
    return client


def test_no_token_or_a_bad_token_is_401_problem_json(api):
    for headers in ({}, {"Authorization": "Bearer ios_not-a-real-token"}, {"Authorization": "Basic abc"}):
        response = api.get("/owner/v1/partnerships", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthorized"


def test_lists_are_the_token_tenant_only(api):
    shira = api.get("/owner/v1/invoices", params={"status": "unpaid"}, headers=api.as_owner("shira")).json()
    noa = api.get("/owner/v1/invoices", params={"status": "unpaid"}, headers=api.as_owner("noa")).json()
    assert [(i["number"], i["amount"]) for i in shira["invoices"]] == [("1042", "7000.00")]
    assert [(i["number"], i["amount"]) for i in noa["invoices"]] == [("1042", "111.00")]
    partnerships = api.get("/owner/v1/partnerships?open=true", headers=api.as_owner("shira")).json()
    assert [p["ref"] for p in partnerships["partnerships"]] == ["lumi", "sababa"]
    stats = api.get("/owner/v1/stats/coupons?code=SHIRA15", headers=api.as_owner("shira")).json()
    assert stats["coupons"][0]["revenue"] == "756.00"


def test_create_a_task_and_see_it_listed(api):
    created = api.post(
        "/owner/v1/tasks",
        json={"title": "Call Lumi", "due_date": "2099-01-05", "partnership": "lumi"},
        headers=api.as_owner("shira"),
    )
    assert created.status_code == 201, created.text
    task_id = created.json()["task"]["id"]
    listed = api.get("/owner/v1/tasks", params={"partnership": "lumi"}, headers=api.as_owner("shira")).json()
    assert task_id in [t["id"] for t in listed["tasks"]]
    done = api.patch(f"/owner/v1/tasks/{task_id}", json={"complete": True}, headers=api.as_owner("shira"))
    assert done.status_code == 200 and done.json()["task"]["status"] == "completed"


def test_validation_errors_name_the_field(api):
    cases = [
        ("post", "/owner/v1/tasks", {"title": "x", "priority": "critical"}, 422, "priority"),
        ("post", "/owner/v1/coupons", {"code": "SHIRA15", "partnership": "olivia", "value": 5}, 409, "code"),
        ("post", "/owner/v1/invoices", {"partnership": "olivia", "amount": "lots"}, 422, "amount"),
        ("patch", "/owner/v1/partnerships/olivia", {"status": "lead"}, 409, "status"),
        (
            "patch",
            "/owner/v1/partnerships/olivia",
            {"partnership": "lumi", "status": "lead"},
            422,
            "partnership",
        ),
        ("post", "/owner/v1/partnerships", {"brand": "X", "colour": "red"}, 422, "colour"),
    ]
    for method, path, body, status, field in cases:
        response = getattr(api, method)(path, json=body, headers=api.as_owner("shira"))
        assert response.status_code == status, (path, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["field"] == field
    not_json = api.post("/owner/v1/tasks", content=b"[1, 2]", headers=api.as_owner("shira"))
    assert not_json.status_code == 422 and "JSON object" in not_json.json()["detail"]


def test_destructive_changes_need_confirm_and_say_what_will_change(api):
    first = api.patch(
        "/owner/v1/invoices/1042",
        json={"status": "paid", "paid_at": "2026-11-20"},
        headers=api.as_owner("shira"),
    )
    assert first.status_code == 409 and first.json()["code"] == "confirmation_required"
    assert first.json()["detail"] == "Mark invoice 1042 (7,000.00 ILS, Olivia Oils) as paid on 2026-11-20"
    unpaid = api.get("/owner/v1/invoices?status=unpaid", headers=api.as_owner("shira")).json()
    assert [i["number"] for i in unpaid["invoices"]] == ["1042"]  # nothing happened yet
    confirmed = api.patch(
        "/owner/v1/invoices/1042?confirm=true",
        json={"status": "paid", "paid_at": "2026-11-20"},
        headers=api.as_owner("shira"),
    )
    assert confirmed.status_code == 200 and confirmed.json()["invoice"]["paid_at"] == "2026-11-20"
    off = api.patch("/owner/v1/coupons/GREEN50", json={"active": False}, headers=api.as_owner("shira"))
    assert off.status_code == 409 and "Deactivate coupon GREEN50" in off.json()["detail"]


def test_another_tenant_rows_are_not_found(api):
    missing = api.patch(
        "/owner/v1/partnerships/zara", json={"status": "proposal"}, headers=api.as_owner("shira")
    )
    assert missing.status_code == 404 and missing.json()["field"] == "partnership"
    shira_tasks = api.get("/owner/v1/tasks?status=completed", headers=api.as_owner("shira")).json()["tasks"]
    foreign = api.patch(
        f"/owner/v1/tasks/{shira_tasks[0]['id']}", json={"priority": "low"}, headers=api.as_owner("noa")
    )
    assert foreign.status_code == 404 and foreign.json()["field"] == "task"
    created = api.post(
        "/owner/v1/coupons",
        json={"code": "NOA5", "partnership": "olivia", "value": 5},
        headers=api.as_owner("noa"),
    )
    assert created.status_code == 201
    assert (
        api.patch(
            "/owner/v1/coupons/NOA5", json={"expires": "2027-01-01"}, headers=api.as_owner("shira")
        ).status_code
        == 404
    )


def _waiting_follower(db, tenant_id: int, issue: str | None = None) -> str:
    """A web follower of the tenant who asked for a human (as the request_handoff tool records it), and
    opened a support issue first when `issue` is given."""
    from dataclasses import replace

    from _owner_world import context

    from store import contacts as contact_store
    from store import conversations as conversation_store
    from tools import REGISTRY
    from tools.registry import FOLLOWER

    with db.admin_session() as s:
        contact = contact_store.upsert(session=s, tenant_id=tenant_id, channel="web", external_id="visitor-9")
        conv = conversation_store.create(session=s, tenant_id=tenant_id, contact_id=contact.id, channel="web")
        ctx = replace(context(s, tenant_id, role=FOLLOWER), conversation_id=conv.id, contact_id=contact.id)
        if issue:
            assert REGISTRY.run("open_support_issue", {"summary": issue, "kind": "order_missing"}, ctx).ok
        assert REGISTRY.run("request_handoff", {"reason": "my box never came"}, ctx).ok
        return conv.id


def test_the_inbox_over_the_api_lists_shows_replies_and_hands_back(api, db):
    with db.admin_session() as s:
        from store import tenants as tenant_store

        shira = tenant_store.get_by_handle(session=s, handle="shira.kitchen").id
    conversation = _waiting_follower(db, shira)
    listed = api.get("/owner/v1/inbox", headers=api.as_owner("shira"))
    assert listed.status_code == 200
    assert [(c["number"], c["channel"], c["state"]) for c in listed.json()["conversations"]] == [(1, "web", "waiting")]
    shown = api.get("/owner/v1/conversations/1", headers=api.as_owner("shira"))
    assert shown.status_code == 200 and shown.json()["paused"] is True
    replied = api.post("/owner/v1/conversations/1/reply", headers=api.as_owner("shira"),
                       json={"text": "Hi, a new box leaves today"})
    assert replied.status_code == 200 and replied.json()["delivery"] == "stored"
    with db.admin_session() as s:
        from sqlalchemy import text

        relayed = s.execute(text("select content from messages where conversation_id = :c and direction = 'out' "
                                 "and meta->>'by' = 'owner'"), {"c": conversation}).scalars().all()
    assert relayed == ["Hi, a new box leaves today"]
    empty = api.post("/owner/v1/conversations/1/reply", headers=api.as_owner("shira"), json={"text": ""})
    assert empty.status_code == 422 and empty.json()["field"] == "text"
    other = api.get("/owner/v1/conversations/1", headers=api.as_owner("noa"))  # another influencer's #1
    assert other.status_code == 404
    back = api.post("/owner/v1/conversations/1/hand-back", headers=api.as_owner("shira"))
    assert back.status_code == 200
    again = api.post("/owner/v1/conversations/1/hand-back", headers=api.as_owner("shira"))
    assert again.status_code == 409  # already with the bot: said so, nothing changed


def test_conversations_filter_by_state_and_issues_list_and_close(api, db):
    with db.admin_session() as s:
        from store import tenants as tenant_store

        shira = tenant_store.get_by_handle(session=s, handle="shira.kitchen").id
    _waiting_follower(db, shira, issue="order 5521 never arrived, call me at 054-1234567")

    def states(state: str, owner: str = "shira") -> list[tuple[int, str]]:
        response = api.get("/owner/v1/conversations", params={"state": state}, headers=api.as_owner(owner))
        assert response.status_code == 200, response.text
        return [(c["number"], c["state"]) for c in response.json()["conversations"]]

    assert states("waiting") == [(1, "waiting")] and states("human") == []
    assert states("waiting", owner="noa") == []  # another influencer sees none of it
    api.post("/owner/v1/conversations/1/reply", headers=api.as_owner("shira"), json={"text": "On it"})
    assert states("waiting") == [] and states("human") == [(1, "human")]
    api.post("/owner/v1/conversations/1/hand-back", headers=api.as_owner("shira"))
    assert states("human") == [] and (1, "bot") in states("bot") and (1, "bot") in states("all")
    bad = api.get("/owner/v1/conversations", params={"state": "sleeping"}, headers=api.as_owner("shira"))
    assert bad.status_code == 422 and bad.json()["field"] == "state"

    shown = api.get("/owner/v1/conversations/1", params={"limit": 2}, headers=api.as_owner("shira")).json()
    assert len(shown["messages"]) == 2 and shown["state"] == "bot"

    opened = api.get("/owner/v1/issues", headers=api.as_owner("shira")).json()["issues"]
    assert [(i["number"], i["kind"], i["conversation"]) for i in opened] == [(1, "order_missing", 1)]
    assert "1234567" not in opened[0]["summary"]  # the phone is masked
    assert api.get("/owner/v1/issues", headers=api.as_owner("noa")).json()["issues"] == []
    closed = api.post("/owner/v1/issues/1/close", headers=api.as_owner("shira"), json={"note": "resent"})
    assert closed.status_code == 200, closed.text
    assert api.get("/owner/v1/issues", headers=api.as_owner("shira")).json()["issues"] == []
    done = api.get("/owner/v1/issues?status=closed", headers=api.as_owner("shira")).json()["issues"]
    assert [(i["number"], i["status"], i["note"]) for i in done] == [(1, "closed", "resent")]


def test_a_reply_to_a_closed_conversation_is_refused_and_sends_nothing(api, db):
    from sqlalchemy import text

    with db.admin_session() as s:
        from store import tenants as tenant_store

        shira = tenant_store.get_by_handle(session=s, handle="shira.kitchen").id
    conversation = _waiting_follower(db, shira)
    api.post("/owner/v1/conversations/1/hand-back", headers=api.as_owner("shira"))
    with db.admin_session() as s:
        s.execute(text("update conversations set status = 'closed' where id = :c"), {"c": conversation})
    refused = api.post("/owner/v1/conversations/1/reply", headers=api.as_owner("shira"), json={"text": "hello?"})
    assert refused.status_code == 409 and refused.json()["field"] == "number" and "closed" in refused.json()["detail"]
    with db.admin_session() as s:
        relayed = s.execute(text("select count(*) from messages where conversation_id = :c and meta->>'by' = 'owner'"),
                            {"c": conversation}).scalar()
        paused = s.execute(text("select paused from conversations where id = :c"), {"c": conversation}).scalar()
    assert relayed == 0 and paused is False
    assert [c["state"] for c in api.get("/owner/v1/conversations?state=closed",
                                        headers=api.as_owner("shira")).json()["conversations"]] == ["closed"]


def test_the_owner_is_told_when_the_web_chat_shows_her_reply_masked(api, db):
    with db.admin_session() as s:
        from store import tenants as tenant_store

        shira = tenant_store.get_by_handle(session=s, handle="shira.kitchen").id
    _waiting_follower(db, shira)
    plain = api.post("/owner/v1/conversations/1/reply", headers=api.as_owner("shira"), json={"text": "On it!"})
    assert plain.json()["masked"] is False
    phone = api.post("/owner/v1/conversations/1/reply", headers=api.as_owner("shira"),
                     json={"text": "call me at 054-7654321"})
    assert phone.status_code == 200 and phone.json()["masked"] is True


def test_the_owner_exports_and_erases_a_followers_data_on_request(api, db):
    from sqlalchemy import text

    with db.admin_session() as s:
        from store import tenants as tenant_store

        shira = tenant_store.get_by_handle(session=s, handle="shira.kitchen").id
    _waiting_follower(db, shira, issue="my order 5521 never came, my email is dana@example.com")
    exported = api.get("/owner/v1/conversations/1/export", headers=api.as_owner("shira"))
    assert exported.status_code == 200 and exported.json()["contact"]["channel"] == "web"
    assert "dana@example.com" not in exported.text  # what is stored is masked
    assert api.get("/owner/v1/conversations/1/export", headers=api.as_owner("noa")).status_code == 404
    unconfirmed = api.post("/owner/v1/conversations/1/erase", headers=api.as_owner("shira"))
    assert unconfirmed.status_code == 409 and "#1" in unconfirmed.json()["detail"]
    with db.admin_session() as s:
        assert s.execute(text("select count(*) from support_issues where summary = '[erased]'")).scalar() == 0
    erased = api.post("/owner/v1/conversations/1/erase?confirm=true", headers=api.as_owner("shira"))
    assert erased.status_code == 200 and erased.json()["erased"] is True
    with db.admin_session() as s:
        issue = s.execute(text("select summary, order_id from support_issues")).one()
        contact = s.execute(text("select external_id from contacts where channel = 'web'")).scalar()
        audited = s.execute(text("select count(*) from audit_log where resource = 'contact'")).scalar()
    assert tuple(issue) == ("[erased]", None) and contact.startswith("erased:") and audited == 1


def test_redemptions_by_api_are_idempotent_and_earnings_read_back(api):
    body = {"redemptions": [{"code": "SHIRA15", "order_id": "API-1", "order_amount": "1,000", "currency": "ILS",
                             "at": "2026-11-20T10:00:00+02:00"},
                            {"code": "SHIRA15", "order_id": "API-2"}]}
    first = api.post("/owner/v1/redemptions", headers=api.as_owner("shira"), json=body)
    assert first.status_code == 201, first.text
    data = first.json()
    assert data["created"] == 1
    assert data["refused"] == [{"index": 1, "field": "order_amount", "reason": "Field required"}]
    again = api.post("/owner/v1/redemptions", headers=api.as_owner("shira"), json=body).json()
    assert again["created"] == 0 and again["already_there"] == 1
    assert api.post("/owner/v1/redemptions", headers=api.as_owner("shira"), json={"redemptions": []}).status_code == 422
    assert api.post("/owner/v1/redemptions", json=body).status_code == 401
    earned = api.get("/owner/v1/earnings?month=9&year=2026", headers=api.as_owner("shira")).json()
    assert earned["paid"] == [{"currency": "ILS", "amount": "9000.00"}]
