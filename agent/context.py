"""The runtime context of a turn (clients handed to nodes) and the context node (what the turn may use)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langgraph.runtime import Runtime
from sqlalchemy.orm import Session

from agent.errors import UnknownConversation, UnknownTenant
from agent.state import TurnState, turn_now
from store import conversations as conversation_store
from store import partnerships as partnership_store
from store import revisions
from store.records import DEFAULT_TIMEZONE
from store.tenants import TurnTenant
from tools import REGISTRY, Registry

__all__ = [
    "Context",
    "TenantCache",
    "UnknownTenant",
    "UnknownConversation",
    "tenant_view",
    "turn_now",
    "load_catalog",
    "engine_catalog",
    "context_node",
]

class TenantCache:
    """Per-tenant values (catalog, persona) kept in-process for a short time; keyed by tenant identity.

    The key includes the tenant's creation time, so a tenant re-created under the same id (tests,
    eval resets) never sees another's data, and the tenant's revision (store.revisions), so a change
    committed by any process is seen at the next turn. Owner writes in this process call `invalidate`.
    """

    def __init__(self, ttl_seconds: float = 30.0, redis: Any = None) -> None:
        self.ttl = ttl_seconds
        self.redis = redis
        self._values: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def revision(self, tenant_id: int) -> int | None:
        """The tenant's revision (one Redis read; None without Redis): part of every key of a turn."""
        return None if self.redis is None else revisions.revision(self.redis, tenant_id)

    def get_or_load(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        """The cached value for key, or load() stored for ttl seconds."""
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] > now:
                self.hits += 1
                return found[1]
        value = load()
        with self._lock:
            self.misses += 1
            for stale in [k for k, (until, _) in self._values.items() if until <= now]:
                del self._values[stale]  # earlier revisions' entries go once expired
            self._values[key] = (now + self.ttl, value)
        return value

    def invalidate(self, tenant_id: int | None = None) -> None:
        """Forget one tenant's values (or all)."""
        with self._lock:
            if tenant_id is None:
                self._values.clear()
            else:
                for key in [k for k in self._values if k[0] == tenant_id]:
                    del self._values[key]


@dataclass
class Context:
    """What nodes may use in one turn: built by the Agent, never by a node."""

    db: Any  # store.Database: sessions, redis
    session: Session  # the turn's session; Agent.handle commits it at the end of the turn
    engine: Any  # agent.engines.base.Engine
    fallback_engine: Any  # the offline engine, used when `engine` fails
    cache: TenantCache
    settings: Any  # agent.runtime.AgentSettings
    embedder: Any = None
    contact_limiter: Any = None
    tenant_limiter: Any = None
    owner_limiter: Any = None
    emit: Callable[[dict[str, Any]], None] | None = None  # streaming: {"type": "token"|"card"|"done", ...}
    turn: dict[str, Any] = field(default_factory=dict)  # per-turn objects that are not checkpointed
    tools: Registry = field(default_factory=lambda: REGISTRY)  # the tools this agent offers
    services: dict[str, Any] = field(default_factory=dict)  # channel services for tools ("deliver")


def tenant_view(tenant: TurnTenant) -> dict[str, Any]:
    """The tenant as the state carries it (plain values, checkpoint-safe)."""
    return {
        "id": tenant.id,
        "handle": tenant.handle,
        "display_name": tenant.display_name,
        "timezone": tenant.timezone or DEFAULT_TIMEZONE,
        "languages": list(tenant.languages or ["he", "en"]),
        "created_at": tenant.created_at.isoformat() if tenant.created_at else "",
    }


def load_catalog(session: Session, *, tenant_id: int, role: str) -> list[dict[str, Any]]:
    """The tenant's brands with aliases, coupon codes and known products (followers: public ones only)."""
    return partnership_store.catalog(session=session, tenant_id=tenant_id, public_only=role != "owner")


def _load_persona(session: Session, tenant_id: int) -> dict[str, Any]:
    try:
        import persona
    except ImportError:  # the persona package is not in this build
        return {}
    try:
        return dict(persona.get(session, tenant_id=tenant_id) or {})
    except Exception:  # a persona problem must not cost the follower their answer
        return {}


def engine_catalog(ctx: Context, state: TurnState) -> Any:
    """The engine-ready catalog (agent.engines.offline Catalog) of this turn's brands, cached per tenant and scope."""
    from agent.engines.base import make_catalog

    tenant = state["tenant"]
    scope = "owner" if state.get("role") == "owner" else "follower"
    key = (tenant["id"], tenant.get("created_at", ""), ctx.turn.get("revision"), "engine_catalog", scope)
    return ctx.cache.get_or_load(
        key,
        lambda: make_catalog(state.get("catalog") or [], handle=tenant["handle"], display_name=tenant["display_name"]),
    )


def context_node(state: TurnState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Load what the turn may use: tenant, contact, conversation status, persona and brand catalog."""
    ctx = runtime.context
    session = ctx.session
    tenant: TurnTenant = ctx.turn["tenant"]
    conv = ctx.turn.get("conversation") or conversation_store.get(
        session=session, tenant_id=tenant.id, conversation_id=state["conversation_id"]
    )
    if conv is None:
        raise UnknownConversation(state["conversation_id"])
    ctx.turn["conversation"] = conv
    view = tenant_view(tenant)
    role = state.get("role", "follower")
    scope = "owner" if role == "owner" else "follower"
    ctx.turn["revision"] = ctx.cache.revision(tenant.id)
    key = (tenant.id, view["created_at"], ctx.turn["revision"])
    catalog = ctx.cache.get_or_load(
        (*key, "catalog", scope), lambda: load_catalog(session, tenant_id=tenant.id, role=role)
    )
    persona = ctx.cache.get_or_load((*key, "persona"), lambda: _load_persona(session, tenant.id))
    paused = bool(conv.paused) and role != "owner"
    return {
        "tenant": view,
        "contact_id": conv.contact_id,
        "persona": persona,
        "catalog": catalog,
        "paused": paused,
        "paused_notice_sent": bool(state.get("paused_notice_sent")) if paused else False,
        "turn": int(state.get("turn") or 0) + 1,
    }
