"""A tenant's revision in Redis: bumped after a committed change to what turns cache per process
(brands, codes, persona, settings), read once per turn. Every process keys its cache by it, so an
owner's change made through any process (chat, owner API, console, import) is seen by all of them
at their next turn, not when their copy expires.

Redis unreachable: `revision` says None and caches fall back to their time limit.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["revision", "bump"]

log = logging.getLogger(__name__)


def _key(tenant_id: int) -> str:
    return f"ios:tenant-rev:{int(tenant_id)}"


def revision(redis: Any, tenant_id: int) -> int | None:
    """The tenant's current revision (0 before any change), or None when Redis cannot say."""
    try:
        value = redis.get(_key(tenant_id))
    except Exception as exc:  # redis.RedisError and socket errors: the cache's time limit still holds
        log.warning("tenant revision unknown (%s)", type(exc).__name__)
        return None
    return int(value or 0)


def bump(redis: Any, tenant_id: int) -> None:
    """Mark the tenant changed (call after the change committed)."""
    try:
        redis.incr(_key(tenant_id))
    except Exception as exc:  # the other processes see the change when their copies expire
        log.warning("could not publish a change of tenant %s (%s)", tenant_id, type(exc).__name__)
