"""Payment requests and receipts (issue 13): a PDF with her name, the brand, number, dates, amount, VAT
and total, Hebrew laid out right to left; a drafted message for the brand; a receipt only once paid; the
link opens the PDF (sealed, expiring), the owner API serves it behind her token, another owner's 404."""

from __future__ import annotations

import io

import pytest
from _owner_world import build, call
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from channels.documents import document_link
from channels.documents import router as documents_router
from channels.owner_api import router
from channels.owner_money_api import router as money_router
from store import owners as owner_store
from tools._pdf import _shown


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def api(db):
    ids = build(db)
    with db.admin_session() as s:
        tokens = {name: owner_store.create_token(session=s, tenant_id=tid, label="api") for name, tid in ids.items()}
    app = FastAPI()
    app.include_router(router)
    app.include_router(money_router)
    app.include_router(documents_router)
    app.state.db = db
    client = TestClient(app)
    client.ids, client.tokens = ids, tokens  # type: ignore[attr-defined]
    return client


def test_hebrew_is_laid_out_right_to_left_and_numbers_stay_whole():
    assert _shown("דרישת תשלום 4102", rtl=True) == "4102 םולשת תשירד"
    assert _shown("Payment request 4102", rtl=False) == "Payment request 4102"


def test_a_payment_request_pdf_and_its_draft(api, db):
    shira = {"Authorization": f"Bearer {api.tokens['shira']}"}
    pdf = api.get("/owner/v1/invoices/1042/payment-request.pdf?language=en", headers=shira)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _text(pdf.content)
    assert "Payment request 1042" in text and "Olivia Oils" in text and "8,260.00 ILS" in text  # 7,000 + 18%
    hebrew = _text(api.get("/owner/v1/invoices/1042/payment-request.pdf", headers=shira).content)
    assert "דרישת תשלום" in hebrew and "8,260.00" in hebrew
    made = call(db, "payment_request", {"number": "1042", "language": "en"}, api.ids["shira"])
    assert made.ok and "Hi Olivia Oils team" in made.data["draft"] and "8,260.00 ILS" in made.data["draft"]
    other = api.get("/owner/v1/invoices/1042/payment-request.pdf", headers={"Authorization":
                                                                          f"Bearer {api.tokens['noa']}"})
    assert other.status_code == 200 and "111.00" in _text(other.content)  # her own 1042, never shira's
    assert api.get("/owner/v1/invoices/1042/payment-request.pdf").status_code == 401
    assert api.get("/owner/v1/invoices/9999/payment-request.pdf", headers=shira).status_code == 404


def test_a_receipt_only_once_paid_and_the_sealed_link_opens_it(api, db):
    shira = {"Authorization": f"Bearer {api.tokens['shira']}"}
    unpaid = api.get("/owner/v1/invoices/1042/receipt.pdf", headers=shira)
    assert unpaid.status_code == 409 and unpaid.json()["field"] == "number"
    receipt = api.get("/owner/v1/invoices/1041/receipt.pdf?language=en", headers=shira)  # 1041 is paid
    assert receipt.status_code == 200 and "Receipt 1041" in _text(receipt.content)
    link = document_link("http://testserver", tenant_id=api.ids["shira"], number="1041", kind="receipt",
                         language="en")
    opened = api.get(link.removeprefix("http://testserver"))
    assert opened.status_code == 200 and "Receipt 1041" in _text(opened.content)
    tampered = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    assert api.get(tampered.removeprefix("http://testserver")).status_code == 404
