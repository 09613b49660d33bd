"""The WhatsApp channel through Twilio: a signed webhook that acknowledges at once and queues the
turn, the job that runs it (owner numbers get owner mode), the reply through the REST client, and
delivery status callbacks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from twilio.request_validator import RequestValidator, get_signature_algorithm

from agent.guard.sanitize import clean_text
from agent.types import MAX_MESSAGE_CHARS
from channels._managers import managed_tenant
from channels._sealed import keyed_digest, seal, unseal
from channels._twilio_media import document_of
from channels._twilio_sender import WhatsAppSender
from channels.base import InboundMessage, InputChannel, OnMessage, OutputChannel, TurnResult
from channels.links import public_base, track_reply
from channels.problems import Problem
from channels.settings import TwilioSettings, get_twilio_settings
from knowledge.text import is_hebrew
from store import contacts as contact_store
from store import events as event_store
from store import outbound as outbound_store
from store import owners as owner_store
from store import schedule as schedule_store
from store import tenants as tenant_store
from store.records import Tenant, utcnow
from store.tenancy import bind, tenant_of_outbound

__all__ = ["TwilioWhatsAppChannel", "WhatsAppOutput", "EMPTY_TWIML", "JOB_KIND", "MEDIA_ONLY_REPLY", "fit_body",
           "inbound_job"]

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
JOB_KIND = "twilio_inbound"
MAX_BODY = 1600  # Twilio's limit for one WhatsApp message body
MEDIA_ONLY_REPLY = {
    "he": "תודה ששלחת! 🙏 כרגע אני יודעת לקרוא רק הודעות טקסט. אפשר לכתוב לי במילים מה צריך?",
    "en": "Thanks for sending this! 🙏 For now I can only read text messages. Could you write what you need?",
}
# Later statuses win; a late 'sent' callback never overwrites 'delivered'.
_STATUS_RANK = {
    "queued": 0,
    "accepted": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "read": 4,
    "undelivered": 5,
    "failed": 5,
}


def _problem_xml(status: int, title: str) -> Response:
    return Response(f"<Error>{title}</Error>", status_code=status, media_type="text/xml")


def _media(params: dict[str, str]) -> list[dict[str, str]]:
    try:
        count = int(params.get("NumMedia") or 0)
    except ValueError:
        count = 0
    return [
        {"url": params.get(f"MediaUrl{i}", ""), "content_type": params.get(f"MediaContentType{i}", "")}
        for i in range(min(count, 10))
        if params.get(f"MediaUrl{i}")
    ]


def split_body(text: str, limit: int = MAX_BODY) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, line or word ends."""
    pieces, rest = [], text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def _card_line(card: dict[str, Any]) -> str:
    discount = card.get("description") or ""
    if not discount and card.get("value") not in (None, ""):
        value = format(Decimal(str(card["value"])).normalize(), "f")
        kind = card.get("discount_type")
        discount = f"{value}%" if kind == "percentage" else f"{value} {card.get('currency') or 'ILS'}"
    parts = [f"🎟️ {card.get('code')}", card.get("brand") or "", discount, card.get("url") or ""]
    return " · ".join(p for p in parts if p)


def reply_text(message: InboundMessage, result: TurnResult, language: str) -> str:
    """What goes to WhatsApp: the reply, plus a line per coupon card whose code it does not show."""
    if message.media and not (message.text or "").strip() and not message.document:
        return MEDIA_ONLY_REPLY.get(language, MEDIA_ONLY_REPLY["en"])
    text = result.reply or ""
    extra = [_card_line(c) for c in result.cards or [] if c.get("code") and c["code"] not in text]
    return "\n".join([text, *extra]).strip() if extra else text


class WhatsAppOutput(OutputChannel):
    """Sends the finished turn's reply to the sender through Twilio (once per inbound message id)."""

    name = "whatsapp"

    def __init__(self, sender: WhatsAppSender, *, tenant_id: int, phone: str, language: str,
                 prefix: str = "", track: Any = None) -> None:
        self.sender = sender
        self.track = track  # shop links in the reply become tracking links (channels.links)
        self.prefix = prefix  # "[@handle] " for a manager who serves several influencers
        self.tenant_id = tenant_id
        self.phone = phone
        self.language = language
        self.outcomes: list[Any] = []

    def send_reply(self, message: InboundMessage, result: TurnResult) -> None:
        """Send the reply (split when longer than one WhatsApp message)."""
        language = result.language or ("he" if is_hebrew(message.text or "") else self.language)
        if self.track is not None and "http" in (result.reply or "") + str(result.cards or ""):
            tracked, cards = self.track(result.reply or "", list(result.cards), conversation_id=result.conversation_id)
            result = dataclasses.replace(result, reply=tracked, cards=cards)
        text = reply_text(message, result, language)
        text = self.prefix + text if text.strip() else text
        for n, piece in enumerate(split_body(text)):
            key = f"reply:{message.message_id}" + (f":{n}" if n else "")
            self.outcomes.append(
                self.sender.send(
                    tenant_id=self.tenant_id,
                    to=self.phone,
                    purpose="reply",
                    body=piece,
                    conversation_id=result.conversation_id or None,
                    dedupe_key=key,
                    to_role=message.role,
                )
            )


def route_follower(session: Any, *, to: str, settings: TwilioSettings) -> Tenant | None:
    """The tenant a follower's message to this number is for: the number's tenant, the default
    handle, or the only tenant there is."""
    try:
        number = owner_store.normalize_phone(to)
    except ValueError:
        number = None
    if number:
        found = tenant_store.by_whatsapp_number(session=session, number=number)
        if found is not None:
            return found
    if settings.default_handle:
        return tenant_store.get_by_handle(session=session, handle=settings.default_handle)
    return tenant_store.the_only_one(session=session)


Enqueue = Callable[[str, dict[str, Any], str | None], Awaitable[bool]]


class TwilioWhatsAppChannel(InputChannel):
    """POST /channels/twilio/whatsapp (inbound) and /channels/twilio/status (delivery callbacks).

    One instance per process: `router(on_message)` serves the webhooks, `connect(...)` gives it the
    queue, the database and the sender (the channels' runtime does), and the worker runs each queued
    message through `process`, which reaches the agent through that same `on_message`."""

    name = "whatsapp"

    def __init__(self, settings: TwilioSettings | None = None) -> None:
        self._settings = settings
        self.on_message: OnMessage | None = None
        self._enqueue: Enqueue | None = None
        self._db: Any = None
        self._sender: WhatsAppSender | None = None
        self._clock: Callable[[], dt.datetime] = utcnow

    def connect(
        self, *, enqueue: Enqueue, db: Any, sender: WhatsAppSender, on_message: OnMessage | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> TwilioWhatsAppChannel:
        """Give the channel what its routes and jobs use (`on_message` unless `router` gave one)."""
        self._enqueue, self._db, self._sender = enqueue, db, sender
        self.on_message = self.on_message or on_message
        self._clock = clock or utcnow
        return self

    def _connected(self) -> tuple[Enqueue, Any]:
        if self._enqueue is None or self._db is None:
            raise Problem(503, "the WhatsApp channel is starting; try again", code="unavailable")
        return self._enqueue, self._db

    @property
    def settings(self) -> TwilioSettings:
        """The Twilio settings (read on first use, never at import)."""
        return self._settings or get_twilio_settings()

    def verify(self, request: Request, params: dict[str, str]) -> None:
        """Problem 403 unless X-Twilio-Signature signs this URL and form with our auth token."""
        settings = self.settings
        signature = request.headers.get("x-twilio-signature", "")
        if settings.auth_token is None or not signature:
            raise Problem(403, "missing or invalid Twilio signature", field="X-Twilio-Signature")
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        url = settings.public_url(path, str(request.url))
        header = request.headers.get("x-twilio-webhooks-signature-settings")
        secret = settings.webhook_key if header and settings.webhook_key else settings.auth_token
        algorithm = get_signature_algorithm(header)
        if not RequestValidator(secret.get_secret_value()).validate(url, params, signature, algorithm=algorithm):
            raise Problem(403, "missing or invalid Twilio signature", field="X-Twilio-Signature")

    def router(self, on_message: OnMessage) -> APIRouter:
        """The webhook routes; the turn itself runs in the worker (`process`, through `on_message`)."""
        self.on_message = on_message
        router = APIRouter(tags=["whatsapp"])

        @router.post("/channels/twilio/whatsapp")
        async def inbound(request: Request) -> Response:
            """Validate, queue once per MessageSid (the sender and the text sealed: nothing raw in
            Redis) and answer with empty TwiML at once; the worker resolves the rest."""
            params = {k: str(v) for k, v in (await request.form()).multi_items()}
            self.verify(request, params)
            enqueue, _ = self._connected()
            sid = clean_text(params.get("MessageSid") or params.get("SmsMessageSid") or "")
            if not sid or not params.get("From"):
                raise Problem(400, "MessageSid and From are required", field="MessageSid" if not sid else "From")
            job = inbound_job(params, sid, self._clock().isoformat())
            key = "wa:" + keyed_digest(f"{params.get('To', '')}|{params['From']}")
            await enqueue(key, job, sid)
            return Response(EMPTY_TWIML, media_type="text/xml")

        @router.post("/channels/twilio/status")
        async def status(request: Request) -> Response:
            """Store a delivery status (sent, delivered, read, failed) on the outbound message."""
            params = {k: str(v) for k, v in (await request.form()).multi_items()}
            self.verify(request, params)
            _, db = self._connected()
            await run_in_threadpool(self.record_status, db, params)
            return Response(EMPTY_TWIML, media_type="text/xml")

        return router

    @staticmethod
    def record_status(db: Any, params: dict[str, str]) -> bool:
        """Update the outbound message Twilio reports on; False when it is not ours."""
        sid = params.get("MessageSid") or params.get("SmsSid")
        new = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
        if not sid or new not in _STATUS_RANK:
            return False
        with db.session() as session:
            tenant_id = tenant_of_outbound(session, sid)  # Twilio names only the message
            if tenant_id is None:
                return False
            bind(session, tenant_id)
            row = outbound_store.by_provider_id(session=session, tenant_id=tenant_id, provider_id=sid)
            if row is None:
                return False
            if _STATUS_RANK[new] >= _STATUS_RANK.get(row.status, -1):
                error = f"Twilio error {params['ErrorCode']}" if params.get("ErrorCode") else None
                outbound_store.update_status(session=session, row=row, status=new, error=error)
            return True

    def admit(self, db: Any, params: dict[str, str], sid: str, received_at: str) -> dict[str, Any] | None:
        """One inbound message resolved (in memory, never queued): the tenant, role and contact by id, the
        body cleaned and cut to the agent's limit. None when no influencer takes it."""
        try:
            phone = owner_store.normalize_phone(params["From"])
        except ValueError:
            log.warning("dropping WhatsApp message %s from an unusable number", sid)
            return None
        quoted = _sid(params.get("OriginalRepliedMessageSid"))
        serves: list[int] = []
        with db.session() as session:
            owner_of = tenant_store.owner_tenant_for_phone(session=session, phone=phone)
            if owner_of is None:  # a manager's phone: one of the influencers it serves
                serves = owner_store.tenants_for_manager(session=session, phone=phone)
                if serves:
                    owner_of = managed_tenant(session, db.redis, phone=phone, served=serves,
                                              text=clean_text(params.get("Body", "")), quoted=quoted)
            tenant = owner_of or route_follower(session, to=params.get("To", ""), settings=self.settings)
            if tenant is None:
                log.warning("no influencer for WhatsApp number %s; message %s dropped", params.get("To"), sid)
                return None
            for other in (t for t in serves if t != tenant.id):  # one sending number: her window is open
                bind(session, other)                               # for every influencer she serves
                other_contact = contact_store.upsert(session=session, tenant_id=other, channel="whatsapp",
                                                     external_id=phone)
                contact_store.touch_inbound(session=session, tenant_id=other, contact_id=other_contact.id,
                                            at=dt.datetime.fromisoformat(received_at))
                session.flush()  # while bound to that tenant (row-level security)
            bind(session, tenant.id)
            contact = contact_store.upsert(session=session, tenant_id=tenant.id, channel="whatsapp",
                                           external_id=phone)
            tenant_id, contact_id = tenant.id, contact.id
        body = fit_body(clean_text(params.get("Body", "")))
        return {
            "kind": JOB_KIND,
            "id": sid,
            "tenant_id": tenant_id,
            "contact_id": contact_id,
            "role": "owner" if owner_of is not None else "follower",
            "body": body,
            "media": _media(params),
            "profile_name": clean_text(params.get("ProfileName") or "")[:100] or None,
            # the message the sender quoted (swiped to reply to): an owner answering a notification
            "quoted": quoted,
            # a manager serving several influencers sees whose answer each reply is
            "for_handle": tenant.handle if len(serves) > 1 else None,
            "received_at": received_at,
            # Twilio's Advanced Opt-Out classified the message (STOP, START, HELP): it answered it itself
            "opt_out": (params.get("OptOutType") or "").upper()[:10] or None,
        }

    def process(self, job: dict[str, Any]) -> TurnResult | None:
        """Run the turn of one queued inbound message and send its reply (owner numbers: owner mode)."""
        _, db = self._connected()
        if self.on_message is None or self._sender is None:
            raise RuntimeError("the WhatsApp channel has no on_message callback or sender: call connect()")
        on_message, sender = self.on_message, self._sender
        if "sealed" in job:  # as the webhook queued it: open it and resolve tenant and contact here
            admitted = self.admit(db, unseal(job["sealed"]), job["id"], job.get("received_at") or utcnow().isoformat())
            if admitted is None:
                return None
            job = admitted
        if job.get("opt_out") in ("STOP", "START") and job.get("role") == "follower":
            _opted(db, job)  # Twilio already confirmed it to the follower: recorded, no second reply
            return None
        with db.session(tenant_id=job["tenant_id"]) as session:
            tenant = tenant_store.get(session=session, tenant_id=job["tenant_id"])
            contact = contact_store.get(session=session, tenant_id=job["tenant_id"], contact_id=job["contact_id"])
        if tenant is None or contact is None:
            log.warning("WhatsApp message %s: its influencer or contact is gone; dropped", job.get("id"))
            return None
        media = tuple(job.get("media") or ())
        text = job.get("body") or ""
        if not text.strip() and not media:
            return None
        message = InboundMessage(
            handle=tenant.handle,
            channel="whatsapp",
            sender_id=contact.external_id,
            text=text,
            role=job.get("role") or "follower",
            message_id=job["id"],
            media=media,
            now=dt.datetime.fromisoformat(job["received_at"]) if job.get("received_at") else None,
            quoted=job.get("quoted"),
            # the owner's file (a brief), fetched and read here in the worker, never in the webhook
            document=document_of(self.settings, media) if job.get("role") == "owner" and media else None,
        )
        language = (tenant.languages or ["he"])[0]
        base = public_base(self.settings)
        track = functools.partial(track_reply, db, tenant_id=tenant.id, channel="whatsapp", base=base) if (
            base and job.get("role") != "owner") else None
        output = WhatsAppOutput(sender, tenant_id=tenant.id, phone=contact.external_id, language=language,
                                prefix=f"[@{job['for_handle']}] " if job.get("for_handle") else "", track=track)
        return on_message(message, output)


def _opted(db: Any, job: dict[str, Any]) -> None:
    """A follower's opt-out (STOP) or opt-in (START) as Twilio's Advanced Opt-Out reported it: consent
    withdrawn (every waiting follow-up cancelled) or granted, timestamped, with an event for the owner's
    figures. Twilio answered the keyword itself, so no turn runs (a second confirmation would be noise)."""
    at = dt.datetime.fromisoformat(job["received_at"]) if job.get("received_at") else utcnow()
    stop = job["opt_out"] == "STOP"
    with db.session(tenant_id=job["tenant_id"]) as session:
        contact_store.set_consent(session=session, tenant_id=job["tenant_id"], contact_id=job["contact_id"],
                                  consent="withdrawn" if stop else "granted", at=at)
        if stop:
            schedule_store.cancel_for_contact(session=session, tenant_id=job["tenant_id"],
                                              contact_id=job["contact_id"], at=at, why="opted out on WhatsApp")
        event_store.record(session=session, tenant_id=job["tenant_id"], contact_id=job["contact_id"],
                           kind="consent_withdrawn" if stop else "consent_granted",
                           payload={"contact_id": job["contact_id"], "source": "twilio_opt_out"}, at=at)


def _sid(value: str | None) -> str | None:
    """A Twilio message SID (SM/MM + 32 hex), else None: the field is the sender's to forge."""
    return value if value and re.fullmatch(r"(SM|MM)[0-9a-f]{32}", value) else None


def inbound_job(params: dict[str, str], sid: str, received_at: str) -> dict[str, Any]:
    """The queued job of an inbound webhook: its id, when, and the form's fields sealed."""
    fields = ("From", "To", "Body", "ProfileName", "NumMedia", "OriginalRepliedMessageSid", "OptOutType",
              *(f"{kind}{i}" for i in range(10) for kind in ("MediaUrl", "MediaContentType")))
    return {"kind": JOB_KIND, "id": sid, "received_at": received_at,
            "sealed": seal({k: params[k] for k in fields if k in params})}


def fit_body(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A WhatsApp body within the agent's limit (WhatsApp cannot be answered with a 422): cut at the
    last word end before the limit, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    cut = cut if cut > limit // 2 else limit - 1
    return text[:cut].rstrip() + "…"
