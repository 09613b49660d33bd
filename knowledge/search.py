"""Hybrid retrieval inside one tenant: pgvector cosine (HNSW) and full-text rank, fused by reciprocal rank."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from knowledge._sizes import tenant_chunks, tenant_embedders
from knowledge._terms import lexical_query
from knowledge.embedders import Embedder, embed_query, embedder_name, get_embedder
from knowledge.index import vector_literal
from knowledge.settings import get_settings
from store import knowledge as knowledge_store

log = logging.getLogger(__name__)

__all__ = ["Hit", "search", "RRF_K"]

RRF_K = 60  # the usual reciprocal-rank-fusion constant: rank 1 and rank 5 differ, but not by much
VECTOR_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0
MIN_CANDIDATES = 20


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with where it came from (cite `url` or `source_type`/`source_ref`)."""

    text: str
    score: float  # fused, 0..1: 1 = first by meaning and first by words
    source_type: str  # post | partnership | partnership_faq | faq
    source_ref: str
    url: str | None
    title: str | None
    document_id: int
    meta: dict[str, Any] = field(default_factory=dict)
    similarity: float | None = None  # cosine similarity, when the vector search found it
    lexical: float | None = None  # ts_rank, when the words matched

    @property
    def citation(self) -> str:
        """A short human-readable source: the permalink of a post, the brand of a partnership, "FAQ"."""
        if self.source_type == "post":
            date = self.meta.get("date")
            return f"post {date + ' ' if date else ''}{self.url or self.source_ref}"
        if self.source_type in ("partnership", "partnership_faq"):
            kind = "partnership" if self.source_type == "partnership" else "partnership Q&A"
            return f"{kind} {self.title or self.source_ref}" + (f" {self.url}" if self.url else "")
        return "FAQ"


def _embed_query(embedder: Embedder, query: str) -> str:
    return vector_literal(np.asarray([embed_query(embedder, query)], dtype=np.float32))[0]


_warned: set[int] = set()


def _warn_mismatch(tenant_id: int, indexed: set[str] | frozenset[str], current: str) -> None:
    if tenant_id not in _warned:
        _warned.add(tenant_id)
        log.warning("tenant %s: index built with %s, searching with %s: words only until "
                    "`influencer-os reindex`", tenant_id, ", ".join(sorted(indexed)), current)


def search(
    session: Session,
    *,
    tenant_id: int,
    query: str,
    k: int = 5,
    embedder: Embedder | None = None,
    source_types: Sequence[str] | None = None,
    ef_search: int | None = None,
    exact: bool | None = None,
) -> list[Hit]:
    """The tenant's `k` best chunks for a query, by meaning and by words together.

    Args:
        session: an open session; HNSW settings are set for its current transaction only.
        tenant_id: the only tenant whose chunks can be returned.
        query: the follower's or owner's words, Hebrew or English.
        k: how many hits at most.
        embedder: defaults to `get_embedder()`; must be the one the index was built with.
        source_types: only these kinds of source (post, partnership, partnership_faq, faq).
        ef_search: HNSW candidate list size (default from settings).
        exact: compare the query with every chunk of the tenant (True) or walk the HNSW index
            (False); by default exact up to KNOWLEDGE_EXACT_MAX_CHUNKS chunks.

    Returns:
        Hits best first, each citing its source.
    """
    if not query or not query.strip() or k <= 0:
        return []
    embedder = embedder or get_embedder()
    candidates = max(MIN_CANDIDATES, 4 * k)
    if exact is None:
        exact = tenant_chunks(session, tenant_id=tenant_id) <= get_settings().exact_max_chunks
    if not exact:
        # A tenant filter on an HNSW scan can leave fewer rows than asked for; iterative scans keep
        # walking the graph until enough rows pass the filter (pgvector >= 0.8).
        ef = max(ef_search or get_settings().hnsw_ef_search, candidates)
        knowledge_store.walk_hnsw(session, ef_search=ef)
    indexed = tenant_embedders(session, tenant_id=tenant_id) - {"None"}
    same_model = not indexed or indexed == {embedder_name(embedder)}
    if not same_model:
        _warn_mismatch(tenant_id, indexed, embedder_name(embedder))
    rows = knowledge_store.hybrid_search(
        session,
        tenant_id=tenant_id,
        vector=_embed_query(embedder, query),
        tsquery=lexical_query(query),
        candidates=candidates,
        k=k,
        # another model's vectors mean nothing to this one: words only until the index is rebuilt
        weights=(VECTOR_WEIGHT if same_model else 0.0, LEXICAL_WEIGHT, RRF_K),
        source_types=source_types,
        exact=exact,
    )
    best = (VECTOR_WEIGHT + LEXICAL_WEIGHT) / (RRF_K + 1)
    return [
        Hit(
            text=row.text,
            score=round(float(row.score) / best, 4),
            source_type=row.source_type,
            source_ref=row.source_ref,
            url=row.url,
            title=row.title,
            document_id=row.document_id,
            meta=dict(row.meta or {}),
            similarity=None if row.distance is None or not same_model else round(1.0 - float(row.distance), 4),
            lexical=None if row.lexical is None else round(float(row.lexical), 4),
        )
        for row in rows
        if same_model or row.lexical is not None  # found by the other model's vectors alone: not a finding
    ]
