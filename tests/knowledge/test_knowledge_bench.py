"""The retrieval benchmark runs end to end on a tiny size, in its own database, and leaves nothing behind."""

from __future__ import annotations

from sqlalchemy import text

from evals import bench_retrieval


def test_tiny_benchmark_reports_throughput_latency_and_recall_and_drops_its_database(db):
    lines: list[str] = []
    report = bench_retrieval.run(
        tenants=2, posts=120, queries=12, ef_search=(40, 100), database_url=db.admin_url, log=lines.append
    )
    assert report["config"]["posts"] == 240 and report["config"]["pgvector"].startswith("0.8")
    assert report["import"]["chunks"] >= 240 + 8  # posts + the partners' briefs
    assert 20 <= report["import"]["reindex_posts_per_s"] <= 1_000_000  # embedding included: not free, not stuck
    assert 0 <= report["import"]["hnsw_build_s"] < 120
    search = report["search"]
    assert search["hybrid"]["n"] == 12 and 0 < search["hybrid"]["p50_ms"] <= search["hybrid"]["p95_ms"]
    assert search["hybrid_via_hnsw"]["n"] == 12
    assert "ix_chunk_embedding_hnsw" in search["plans"]["vector_hnsw_ef40"]
    assert "hnsw" not in search["plans"]["vector_exact"]
    assert 0.5 <= search["vector_hnsw_ef100"]["recall_at_k"] <= 1.0
    assert 0 <= search["vector_hnsw_ef40_iterative_off"]["queries_with_fewer_than_k"] <= 12
    assert {"p95_met", "recall_met"} <= set(report["targets"])
    name = lines[0].split()[2]
    with db.admin_engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            == 0
        )
        # the user's own tables were never touched
        assert conn.execute(text("SELECT count(*) FROM posts")).scalar() == 0
