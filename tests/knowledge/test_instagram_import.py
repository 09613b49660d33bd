"""`import --instagram HANDLE`: the real ApifyClient talks to a local fake of the Apify API."""

from __future__ import annotations

import copy
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from channels.cli import _register_all, app
from knowledge.instagram import InstagramFetchError, bundle_from_instagram, fetch_instagram_bundle
from store.models import Post, Tenant

TOKEN = "apify_api_test_token"
PAGE_CAP = 3  # the fake serves at most 3 items a page, so reading a dataset takes several pages


class FakeApify:
    """The three endpoints a run of an actor needs, with datasets filled per actor."""

    def __init__(self, profile: dict, posts: list[dict]) -> None:
        self.profile, self.posts = profile, posts
        self.runs: dict[str, dict] = {}
        self.datasets: dict[str, list[dict]] = {}
        self.calls: list[tuple[str, str, dict | None]] = []
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def items_for(self, actor: str, run_input: dict) -> list[dict]:
        if actor == "apify~instagram-profile-scraper":
            wanted = [u.lower() for u in run_input.get("usernames", [])]
            if self.profile["username"] in wanted:
                return [self.profile]
            return [
                {
                    "username": wanted[0] if wanted else "",
                    "error": "not_found",
                    "errorDescription": "Profile does not exist",
                }
            ]
        if actor == "apify~instagram-scraper":
            stranger = {"id": "999", "caption": "not mine", "ownerUsername": "someone.else"}
            return [*self.posts[: run_input.get("resultsLimit", 50)], stranger]
        return []

    def _run(self, run_id: str, status: str) -> dict:
        run = self.runs[run_id]
        return {"data": {**run, "status": status}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, code: int, body, headers: dict | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(raw)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def _authorized(self) -> bool:
                if self.headers.get("authorization") == f"Bearer {TOKEN}":
                    return True
                self._send(
                    401,
                    {"error": {"type": "token-not-valid", "message": "Authentication token is not valid."}},
                )
                return False

            def do_POST(self):  # noqa: N802
                parts = urlsplit(self.path).path.strip("/").split("/")
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                run_input = json.loads(body or b"{}")
                fake.calls.append(("POST", self.path, run_input))
                if not self._authorized():
                    return
                if (
                    len(parts) == 4
                    and parts[0] == "v2"
                    and parts[1] in ("acts", "actors")
                    and parts[3] == "runs"
                ):
                    n = next(fake._ids)
                    run_id, dataset_id = f"run{n}", f"ds{n}"
                    fake.datasets[dataset_id] = fake.items_for(parts[2], run_input)
                    fake.runs[run_id] = {
                        "id": run_id,
                        "actId": parts[2],
                        "userId": "u1",
                        "startedAt": "2026-11-23T10:00:00.000Z",
                        "meta": {"origin": "API"},
                        "stats": {},
                        "options": {
                            "build": "latest",
                            "timeoutSecs": 300,
                            "memoryMbytes": 1024,
                            "diskMbytes": 2048,
                        },
                        "buildId": "b1",
                        "defaultKeyValueStoreId": f"kv{n}",
                        "defaultDatasetId": dataset_id,
                        "defaultRequestQueueId": f"rq{n}",
                    }
                    # Like the real API: the run starts RUNNING and the client polls until it is done.
                    return self._send(201, fake._run(run_id, "RUNNING"))
                self._send(404, {"error": {"type": "page-not-found", "message": self.path}})

            def do_GET(self):  # noqa: N802
                url = urlsplit(self.path)
                parts = url.path.strip("/").split("/")
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.calls.append(("GET", self.path, None))
                if not self._authorized():
                    return
                if parts[:2] == ["v2", "actor-runs"] and len(parts) == 3 and parts[2] in fake.runs:
                    return self._send(200, fake._run(parts[2], "SUCCEEDED"))
                if parts[:2] == ["v2", "datasets"] and len(parts) == 4 and parts[3] == "items":
                    items = fake.datasets.get(parts[2])
                    if items is None:
                        return self._send(
                            404, {"error": {"type": "record-not-found", "message": "no dataset"}}
                        )
                    offset = int(query.get("offset", 0))
                    limit = min(int(query.get("limit") or PAGE_CAP), PAGE_CAP)
                    page = items[offset : offset + limit]
                    return self._send(
                        200,
                        page,
                        {
                            "x-apify-pagination-total": str(len(items)),
                            "x-apify-pagination-offset": str(offset),
                            "x-apify-pagination-count": str(len(page)),
                            "x-apify-pagination-limit": str(limit),
                            "x-apify-pagination-desc": "false",
                        },
                    )
                self._send(404, {"error": {"type": "page-not-found", "message": self.path}})

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _cli() -> None:
    if not any(c.name == "import" for c in app.registered_commands):
        _register_all()


@pytest.fixture
def shira_instagram(shira_bundle_path) -> tuple[dict, list[dict]]:
    data = json.loads(shira_bundle_path.read_text(encoding="utf-8"))
    return copy.deepcopy(data["instagram"]["profile"]), copy.deepcopy(data["instagram"]["posts"])


@pytest.fixture
def fake_apify(shira_instagram):
    with FakeApify(*shira_instagram) as fake:
        yield fake


def test_the_real_client_fetches_profile_and_all_posts_across_pages(fake_apify):
    steps: list[str] = []
    bundle = fetch_instagram_bundle(
        "@Shira.Kitchen", token=TOKEN, api_url=fake_apify.url, on_step=steps.append
    )
    assert bundle["influencer"] == {
        "handle": "shira.kitchen",
        "display_name": "Shira Adler | שירה אדלר",
        "languages": ["he", "en"],
    }
    assert [p["id"] for p in bundle["instagram"]["posts"]] == [p["id"] for p in fake_apify.posts]
    assert bundle["instagram"]["profile"]["followersCount"] == 84200
    posts_calls = [c for c in fake_apify.calls if c[0] == "POST"]
    assert [c[1].split("?")[0] for c in posts_calls] == [
        "/v2/actors/apify~instagram-profile-scraper/runs",
        "/v2/actors/apify~instagram-scraper/runs",
    ]
    assert posts_calls[0][2] == {"usernames": ["shira.kitchen"]}
    assert posts_calls[1][2]["resultsType"] == "posts"
    pages = [c for c in fake_apify.calls if "/datasets/ds2/items" in c[1]]
    assert len(pages) >= 3  # 9 items at 3 a page
    assert steps[0] == "fetching the profile of @shira.kitchen"


def test_a_missing_profile_and_a_bad_token_are_clear_errors(fake_apify):
    with pytest.raises(
        InstagramFetchError, match="no Instagram profile found for @nobody: Profile does not exist"
    ):
        fetch_instagram_bundle("nobody", token=TOKEN, api_url=fake_apify.url)
    with pytest.raises(InstagramFetchError, match="Apify refused to run apify/instagram-profile-scraper"):
        fetch_instagram_bundle("shira.kitchen", token="wrong", api_url=fake_apify.url)


def test_languages_are_detected_from_captions_for_an_english_only_account():
    profile = {"username": "Dan.Runs", "fullName": "Dan Cohen", "biography": "Runner. Coach."}
    posts = [{"id": str(i), "caption": f"Morning run number {i} #running"} for i in range(5)]
    bundle = bundle_from_instagram(profile, posts)
    assert bundle["influencer"] == {"handle": "dan.runs", "display_name": "Dan Cohen", "languages": ["en"]}


def test_cli_imports_from_instagram_and_builds_the_persona(db, fake_apify, monkeypatch):
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_URL", fake_apify.url)
    _cli()
    result = CliRunner().invoke(app, ["import", "--instagram", "shira.kitchen", "--posts", "20"])
    assert result.exit_code == 0, result.output
    assert "@shira.kitchen: imported" in result.stdout and "8 created" in result.stdout
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).one()
        assert tenant.languages == ["he", "en"] and tenant.instagram_profile["username"] == "shira.kitchen"
        assert s.scalar(select(func.count()).select_from(Post)) == 8  # the stranger's post is left out
    persona = json.loads(CliRunner().invoke(app, ["persona", "show", "shira.kitchen", "--json"]).stdout)
    assert persona["language_shares"]["he"] > persona["language_shares"]["en"]
    assert "🍳" in persona["favourite_emojis"]
    # Fetching again changes nothing.
    again = CliRunner().invoke(app, ["import", "--instagram", "shira.kitchen", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["changed"] is False


def test_cli_instagram_import_keeps_what_the_owner_set(db, fake_apify, shira_bundle_path, monkeypatch):
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    monkeypatch.setenv("APIFY_API_URL", fake_apify.url)
    _cli()
    assert CliRunner().invoke(app, ["import", str(shira_bundle_path)]).exit_code == 0
    result = CliRunner().invoke(app, ["import", "--instagram", "shira.kitchen", "--json"])
    assert result.exit_code == 0, result.output
    with db.admin_session() as s:
        tenant = s.scalars(select(Tenant)).one()
        assert tenant.display_name == "Shira Adler" and tenant.persona_notes.startswith("Warm")
        assert len(tenant.faq) == 2


def test_cli_reports_apify_failures_in_one_line_exit_1(db, fake_apify, monkeypatch):
    monkeypatch.setenv("APIFY_TOKEN", "wrong")
    monkeypatch.setenv("APIFY_API_URL", fake_apify.url)
    _cli()
    result = CliRunner().invoke(app, ["import", "--instagram", "shira.kitchen"])
    assert result.exit_code == 1
    assert "error: Apify refused to run apify/instagram-profile-scraper" in result.stderr
    with db.admin_session() as s:
        assert s.scalar(select(func.count()).select_from(Tenant)) == 0
