"""How many chunks a tenant has (cached for a few minutes): it decides exact search or the HNSW index; and
which embedder its index was built with (vectors of another model are never compared)."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session

from store import knowledge as knowledge_store

__all__ = ["tenant_chunks", "forget_tenant_size", "tenant_embedders"]

_TTL_S = 300.0
_COUNT_CAP = 1_000_000  # beyond this the exact number doesn't matter
_lock = threading.Lock()
_sizes: dict[int, tuple[int, float]] = {}  # tenant id -> (chunks, when counted)
_embedders: dict[int, tuple[frozenset[str], float]] = {}  # tenant id -> (index embedders, when read)


def tenant_chunks(session: Session, *, tenant_id: int) -> int:
    """The tenant's number of chunks, counted at most every few minutes per process."""
    with _lock:
        cached = _sizes.get(tenant_id)
    if cached is not None and time.monotonic() - cached[1] < _TTL_S:
        return cached[0]
    count = knowledge_store.count_chunks(session, tenant_id=tenant_id, cap=_COUNT_CAP)
    with _lock:
        _sizes[tenant_id] = (count, time.monotonic())
    return count


def tenant_embedders(session: Session, *, tenant_id: int) -> frozenset[str]:
    """The embedders the tenant's index holds vectors of (read at most every few minutes per process)."""
    with _lock:
        cached = _embedders.get(tenant_id)
    if cached is not None and time.monotonic() - cached[1] < _TTL_S:
        return cached[0]
    names = frozenset(knowledge_store.index_embedders(session, tenant_id=tenant_id))
    with _lock:
        _embedders[tenant_id] = (names, time.monotonic())
    return names


def forget_tenant_size(tenant_id: int) -> None:
    """Count the tenant's chunks and read its embedders again at its next search (its index just changed)."""
    with _lock:
        _sizes.pop(tenant_id, None)
        _embedders.pop(tenant_id, None)
