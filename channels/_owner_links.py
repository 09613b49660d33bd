"""What the owner's sealed links share (documents, reports): open the token (encrypted, authenticated,
expiring) and give the influencer's owner context to build the page from the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from channels._sealed import Unsealable, seal, unseal
from store import tenants as tenant_store
from store.records import DEFAULT_TIMEZONE, utcnow
from tools.registry import OWNER, ToolContext

__all__ = ["sealed_link", "opened", "owner_context"]


def sealed_link(base: str, path: str, ref: dict[str, Any], *, days: int = 30) -> str:
    """`{base}/{path}/{token}` naming `ref`, valid for `days`."""
    expires = int(utcnow().timestamp()) + days * 86_400
    return f"{base.rstrip('/')}/{path}/{seal({**ref, 'e': expires})}"


def opened(token: str) -> dict[str, Any] | None:
    """What a token names, or None when it is altered, foreign or expired."""
    if len(token) > 600:
        return None
    try:
        ref = unseal(token)
    except Unsealable:
        return None
    return ref if int(ref.get("e") or 0) >= utcnow().timestamp() and isinstance(ref.get("t"), int) else None


@contextmanager
def owner_context(db: Any, tenant_id: int, actor: str) -> Iterator[ToolContext | None]:
    """The influencer's owner context in a session bound to her (None when she is gone)."""
    with db.session(tenant_id=tenant_id) as session:
        tenant = tenant_store.get(session=session, tenant_id=tenant_id)
        yield None if tenant is None else ToolContext(
            session=session, tenant_id=tenant.id, handle=tenant.handle, timezone=tenant.timezone or DEFAULT_TIMEZONE,
            role=OWNER, channel="web", actor=actor, now=utcnow(), languages=tuple(tenant.languages or ()))
