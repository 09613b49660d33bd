"""Owner tools for the brand pipeline: list, create, update, confirmation and audit."""

from __future__ import annotations

from _owner_world import build, call, confirm_sentence
from sqlalchemy import select

from store.models import AuditEntry, Partnership


def refs(result) -> list[str]:
    return [p["ref"] for p in result.data["partnerships"]]


def test_open_deals_are_lead_to_contract_in_pipeline_order(db):
    ids = build(db)
    result = call(db, "list_partnerships", {"open": True}, ids["shira"])
    assert result.ok and refs(result) == ["lumi", "sababa"]
    assert result.data["partnerships"][1]["compensation"] == {"amount": "5000.00", "currency": "ILS"}
    assert refs(call(db, "list_partnerships", {"status": "open"}, ids["shira"])) == ["lumi", "sababa"]


def test_filter_by_stage_and_by_brand_in_hebrew(db):
    ids = build(db)
    assert refs(call(db, "list_partnerships", {"status": "active"}, ids["shira"])) == ["greenbox", "olivia"]
    by_alias = call(db, "list_partnerships", {"brand": "אוליביה"}, ids["shira"])
    assert refs(by_alias) == ["olivia"] and by_alias.data["partnerships"][0]["open_tasks"] == 1


def test_an_unknown_stage_is_refused_naming_the_field(db):
    ids = build(db)
    result = call(db, "list_partnerships", {"status": "signed-ish"}, ids["shira"])
    assert not result.ok and result.error["field"] == "status" and "open" in result.error["reason"]


def test_create_a_lead_with_compensation(db):
    ids = build(db)
    result = call(
        db, "create_partnership", {"brand": "Nova Skincare", "compensation_amount": "4000"}, ids["shira"]
    )
    assert result.ok, result.error
    p = result.data["partnership"]
    assert (p["ref"], p["status"], p["compensation"]) == (
        "nova-skincare",
        "lead",
        {"amount": "4000.00", "currency": "ILS"},
    )
    assert "nova-skincare" in refs(call(db, "list_partnerships", {"open": True}, ids["shira"]))


def test_create_refuses_a_brand_already_in_the_pipeline_and_bad_dates(db):
    ids = build(db)
    dup = call(db, "create_partnership", {"brand": "greenbox"}, ids["shira"])
    assert not dup.ok and dup.error["code"] == "conflict" and dup.error["field"] == "brand"
    dates = call(
        db,
        "create_partnership",
        {"brand": "X", "start_date": "2026-12-10", "end_date": "2026-12-01"},
        ids["shira"],
    )
    assert not dates.ok and "end_date is before start_date" in dates.error["reason"]
    extra = call(db, "create_partnership", {"brand": "X", "budget": 5}, ids["shira"])
    assert not extra.ok and extra.error["field"] == "budget"


def test_move_along_the_pipeline_is_audited_with_before_and_after(db):
    ids = build(db)
    result = call(db, "update_partnership", {"partnership": "Lumi", "status": "negotiation"}, ids["shira"])
    assert result.ok and result.data["partnership"]["status"] == "negotiation"
    assert result.data["previous"] == {"status": "proposal"}
    with db.admin_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == ids["shira"])).one()
    assert (entry.action, entry.resource, entry.resource_id) == ("update_partnership", "partnership", "lumi")
    assert (entry.actor, entry.channel) == ("whatsapp:+972541112233", "whatsapp")
    assert entry.before == {"status": "proposal"} and entry.after == {"status": "negotiation"}


def test_active_cannot_go_back_to_an_open_stage_and_nothing_changes(db):
    ids = build(db)
    result = call(db, "update_partnership", {"partnership": "olivia", "status": "proposal"}, ids["shira"])
    assert (
        not result.ok and result.error["code"] == "invalid_transition" and "final" in result.error["reason"]
    )
    with db.admin_session() as s:
        olivia = s.scalars(
            select(Partnership).where(Partnership.tenant_id == ids["shira"], Partnership.ref == "olivia")
        ).one()
        assert olivia.status == "active"
        assert s.scalars(select(AuditEntry)).all() == []


def test_activating_sets_the_start_date_to_the_tenant_today(db):
    ids = build(db)
    call(db, "update_partnership", {"partnership": "sababa", "status": "contract"}, ids["shira"])
    result = call(db, "update_partnership", {"partnership": "sababa", "status": "active"}, ids["shira"])
    assert result.data["partnership"]["start_date"] == "2026-11-23"


def test_cancelling_is_confirmed_with_the_exact_change(db):
    ids = build(db)
    sentence = confirm_sentence(
        db, "update_partnership", {"partnership": "sababa", "status": "cancelled"}, ids["shira"]
    )
    assert sentence == "Cancel the partnership with Sababa Spices (now negotiation, 5,000.00 ILS)"
    assert (
        confirm_sentence(
            db, "update_partnership", {"partnership": "sababa", "status": "contract"}, ids["shira"]
        )
        is None
    )


def test_compensation_deliverables_and_follow_up(db):
    ids = build(db)
    result = call(
        db,
        "update_partnership",
        {
            "partnership": "sababa",
            "compensation_amount": 6000,
            "add_deliverables": ["1 reel"],
            "next_follow_up": "2026-11-29",
        },
        ids["shira"],
    )
    p = result.data["partnership"]
    assert p["compensation"]["amount"] == "6000.00" and p["deliverables"] == ["1 reel"]
    assert p["next_follow_up"] == "2026-11-29"
    assert sorted(result.data["changed"]) == ["compensation_amount", "deliverables", "next_follow_up"]


def test_update_needs_something_to_change_and_a_known_brand(db):
    ids = build(db)
    nothing = call(db, "update_partnership", {"partnership": "lumi"}, ids["shira"])
    assert not nothing.ok and "nothing to change" in nothing.error["reason"]
    unknown = call(db, "update_partnership", {"partnership": "Zara", "status": "lead"}, ids["shira"])
    assert (
        not unknown.ok and unknown.error["code"] == "not_found" and "Olivia Oils" in unknown.error["reason"]
    )


def test_two_brands_with_the_same_first_word_are_ambiguous(db):
    ids = build(db)
    call(db, "create_partnership", {"brand": "Golden Olive"}, ids["shira"])
    call(db, "create_partnership", {"brand": "Golden Grain"}, ids["shira"])
    result = call(db, "update_partnership", {"partnership": "golden", "status": "proposal"}, ids["shira"])
    assert not result.ok and result.error["code"] == "ambiguous"
    assert "Golden Olive" in result.error["reason"] and "Golden Grain" in result.error["reason"]
