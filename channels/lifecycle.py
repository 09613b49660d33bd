"""The conversation lifecycle, run by the worker every few minutes: a held conversation the owner left
idle goes back to the bot (the follower is told), and idle conversations close (the next message
reopens a web conversation; on WhatsApp it starts a new one). Idle times are per tenant settings:
`handoff_idle_hours` (default 12) and `conversation_idle_hours` (default 24)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from channels._twilio_sender import WhatsAppSender
from store import conversations as conversation_store
from store import lifecycle as lifecycle_store
from store import tenants as tenant_store
from store.records import utcnow
from tools.inbox import give_back
from tools.registry import OWNER, ToolContext

__all__ = ["run_lifecycle", "DEFAULT_HANDOFF_IDLE_HOURS", "DEFAULT_CONVERSATION_IDLE_HOURS"]

log = logging.getLogger(__name__)

DEFAULT_HANDOFF_IDLE_HOURS = 12.0
DEFAULT_CONVERSATION_IDLE_HOURS = 24.0


def _hours(settings: dict[str, Any] | None, key: str, default: float) -> float:
    try:
        value = float((settings or {}).get(key, default))
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def run_lifecycle(db: Any, sender: WhatsAppSender, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Hand idle held conversations back and close idle ones; what was done."""
    now = now or sender.clock() or utcnow()
    with db.admin_session() as session:  # a scan across tenants
        tenants = {t.id: t for t in tenant_store.list_all(session=session)}
        settings = {tid: dict(t.settings or {}) for tid, t in tenants.items()}
        handoff_hours = {tid: _hours(values, "handoff_idle_hours", DEFAULT_HANDOFF_IDLE_HOURS)
                         for tid, values in settings.items()}
        idle = lifecycle_store.held_idle(session=session, idle_hours=handoff_hours,
                                         default_hours=DEFAULT_HANDOFF_IDLE_HOURS, now=now)
        session.expunge_all()  # the tenant rows are read after this session ends
    handed_back = 0
    for item in idle:
        tenant = tenants[item.tenant_id]
        with db.session(tenant_id=item.tenant_id) as session:
            conv = conversation_store.get(session=session, tenant_id=item.tenant_id,
                                          conversation_id=item.conversation_id)
            if conv is None:
                continue
            ctx = ToolContext(session=session, tenant_id=tenant.id, handle=tenant.handle, timezone=tenant.timezone,
                              role=OWNER, channel="worker", languages=tuple(tenant.languages or ("he",)),
                              actor="lifecycle", now=now, services={"deliver": sender.deliver})
            released, _ = give_back(ctx, conv, why="idle")
        handed_back += released
    closed = 0
    for tenant_id in tenants:
        with db.session(tenant_id=tenant_id) as session:
            closed += lifecycle_store.close_idle(
                session=session, tenant_id=tenant_id, now=now,
                idle_hours=_hours(settings[tenant_id], "conversation_idle_hours", DEFAULT_CONVERSATION_IDLE_HOURS))
    if handed_back or closed:
        log.info("lifecycle: %d handed back to the bot, %d conversations closed", handed_back, closed)
    return {"handed_back": handed_back, "closed": closed}
