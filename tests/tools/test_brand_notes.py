"""Brand communications through the tools and the owner API (issue 14): logged with a type and masked
text, listed with their age, closed; one tenant never sees another's."""

from __future__ import annotations

import pytest
from _owner_world import build
from fastapi import FastAPI
from fastapi.testclient import TestClient

from channels.owner_api import router
from store import owners as owner_store
from tools.brand_notes import kind_of


@pytest.fixture
def api(db):
    ids = build(db)
    with db.admin_session() as s:
        tokens = {name: owner_store.create_token(session=s, tenant_id=tid, label=name) for name, tid in ids.items()}
    app = FastAPI()
    app.include_router(router)
    app.state.db = db
    client = TestClient(app)
    client.as_owner = lambda name: {"Authorization": f"Bearer {tokens[name]}"}  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("text, kind", [
    ("they haven't paid the November invoice", "financial"),
    ("החוזה עדיין לא חתום", "legal"),
    ("the order arrived broken", "issue"),
    ("asked for a draft of the reel by Thursday", "creative"),
    ("lunch next week?", "other"),
    ("הבטיחו להעביר את התשלום עד 5.12", "financial"),  # a Hebrew word after its prefix (ה)
    ("ובחוזה כתוב אחרת", "legal"),
])
def test_the_type_comes_from_the_words(text, kind):
    assert kind_of(text) == kind


def test_log_list_and_close_by_api_with_masked_text_and_tenants_apart(api):
    shira = api.as_owner("shira")
    logged = api.post("/owner/v1/brand-notes", headers=shira,
                      json={"partnership": "lumi", "text": "contract not signed, call Dana on 054-1234567"})
    assert logged.status_code == 201, logged.text
    note = logged.json()["note"]
    assert note["kind"] == "legal" and "054-1234567" not in note["text"] and note["status"] == "open"

    listed = api.get("/owner/v1/brand-notes?partnership=lumi", headers=shira).json()
    assert [n["id"] for n in listed["notes"]] == [note["id"]] and listed["notes"][0]["age_days"] == 0
    assert api.get("/owner/v1/brand-notes", headers=api.as_owner("noa")).json()["notes"] == []
    assert api.post(f"/owner/v1/brand-notes/{note['id']}/close", headers=api.as_owner("noa")).status_code == 404

    closed = api.post(f"/owner/v1/brand-notes/{note['id']}/close", headers=shira)
    assert closed.status_code == 200 and closed.json()["note"]["status"] == "closed"
    assert api.get("/owner/v1/brand-notes", headers=shira).json()["notes"] == []
    assert len(api.get("/owner/v1/brand-notes?status=all", headers=shira).json()["notes"]) == 1
    bad = api.post("/owner/v1/brand-notes", headers=shira, json={"partnership": "lumi", "text": "x", "kind": "gossip"})
    assert bad.status_code == 422 and bad.json()["field"] in ("kind", "text")


def test_a_date_in_the_words_is_the_items_date(api):
    shira = api.as_owner("shira")
    dated = api.post("/owner/v1/brand-notes", headers=shira,
                     json={"partnership": "lumi", "text": "they will pay the fee by Dec 10, 2030"}).json()["note"]
    assert (dated["kind"], dated["due_date"]) == ("financial", "2030-12-10")
    plain = api.post("/owner/v1/brand-notes", headers=shira,
                     json={"partnership": "lumi", "text": "they liked the reel"}).json()["note"]
    assert plain["due_date"] is None
