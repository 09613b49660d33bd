"""Retrieval benchmark: bulk import, HNSW build, tenant-scoped hybrid search latency, HNSW recall vs exact.

Runs in a throw-away database created next to the configured one (never the user's data) and
dropped at the end. Loads N tenants x M synthetic posts with COPY, indexes them with the real
`knowledge.reindex` (embedding included), builds the HNSW index after the load, then measures.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from evals.bench_corpus import tenant_brands, tenant_posts, tenant_queries
from knowledge.embedders import Embedder, HashingEmbedder, embedder_name
from knowledge.index import reindex, vector_literal
from knowledge.search import search
from knowledge.settings import get_settings as knowledge_settings
from store.models import Partnership, Tenant

__all__ = ["run", "SMALL", "FULL"]

FULL = {"tenants": 20, "posts": 5000, "queries": 400}
SMALL = {"tenants": 4, "posts": 500, "queries": 80}
TARGET_P95_MS = 20.0
TARGET_RECALL = 0.95
HNSW_SQL = (
    "CREATE INDEX ix_chunk_embedding_hnsw ON knowledge_chunks "
    "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
)
VECTOR_SQL = """
WITH top AS MATERIALIZED (
    SELECT id, embedding <=> CAST(:q AS vector) AS distance FROM knowledge_chunks
    WHERE tenant_id = :t ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k
) SELECT id, distance FROM top ORDER BY distance, id
"""


class _TimedEmbedder:
    """Wraps an embedder and adds up the time spent embedding."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.dim, self.name, self.seconds = inner, inner.dim, embedder_name(inner), 0.0

    def embed_array(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        fast = getattr(self.inner, "embed_array", None)
        out = fast(texts) if fast else np.asarray(self.inner.embed(texts), dtype=np.float32)
        self.seconds += time.perf_counter() - started
        return out

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "n": len(ordered),
        "p50_ms": round(pick(0.50), 2),
        "p95_ms": round(pick(0.95), 2),
        "p99_ms": round(pick(0.99), 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


@contextmanager
def _throwaway_database(database_url: str | None, keep: bool, log: Callable[[str], None]) -> Iterator[Engine]:
    """A new, migrated database on the same server, dropped afterwards."""
    from store.migrate import upgrade

    if database_url is None:
        from store.db import get_database

        base = get_database()
        base.check()
        database_url = base.url
    url = make_url(database_url)
    name = f"ios_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name), pool_size=2)
    log(f"bench database {name} created")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            log(f"bench database {name} dropped")
        admin.dispose()


def _load_posts(engine: Engine, tenants: int, posts: int, seed: int) -> tuple[list[int], dict[str, float]]:
    """Tenants and partnerships by INSERT, posts by COPY; returns tenant ids and timings."""
    tenant_ids = []
    with Session(engine) as session, session.begin():
        for t in range(tenants):
            tenant = Tenant(
                handle=f"bench.t{t:03d}", display_name=f"Bench influencer {t}", languages=["he", "en"]
            )
            session.add(tenant)
            session.flush()
            tenant_ids.append(tenant.id)
            for i, (brand, handle) in enumerate(tenant_brands(t)):
                session.add(
                    Partnership(
                        tenant_id=tenant.id,
                        ref=f"brand{i}",
                        brand=brand,
                        brand_aliases=[handle],
                        status="active",
                    )
                )
    started = time.perf_counter()
    generated = {t: tenant_posts(t, posts, seed=seed) for t in range(tenants)}
    generate_s = time.perf_counter() - started
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        with raw.driver_connection.cursor() as cursor:
            with cursor.copy(
                "COPY posts (tenant_id, post_id, short_code, type, caption, hashtags, mentions,"
                " tagged_users, url, posted_at, likes, comments, is_sponsored, raw) FROM STDIN"
            ) as copy:
                for t, tenant_id in enumerate(tenant_ids):
                    for p in generated[t]:
                        copy.write_row(
                            (
                                tenant_id,
                                p.post_id,
                                p.post_id,
                                "Image",
                                p.caption,
                                json.dumps(p.hashtags),
                                json.dumps(p.mentions),
                                json.dumps(p.mentions),
                                p.url,
                                p.posted_at,
                                p.likes,
                                0,
                                p.is_sponsored,
                                "{}",
                            )
                        )
        raw.commit()
        copy_s = time.perf_counter() - started
    finally:
        raw.close()
    return tenant_ids, {"generate_s": generate_s, "copy_s": copy_s}


def _settings(session: Session, **values: str | int) -> None:
    for name, value in values.items():
        session.execute(text(f"SET LOCAL {name.replace('__', '.')} = {value}"))


def _top_k(
    session: Session, tenant_id: int, vector: str, k: int, **settings: str | int
) -> tuple[list, float]:
    """Vector-only top k inside one tenant under the given settings, and its time in ms."""
    _settings(session, **settings)
    started = time.perf_counter()
    rows = session.execute(text(VECTOR_SQL), {"q": vector, "t": tenant_id, "k": k}).all()
    ms = (time.perf_counter() - started) * 1000
    session.rollback()
    return rows, ms


def _plan(session: Session, tenant_id: int, vector: str, k: int, **settings: str | int) -> str:
    """The plan's node types, outermost first, for the vector-only query under the given settings."""
    _settings(session, **settings)
    plan = session.execute(
        text("EXPLAIN (FORMAT JSON) " + VECTOR_SQL), {"q": vector, "t": tenant_id, "k": k}
    ).scalar_one()
    session.rollback()
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        found.append(node["Node Type"] + (f" on {node['Index Name']}" if "Index Name" in node else ""))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return " > ".join(found)


# How the vector part is run: exact (no index), the HNSW graph forced (sorting disabled, so the
# planner walks the index), and whatever the planner picks by itself, as search() runs it.
EXACT = {"enable_indexscan": "off"}
FORCED = {"enable_sort": "off"}


def _vector_modes(efs: list[int], default_ef: int) -> dict[str, dict[str, str | int]]:
    modes: dict[str, dict[str, str | int]] = {}
    for ef in efs:
        modes[f"hnsw_ef{ef}"] = {**FORCED, "hnsw__ef_search": ef, "hnsw__iterative_scan": "relaxed_order"}
    modes[f"hnsw_ef{efs[0]}_iterative_off"] = {
        **FORCED,
        "hnsw__ef_search": efs[0],
        "hnsw__iterative_scan": "off",
    }
    modes[f"planner_ef{default_ef}"] = {
        "hnsw__ef_search": default_ef,
        "hnsw__iterative_scan": "relaxed_order",
    }
    return modes


def _recall(exact: list, approx: list) -> tuple[float, float]:
    """Strict recall (same ids) and recall counting a chunk at exactly the k-th distance as right."""
    strict = len({r.id for r in exact} & {r.id for r in approx}) / len(exact)
    cutoff = exact[-1].distance + 1e-6
    tied = min(1.0, sum(1 for r in approx if r.distance <= cutoff) / len(exact))
    return strict, tied


def _measure(
    engine: Engine, embedder: _TimedEmbedder, work: list[tuple[int, str]], k: int, efs: list[int]
) -> dict:
    default_ef = max(knowledge_settings().hnsw_ef_search, 4 * k, 20)
    out: dict[str, Any] = {}
    with Session(engine) as session:
        for tenant_id, query in work[:20]:  # warm the caches and the embedder's token memo
            search(session, tenant_id=tenant_id, query=query, k=k, embedder=embedder)
            session.rollback()
        hybrid = []
        for tenant_id, query in work:
            started = time.perf_counter()
            search(session, tenant_id=tenant_id, query=query, k=k, embedder=embedder)
            hybrid.append((time.perf_counter() - started) * 1000)
            session.rollback()
        out["hybrid"] = {**_percentiles(hybrid), "ef_search": default_ef}
        vectors = vector_literal(embedder.embed_array([q for _, q in work]))
        modes = _vector_modes(efs, default_ef)
        out["plans"] = {name: _plan(session, work[0][0], vectors[0], k, **modes[name]) for name in modes}
        out["plans"]["exact"] = _plan(session, work[0][0], vectors[0], k, **EXACT)
        exact = [_top_k(session, tid, vec, k, **EXACT) for (tid, _), vec in zip(work, vectors, strict=True)]
        out["exact"] = _percentiles([ms for _, ms in exact])
        for name, settings in modes.items():
            strict, tied, short, times = [], [], 0, []
            for (tenant_id, _), vector, (truth, _) in zip(work, vectors, exact, strict=True):
                rows, ms = _top_k(session, tenant_id, vector, k, **settings)
                times.append(ms)
                recall = _recall(truth, rows)
                strict.append(recall[0])
                tied.append(recall[1])
                short += len(rows) < len(truth)
            out[name] = {
                **_percentiles(times),
                "recall_at_k": round(statistics.fmean(strict), 4),
                "recall_at_k_ties": round(statistics.fmean(tied), 4),
                "queries_with_fewer_than_k": short,
            }
    return out


def run(
    *,
    tenants: int = FULL["tenants"],
    posts: int = FULL["posts"],
    queries: int = FULL["queries"],
    k: int = 5,
    ef_search: tuple[int, ...] = (40, 80, 200),
    seed: int = 7,
    database_url: str | None = None,
    keep: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the benchmark and return its numbers (import throughput, latency percentiles, recall)."""
    embedder = _TimedEmbedder(HashingEmbedder())
    with _throwaway_database(database_url, keep, log) as engine:
        with engine.begin() as conn:
            conn.execute(text("DROP INDEX IF EXISTS ix_chunk_embedding_hnsw"))  # built after the load
            versions = conn.execute(
                text(
                    "SELECT current_setting('server_version'), extversion"
                    " FROM pg_extension WHERE extname = 'vector'"
                )
            ).one()
        tenant_ids, load = _load_posts(engine, tenants, posts, seed)
        total = tenants * posts
        log(f"{total} posts generated in {load['generate_s']:.1f} s, copied in {load['copy_s']:.1f} s")
        started = time.perf_counter()
        for tenant_id in tenant_ids:
            with Session(engine) as session, session.begin():
                reindex(session, tenant_id=tenant_id, embedder=embedder)
        reindex_s = time.perf_counter() - started
        log(f"indexed in {reindex_s:.1f} s ({embedder.seconds:.1f} s embedding)")
        started = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(text("SET maintenance_work_mem = '1GB'"))
            conn.execute(text(HNSW_SQL))
            conn.execute(text("ANALYZE knowledge_chunks"))
            conn.commit()
            hnsw_s = time.perf_counter() - started
            sizes = conn.execute(
                text(
                    "SELECT count(*), pg_total_relation_size('knowledge_chunks'),"
                    " pg_relation_size('ix_chunk_embedding_hnsw') FROM knowledge_chunks"
                )
            ).one()
        log(f"HNSW index built in {hnsw_s:.1f} s")
        per_tenant = max(1, queries // tenants)
        work = [
            (tid, q) for t, tid in enumerate(tenant_ids) for q in tenant_queries(t, per_tenant, seed=seed)
        ]
        measured = _measure(engine, embedder, work, k, list(ef_search))
    forced = [v for name, v in measured.items() if name.startswith("hnsw_ef") and "off" not in name]
    best_recall = max(v["recall_at_k_ties"] for v in forced)
    return {
        "benchmark": "retrieval",
        "config": {
            "tenants": tenants,
            "posts_per_tenant": posts,
            "posts": total,
            "queries": len(work),
            "k": k,
            "embedder": embedder.name,
            "postgres": versions[0],
            "pgvector": versions[1],
            "cpus": os.cpu_count(),
        },
        "import": {
            "generate_s": round(load["generate_s"], 2),
            "copy_posts_s": round(load["copy_s"], 2),
            "copy_posts_per_s": round(total / load["copy_s"]),
            "reindex_s": round(reindex_s, 2),
            "embedding_s": round(embedder.seconds, 2),
            "reindex_posts_per_s": round(total / reindex_s),
            "import_posts_per_s": round(total / (load["copy_s"] + reindex_s)),
            "chunks": sizes[0],
            "hnsw_build_s": round(hnsw_s, 1),
            "table_mb": round(sizes[1] / 2**20, 1),
            "hnsw_mb": round(sizes[2] / 2**20, 1),
        },
        "search": measured,
        "targets": {
            "p95_ms": TARGET_P95_MS,
            "recall_at_k": TARGET_RECALL,
            "p95_met": measured["hybrid"]["p95_ms"] < TARGET_P95_MS,
            "recall_met": best_recall >= TARGET_RECALL,
        },
    }
