"""The import, owners, tokens and persona commands: exit codes and what the user reads."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from channels.cli import _register_all, app
from store.models import OwnerIdentity, Partnership, Tenant

runner = CliRunner()


def _cli() -> None:
    if not any(c.name == "import" for c in app.registered_commands):
        _register_all()


_cli()


def _run(*args: str):
    return runner.invoke(app, list(args))


def _count(db, model) -> int:
    with db.admin_session() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def shira(shira_bundle_path) -> dict:
    return json.loads(shira_bundle_path.read_text(encoding="utf-8"))


def test_import_prints_a_summary_and_the_second_run_changes_nothing(db, shira_bundle_path):
    first = _run("import", str(shira_bundle_path))
    assert first.exit_code == 0, first.output
    assert "@shira.kitchen: imported" in first.stdout
    assert "partnerships" in first.stdout and "5 created" in first.stdout
    second = _run("import", str(shira_bundle_path), "--json")
    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    assert report["changed"] is False and report["counts"]["coupons"]["unchanged"] == 3
    assert _count(db, Partnership) == 5


def test_an_invalid_bundle_exits_2_with_every_error_and_writes_nothing(db, shira, tmp_path):
    shira["partnerships"][2]["status"] = "signed"
    shira["coupons"][0]["partnership"] = "x"
    del shira["coupons"][1]["currency"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(shira, ensure_ascii=False), encoding="utf-8")
    result = _run("import", str(path))
    assert result.exit_code == 2
    assert "nothing was imported" in result.stderr
    assert "partnerships[2].status: 'signed' is not one of lead, proposal" in result.stderr
    assert "coupons[0].partnership: unknown partnership ref 'x'" in result.stderr
    assert "coupons[1].currency: required for fixed" in result.stderr
    assert _count(db, Tenant) == 0


def test_a_file_that_is_not_json_exits_2(db, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("format: influencer-bundle/1\n", encoding="utf-8")
    result = _run("import", str(path))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_import_needs_a_file_or_a_handle(db):
    result = _run("import")
    assert result.exit_code == 2 and "FILE or --instagram" in result.stderr


def test_instagram_import_without_a_token_is_one_clear_line(db, monkeypatch):
    monkeypatch.delenv("APIFY_TOKEN", raising=False)
    result = _run("import", "--instagram", "someone")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "APIFY_TOKEN is not set" in result.stderr


def test_owners_add_validates_the_phone_and_the_handle(db, shira_bundle_path):
    assert _run("import", str(shira_bundle_path)).exit_code == 0
    ok = _run("owners", "add", "@Shira.Kitchen", "+972 52-555-1234", "--label", "manager")
    assert ok.exit_code == 0, ok.output
    assert "+972525551234 is an owner of @shira.kitchen" in ok.stdout
    again = _run("owners", "add", "shira.kitchen", "+972525551234")
    assert again.exit_code == 0  # adding twice is harmless
    assert _count(db, OwnerIdentity) == 2
    bad = _run("owners", "add", "shira.kitchen", "052-5551234")
    assert bad.exit_code == 2 and "country code" in bad.stderr
    unknown = _run("owners", "add", "nobody.here", "+972525551234")
    assert unknown.exit_code == 2 and "no influencer @nobody.here" in unknown.stderr
    listing = _run("owners", "list", "shira.kitchen")
    assert "+972541112233" in listing.stdout and "+972525551234" in listing.stdout


def test_tokens_are_shown_once_and_stored_as_a_hash(db, shira_bundle_path):
    from store import tenants as tenant_store

    assert _run("import", str(shira_bundle_path)).exit_code == 0
    result = _run("tokens", "create", "shira.kitchen", "--label", "console")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("ios_") and len(token) > 30
    with db.admin_session() as s:
        stored = s.scalars(select(OwnerIdentity.value).where(OwnerIdentity.kind == "token")).one()
        assert stored != token and len(stored) == 64
        assert tenant_store.owner_tenant_for_token(session=s, token=token).handle == "shira.kitchen"
    assert _run("tokens", "create", "ghost").exit_code == 2


def test_persona_show(db, shira_bundle_path):
    assert _run("import", str(shira_bundle_path)).exit_code == 0
    text = _run("persona", "show", "shira.kitchen")
    assert text.exit_code == 0, text.output
    assert "באהבה, שירה" in text.stdout and "🍳" in text.stdout
    data = json.loads(_run("persona", "show", "shira.kitchen", "--json").stdout)
    assert data["sign_off"] == "באהבה, שירה"
    missing = _run("persona", "show", "ghost")
    assert missing.exit_code == 2 and "no influencer @ghost" in missing.stderr
