"""The rules tools: a kind stopped as a whole, a template with only its placeholders, quiet hours and the
weekly cap, retention confirmed before it shortens; the other influencer's rules untouched."""

from __future__ import annotations

from _owner_world import build, call, confirm_sentence

from store import rules as rule_store
from store import tenants as tenant_store


def _settings(db, tenant_id: int) -> dict:
    with db.admin_session() as s:
        return dict(tenant_store.get(session=s, tenant_id=tenant_id).settings or {})


def test_stopping_a_kind_stops_both_of_its_reminders_and_only_for_her(db):
    ids = build(db)
    result = call(db, "set_rule", {"trigger": "invoices", "active": False}, ids["shira"])
    assert result.ok
    assert {r["trigger"]: r["active"] for r in result.data["rules"]} == {"invoice_due": False,
                                                                         "invoice_overdue": False}
    assert rule_store.rules_of(_settings(db, ids["noa"]))["invoice_due"]["active"] is True
    bad = call(db, "set_rule", {"trigger": "invoices", "days": 3}, ids["shira"])
    assert not bad.ok and "name one reminder" in bad.error["reason"]


def test_a_template_may_use_only_its_placeholders_and_is_used(db):
    ids = build(db)
    bad = call(db, "set_rule", {"trigger": "coupon_follow_up", "template": "Did {code} work? {phone}"}, ids["shira"])
    assert not bad.ok and "{brand}" in bad.error["reason"] and "{code}" in bad.error["reason"]
    good = call(db, "set_rule", {"trigger": "coupon_follow_up", "template": "{code} from {brand}: good? 1-5",
                                 "channel": "whatsapp"}, ids["shira"])
    assert good.ok and good.data["template"] == "{code} from {brand}: good? 1-5" and good.data["channel"] == "whatsapp"
    back = call(db, "set_rule", {"trigger": "coupon_follow_up", "template": ""}, ids["shira"])
    assert back.ok and back.data["template"] is None  # the built-in words again
    wrong = call(db, "set_rule", {"trigger": "task_due", "hours": 5}, ids["shira"])
    assert not wrong.ok and "task_due has no hours" in wrong.error["reason"]


def test_quiet_hours_weekly_cap_and_retention(db):
    ids = build(db)
    assert call(db, "set_follower_limits", {"quiet_from": 22, "quiet_until": 8}, ids["shira"]).ok
    assert call(db, "set_follower_limits", {"weekly": 1}, ids["shira"]).ok
    assert rule_store.limits_of(_settings(db, ids["shira"])) == {"quiet_from": 22, "quiet_until": 8, "weekly": 1}
    assert not call(db, "set_follower_limits", {}, ids["shira"]).ok
    assert not call(db, "set_follower_limits", {"quiet_from": 25}, ids["shira"]).ok
    # shortening retention loses messages for good: asked first; keeping them is not
    assert "30 days" in (confirm_sentence(db, "set_retention", {"days": 30}, ids["shira"]) or "")
    assert confirm_sentence(db, "set_retention", {}, ids["shira"]) is None
    assert call(db, "set_retention", {"days": 30}, ids["shira"]).data == {"retention_days": 30}
    listed = call(db, "list_rules", {}, ids["shira"]).data
    assert listed["retention_days"] == 30 and listed["follower_limits"]["weekly"] == 1
    assert {r["trigger"] for r in listed["rules"]} == set(rule_store.TRIGGERS)
    assert call(db, "list_rules", {}, ids["noa"]).data["retention_days"] is None
