"""Owner tools for invoices: unpaid/overdue lists, next number and VAT, paid and cancelled confirmed."""

from __future__ import annotations

import datetime as dt

from _owner_world import NOW, build, call, confirm_sentence

from store.models import Invoice, Tenant


def numbers(result) -> list[str]:
    return [i["number"] for i in result.data["invoices"]]


def test_unpaid_overdue_and_by_partnership(db):
    ids = build(db)
    unpaid = call(db, "list_invoices", {"status": "unpaid"}, ids["shira"])
    assert numbers(unpaid) == ["1042"] and unpaid.data["totals"] == {"ILS": "7000.00"}
    assert unpaid.data["invoices"][0]["vat"] == "1260.00" and unpaid.data["invoices"][0]["total"] == "8260.00"
    assert numbers(call(db, "list_invoices", {"status": "overdue"}, ids["shira"])) == []
    december = NOW + dt.timedelta(days=12)  # 5 December: 1042 (due 1 December) is late
    late = call(db, "list_invoices", {"status": "overdue"}, ids["shira"], now=december)
    assert numbers(late) == ["1042"] and late.data["invoices"][0]["days_overdue"] == 4
    assert numbers(call(db, "list_invoices", {"partnership": "KitchenPro"}, ids["shira"])) == ["1041"]
    assert numbers(call(db, "list_invoices", {}, ids["shira"])) == ["1041", "1042"]


def test_create_takes_the_next_number_vat_and_a_due_date(db):
    ids = build(db)
    result = call(db, "create_invoice", {"partnership": "greenbox", "amount": "6000"}, ids["shira"])
    assert result.ok, result.error
    invoice = result.data["invoice"]
    assert (invoice["number"], invoice["vat_rate"], invoice["vat"], invoice["total"]) == (
        "1043",
        "0.18",
        "1080.00",
        "7080.00",
    )
    assert (invoice["issued"], invoice["due"], invoice["status"]) == ("2026-11-23", "2026-12-23", "draft")
    assert (
        call(db, "create_invoice", {"partnership": "olivia", "amount": 100}, ids["shira"]).data["invoice"][
            "number"
        ]
        == "1044"
    )


def test_vat_rate_comes_from_the_tenant_settings_when_set(db):
    ids = build(db)
    with db.admin_session() as s:
        tenant = s.get(Tenant, ids["shira"])
        tenant.settings = {**(tenant.settings or {}), "vat_rate": "0.17", "invoice_due_days": 45}
    invoice = call(db, "create_invoice", {"partnership": "olivia", "amount": 1000}, ids["shira"]).data[
        "invoice"
    ]
    assert (invoice["vat"], invoice["due"]) == ("170.00", "2027-01-07")
    explicit = call(
        db, "create_invoice", {"partnership": "olivia", "amount": 1000, "vat_rate": 0}, ids["shira"]
    )
    assert explicit.data["invoice"]["vat"] == "0.00"


def test_create_errors_name_the_field(db):
    ids = build(db)
    taken = call(db, "create_invoice", {"partnership": "olivia", "amount": 5, "number": "1042"}, ids["shira"])
    assert not taken.ok and taken.error["code"] == "conflict" and taken.error["field"] == "number"
    negative = call(db, "create_invoice", {"partnership": "olivia", "amount": -5}, ids["shira"])
    assert not negative.ok and negative.error["field"] == "amount"
    no_brand = call(db, "create_invoice", {"amount": 5}, ids["shira"])
    assert not no_brand.ok and no_brand.error["field"] == "partnership"


def test_mark_paid_is_confirmed_with_the_exact_sentence(db):
    ids = build(db)
    sentence = confirm_sentence(db, "update_invoice", {"number": "1042", "status": "paid"}, ids["shira"])
    assert sentence == "Mark invoice 1042 (7,000.00 ILS, Olivia Oils) as paid on 2026-11-23"
    dated = confirm_sentence(db, "update_invoice", {"number": 1042, "paid_at": "2026-11-20"}, ids["shira"])
    assert dated == "Mark invoice 1042 (7,000.00 ILS, Olivia Oils) as paid on 2026-11-20"
    cancel = confirm_sentence(db, "update_invoice", {"number": "1042", "status": "cancelled"}, ids["shira"])
    assert cancel == "Cancel invoice 1042 (7,000.00 ILS, Olivia Oils)"
    assert confirm_sentence(db, "update_invoice", {"number": "1042", "status": "sent"}, ids["shira"]) is None


def test_paid_records_the_day_and_is_final(db):
    ids = build(db)
    result = call(db, "update_invoice", {"number": "1042", "status": "paid"}, ids["shira"])
    assert result.ok and result.data["invoice"]["paid_at"] == "2026-11-23"
    assert sorted(result.data["changed"]) == ["paid_at", "status"]
    again = call(db, "update_invoice", {"number": "1042", "status": "cancelled"}, ids["shira"])
    assert (
        not again.ok
        and again.error["code"] == "invalid_transition"
        and "already paid" in again.error["reason"]
    )


def test_update_errors_leave_the_invoice_unchanged(db):
    ids = build(db)
    future = call(db, "update_invoice", {"number": "1042", "paid_at": "2026-12-01"}, ids["shira"])
    assert not future.ok and future.error["field"] == "paid_at"
    unknown = call(db, "update_invoice", {"number": "9999", "status": "sent"}, ids["shira"])
    assert not unknown.ok and unknown.error["code"] == "not_found"
    mixed = call(
        db, "update_invoice", {"number": "1042", "status": "sent", "paid_at": "2026-11-20"}, ids["shira"]
    )
    assert not mixed.ok and "paid_at only goes with status paid" in mixed.error["reason"]
    with db.admin_session() as s:
        row = s.query(Invoice).filter_by(tenant_id=ids["shira"], number="1042").one()
        assert (row.status, row.paid_at) == ("sent", None)
