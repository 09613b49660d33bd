"""Owner tools are owner-only, tenant-scoped whatever the arguments say, and every change is audited."""

from __future__ import annotations

import typer
from _owner_world import build, call
from sqlalchemy import func, select
from typer.testing import CliRunner

from store.models import AuditEntry, Coupon, Invoice, Partnership, Task
from tools import OWNER_TOOLS, REGISTRY
from tools import commands as tool_commands
from tools.registry import FOLLOWER, OWNER

PRODUCT_OWNER_TOOLS = {
    "list_partnerships",
    "create_partnership",
    "update_partnership",
    "list_tasks",
    "create_task",
    "update_task",
    "create_coupon",
    "update_coupon",
    "list_invoices",
    "create_invoice",
    "update_invoice",
    "coupon_stats",
    "conversation_stats",
    "daily_digest",
}
VALID_ARGS = {
    "list_partnerships": {},
    "create_partnership": {"brand": "Nova"},
    "update_partnership": {"partnership": "lumi", "status": "cancelled"},
    "list_tasks": {"when": "today"},
    "create_task": {"title": "x"},
    "update_task": {"task": 1, "status": "cancelled"},
    "list_coupons": {},
    "create_coupon": {"code": "HACK99", "partnership": "olivia", "value": 99},
    "update_coupon": {"code": "SHIRA15", "active": False},
    "list_invoices": {},
    "create_invoice": {"partnership": "olivia", "amount": 1},
    "update_invoice": {"number": "1042", "status": "paid"},
    "coupon_stats": {},
    "conversation_stats": {},
    "daily_digest": {},
    "list_waiting": {},
    "list_conversations": {"state": "waiting"},
    "list_issues": {"status": "all"},
    "add_manager": {"name": "Eve", "phone": "+972501112233"},
    "remove_manager": {"name": "Eve"},
    "list_managers": {},
    "console_link": {},
    "set_rule": {"trigger": "invoice_due", "days": 5},
    "list_rules": {},
    "earnings": {},
    "profit": {"partnership": "olivia"},
    "top_products": {"code": "SHIRA15"},
    "export_table": {"kind": "invoices"},
    "project_summary": {"partnership": "olivia"},
    "payment_request": {"number": "1042"},
    "receipt": {"number": "1041"},
    "monthly_report": {},
    "calendar_link": {},
    "record_redemptions": {"redemptions": [{"code": "SHIRA15", "order_id": "G-1", "order_amount": 100}]},
    "set_follower_limits": {"quiet_from": 22},
    "set_retention": {"days": 90},
    "model_usage": {},
    "log_brand_note": {"partnership": "lumi", "text": "contract not signed"},
    "list_brand_notes": {},
    "close_brand_note": {"note": 1},
    "read_brief": {"text": "Brief: Acme Foods, 2 reels and 3 stories, 5,000 ILS + VAT"},
    "create_from_brief": {"text": "Brief: Acme Foods, 2 reels and 3 stories, 5,000 ILS + VAT"},
    "set_model_budget": {"soft": 1000, "hard": 5000},
    "erase_follower_data": {"number": 1},
    "export_follower_data": {"number": 1},
    "show_conversation": {"number": 1},
    "reply_to_follower": {"number": 1, "text": "hi"},
    "hand_back": {"number": 1},
    "close_issue": {"number": 1, "note": "done"},
}


def counts(db) -> tuple[int, ...]:
    with db.admin_session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Partnership, Task, Coupon, Invoice, AuditEntry)
        )


def test_the_product_catalogue_is_registered_for_owners_only():
    owner_only = {name for name in REGISTRY.names() if REGISTRY.get(name).roles == frozenset({OWNER})}
    assert PRODUCT_OWNER_TOOLS <= owner_only and {spec.name for spec in OWNER_TOOLS} == owner_only
    for spec in OWNER_TOOLS:
        assert REGISTRY.get(spec.name).roles == frozenset({OWNER}), spec.name
        assert spec.description  # the model reads the docstring


def test_a_follower_is_refused_every_owner_tool_and_nothing_changes(db):
    ids = build(db)
    before = counts(db)
    for name in (spec.name for spec in OWNER_TOOLS):
        result = call(db, name, VALID_ARGS[name], ids["shira"], role=FOLLOWER, actor="contact:7")
        assert not result.ok and result.error["code"] == "forbidden", name
        assert result.data is None
    assert counts(db) == before


def test_the_tenant_comes_from_the_context_never_from_arguments(db):
    ids = build(db)
    forced = call(db, "list_invoices", {"tenant_id": ids["noa"], "handle": "noa.moves"}, ids["shira"])
    assert forced.ok and [i["amount"] for i in forced.data["invoices"]] == ["9000.00", "7000.00"]
    noa = call(db, "list_invoices", {}, ids["noa"])
    assert [i["amount"] for i in noa.data["invoices"]] == ["111.00", "111.00"]


def test_writes_in_one_tenant_never_touch_the_other(db):
    ids = build(db)
    assert call(db, "update_invoice", {"number": "1042", "status": "paid"}, ids["noa"]).ok
    assert call(db, "update_coupon", {"code": "SHIRA15", "active": False}, ids["noa"]).ok
    with db.admin_session() as s:
        shira_invoice = s.scalars(
            select(Invoice).where(Invoice.tenant_id == ids["shira"], Invoice.number == "1042")
        ).one()
        shira_coupon = s.scalars(
            select(Coupon).where(Coupon.tenant_id == ids["shira"], Coupon.code == "SHIRA15")
        ).one()
        shira_task_ids = list(s.scalars(select(Task.id).where(Task.tenant_id == ids["shira"])))
    assert shira_invoice.status == "sent" and shira_coupon.active is True
    foreign = call(db, "update_task", {"task": shira_task_ids[0], "complete": True}, ids["noa"])
    assert not foreign.ok and foreign.error["code"] == "not_found"
    call(db, "create_partnership", {"brand": "Zara Home"}, ids["noa"])
    unseen = call(db, "update_partnership", {"partnership": "Zara Home", "status": "proposal"}, ids["shira"])
    assert (
        not unseen.ok
        and unseen.error["code"] == "not_found"
        and "Zara" not in unseen.error["reason"].split(";")[1]
    )


def test_every_write_is_audited_with_actor_channel_and_changes(db):
    ids = build(db)
    shira = ids["shira"]
    writes = [
        ("create_partnership", {"brand": "Nova"}),
        ("update_partnership", {"partnership": "lumi", "status": "contract"}),
        ("create_task", {"title": "x"}),
        ("update_task", {"task": 1, "priority": "urgent"}),
        ("create_coupon", {"code": "NOVA5", "partnership": "nova", "value": 5}),
        ("update_coupon", {"code": "NOVA5", "expires": "2026-12-01"}),
        ("create_invoice", {"partnership": "nova", "amount": 10}),
        ("update_invoice", {"number": "1043", "status": "sent"}),
    ]
    for name, args in writes:
        assert call(db, name, args, shira, channel="api", actor="token:abc").ok, name
    call(db, "list_tasks", {}, shira)
    call(db, "update_task", {"task": 999, "complete": True}, shira)  # refused: not audited
    with db.admin_session() as s:
        entries = list(
            s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == shira).order_by(AuditEntry.id))
        )
    assert [e.action for e in entries] == [name for name, _ in writes]
    assert {(e.actor, e.channel) for e in entries} == {("token:abc", "api")}
    assert entries[0].before is None and entries[0].after["brand"] == "Nova"
    assert (entries[3].before, entries[3].after) == ({"priority": "high"}, {"priority": "urgent"})


def test_the_audit_command_prints_the_latest_changes(db):
    ids = build(db)
    call(db, "update_invoice", {"number": "1042", "status": "paid"}, ids["shira"])
    call(db, "update_partnership", {"partnership": "lumi", "status": "negotiation"}, ids["shira"])
    app = typer.Typer()
    app.callback()(lambda: None)
    tool_commands.register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "shira.kitchen", "--limit", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert (
        len(lines) == 1 and "update_partnership" in lines[0] and "status: proposal -> negotiation" in lines[0]
    )
    assert lines[0].startswith("2026-11-23 09:00") and "whatsapp:+972541112233" in lines[0]
    both = runner.invoke(app, ["audit", "@Shira.Kitchen"]).output
    assert "invoice 1042" in both and "paid_at: (none) -> 2026-11-23" in both
    assert runner.invoke(app, ["audit", "noa.moves"]).output.strip() == "no changes recorded for @noa.moves"
    missing = runner.invoke(app, ["audit", "nobody"])
    assert missing.exit_code == 2
