"""How many chunks a tenant has (cached for a few minutes): it decides exact search or the HNSW index."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["tenant_chunks", "forget_tenant_size"]

_TTL_S = 300.0
_COUNT_CAP = 1_000_000  # beyond this the exact number doesn't matter
_lock = threading.Lock()
_sizes: dict[int, tuple[int, float]] = {}  # tenant id -> (chunks, when counted)


def tenant_chunks(session: Session, *, tenant_id: int) -> int:
    """The tenant's number of chunks, counted at most every few minutes per process."""
    with _lock:
        cached = _sizes.get(tenant_id)
    if cached is not None and time.monotonic() - cached[1] < _TTL_S:
        return cached[0]
    count = session.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM knowledge_chunks WHERE tenant_id = :t LIMIT :cap) AS c"),
        {"t": tenant_id, "cap": _COUNT_CAP},
    ).scalar_one()
    with _lock:
        _sizes[tenant_id] = (count, time.monotonic())
    return count


def forget_tenant_size(tenant_id: int) -> None:
    """Count the tenant's chunks again at its next search (its index just changed)."""
    with _lock:
        _sizes.pop(tenant_id, None)
