"""Owner notifications on WhatsApp: a follower waiting for a human, a new support issue, and the
daily digest at the owner's hour. Each is sent once (a dedupe key per event, phone and day) and
obeys the 24-hour window like every other message (outside it: the purpose's template, or nothing)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from channels._twilio_sender import SendOutcome, WhatsAppSender
from store import events as event_store
from store import outbound as outbound_store
from store import owners as owner_store
from store import tenants as tenant_store
from store.records import Event, Tenant, utcnow

__all__ = [
    "NOTIFY_KINDS",
    "owner_phones",
    "notify_pending",
    "send_due_digests",
    "digest_text",
    "DEFAULT_DIGEST_HOUR",
]

log = logging.getLogger(__name__)

NOTIFY_KINDS = {"handoff_requested": "handoff", "support_issue_opened": "support", "held_message": "handoff"}
DEFAULT_DIGEST_HOUR = 8
DIGEST_GRACE_HOURS = 3  # a worker that was down at the hour still sends within this many hours


def owner_phones(session: Any, *, tenant_id: int) -> list[str]:
    """The tenant's owner WhatsApp numbers (E.164)."""
    return owner_store.phones(session=session, tenant_id=tenant_id)


def phone_key(phone: str) -> str:
    """A phone as it may appear in a stored key: a keyed hash, never the number (a plain hash of a
    phone number is found by trying them all)."""
    from channels._sealed import keyed_digest

    return keyed_digest(phone)


def _language(tenant: Tenant | None) -> str:
    return ((tenant.languages if tenant else None) or ["he"])[0]


def _short(text: Any, limit: int = 300) -> str:
    text = str(text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def event_text(event: Event, language: str) -> tuple[str, dict[str, str]]:
    """The notification text for an event, and the variables of its template."""
    p = event.payload or {}
    conv = (event.conversation_id or "")[:8]
    if event.kind == "held_message":  # a follower wrote while the owner holds the conversation
        number, said = p.get("number"), _short(p.get("text"))
        if language == "he":
            return f"💬 #{number}: '{said}'\nלענות: תעני ל-{number}: …", {"1": f"#{number}", "2": said}
        return f"💬 #{number}: '{said}'\nReply with: reply {number}: …", {"1": f"#{number}", "2": said}
    if event.kind == "handoff_requested":
        reason = _short(p.get("reason")) or ("—" if language == "he" else "—")
        number = p.get("number")
        tag = f"#{number}" if number else conv
        channel = p.get("channel") or ""
        if language == "he":
            text = (
                f"🙋 {tag} ({channel}): עוקב/ת מבקש/ת לדבר איתך: '{reason}'\n"
                "הבוט מושהה בשיחה הזו עד שתחזירי אותה אליו.\n"
                f"לענות: תעני ל-{number}: … · להחזיר לבוט: תחזירי לבוט {number}"
            ) if number else f"🙋 עוקב/ת מבקש/ת לדבר איתך (שיחה {conv}). סיבה: {reason}"
        else:
            text = (
                f"🙋 {tag} ({channel}): a follower is waiting for you: '{reason}'\n"
                "The bot is paused in that conversation until you hand it back.\n"
                f"Reply with: reply {number}: … · hand back with: done {number}"
            ) if number else f"🙋 A follower is waiting to talk to you (conversation {conv}). Reason: {reason}"
        return text, {"1": tag, "2": reason}
    kind = str(p.get("kind") or "other").replace("_", " ")
    about = " · ".join(str(x) for x in (p.get("brand"), p.get("order_id") and f"#{p['order_id']}") if x)
    summary = _short(p.get("summary"))
    issue = f" {p['number']}" if p.get("number") else ""
    if language == "he":
        text = f"⚠️ פנייה חדשה{issue} ({kind}{', ' + about if about else ''}): {summary}\nשיחה {conv}"
    else:
        text = f"⚠️ New support issue{issue} ({kind}{', ' + about if about else ''}): {summary}\nConversation {conv}"
    return text, {"1": kind, "2": summary}


def notify_pending(db: Any, sender: WhatsAppSender, *, tenant_id: int | None = None, limit: int = 50) -> int:
    """Tell owners about handoffs and support issues not yet notified; returns messages attempted.

    The scan is across tenants: it runs as the owner role (admin_session), each send as the tenant."""
    with db.admin_session() as session:
        events = event_store.unnotified(session=session, kinds=list(NOTIFY_KINDS), tenant_id=tenant_id, limit=limit)
        plans = []
        for event in events:
            tenant = tenant_store.get(session=session, tenant_id=event.tenant_id)
            text, variables = event_text(event, _language(tenant))
            plans.append(
                (
                    event.id,
                    event.tenant_id,
                    event.conversation_id,
                    NOTIFY_KINDS[event.kind],
                    text,
                    variables,
                    [(phone, "") for phone in owner_phones(session, tenant_id=event.tenant_id)]
                    + [(phone, f"[@{tenant.handle if tenant else '?'}] ")
                       for phone in owner_store.manager_phones(session=session, tenant_id=event.tenant_id)],
                )
            )
    sent = 0
    for event_id, tid, conversation_id, purpose, text, variables, phones in plans:
        for phone, prefix in phones:  # owners, then managers (whose text names the influencer)
            # The send keeps the follower's conversation: an owner who quotes this notification on
            # WhatsApp answers that conversation (agent._owner_flow reads it back by Twilio's SID).
            outcome = sender.send(
                tenant_id=tid,
                to=phone,
                purpose=purpose,
                body=prefix + text,
                conversation_id=conversation_id,
                to_role="owner",
                dedupe_key=f"event:{event_id}:{phone_key(phone)}",
                content_variables=variables,
            )
            sent += 0 if outcome.skipped else 1
        with db.session(tenant_id=tid) as session:
            event_store.mark_notified(session=session, tenant_id=tid, event_id=event_id, at=sender.clock())
    return sent


def digest_text(db: Any, tenant: Tenant, *, now: dt.datetime) -> tuple[str, dict[str, str]]:
    """The owner's daily digest (the `daily_digest` tool, rendered for WhatsApp) and template variables."""
    from tools import REGISTRY
    from tools.registry import OWNER, ToolContext

    language = _language(tenant)
    with db.session(tenant_id=tenant.id) as session:
        ctx = ToolContext(
            session=session,
            tenant_id=tenant.id,
            handle=tenant.handle,
            timezone=tenant.timezone,
            role=OWNER,
            channel="whatsapp",
            languages=tuple(tenant.languages or ("he",)),
            actor="digest",
            now=now,
        )
        result = REGISTRY.run("daily_digest", {}, ctx)
        session.rollback()  # a digest only reads
    if not result.ok:
        raise RuntimeError(f"daily_digest failed: {result.error}")
    data = result.data or {}
    local_day = now.astimezone(ZoneInfo(tenant.timezone)).date()
    title = f"☀️ הסיכום היומי שלך, {local_day:%d.%m}" if language == "he" else f"☀️ Your day, {local_day:%d %b}"
    try:
        from agent.respond.owner import render_owner_result

        shown = render_owner_result(
            "daily_digest", data, language=language, today=local_day, channel="whatsapp"
        )
        lines = [shown.get("headline") or "", *shown.get("lines", [])]
    except Exception:  # the agent's renderer is missing or failed: a plain list still helps
        lines = [f"{k}: {v if not isinstance(v, list) else len(v)}" for k, v in data.items() if k != "window"]
    text = "\n".join([title, *[line for line in lines if line]])
    counts = f"{len(data.get('tasks_today') or [])}/{len(data.get('tasks_overdue') or [])}"
    return text, {"1": f"{local_day:%d.%m}", "2": counts, "3": str(data.get("new_conversations", 0))}


def send_due_digests(db: Any, sender: WhatsAppSender, *, now: dt.datetime | None = None) -> list[SendOutcome]:
    """Send each owner's digest once a day, at (or within a few hours after) their digest hour."""
    now = now or sender.clock() or utcnow()
    due: list[tuple[Tenant, list[str], str]] = []
    with db.admin_session() as session:  # which tenants are due: a scan across tenants
        for tenant in tenant_store.list_all(session=session):
            phones = owner_phones(session, tenant_id=tenant.id)
            settings = tenant.settings or {}
            if not phones or settings.get("digest_enabled") is False:
                continue
            local = now.astimezone(ZoneInfo(tenant.timezone))
            hour = int(settings.get("digest_hour", DEFAULT_DIGEST_HOUR))
            if not hour <= local.hour < hour + DIGEST_GRACE_HOURS:
                continue
            day = local.date().isoformat()
            keys = [f"digest:{day}:{phone_key(p)}" for p in phones]
            done = outbound_store.existing_keys(session=session, tenant_id=tenant.id, keys=keys)
            missing = [p for p, k in zip(phones, keys, strict=True) if k not in done]
            if missing:
                due.append((tenant, missing, day))
    outcomes = []
    for tenant, phones, day in due:
        try:
            text, variables = digest_text(db, tenant, now=now)
        except Exception:
            log.exception("digest of %s failed", tenant.handle)
            continue
        for phone in phones:
            outcomes.append(
                sender.send(
                    tenant_id=tenant.id,
                    to=phone,
                    purpose="digest",
                    body=text,
                    dedupe_key=f"digest:{day}:{phone_key(phone)}",
                    content_variables=variables,
                )
            )
    return outcomes
