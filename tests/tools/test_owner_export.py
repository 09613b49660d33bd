"""Her tables as CSV (issue 13): partnerships with deal terms and profit, coupons with their figures,
invoices with VAT, by the owner API and the CLI; UTF-8 with a BOM (Hebrew opens right in Excel), a cell
that would run as a spreadsheet formula kept as text, another influencer's rows never in it."""

from __future__ import annotations

import csv
import io

import pytest
from _owner_world import build
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from channels.owner_api import router
from channels.owner_money_api import router as money_router
from store import owners as owner_store
from store.models import Partnership


@pytest.fixture
def api(db):
    ids = build(db)
    with db.admin_session() as s:
        p = s.scalars(select(Partnership).where(Partnership.tenant_id == ids["shira"], Partnership.ref == "olivia")
                      ).one()
        p.commission, p.brand_aliases = {"type": "percentage", "value": "10"}, ["אוליביה"]
        p.costs = [{"label": "=HYPERLINK(\"x\")", "amount": "100", "currency": "ILS"}]
        token = owner_store.create_token(session=s, tenant_id=ids["shira"], label="api")
    app = FastAPI()
    app.include_router(router)
    app.include_router(money_router)
    app.state.db = db
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _table(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_partnerships_coupons_and_invoices_as_csv(api):
    partnerships = {r["ref"]: r for r in _table(api.get("/owner/v1/export/partnerships.csv"))}
    olivia = partnerships["olivia"]
    assert (olivia["brand"], olivia["commission"], olivia["orders"], olivia["commission_earned"]) == (
        "Olivia Oils", "10%", "3", "75.60 ILS")  # 10% of 756
    assert olivia["profit"] == "13975.60 ILS" and olivia["costs"].startswith("'=HYPERLINK")  # 14,000 + 75.60 - 100
    coupons = {r["code"]: r for r in _table(api.get("/owner/v1/export/coupons.csv"))}
    assert (coupons["SHIRA15"]["redemptions"], coupons["SHIRA15"]["revenue"]) == ("3", "756.00")
    invoices = {r["number"]: r for r in _table(api.get("/owner/v1/export/invoices.csv"))}
    assert set(invoices) == {"1041", "1042"} and invoices["1042"]["total"] == "8260.00"
    assert api.get("/owner/v1/export/secrets.csv").status_code == 422


def test_the_cli_writes_the_same_table(db, api, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from channels.cli import _register_all, app

    monkeypatch.setattr("store.bootstrap.open_database", lambda: db)
    _register_all()
    out = tmp_path / "invoices.csv"
    done = CliRunner().invoke(app, ["export", "shira.kitchen", "invoices", "--out", str(out)])
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8").lstrip("\ufeff"))))
    assert sorted(r["number"] for r in rows) == ["1041", "1042"] and all(r["amount"] != "111.00" for r in rows)
    bad = CliRunner().invoke(app, ["export", "shira.kitchen", "secrets"])
    assert bad.exit_code == 2 and "kind" in bad.output
