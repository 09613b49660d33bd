"""The `search` and `reindex` commands as a developer or influencer runs them."""

from __future__ import annotations

import json

import pytest
import typer
from _knowledge_seed import load
from typer.testing import CliRunner

from knowledge import commands


@pytest.fixture
def cli():
    app = typer.Typer()
    commands.register(app)
    return lambda *args: CliRunner().invoke(app, list(args))


@pytest.fixture
def shira(db, shira_bundle_path):
    with db.admin_session() as session:
        load(session, shira_bundle_path)


def test_reindex_then_search_prints_hits_with_their_sources(cli, shira):
    first = cli("reindex", "@shira.kitchen")
    assert first.exit_code == 0, first.output
    assert "14 documents added, changed or removed; 14 in the index" in first.output
    assert "0 documents added" in cli("reindex", "shira.kitchen").output

    result = cli("search", "shira.kitchen", "challah recipe", "-k", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. ") and "https://www.instagram.com/p/DShA0002bbb/" in lines[0]
    assert "Friday challah" in lines[1]
    assert lines[-1].startswith("(3 hits")


def test_search_json_names_each_source(cli, shira):
    cli("reindex", "shira.kitchen")
    result = cli("search", "shira.kitchen", "is the oil cold pressed?", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    first = payload["hits"][0]
    assert payload["handle"] == "shira.kitchen" and len(payload["hits"]) == 5
    assert first["source_type"] == "partnership_faq" and first["title"] == "Olivia Oils"
    assert first["url"] == "https://olivia-oils.example/shop" and first["rank"] == 1


def test_unknown_handle_is_one_clear_line_and_exit_2(cli, db):
    for args in (("search", "nobody.here", "anything"), ("reindex", "nobody.here")):
        result = cli(*args)
        assert result.exit_code == 2
        assert result.output.strip().splitlines() == [
            "error: no influencer with the handle @nobody.here (import a bundle first)"
        ]
