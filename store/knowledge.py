"""Knowledge index repository: documents and chunks of a tenant, written by COPY, searched hybrid.

The search is one SQL statement: pgvector cosine distance and full-text rank, each ranked, fused by
reciprocal rank, the texts joined for the best k only. Every subquery filters on the tenant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from store.models import KnowledgeChunk, KnowledgeDocument

__all__ = ["count_chunks", "lock_tenant_index", "document_hashes", "remove", "update_documents",
           "new_document_ids", "copy_rows", "walk_hnsw", "hybrid_search", "search_sql"]

_LOCK_CLASS = 7_355_609  # advisory lock class: one reindex per tenant at a time


def count_chunks(session: Session, *, tenant_id: int, cap: int) -> int:
    """The tenant's number of chunks, counted up to `cap`."""
    return int(session.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM knowledge_chunks WHERE tenant_id = :t LIMIT :cap) AS c"),
        {"t": tenant_id, "cap": cap},
    ).scalar_one())


def lock_tenant_index(session: Session, *, tenant_id: int) -> None:
    """One reindex of a tenant at a time: hold its lock until the transaction ends."""
    session.execute(text("SELECT pg_advisory_xact_lock(:c, :t)"), {"c": _LOCK_CLASS, "t": tenant_id})


def document_hashes(session: Session, *, tenant_id: int) -> dict[tuple[str, str], tuple[int, str]]:
    """(source_type, source_ref) -> (document id, content hash) of the tenant's indexed documents."""
    return {
        (row.source_type, row.source_ref): (row.id, row.content_hash)
        for row in session.execute(
            select(
                KnowledgeDocument.id,
                KnowledgeDocument.source_type,
                KnowledgeDocument.source_ref,
                KnowledgeDocument.content_hash,
            ).where(KnowledgeDocument.tenant_id == tenant_id)
        )
    }


def remove(session: Session, *, tenant_id: int, chunks_of: Sequence[int], documents: Sequence[int]) -> None:
    """Delete the chunks of some documents and some documents outright."""
    if chunks_of:
        session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.tenant_id == tenant_id,
                                                     KnowledgeChunk.document_id.in_(list(chunks_of))))
    if documents:
        session.execute(delete(KnowledgeDocument).where(KnowledgeDocument.tenant_id == tenant_id,
                                                        KnowledgeDocument.id.in_(list(documents))))


def index_embedders(session: Session, *, tenant_id: int) -> set[str]:
    """The embedders the tenant's indexed documents were embedded with (one, after a full reindex)."""
    return {str(name) for name in session.scalars(
        select(KnowledgeDocument.embedder).where(KnowledgeDocument.tenant_id == tenant_id).distinct())}


def update_documents(session: Session, rows: list[dict[str, Any]]) -> None:
    """Update document rows by id (each dict: id and the changed columns)."""
    if rows:
        session.execute(update(KnowledgeDocument), rows)


def new_document_ids(session: Session, *, count: int) -> list[int]:
    """Reserve ids for new documents (one round trip), so their rows can go in by COPY."""
    return list(session.execute(
        text("SELECT nextval(pg_get_serial_sequence('knowledge_documents', 'id')) FROM generate_series(1, :n)"),
        {"n": count},
    ).scalars())


_COPY = re.compile(r"^COPY (\w+) \(([^)]*)\) FROM STDIN$")


def copy_rows(session: Session, sql: str, rows: Iterable[tuple]) -> None:
    """COPY rows in through the session's own connection, inside its transaction.

    PostgreSQL refuses COPY FROM into a table under row-level security, so the rows go by COPY into
    a temporary table first and from there by one INSERT ... SELECT, which the tenant policy checks."""
    match = _COPY.match(" ".join(sql.split()))
    if match is None:
        raise ValueError(f"not a COPY ... FROM STDIN statement: {sql!r}")
    table, columns = match.group(1), match.group(2)
    staging = f"_copy_{table}"
    driver = session.connection().connection.driver_connection
    if driver is None:
        raise RuntimeError("the session has no open database connection")
    with driver.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}")
        cursor.execute(f"DROP TABLE {staging}")



def walk_hnsw(session: Session, *, ef_search: int) -> None:
    """Settings of this transaction's HNSW scans: candidate list size and iterative scans.

    A tenant filter on an HNSW scan can leave fewer rows than asked for; iterative scans keep
    walking the graph until enough rows pass the filter (pgvector >= 0.8).
    """
    session.execute(
        text("SELECT set_config('hnsw.ef_search', :ef, true),"
             " set_config('hnsw.iterative_scan', 'relaxed_order', true)"),
        {"ef": str(ef_search)},
    )


def hybrid_search(
    session: Session,
    *,
    tenant_id: int,
    vector: str,
    tsquery: str | None,
    candidates: int,
    k: int,
    weights: tuple[float, float, int],
    source_types: Sequence[str] | None,
    exact: bool,
) -> list[Row[Any]]:
    """The best k chunks by fused rank: id, score, distance, lexical, text, document and source columns."""
    wv, wl, rrf_k = weights
    sql = text(search_sql(lexical=bool(tsquery), filtered=bool(source_types), exact=exact))
    params: dict[str, Any] = {"tenant_id": tenant_id, "q": vector, "n": candidates, "k": k,
                              "wv": wv, "wl": wl, "rrf_k": rrf_k}
    if tsquery:
        params["tsq"] = tsquery
    if source_types:
        sql = sql.bindparams(bindparam("source_types", expanding=True))
        params["source_types"] = list(source_types)
    return list(session.execute(sql, params))


_TENANT = "c.tenant_id = CAST(:tenant_id AS integer)"
_RANKED = """
    vec_ranked AS (SELECT id, distance, row_number() OVER (ORDER BY distance, id) AS r FROM vec),
    lex_ranked AS (SELECT id, rank, row_number() OVER (ORDER BY rank DESC, id) AS r FROM lex)"""


def _exact_ctes(doc_filter: str, lexical: bool) -> str:
    """One pass over the tenant's chunks: the distance to each, and its word rank when it matches."""
    rank = "CASE WHEN c.terms_tsv @@ query THEN ts_rank(c.terms_tsv, query) END" if lexical else "NULL::real"
    query = ", to_tsquery('simple', :tsq) AS query" if lexical else ""
    return f"""
    scored AS MATERIALIZED (
        SELECT c.id, c.embedding <=> CAST(:q AS vector) AS distance, {rank} AS rank
        FROM knowledge_chunks c{query}
        WHERE {_TENANT}{doc_filter}
    ),
    vec AS (SELECT id, distance FROM scored ORDER BY distance, id LIMIT :n),
    lex AS (SELECT id, rank FROM scored WHERE rank IS NOT NULL ORDER BY rank DESC, id LIMIT :n),{_RANKED}"""


def _index_ctes(doc_filter: str, lexical: bool) -> str:
    """The HNSW index for the nearest chunks (iterative scan), the full-text index for the words."""
    # MATERIALIZED + re-sorting after: with iterative scans the index returns rows in relaxed order.
    lex = (
        f"""
    lex AS MATERIALIZED (
        SELECT c.id, ts_rank(c.terms_tsv, query) AS rank
        FROM knowledge_chunks c, to_tsquery('simple', :tsq) AS query
        WHERE {_TENANT} AND c.terms_tsv @@ query{doc_filter}
        ORDER BY rank DESC, c.id
        LIMIT :n
    ),"""
        if lexical
        else "\n    lex AS (SELECT NULL::bigint AS id, NULL::real AS rank WHERE false),"
    )
    return f"""
    vec AS MATERIALIZED (
        SELECT c.id, c.embedding <=> CAST(:q AS vector) AS distance
        FROM knowledge_chunks c
        WHERE {_TENANT}{doc_filter}
        ORDER BY c.embedding <=> CAST(:q AS vector)
        LIMIT :n
    ),{lex}{_RANKED}"""


def search_sql(*, lexical: bool, filtered: bool, exact: bool = True) -> str:
    """The SQL of one hybrid search (every subquery filters on :tenant_id).

    Exact (up to KNOWLEDGE_EXACT_MAX_CHUNKS chunks): one pass computes both signals for every chunk
    of the tenant (~9 ms of server CPU for 5,000). Otherwise the HNSW and GIN indexes. psycopg sends
    a small int as smallint, and btree_gin's int4 class has no int4 = int2 operator: hence the CASTs.
    """
    doc_filter = (
        "\n          AND c.document_id IN (SELECT d.id FROM knowledge_documents d"
        " WHERE d.tenant_id = CAST(:tenant_id AS integer) AND d.source_type IN :source_types)"
        if filtered
        else ""
    )
    # The best k are chosen before joining the texts, so the join reads k rows by primary key.
    ctes = _exact_ctes(doc_filter, lexical) if exact else _index_ctes(doc_filter, lexical)
    return f"""
    WITH {ctes},
    fused AS MATERIALIZED (
        SELECT coalesce(v.id, l.id) AS id, v.distance, l.rank AS lexical,
               coalesce(:wv / (:rrf_k + v.r), 0) + coalesce(:wl / (:rrf_k + l.r), 0) AS score
        FROM vec_ranked v FULL OUTER JOIN lex_ranked l ON v.id = l.id
        ORDER BY score DESC, v.distance NULLS LAST, id
        LIMIT :k
    )
    SELECT f.id, f.score, f.distance, f.lexical, c.text, c.document_id,
           d.source_type, d.source_ref, d.url, d.title, d.meta
    FROM fused f
    JOIN knowledge_chunks c ON c.id = f.id AND c.tenant_id = CAST(:tenant_id AS integer)
    JOIN knowledge_documents d ON d.id = c.document_id AND d.tenant_id = CAST(:tenant_id AS integer)
    ORDER BY f.score DESC, f.distance NULLS LAST, f.id
    """
