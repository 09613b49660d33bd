"""The conversation lifecycle, run by the worker every few minutes: a held conversation the owner left
idle goes back to the bot (the follower is told), and idle conversations close (the next message
reopens a web conversation; on WhatsApp it starts a new one). Idle times are per tenant settings:
`handoff_idle_hours` (default 12) and `conversation_idle_hours` (default 24)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from channels._twilio_sender import WhatsAppSender
from store import contacts as contact_store
from store import conversations as conversation_store
from store import inbox as inbox_store
from store import lifecycle as lifecycle_store
from store import messages as message_store
from store import support as support_store
from store import tenants as tenant_store
from store.records import utcnow
from tools.inbox import HANDED_BACK

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
        tenants = [(t.id, dict(t.settings or {}), list(t.languages or ["he"])) for t in
                   tenant_store.list_all(session=session)]
        handoff_hours = {tid: _hours(s, "handoff_idle_hours", DEFAULT_HANDOFF_IDLE_HOURS) for tid, s, _ in tenants}
        idle = lifecycle_store.held_idle(session=session, idle_hours=handoff_hours,
                                         default_hours=DEFAULT_HANDOFF_IDLE_HOURS, now=now)
    languages = {tid: langs for tid, _, langs in tenants}
    handed_back = 0
    for item in idle:
        with db.session(tenant_id=item.tenant_id) as session:
            support_store.release_handoffs(session=session, tenant_id=item.tenant_id,
                                           conversation_id=item.conversation_id, at=now)
            conversation_store.set_paused(session=session, tenant_id=item.tenant_id,
                                          conversation_id=item.conversation_id, paused=False)
            last = inbox_store.last_inbound(session=session, tenant_id=item.tenant_id,
                                            conversation_id=item.conversation_id)
            language = (last.language if last is not None else None) or languages.get(item.tenant_id, ["he"])[0]
            notice = HANDED_BACK.get(language, HANDED_BACK["en"])
            message_store.add_outbound(session=session, tenant_id=item.tenant_id,
                                       conversation_id=item.conversation_id, channel=item.channel, content=notice,
                                       reply_to=None, meta={"by": "system", "handed_back": "idle"}, at=now)
            contact = (contact_store.get(session=session, tenant_id=item.tenant_id, contact_id=item.contact_id)
                       if item.contact_id else None)
            phone = contact.external_id if contact is not None and item.channel == "whatsapp" else None
        if phone:
            sender.send(tenant_id=item.tenant_id, to=phone, purpose="relay", body=notice,
                        conversation_id=item.conversation_id, content_variables={"1": notice},
                        dedupe_key=f"handback:{item.conversation_id}:{item.since.isoformat()}", to_role="follower")
        handed_back += 1
    closed = 0
    for tenant_id, settings, _ in tenants:
        with db.session(tenant_id=tenant_id) as session:
            closed += lifecycle_store.close_idle(
                session=session, tenant_id=tenant_id, now=now,
                idle_hours=_hours(settings, "conversation_idle_hours", DEFAULT_CONVERSATION_IDLE_HOURS))
    if handed_back or closed:
        log.info("lifecycle: %d handed back to the bot, %d conversations closed", handed_back, closed)
    return {"handed_back": handed_back, "closed": closed}
