"""Measurements of the retrieval benchmark: hybrid search latency, and the vector part exact vs HNSW."""

from __future__ import annotations

import statistics
import time
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from knowledge.index import vector_literal
from knowledge.search import search

__all__ = ["measure", "percentiles"]

# Exact: the same fenced scan search() runs for tenants up to KNOWLEDGE_EXACT_MAX_CHUNKS.
EXACT_SQL = """
SELECT id, distance FROM (
    SELECT id, embedding <=> CAST(:q AS vector) AS distance FROM knowledge_chunks
    WHERE (:t = 0 OR tenant_id = :t) OFFSET 0
) AS s ORDER BY distance, id LIMIT :k
"""
# Through the HNSW index (sorting disabled, so the planner has to walk the graph).
HNSW_SQL = """
WITH top AS MATERIALIZED (
    SELECT id, embedding <=> CAST(:q AS vector) AS distance FROM knowledge_chunks
    WHERE tenant_id = :t ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k
) SELECT id, distance FROM top ORDER BY distance, id
"""
HNSW_ALL_SQL = (
    "SELECT id, embedding <=> CAST(:q AS vector) AS distance FROM knowledge_chunks"
    " ORDER BY embedding <=> CAST(:q AS vector) LIMIT :k"
)


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """n, p50, p95, p99 and mean of a list of milliseconds."""
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "n": len(ordered),
        "p50_ms": pick(0.5),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def _timed(session: Session, sql: str, params: dict, settings: dict[str, Any]) -> tuple[list, float]:
    for name, value in settings.items():
        session.execute(text(f"SET LOCAL {name} = {value}"))
    started = time.perf_counter()
    rows = list(session.execute(text(sql), params).all())
    ms = (time.perf_counter() - started) * 1000
    session.rollback()
    return rows, ms


def _plan(session: Session, sql: str, params: dict, settings: dict[str, Any]) -> str:
    for name, value in settings.items():
        session.execute(text(f"SET LOCAL {name} = {value}"))
    plan = session.execute(text("EXPLAIN (FORMAT JSON) " + sql), params).scalar_one()
    session.rollback()
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        found.append(node["Node Type"] + (f" on {node['Index Name']}" if "Index Name" in node else ""))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return " > ".join(found)


def _recall(truth: list, rows: list) -> float:
    """Share of the exact top k found; a chunk at exactly the k-th distance counts as found."""
    cutoff = truth[-1].distance + 1e-6
    return min(1.0, sum(1 for r in rows if r.distance <= cutoff) / len(truth))


def _sched(pid: int) -> tuple[int, int] | None:
    """(ns on a CPU, ns waiting for one) of a process so far, from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            on_cpu, waiting, _ = (int(x) for x in f.read().split())
        return on_cpu, waiting
    except (OSError, ValueError):
        return None


def _hybrid(session: Session, embedder: Any, work: list[tuple[int, str]], k: int, **kwargs: Any) -> dict:
    """Wall time of search(), and the CPU time it took (this process + the server backend).

    On a busy machine the wall time includes waiting for a CPU; the CPU time is what the same
    search costs on an idle one (give or take the socket round trips).
    """
    backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    session.rollback()
    wall, cpu, queued = [], [], []
    for tenant_id, query in work:
        server_before, client_before = _sched(backend), time.process_time_ns()
        started = time.perf_counter()
        search(session, tenant_id=tenant_id, query=query, k=k, embedder=embedder, **kwargs)
        wall.append((time.perf_counter() - started) * 1000)
        client_ns, server_after = time.process_time_ns() - client_before, _sched(backend)
        if server_before and server_after:
            cpu.append((client_ns + server_after[0] - server_before[0]) / 1e6)
            queued.append((server_after[1] - server_before[1]) / 1e6)
        session.rollback()
    out: dict[str, Any] = percentiles(wall)
    if cpu:
        out["cpu"] = percentiles(cpu)
        out["server_waiting_for_cpu_ms_mean"] = round(statistics.fmean(queued), 2)
    return out


def measure(engine: Engine, embedder: Any, work: list[tuple[int, str]], k: int, efs: list[int]) -> dict:
    """Every latency and recall figure of the report's `search` section."""
    out: dict[str, Any] = {}
    # One connection throughout, so the backend whose CPU time is read is the one doing the work.
    with engine.connect() as connection, Session(bind=connection) as session:
        # One untimed pass: the tenants' pages in cache and the embedder's token memo warm, as in a
        # server that has been answering for a while.
        _hybrid(session, embedder, work, k)
        out["hybrid"] = {**_hybrid(session, embedder, work, k), "vector": "exact (default up to 20k chunks)"}
        out["hybrid_via_hnsw"] = {
            **_hybrid(session, embedder, work, k, exact=False, ef_search=efs[-1]),
            "vector": f"HNSW, iterative scan, ef_search {efs[-1]}",
        }
        vectors = vector_literal(embedder.embed_array([q for _, q in work]))
        params = [{"q": v, "t": t, "k": k} for (t, _), v in zip(work, vectors, strict=True)]
        exact = [_timed(session, EXACT_SQL, p, {}) for p in params]
        out["vector_exact"] = percentiles([ms for _, ms in exact])
        modes = {f"vector_hnsw_ef{ef}": {"hnsw.ef_search": ef, "hnsw.iterative_scan": "relaxed_order"} for ef in efs}
        modes[f"vector_hnsw_ef{efs[0]}_iterative_off"] = {"hnsw.ef_search": efs[0], "hnsw.iterative_scan": "off"}
        out["plans"] = {"vector_exact": _plan(session, EXACT_SQL, params[0], {})}
        for name, settings in modes.items():
            settings = {"enable_sort": "off", **settings}
            out["plans"][name] = _plan(session, HNSW_SQL, params[0], settings)
            runs = [_timed(session, HNSW_SQL, p, settings) for p in params]
            out[name] = {
                **percentiles([ms for _, ms in runs]),
                "recall_at_k": round(
                    statistics.fmean(_recall(t, r) for (t, _), (r, _) in zip(exact, runs, strict=True)), 4
                ),
                "queries_with_fewer_than_k": sum(len(r) < len(t) for (t, _), (r, _) in zip(exact, runs, strict=True)),
            }
        # The graph itself, no tenant filter: how well HNSW does on these vectors at all.
        sample = [{**p, "t": 0} for p in params[:: max(1, len(params) // 40)]]
        truth: list[list[Any]] = [_timed(session, EXACT_SQL, p, {})[0] for p in sample]
        ef = efs[-1]
        graph_runs = [_timed(session, HNSW_ALL_SQL, p, {"hnsw.ef_search": ef})[0] for p in sample]
        out[f"vector_hnsw_ef{ef}_all_tenants"] = {
            "n": len(sample),
            "recall_at_k": round(statistics.fmean(_recall(t, r) for t, r in zip(truth, graph_runs, strict=True)), 4),
        }
    return out
