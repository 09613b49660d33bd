"""Keep a tenant's knowledge index in step with its data: embed what changed, delete what is gone."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from knowledge._sizes import forget_tenant_size
from knowledge.embedders import Embedder, embedder_name, get_embedder
from knowledge.sources import DocumentSpec, tenant_documents
from store import knowledge as knowledge_store
from store.records import utcnow

__all__ = ["reindex", "write_documents", "vector_literal"]

log = logging.getLogger(__name__)
EMBED_BATCH = 512


def reindex(session: Session, *, tenant_id: int, embedder: Embedder | None = None) -> int:
    """Bring the tenant's index up to date; returns how many documents were added, changed or removed.

    Idempotent: a second run with nothing changed embeds nothing and returns 0. Does not commit.
    """
    embedder = embedder or get_embedder()
    knowledge_store.lock_tenant_index(session, tenant_id=tenant_id)
    name = embedder_name(embedder)
    wanted = {
        (d.source_type, d.source_ref): (d, d.content_hash(name)) for d in tenant_documents(session, tenant_id=tenant_id)
    }
    existing = knowledge_store.document_hashes(session, tenant_id=tenant_id)
    gone = [doc_id for key, (doc_id, _) in existing.items() if key not in wanted]
    changed = [
        (existing[key][0], doc, h) for key, (doc, h) in wanted.items() if key in existing and existing[key][1] != h
    ]
    new = [(doc, h) for key, (doc, h) in wanted.items() if key not in existing]
    stale = gone + [doc_id for doc_id, _, _ in changed]
    knowledge_store.remove(session, tenant_id=tenant_id, chunks_of=stale, documents=gone)
    if changed:
        knowledge_store.update_documents(
            session,
            [{"id": doc_id, **_document_row(doc, h, name), "updated_at": utcnow()} for doc_id, doc, h in changed],
        )
    written = [(doc_id, doc) for doc_id, doc, _ in changed]
    written += write_documents(session, tenant_id=tenant_id, documents=new, embedder=name)
    _write_chunks(session, tenant_id=tenant_id, documents=written, embedder=embedder)
    session.flush()
    forget_tenant_size(tenant_id)
    if gone or written:
        log.info("reindex tenant %s: %d new, %d changed, %d removed", tenant_id, len(new), len(changed), len(gone))
    return len(gone) + len(written)


def _document_row(doc: DocumentSpec, content_hash: str, embedder: str) -> dict[str, Any]:
    return {
        "title": doc.title,
        "url": doc.url,
        "language": doc.language,
        "meta": doc.meta,
        "content_hash": content_hash,
        "embedder": embedder,
    }


def write_documents(
    session: Session, *, tenant_id: int, documents: list[tuple[DocumentSpec, str]], embedder: str | None = None
) -> list[tuple[int, DocumentSpec]]:
    """Insert new document rows (no chunks yet) with COPY and return their ids with their specs."""
    if not documents:
        return []
    # Ids first (one round trip), so the rows can go in by COPY and still be known afterwards.
    ids = knowledge_store.new_document_ids(session, count=len(documents))
    now = utcnow()
    rows = (
        (
            doc_id,
            tenant_id,
            d.source_type,
            d.source_ref,
            d.title,
            d.url,
            d.language,
            json.dumps(d.meta, ensure_ascii=False, default=str),
            h,
            embedder,
            now,
        )
        for doc_id, (d, h) in zip(ids, documents, strict=True)
    )
    knowledge_store.copy_rows(
        session,
        "COPY knowledge_documents (id, tenant_id, source_type, source_ref, title, url, language, meta,"
        " content_hash, embedder, updated_at) FROM STDIN",
        rows,
    )
    return [(doc_id, doc) for doc_id, (doc, _) in zip(ids, documents, strict=True)]


def vector_literal(matrix: np.ndarray) -> list[str]:
    """pgvector's text form ('[0.1,0.2,...]') of each row, 7 significant digits (float4 precision)."""
    if len(matrix) == 0:
        return []
    row_format = "[" + ",".join(["%.7g"] * matrix.shape[1]) + "]"
    return [row_format % tuple(row) for row in matrix.tolist()]


def _embed(embedder: Embedder, texts: list[str]) -> np.ndarray:
    fast = getattr(embedder, "embed_array", None)
    matrix = fast(texts) if fast else np.asarray(embedder.embed(texts), dtype=np.float32)
    if matrix.shape != (len(texts), embedder.dim):
        raise ValueError(f"embedder returned shape {matrix.shape}, expected ({len(texts)}, {embedder.dim})")
    return matrix


def _chunk_rows(tenant_id: int, documents: list[tuple[int, DocumentSpec]], embedder: Embedder) -> Iterator[tuple]:
    flat = [(doc_id, ordinal, chunk) for doc_id, doc in documents for ordinal, chunk in enumerate(doc.chunks)]
    for start in range(0, len(flat), EMBED_BATCH):
        batch = flat[start : start + EMBED_BATCH]
        vectors = vector_literal(_embed(embedder, [chunk.search_text for _, _, chunk in batch]))
        for (doc_id, ordinal, chunk), vector in zip(batch, vectors, strict=True):
            yield (tenant_id, doc_id, ordinal, chunk.text, chunk.terms, vector)


def _write_chunks(
    session: Session, *, tenant_id: int, documents: list[tuple[int, DocumentSpec]], embedder: Embedder
) -> None:
    """Embed and write the chunks of the given documents with COPY."""
    if documents:
        knowledge_store.copy_rows(
            session,
            "COPY knowledge_chunks (tenant_id, document_id, ordinal, text, terms, embedding) FROM STDIN",
            _chunk_rows(tenant_id, documents, embedder),
        )
