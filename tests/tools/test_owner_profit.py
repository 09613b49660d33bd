"""A collaboration's profit (issue 13): fee + commission on its codes' sales (a percentage of each order or
an amount per order) - costs, per currency and per code; what sells best with a code; commissions in the
period's earnings; the deal terms imported from the bundle; one influencer's figures never the other's."""

from __future__ import annotations

import copy

from _owner_world import build, call, shira_bundle
from sqlalchemy import select

from knowledge.bundles import import_bundle
from store.models import Partnership, Tenant


def _terms(db, tenant_id: int, ref: str, commission: dict | None, costs: list[dict]) -> None:
    with db.admin_session() as s:
        p = s.scalars(select(Partnership).where(Partnership.tenant_id == tenant_id, Partnership.ref == ref)).one()
        p.commission, p.costs = commission, costs


def test_profit_is_fee_plus_commission_minus_costs_per_code_too(db):
    ids = build(db)  # SHIRA15 (olivia): 212 + 180 + 364 = 756 in sales over three orders
    _terms(db, ids["shira"], "olivia", {"type": "percentage", "value": "12.5"},
           [{"label": "studio", "amount": "900", "currency": "ILS"}])
    result = call(db, "profit", {"partnership": "olivia"}, ids["shira"])
    assert result.ok, result.error
    olivia = result.data["partnerships"][0]
    assert olivia["commission"] == [{"currency": "ILS", "amount": "94.50"}]  # 12.5% of 756
    assert olivia["profit"] == [{"currency": "ILS", "amount": "13194.50"}]  # 14,000 + 94.50 - 900
    assert olivia["codes"][0] == {"code": "SHIRA15", "orders": 3, "sales": [{"currency": "ILS", "amount": "756.00"}],
                                  "commission": [{"currency": "ILS", "amount": "94.50"}]}
    # another influencer with the same refs and codes: her own orders (1,000 each) and her own terms (none)
    theirs = call(db, "profit", {"partnership": "olivia"}, ids["noa"]).data["partnerships"][0]
    assert theirs["commission"] == [] and theirs["sales"] == [{"currency": "ILS", "amount": "3000.00"}]


def test_a_commission_per_order_and_in_the_months_earnings(db):
    ids = build(db)
    _terms(db, ids["shira"], "greenbox", {"type": "per_order", "value": "25", "currency": "ILS"}, [])
    _terms(db, ids["shira"], "olivia", {"type": "percentage", "value": "10"}, [])
    greenbox = call(db, "profit", {"partnership": "greenbox"}, ids["shira"]).data["partnerships"][0]
    assert greenbox["commission"] == [{"currency": "ILS", "amount": "25.00"}]  # one order
    november = call(db, "earnings", {"month": 11, "year": 2026}, ids["shira"]).data
    assert november["commissions"] == [{"currency": "ILS", "amount": "61.40"}]  # 25 + 10% of 364


def test_what_sells_best_with_a_code_and_a_code_that_is_not_hers(db):
    ids = build(db)
    best = call(db, "top_products", {"code": "SHIRA15"}, ids["shira"]).data
    ranked = [(p["name"], p["orders"]) for p in best["products"][:2]]
    assert ranked == [("Extra virgin 2L", 2), ("Extra virgin 750ml", 2)]
    missing = call(db, "top_products", {"code": "NOPE10"}, ids["shira"])
    assert not missing.ok and missing.error["field"] == "code"


def test_the_bundles_deal_terms_are_imported(db):
    data = copy.deepcopy(shira_bundle())
    data["influencer"]["handle"] = "terms.test"
    data["partnerships"][0]["commission"] = {"type": "percentage", "value": 8}
    data["partnerships"][0]["costs"] = [{"label": "travel", "amount": 300, "currency": "ILS"}]
    with db.admin_session() as s:
        tenant_id = import_bundle(s, data, derive=False).tenant_id
    profit = call(db, "profit", {"partnership": "olivia"}, tenant_id).data["partnerships"][0]
    assert profit["profit"] == [{"currency": "ILS", "amount": "13760.48"}]  # 14,000 + 8% of 756 - 300
    with db.admin_session() as s:
        assert s.get(Tenant, tenant_id).handle == "terms.test"


def test_the_owner_api_answers_profit_and_top_products_for_her_only(db):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from channels.owner_api import router
    from channels.owner_money_api import router as money_router
    from store import owners as owner_store

    ids = build(db)
    with db.admin_session() as s:
        token = owner_store.create_token(session=s, tenant_id=ids["shira"], label="api")
    app = FastAPI()
    app.include_router(router)
    app.include_router(money_router)
    app.state.db = db
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {token}"}
    got = client.get("/owner/v1/profit?partnership=olivia", headers=auth)
    assert got.status_code == 200 and got.json()["partnerships"][0]["sales"] == [{"currency": "ILS",
                                                                                    "amount": "756.00"}]
    best = client.get("/owner/v1/top-products?code=SHIRA15&limit=1", headers=auth).json()
    assert [p["name"] for p in best["products"]] == ["Extra virgin 2L"]
    bad = client.get("/owner/v1/profit?period=forever", headers=auth)
    assert bad.status_code == 422 and bad.json()["field"] == "period"


def test_a_projects_summary_and_the_renewal_word(db):
    from tools.projects import went_well

    ids = build(db)
    _terms(db, ids["shira"], "olivia", {"type": "percentage", "value": "10"}, [])
    summary = call(db, "project_summary", {"partnership": "olivia"}, ids["shira"]).data
    assert summary["partnership"]["brand"] == "Olivia Oils"
    assert (summary["codes"]["redemptions"], summary["codes"]["revenue"]) == (3, "756.00")
    assert summary["money"]["profit"] == [{"currency": "ILS", "amount": "14075.60"}]
    assert [i["number"] for i in summary["invoices"]] == ["1042"] and summary["renew"] is False
    assert went_well(satisfaction=4.2, redeemed=0, copied=0) and went_well(satisfaction=None, redeemed=5, copied=0)
    assert not went_well(satisfaction=3.9, redeemed=4, copied=19)
    assert not call(db, "project_summary", {"partnership": "nobody"}, ids["shira"]).ok
