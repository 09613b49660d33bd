"""Which influencer a manager's WhatsApp message is for, when one phone serves several.

In order: the influencer of the notification they quoted; the one they name in "switch to @handle" /
"עברי ל-handle" (remembered); the one they last switched to (in Redis under a keyed hash of the phone,
never the number); else the first that added them.
"""

from __future__ import annotations

import re
from typing import Any

from agent.engines.offline.vocabulary import regex
from channels._sealed import keyed_digest
from store import tenants as tenant_store
from store.records import Tenant
from store.tenancy import bind, tenant_of_outbound

__all__ = ["managed_tenant", "switch_target"]

_CURRENT = "manager:current:"
_DAYS = 30 * 24 * 3600


def switch_target(text: str) -> str | None:
    """The handle or name in "switch to X", or None."""
    found = regex("owner_words", "TEAM_SWITCH").match(text or "")
    if not found:
        return None
    return next((g for g in found.groups() if g), "").strip().lstrip("@").rstrip(" .!?")


def _named(session: Any, served: list[int], wanted: str) -> Tenant | None:
    wanted = wanted.casefold()
    for tenant_id in served:
        bind(session, tenant_id)
        tenant = tenant_store.get(session=session, tenant_id=tenant_id)
        if tenant is None:
            continue
        names = {tenant.handle.casefold(), tenant_store.normalize_handle(tenant.handle).casefold()}
        display = (tenant.display_name or "").split("|")[0].strip().casefold()
        if wanted in names or (display and (wanted == display or wanted == display.split(" ")[0])):
            return tenant
    return None


def managed_tenant(session: Any, redis: Any, *, phone: str, served: list[int], text: str,
                   quoted: str | None) -> Tenant | None:
    """The tenant this manager message is for (one of `served`)."""
    key = _CURRENT + keyed_digest(phone)
    chosen: Tenant | None = None
    if quoted:
        owner_of_quote = tenant_of_outbound(session, quoted)
        if owner_of_quote in served:
            bind(session, owner_of_quote)
            chosen = tenant_store.get(session=session, tenant_id=owner_of_quote)
    target = switch_target(text) if chosen is None else None
    if target:
        chosen = _named(session, served, target)
        if chosen is not None:
            redis.set(key, str(chosen.id), ex=_DAYS)
    if chosen is None:
        current = redis.get(key)
        current = current.decode() if isinstance(current, bytes) else current
        current_id = int(current) if current and re.fullmatch(r"\d+", current) else None
        tenant_id = current_id if current_id in served else served[0]
        bind(session, tenant_id)
        chosen = tenant_store.get(session=session, tenant_id=tenant_id)
    return chosen
