"""Embedders: the local hashing one (stable, normalised, prefix-aware) and OpenAI's via its real client."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from _knowledge_seed import load

from knowledge.embedders import E5Embedder, HashingEmbedder, OpenAIEmbedder, get_embedder
from knowledge.index import reindex
from knowledge.search import search
from knowledge.settings import KnowledgeSettings, get_settings
from store.models import KnowledgeDocument

REPO = Path(__file__).resolve().parents[2]


def _cos(a, b):
    return float(np.dot(a, b))


def test_hashing_vectors_are_unit_length_384_wide_and_the_same_in_another_process():
    texts = ["שקשוקה של שישי בבוקר", "Friday challah", "", "🍳"]
    vectors = HashingEmbedder().embed(texts)
    assert [len(v) for v in vectors] == [384] * 4
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    code = (
        "import json; from knowledge.embedders import HashingEmbedder; "
        f"print(json.dumps(HashingEmbedder().embed({texts!r})))"
    )
    # A new interpreter has a different str-hash salt: the vectors must not depend on it.
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
        cwd=str(REPO),
    )
    assert np.allclose(json.loads(other.stdout), vectors, atol=1e-6)


def test_hashing_matches_hebrew_words_with_prefix_letters_and_english_plurals():
    e = HashingEmbedder()
    shakshuka, with_prefix, unrelated = e.embed(["שקשוקה", "בשקשוקה", "עוגיות טחינה"])
    assert _cos(shakshuka, with_prefix) > 0.5 > _cos(shakshuka, unrelated) + 0.3
    oil, oils, soup = e.embed(["olive oil", "Olivia oils", "lentil soup"])
    assert _cos(oil, oils) > 0.3 > _cos(oil, soup) + 0.2


def test_hashing_is_fast_enough_for_bulk_imports():
    import time

    e = HashingEmbedder()
    texts = [
        f"Post {i}: homemade shakshuka with olive oil, שקשוקה ביתית עם שמן זית #{i % 50}" for i in range(5000)
    ]
    started = time.perf_counter()
    matrix = e.embed_array(texts)
    assert matrix.shape == (5000, 384)
    assert time.perf_counter() - started < 5.0


class _FakeOpenAI(BaseHTTPRequestHandler):
    """`POST /v1/embeddings` like OpenAI: vectors from the hashing embedder, scaled (not unit length)."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.path != "/v1/embeddings":
            self.send_error(404)
            return
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        vectors = HashingEmbedder(dim=body.get("dimensions", 1536)).embed_array(inputs) * 3.0
        data = []
        for i, v in enumerate(vectors):
            if body.get("encoding_format") == "base64":
                value = base64.b64encode(v.astype("<f4").tobytes()).decode()
            else:
                value = v.tolist()
            data.append({"object": "embedding", "index": i, "embedding": value})
        payload = json.dumps(
            {
                "object": "list",
                "data": data[::-1],
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_openai():
    _FakeOpenAI.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_embedder_asks_for_384_dimensions_in_batches_and_normalises(fake_openai):
    embedder = OpenAIEmbedder(
        api_key="sk-test", base_url=fake_openai, model="text-embedding-3-small", batch_size=2
    )
    vectors = embedder.embed(["olive oil", "שמן זית", "challah", ""])
    assert len(vectors) == 4 and all(len(v) == 384 for v in vectors)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The fake answers in reverse order; the embedder puts them back by index.
    assert np.allclose(vectors[2], HashingEmbedder().embed(["challah"])[0], atol=1e-5)
    sent = _FakeOpenAI.requests
    assert [len(r["input"]) for r in sent] == [2, 2]
    assert all(r["dimensions"] == 384 and r["model"] == "text-embedding-3-small" for r in sent)
    assert sent[0]["auth"] == "Bearer sk-test"
    assert sent[1]["input"][1].strip() == ""  # empty text sent as a blank, not refused


def test_settings_choose_openai_only_with_a_key(monkeypatch, fake_openai):
    monkeypatch.setenv("EMBEDDINGS", "openai")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert isinstance(get_embedder(KnowledgeSettings()), E5Embedder)  # no key: the local default model
    monkeypatch.setenv("EMBEDDINGS", "hashing")
    assert isinstance(get_embedder(KnowledgeSettings()), HashingEmbedder)
    monkeypatch.setenv("EMBEDDINGS", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai)
    monkeypatch.setenv("OPENAI_EMBEDDING_MODEL", "text-embedding-3-large")
    get_settings.cache_clear()
    try:
        embedder = get_embedder()
        assert isinstance(embedder, OpenAIEmbedder) and embedder.name == "openai:text-embedding-3-large:384"
        assert get_embedder() is embedder
        embedder.embed(["hello"])
        assert _FakeOpenAI.requests[-1]["model"] == "text-embedding-3-large"
    finally:
        get_settings.cache_clear()


def test_index_and_search_through_the_openai_embedder(db, shira_bundle_path, fake_openai):
    embedder = OpenAIEmbedder(api_key="sk-test", base_url=fake_openai)
    with db.admin_session() as session:
        tenant = load(session, shira_bundle_path)
        assert reindex(session, tenant_id=tenant.id, embedder=embedder) == 14
        hits = search(session, tenant_id=tenant.id, query="challah recipe", embedder=embedder)
        assert hits[0].source_ref == "3401000000000000002"
        # Switching embedders re-embeds everything: vectors of two embedders don't mix.
        assert reindex(session, tenant_id=tenant.id) == 14
        assert reindex(session, tenant_id=tenant.id) == 0
        assert session.query(KnowledgeDocument).count() == 14
