"""A signed contract (issue 14): it attaches to the brand's open partnership (a proposal becomes a contract),
its payment terms become invoice drafts and its deadlines tasks, each audited like one made by chat; a
brief that is not signed drafts no invoice; tenants stay apart."""

from __future__ import annotations

from decimal import Decimal

from _owner_world import build, call, confirm_sentence
from sqlalchemy import select

from store.models import AuditEntry, Invoice, Partnership, Tenant

LUMI_CONTRACT = """Collaboration Agreement - Lumi Blenders x Shira
Deliverables: 2 Instagram Reels, due January 10, 2027 and January 20, 2027.
Fee: 8,000 ILS + VAT. Payment: 50% upon signing, 50% within 30 days of publication.
Signed by both parties on November 22, 2026."""


def _lumi(db, tenant_id):
    with db.admin_session() as s:
        p = s.scalars(select(Partnership).where(Partnership.tenant_id == tenant_id, Partnership.ref == "lumi")).one()
        invoices = s.scalars(select(Invoice).where(Invoice.partnership_id == p.id).order_by(Invoice.due)).all()
        audits = s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)).all()
        return p.status, p.brief, [(i.amount, i.due.isoformat(), i.status) for i in invoices], audits


def test_a_signed_contract_moves_the_proposal_and_drafts_its_invoices(db):
    ids = build(db)
    with db.admin_session() as s:
        s.scalars(select(Partnership).where(Partnership.tenant_id == ids["shira"], Partnership.ref == "lumi")
                  ).one().brief = "the first brief"
    asked = confirm_sentence(db, "create_from_brief", {"text": LUMI_CONTRACT}, ids["shira"])
    assert "update the open Lumi Blenders partnership" in asked
    assert "2 invoice drafts: 4,000 ILS due Nov 23, 4,000 ILS due Feb 19" in asked
    result = call(db, "create_from_brief", {"text": LUMI_CONTRACT}, ids["shira"])
    assert result.ok, result.error
    status, brief, invoices, audits = _lumi(db, ids["shira"])
    assert status == "contract"
    assert invoices == [(Decimal("4000.00"), "2026-11-23", "draft"), (Decimal("4000.00"), "2027-02-19", "draft")]
    assert "Collaboration Agreement" in brief and "the first brief" in brief  # the contract and the brief kept
    actions = sorted(a.action for a in audits)
    assert actions.count("create_invoice") == 2 and actions.count("create_task") == 2
    assert [t["due_date"] for t in result.data["tasks"]] == ["2027-01-10", "2027-01-20"]
    assert _lumi(db, ids["noa"])[2] == []  # the other influencer's Lumi is untouched


def test_a_fee_with_vat_included_is_drafted_before_vat_at_her_rate(db):
    ids = build(db)
    with db.admin_session() as s:
        tenant = s.get(Tenant, ids["shira"])
        tenant.settings = {**(tenant.settings or {}), "vat_rate": "0.17"}
    text = LUMI_CONTRACT.replace("8,000 ILS + VAT", "11,700 ILS VAT included").replace(
        "50% upon signing, 50% within 30 days of publication", "net 30 from the end of the campaign")
    assert call(db, "create_from_brief", {"text": text}, ids["shira"]).ok
    invoices = _lumi(db, ids["shira"])[2]
    assert invoices == [(Decimal("10000.00"), "2027-02-19", "draft")]  # 11,700 / 1.17, 30 days after Jan 20


def test_an_unsigned_brief_drafts_no_invoice_and_a_brief_without_a_brand_asks_for_it(db):
    ids = build(db)
    text = LUMI_CONTRACT.replace("Signed by both parties on November 22, 2026.", "Please sign and return.")
    assert "invoice" not in confirm_sentence(db, "create_from_brief", {"text": text}, ids["shira"])
    assert call(db, "create_from_brief", {"text": text}, ids["shira"]).ok
    status, _, invoices, _ = _lumi(db, ids["shira"])
    assert (status, invoices) == ("proposal", [])
    nameless = "Deliverables: 2 Instagram Reels in January 2027.\nFee 3,000 ILS + VAT, net 30.\nThanks!"
    assert "which brand is it for?" in confirm_sentence(db, "create_from_brief", {"text": nameless}, ids["shira"])
