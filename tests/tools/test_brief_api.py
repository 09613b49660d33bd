"""Briefs through the owner API and the CLI (issue 14): read first, created only when confirmed; a bad
file is a problem naming the file and the reason, nothing written."""

from __future__ import annotations

import io

import pytest
from _owner_world import build
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from channels.owner_api import router
from store import owners as owner_store

BRIEF = ("Hi Shira, this is Ben Carter from Kinetic Fitness.\nWe'd like 1 Instagram Reel due Jan 12, 2027 and "
         "3 stories the week before.\nFlat fee $1,500 + VAT, net 14.")


@pytest.fixture
def api(db):
    ids = build(db)
    with db.admin_session() as s:
        token = owner_store.create_token(session=s, tenant_id=ids["shira"], label="shira")
    app = FastAPI()
    app.include_router(router)
    app.state.db = db
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def partnerships(db, brand):
    with db.admin_session() as s:
        return s.execute(text("select status, compensation_amount from partnerships where brand = :b"),
                         {"b": brand}).all()


def test_a_brief_is_read_first_and_created_with_confirm(api, db):
    read = api.post("/owner/v1/briefs", json={"text": BRIEF})
    assert read.status_code == 200, read.text
    assert read.json()["brief"]["brand"] == "Kinetic Fitness" and "1,500 USD + VAT" in read.json()["proposal"]
    assert partnerships(db, "Kinetic Fitness") == []

    made = api.post("/owner/v1/briefs?confirm=true", json={"text": BRIEF, "fee": "1800"})  # a correction wins
    assert made.status_code in (200, 201), made.text
    assert [t["due_date"] for t in made.json()["tasks"]] == ["2027-01-12", None]
    assert [(p.status, int(p.compensation_amount)) for p in partnerships(db, "Kinetic Fitness")] == [("proposal", 1800)]


def test_a_word_file_is_a_brief_and_a_scan_or_a_huge_file_is_refused_naming_the_file(api, db):
    import docx
    from pypdf import PdfWriter

    document = docx.Document()
    for line in BRIEF.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    read = api.post("/owner/v1/briefs?filename=brief.docx", content=buffer.getvalue(),
                    headers={"Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"})
    assert read.status_code == 200 and read.json()["brief"]["fee"] == "1500"

    writer, scan = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(scan)
    refused = api.post("/owner/v1/briefs", content=scan.getvalue(), headers={"Content-Type": "application/pdf"})
    assert refused.status_code == 422 and refused.json()["field"] == "file" and "text layer" in refused.json()["detail"]

    huge = api.post("/owner/v1/briefs", content=b"x" * (11 * 1024 * 1024), headers={"Content-Type": "text/plain"})
    assert huge.status_code == 413 and huge.json()["field"] == "file"
    assert partnerships(db, "Kinetic Fitness") == []


def test_the_cli_imports_a_brief_file_on_yes(db, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from channels.cli import _register_all, app

    build(db)
    monkeypatch.setattr("store.bootstrap.open_database", lambda: db)
    _register_all()
    path = tmp_path / "kinetic.txt"
    path.write_text(BRIEF, encoding="utf-8")

    declined = CliRunner().invoke(app, ["brief", "import", "shira.kitchen", str(path)], input="n\n")
    assert declined.exit_code == 0 and "nothing written" in declined.output
    created = CliRunner().invoke(app, ["brief", "import", "shira.kitchen", str(path), "--yes"])
    assert created.exit_code == 0, created.output
    assert "created Kinetic Fitness (proposal" in created.output and "with 2 tasks" in created.output
    assert len(partnerships(db, "Kinetic Fitness")) == 1
