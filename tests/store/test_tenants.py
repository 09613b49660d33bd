"""Two influencers side by side: lookups by handle, phone and token, and no row ever crosses tenants."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

import persona
from knowledge.bundles import import_bundle
from store import owners as owner_store
from store import tenants as tenant_store
from store.models import Coupon, CouponEvent, Invoice, Partnership, Post, Task


@pytest.fixture
def two_tenants(db, shira_bundle_path):
    shira = json.loads(shira_bundle_path.read_text(encoding="utf-8"))
    noa = copy.deepcopy(shira)
    noa["influencer"] = {
        "handle": "noa.bakes",
        "display_name": "Noa Levi",
        "languages": ["en", "he"],
        "timezone": "Europe/London",
        "owner_phones": ["+447700900123"],
    }
    noa["coupons"][0]["value"] = 30  # same code SHIRA15, different tenant, different value
    noa["invoices"][0]["amount"] = 1234
    noa["instagram"]["profile"]["username"] = "noa.bakes"
    noa["instagram"]["profile"]["fullName"] = "Noa Levi"
    for post in noa["instagram"]["posts"]:
        post["caption"], post["hashtags"] = "Sourdough again 🍞 #bread", ["bread"]
    with db.admin_session() as s:
        a = import_bundle(s, shira)
        b = import_bundle(s, noa)
    return a.tenant_id, b.tenant_id


def test_same_keys_in_two_bundles_make_separate_rows(db, two_tenants):
    shira_id, noa_id = two_tenants
    with db.admin_session() as s:
        for model in (Partnership, Coupon, CouponEvent, Task, Invoice, Post):
            rows = s.scalars(select(model)).all()
            assert {r.tenant_id for r in rows} == {shira_id, noa_id}, model.__tablename__
            assert len(rows) % 2 == 0
        values = dict(s.execute(select(Coupon.tenant_id, Coupon.value).where(Coupon.code == "SHIRA15")).all())
        assert values == {shira_id: Decimal("15"), noa_id: Decimal("30")}
        partnership_ids = {c.tenant_id: c.partnership_id for c in s.scalars(select(Coupon))}
        for tenant_id, pid in partnership_ids.items():
            assert s.get(Partnership, pid).tenant_id == tenant_id  # refs resolve inside the tenant


def test_reimporting_one_tenant_never_touches_the_other(db, two_tenants, shira_bundle_path):
    shira_id, noa_id = two_tenants
    shira = json.loads(shira_bundle_path.read_text(encoding="utf-8"))
    shira["invoices"][0]["amount"] = 9999
    with db.admin_session() as s:
        report = import_bundle(s, shira)
    assert report.counts["invoices"].updated == 1
    with db.admin_session() as s:
        amounts = dict(
            s.execute(select(Invoice.tenant_id, Invoice.amount).where(Invoice.number == "1041")).all()
        )
    assert amounts == {shira_id: Decimal("9999"), noa_id: Decimal("1234")}


def test_lookups_by_handle_phone_and_token(db, two_tenants):
    shira_id, noa_id = two_tenants
    with db.admin_session() as s:
        assert tenant_store.get_by_handle(session=s, handle="@Noa.Bakes").id == noa_id
        assert tenant_store.get_by_handle(session=s, handle="nobody") is None
        assert [t.handle for t in tenant_store.list_all(session=s)] == ["noa.bakes", "shira.kitchen"]
        assert (
            tenant_store.owner_tenant_for_phone(session=s, phone="whatsapp:+972 54-111-2233").id == shira_id
        )
        assert tenant_store.owner_tenant_for_phone(session=s, phone="+447700900123").id == noa_id
        assert tenant_store.owner_tenant_for_phone(session=s, phone="+972500000000") is None
        assert tenant_store.owner_tenant_for_phone(session=s, phone="not a phone") is None
        token = owner_store.create_token(session=s, tenant_id=noa_id, label="console")
    with db.admin_session() as s:
        assert tenant_store.owner_tenant_for_token(session=s, token=token).id == noa_id
        assert tenant_store.owner_tenant_for_token(session=s, token=token + "x") is None
        assert tenant_store.owner_tenant_for_token(session=s, token="") is None
        noa_ids = owner_store.list_identities(session=s, tenant_id=noa_id)
        assert {(i.kind, i.tenant_id) for i in noa_ids} == {("phone", noa_id), ("token", noa_id)}
        assert [i.value for i in owner_store.list_identities(session=s, tenant_id=shira_id)] == [
            "+972541112233"
        ]


def test_a_phone_cannot_own_two_tenants(db, two_tenants):
    shira_id, noa_id = two_tenants
    with db.admin_session() as s:
        with pytest.raises(owner_store.OwnerConflict, match="already an owner phone of @shira.kitchen"):
            owner_store.add_phone(session=s, tenant_id=noa_id, phone="+972541112233")
        again = owner_store.add_phone(session=s, tenant_id=shira_id, phone="+972 54 111 2233")
        assert again.value == "+972541112233"


def test_each_tenant_has_its_own_persona(db, two_tenants):
    shira_id, noa_id = two_tenants
    with db.admin_session() as s:
        shira, noa = persona.get(s, tenant_id=shira_id), persona.get(s, tenant_id=noa_id)
    assert shira["sign_off"] == "באהבה, שירה" and shira["handle"] == "shira.kitchen"
    assert noa["handle"] == "noa.bakes" and noa["sign_off_source"] == "default"
    assert noa["favourite_emojis"] == ["🍞"] and "bread" in noa["hashtags"]
    assert "🍳" not in noa["favourite_emojis"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+972541112233", "+972541112233"),
        ("+972 54-111-2233", "+972541112233"),
        ("00972541112233", "+972541112233"),
        ("whatsapp:+14155550123", "+14155550123"),
    ],
)
def test_phones_are_normalised_to_e164(raw, expected):
    assert owner_store.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["054-1112233", "+972", "+9725411122334455", "hello", ""])
def test_phones_that_are_not_e164_are_refused(raw):
    with pytest.raises(ValueError):
        owner_store.normalize_phone(raw)
