"""Importing a bundle: one transaction, upsert on stable keys, the same file twice changes nothing."""

from __future__ import annotations

import copy
import json
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from knowledge.bundles import import_bundle, import_bundle_file
from store.bundle import BundleInvalid
from store.models import (
    Coupon,
    CouponEvent,
    Invoice,
    OwnerIdentity,
    Partnership,
    Persona,
    Post,
    Task,
    Tenant,
)

TABLES = (Tenant, OwnerIdentity, Partnership, Coupon, CouponEvent, Task, Invoice, Post, Persona)


@pytest.fixture
def shira(shira_bundle_path) -> dict:
    return json.loads(shira_bundle_path.read_text(encoding="utf-8"))


def _counts(db) -> dict[str, int]:
    with db.admin_session() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}


def _write(tmp_path, data, name="bundle.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_shira_bundle_imports_every_resource(db, shira_bundle_path):
    started = time.perf_counter()
    report = import_bundle_file(db, shira_bundle_path)
    elapsed = time.perf_counter() - started
    print(f"\nshira import: {elapsed * 1000:.0f} ms (report says {report.seconds * 1000:.0f} ms)")
    assert report.handle == "shira.kitchen"
    created = {name: c.created for name, c in report.counts.items()}
    assert created == {
        "tenant": 1,
        "owner_phones": 1,
        "partnerships": 5,
        "coupons": 3,
        "coupon_redemptions": 4,
        "tasks": 4,
        "invoices": 2,
        "posts": 8,
        "faq": 2,
    }
    assert report.persona_rebuilt
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).one()
        assert (tenant.display_name, tenant.languages, tenant.timezone) == (
            "Shira Adler",
            ["he", "en"],
            "Asia/Jerusalem",
        )
        assert tenant.instagram_profile["followersCount"] == 84200
        assert tenant.faq[0] == {
            "q": "באיזה תנור את אופה?",
            "a": "תנור ביתי רגיל עם טורבו, בלי שום דבר מיוחד.",
            "lang": "he",
        }
        olivia = s.scalars(select(Partnership).where(Partnership.ref == "olivia")).one()
        assert olivia.compensation_amount == Decimal("14000") and olivia.brand_aliases == [
            "אוליביה",
            "olivia",
        ]
        assert olivia.faq == [
            {"q": "Is the oil cold pressed?", "a": "Yes, first cold press from the Galilee, harvest 2026."}
        ]
        green = s.scalars(select(Coupon).where(Coupon.code == "GREEN50")).one()
        assert (green.discount_type, green.value, green.currency) == ("fixed", Decimal("50"), "ILS")
        redeemed = s.scalars(select(CouponEvent).where(CouponEvent.order_id == "OL-1003")).one()
        assert redeemed.kind == "redeemed" and redeemed.items == 3 and redeemed.order_amount == Decimal("364")
        task = s.scalars(select(Task).where(Task.title == "Invoice KitchenPro")).one()
        assert (
            task.status == "completed"
            and task.completed_at is not None
            and str(task.due_date) == "2026-09-05"
        )
        invoice = s.scalars(select(Invoice).where(Invoice.number == "1041")).one()
        assert invoice.vat_rate == Decimal("0.18") and str(invoice.paid_at) == "2026-09-30"
        post = s.scalars(select(Post).where(Post.post_id == "3401000000000000001")).one()
        assert post.is_sponsored and post.hashtags == ["שקשוקה", "ארוחתבוקר", "olivia"]
        assert post.tagged_users == ["olivia.oils"] and post.raw["firstComment"] == "איזה שמן זה בדיוק?"
        phone = s.scalars(select(OwnerIdentity)).one()
        assert (phone.kind, phone.value, phone.tenant_id) == ("phone", "+972541112233", tenant.id)


def test_the_same_file_twice_changes_nothing(db, shira_bundle_path):
    import_bundle_file(db, shira_bundle_path)
    before = _counts(db)
    with db.admin_session() as s:
        stamps = {
            m.__tablename__: sorted(str(x) for x in s.scalars(select(m.updated_at)))
            for m in (Tenant, Partnership, Coupon, Task, Invoice, Persona)
        }
    report = import_bundle_file(db, shira_bundle_path)
    assert not report.changed
    assert all(c.created == c.updated == 0 for c in report.counts.values())
    assert report.counts["coupons"].unchanged == 3 and report.counts["posts"].unchanged == 8
    assert _counts(db) == before
    with db.admin_session() as s:
        again = {
            m.__tablename__: sorted(str(x) for x in s.scalars(select(m.updated_at)))
            for m in (Tenant, Partnership, Coupon, Task, Invoice, Persona)
        }
    assert again == stamps


def test_a_changed_file_updates_rows_in_place(db, shira, tmp_path):
    import_bundle_file(db, _write(tmp_path, shira))
    with db.admin_session() as s:
        ids = {p.ref: p.id for p in s.scalars(select(Partnership))}
    shira["partnerships"][3]["status"] = "contract"
    shira["coupons"][0]["value"] = 20
    shira["tasks"][1]["status"] = "completed"
    shira["invoices"][1]["status"] = "paid"
    shira["invoices"][1]["paid_at"] = "2026-11-28"
    shira["coupon_redemptions"].append(
        {
            "code": "GREEN50",
            "order_id": "GB-78",
            "order_amount": 99.5,
            "currency": "ILS",
            "items": 1,
            "products": ["Fruit box"],
            "at": "2026-11-21T09:00:00+02:00",
        }
    )
    shira["faq"] = shira["faq"][:1]
    shira["influencer"]["display_name"] = "Shira A."
    report = import_bundle_file(db, _write(tmp_path, shira, "v2.json"))
    assert report.counts["partnerships"].updated == 1 and report.counts["partnerships"].unchanged == 4
    assert report.counts["coupons"].updated == 1
    assert report.counts["tasks"].updated == 1
    assert report.counts["invoices"].updated == 1
    assert (
        report.counts["coupon_redemptions"].created == 1
        and report.counts["coupon_redemptions"].unchanged == 4
    )
    assert report.counts["faq"].removed == 1
    assert report.counts["tenant"].updated == 1
    with db.admin_session() as s:
        assert {p.ref: p.id for p in s.scalars(select(Partnership))} == ids
        assert s.scalars(select(Partnership.status).where(Partnership.ref == "lumi")).one() == "contract"
        assert s.scalars(select(Coupon.value).where(Coupon.code == "SHIRA15")).one() == Decimal("20")
        task = s.scalars(select(Task).where(Task.title == "Send GreenBox stories for approval")).one()
        assert task.status == "completed" and task.completed_at is not None
        new = s.scalars(select(CouponEvent).where(CouponEvent.order_id == "GB-78")).one()
        assert new.at.isoformat().startswith("2026-11-21T07:00")
        assert len(s.scalars(select(Tenant)).one().faq) == 1
        assert s.scalar(select(func.count()).select_from(Coupon)) == 3


def test_a_failure_half_way_leaves_nothing_written(db, shira, monkeypatch):
    from store.bundle import importer

    def explode(*args, **kwargs):
        raise RuntimeError("disk full while writing invoices")

    monkeypatch.setattr(importer, "_invoices", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        with db.admin_session() as s:
            import_bundle(s, shira)
    assert set(_counts(db).values()) == {0}


def test_a_failure_half_way_through_an_update_keeps_the_previous_import(
    db, shira, shira_bundle_path, monkeypatch
):
    import persona

    import_bundle_file(db, shira_bundle_path)
    before = _counts(db)
    shira["partnerships"][3]["status"] = "cancelled"
    monkeypatch.setattr(persona, "rebuild", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):
        with db.admin_session() as s:
            import_bundle(s, shira)
    assert _counts(db) == before
    with db.admin_session() as s:
        assert s.scalars(select(Partnership.status).where(Partnership.ref == "lumi")).one() == "proposal"


def test_an_owner_phone_of_another_influencer_is_refused(db, shira, tmp_path):
    import_bundle_file(db, _write(tmp_path, shira))
    other = copy.deepcopy(shira)
    other["influencer"]["handle"] = "noa.runs"
    with pytest.raises(BundleInvalid) as caught:
        import_bundle_file(db, _write(tmp_path, other, "noa.json"))
    assert caught.value.errors == [
        "influencer.owner_phones[0]: +972541112233 is already an owner phone of @shira.kitchen"
    ]
    with db.admin_session() as s:
        assert s.scalars(select(Tenant.handle)).all() == ["shira.kitchen"]


def test_a_minimal_bundle_imports_and_later_sections_merge(db, tmp_path):
    minimal = {
        "format": "influencer-bundle/1",
        "influencer": {"handle": "dan.runs", "display_name": "Dan", "languages": ["en"]},
    }
    report = import_bundle_file(db, _write(tmp_path, minimal))
    assert report.counts["tenant"].created == 1
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).one()
        assert tenant.timezone == "Asia/Jerusalem" and tenant.faq == []
    minimal["influencer"]["timezone"] = "Europe/London"
    minimal["faq"] = [{"q": "Which shoes?", "a": "Trail runners."}]
    import_bundle_file(db, _write(tmp_path, minimal))
    minimal["influencer"].pop("timezone")
    minimal.pop("faq")
    report = import_bundle_file(db, _write(tmp_path, minimal))
    assert not report.changed  # absent optional parts keep what is stored
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).one()
        assert tenant.timezone == "Europe/London" and tenant.faq == [
            {"q": "Which shoes?", "a": "Trail runners."}
        ]
