"""Sending WhatsApp messages with the twilio REST client: the 24-hour window, templates per purpose,
retries with backoff on 429/5xx, one row in outbound_messages per logical send (never sent twice)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient

from channels.settings import TwilioSettings
from store import contacts as contact_store
from store import outbound as outbound_store
from store.privacy import mask_identity
from store.records import utcnow

__all__ = [
    "WhatsAppSender",
    "SendOutcome",
    "RebasedHttpClient",
    "build_twilio_client",
    "WINDOW",
    "wa_address",
]

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(hours=24)
# A live sender touches its row before every attempt, so a row untouched this long was left by a
# worker that died (a timeout of 10 s plus the longest backoff, with room to spare).
IN_PROGRESS = dt.timedelta(seconds=25)
_WAIT_SECONDS = IN_PROGRESS.total_seconds() + 5
_DONE = ("sent", "delivered", "read", "failed", "undelivered", "blocked_window")


def wa_address(phone: str) -> str:
    """The Twilio address of a WhatsApp phone ('+9725...' -> 'whatsapp:+9725...')."""
    return phone if phone.startswith("whatsapp:") else f"whatsapp:{phone}"


class RebasedHttpClient(TwilioHttpClient):
    """A twilio HttpClient that sends api.twilio.com requests to another base URL (a local fake),
    so the real client code (auth, encoding, error parsing) runs in tests and benchmarks."""

    def __init__(self, api_base: str, *, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")
        if self.session is not None:
            self.session.trust_env = False  # never route a local fake through an HTTP proxy

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        """Rewrite the host, keep the path and query."""
        parts = urlsplit(url)
        if (parts.hostname or "").endswith("twilio.com"):
            url = self.api_base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().request(method, url, *args, **kwargs)


def build_twilio_client(settings: TwilioSettings) -> Any:
    """The twilio REST client for these settings (pointed at TWILIO_API_BASE when set)."""
    from twilio.rest import Client

    # The client logs every request at INFO, a message list's query (To=whatsapp:+972...) included.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    token = settings.auth_token.get_secret_value() if settings.auth_token else "unset"
    if settings.api_base:
        http = RebasedHttpClient(settings.api_base, timeout=settings.timeout_seconds)
    else:
        http = TwilioHttpClient(timeout=settings.timeout_seconds)
    return Client(settings.account_sid, token, http_client=http)


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one send: sent, failed, blocked_window, or skipped (already done)."""

    status: str
    outbound_id: int | None = None
    provider_id: str | None = None
    error: str | None = None
    skipped: bool = False
    since: dt.datetime | None = None  # when this logical send was first claimed


def _retryable(exc: Exception) -> bool:
    from requests import RequestException
    from twilio.base.exceptions import TwilioRestException

    if isinstance(exc, TwilioRestException):
        return exc.status == 429 or exc.status >= 500
    return isinstance(exc, RequestException | ConnectionError | TimeoutError)


def _unknown(exc: Exception) -> bool:
    """No HTTP answer at all (connection dropped, read timeout): the request may have been taken."""
    from twilio.base.exceptions import TwilioRestException

    return not isinstance(exc, TwilioRestException)


def _describe(exc: Exception) -> str:
    from twilio.base.exceptions import TwilioRestException

    if isinstance(exc, TwilioRestException):
        return f"HTTP {exc.status}" + (f" code {exc.code}" if exc.code else "") + f": {exc.msg}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def _masked(text: str | None) -> str | None:
    """What is stored of a message: personal data masked (what is sent is the original)."""
    if not text:
        return text
    try:
        from agent.guard import mask_pii

        return mask_pii(text)
    except Exception:  # no guard in this build: keep no digit run that could be a phone or an ID
        return re.sub(r"\d[\d\s\-]{5,}\d", "[MASKED]", text)


def _already(session: Any, tenant_id: int, dedupe_key: str) -> SendOutcome | None:
    """The outcome of a send with this key that is done or in progress elsewhere; None to send.

    A row left in `sending` by a worker that died is not deleted and sent again: Twilio may have
    accepted it. It comes back as `unknown` (with its row id), and the sender asks Twilio first."""
    row = outbound_store.lock_by_key(session=session, tenant_id=tenant_id, dedupe_key=dedupe_key)
    if row is None:
        return None
    if row.status in _DONE:
        return SendOutcome(row.status, row.id, row.provider_id, row.error, skipped=True)
    if utcnow() - row.updated_at < IN_PROGRESS:
        return SendOutcome("in_progress", row.id, skipped=True)
    row.updated_at = utcnow()  # this worker takes the crashed attempt over
    return SendOutcome("unknown", row.id, since=row.created_at)


class WhatsAppSender:
    """Sends through Twilio; each send is recorded in outbound_messages with its attempts and status."""

    def __init__(
        self,
        db: Any,
        settings: TwilioSettings,
        *,
        client: Any = None,
        clock: Callable[[], dt.datetime] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.db = db
        self.settings = settings
        self.client = client if client is not None else build_twilio_client(settings)
        self.clock = clock or utcnow
        self.sleep = sleep

    def last_inbound_at(self, session: Any, *, tenant_id: int, phone: str) -> dt.datetime | None:
        """When this phone last wrote to this tenant on WhatsApp (the window opens then)."""
        return contact_store.last_inbound_at(session=session, tenant_id=tenant_id, channel="whatsapp",
                                             external_id=phone)

    def in_window(self, *, tenant_id: int, phone: str, now: dt.datetime | None = None) -> bool:
        """True within 24 hours of the contact's last inbound message."""
        now = now or self.clock()
        with self.db.session(tenant_id=tenant_id) as session:
            last = self.last_inbound_at(session, tenant_id=tenant_id, phone=phone)
        return last is not None and now - last < WINDOW

    def _claim(
        self,
        *,
        tenant_id: int,
        phone: str,
        purpose: str,
        body: str | None,
        conversation_id: str | None,
        dedupe_key: str | None,
        content_variables: dict[str, str] | None,
        now: dt.datetime,
        to_role: str | None = None,
    ) -> tuple[int, str | None, SendOutcome | None]:
        """Insert (or find) the outbound row and decide free-form vs template vs blocked."""
        with self.db.session(tenant_id=tenant_id) as session:
            resumed = _already(session, tenant_id, dedupe_key) if dedupe_key else None
            if resumed is not None and resumed.status != "unknown":
                return resumed.outbound_id or 0, None, resumed
            last = self.last_inbound_at(session, tenant_id=tenant_id, phone=phone)
            within = last is not None and now - last < WINDOW
            content_sid = None if within else self.settings.content_sid_for(purpose)
            blocked = not within and content_sid is None
            if resumed is not None and not blocked:  # a crashed attempt of this send: take it over
                return resumed.outbound_id or 0, content_sid, resumed
            error = f"outside the 24-hour window and no approved template for {purpose}" if blocked else None
            row_id = outbound_store.insert_once(session=session, tenant_id=tenant_id, fields=dict(
                conversation_id=conversation_id,
                channel="whatsapp",
                to=mask_identity(phone),  # who it went to, masked: the contact holds the number
                to_role=to_role or ("follower" if purpose == "reply" else "owner"),
                body=_masked(body) if content_sid is None else json.dumps(content_variables or {}),
                content_sid=content_sid,
                purpose=purpose,
                # `sending` from the start: a worker that dies from here on leaves a row that says
                # "Twilio may have it", never one that invites a second send.
                status="blocked_window" if blocked else "sending",
                error=error,
                attempts=0,
                dedupe_key=dedupe_key,
                created_at=utcnow(),  # wall-clock times: the turn's clock may be frozen in tests
                updated_at=utcnow(),
            ))
            if row_id is None:  # another worker inserted it a moment ago
                done = _already(session, tenant_id, dedupe_key or "")
                return (
                    (done.outbound_id or 0) if done else 0,
                    content_sid,
                    done or SendOutcome("in_progress", skipped=True),
                )
            if blocked:
                log.info("not sent to %s…: %s", phone[:6], error)
                return row_id, None, SendOutcome("blocked_window", row_id, error=error)
            return row_id, content_sid, None

    def send(
        self,
        *,
        tenant_id: int,
        to: str,
        purpose: str,
        body: str | None = None,
        conversation_id: str | None = None,
        dedupe_key: str | None = None,
        content_variables: dict[str, str] | None = None,
        to_role: str | None = None,
    ) -> SendOutcome:
        """Send (free-form in the window, else the purpose's template, else record blocked_window)."""
        now = self.clock()
        claim = functools.partial(self._claim, to_role=to_role, tenant_id=tenant_id, phone=to, purpose=purpose,
                                  body=body, conversation_id=conversation_id, dedupe_key=dedupe_key,
                                  content_variables=content_variables, now=now)
        row_id, content_sid, done = claim()
        # Another attempt of this very send is recorded as in progress. Jobs of one conversation run
        # one at a time, so that attempt's worker is gone (or finishing): wait until the row is
        # done, or stale enough to be taken over and asked of Twilio. Returning now would leave a
        # reply that was never sent, or never recorded.
        waited = time.monotonic()
        while done is not None and done.status == "in_progress" and time.monotonic() - waited < _WAIT_SECONDS:
            time.sleep(0.5)
            row_id, content_sid, done = claim()
        if done is not None and done.status != "unknown":
            return done
        if not self.settings.configured:  # nothing to retry: say so once, in the row
            return self._finish(tenant_id, row_id, None, 0,
                                "Twilio is not configured (TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)")
        kwargs: dict[str, Any] = {"to": wa_address(to), "from_": wa_address(self.settings.from_number)}
        if content_sid:
            kwargs |= {"content_sid": content_sid, "content_variables": json.dumps(content_variables or {})}
        else:
            kwargs["body"] = body or ""
        callback = self.settings.public_url("/channels/twilio/status", "") if self.settings.public_base_url else ""
        if callback:
            kwargs["status_callback"] = callback
        claimed = (done.since if done is not None else None) or utcnow() - dt.timedelta(seconds=5)
        if done is not None:  # a crashed attempt of this very send: did Twilio take it?
            found = self._find_accepted(kwargs, tenant_id=tenant_id, since=claimed)
            if found is not None:
                return self._finish(tenant_id, row_id, found, 0, None)
        attempts, error, message = 0, None, None
        for attempt in range(1, self.settings.max_attempts + 1):
            attempts = attempt
            if attempt > 1:
                self._touch(tenant_id, row_id)  # still alive: nobody takes this send over
            try:
                message = self.client.messages.create(**kwargs)
                error = None
                break
            except Exception as exc:  # classified below: only 429, 5xx and network errors are retried
                error = _describe(exc)
                if not _retryable(exc) or attempt == self.settings.max_attempts:
                    break
                if _unknown(exc):  # no answer: Twilio may have accepted it; ask before sending again
                    message = self._find_accepted(kwargs, tenant_id=tenant_id, since=claimed)
                    if message is not None:
                        error = None
                        break
                delay = min(self.settings.backoff_max_seconds, self.settings.backoff_seconds * 2 ** (attempt - 1))
                self.sleep(delay * (0.75 + random.random() / 2))
        return self._finish(tenant_id, row_id, message, attempts, error)

    def deliver(self, *, tenant_id: int, conversation_id: str, channel: str, to: str, text: str) -> str:
        """The `deliver` service owner tools use: the owner's text to a follower on WhatsApp (inside the
        24-hour window free-form, else the relay template, else recorded as blocked); the outcome's status."""
        if channel != "whatsapp":
            return "stored"
        outcome = self.send(tenant_id=tenant_id, to=to, purpose="relay", body=text, conversation_id=conversation_id,
                            content_variables={"1": text[:900]}, to_role="follower")
        return outcome.status

    def _touch(self, tenant_id: int, row_id: int) -> None:
        with self.db.session(tenant_id=tenant_id) as session:
            outbound_store.touch(session=session, tenant_id=tenant_id, row_id=row_id)

    def _find_accepted(self, kwargs: dict[str, Any], *, tenant_id: int, since: dt.datetime) -> Any:
        """The message Twilio accepted for this send (same to, from and body, created after the send was
        claimed, not already another send's), or None.

        Twilio's Messages API has no idempotency key, so its list filtered by recipient, sender and
        date is the record of what it took. Turns of one conversation run one at a time, so no other
        send of the same text to the same person can start after this one was claimed. When Twilio
        cannot be asked: None, and the send goes ahead (a reply twice is better than none)."""
        try:
            recent = self.client.messages.list(
                to=kwargs["to"], from_=kwargs["from_"], date_sent_after=since - dt.timedelta(days=1), limit=50
            )
        except Exception as exc:
            log.warning("could not ask Twilio about an unanswered send: %s", _describe(exc))
            return None
        body = kwargs.get("body")
        earliest = since - dt.timedelta(seconds=2)  # Twilio's clock keeps whole seconds
        candidates = [
            m for m in recent
            if (body is None or (getattr(m, "body", None) or "") == body)
            and (getattr(m, "date_created", None) is None or m.date_created >= earliest)
        ]
        if not candidates:
            return None
        with self.db.session(tenant_id=tenant_id) as session:
            taken = outbound_store.taken_provider_ids(session=session, tenant_id=tenant_id,
                                                      provider_ids=[m.sid for m in candidates])
        fresh = [m for m in candidates if m.sid not in taken]
        return min(fresh, key=lambda m: m.date_created or since) if fresh else None

    def _finish(self, tenant_id: int, row_id: int, message: Any, attempts: int, error: str | None) -> SendOutcome:
        """Record the outcome of the attempts on the outbound row."""
        status = "sent" if message is not None else "failed"
        provider_id = getattr(message, "sid", None)
        with self.db.session(tenant_id=tenant_id) as session:
            outbound_store.finish(session=session, tenant_id=tenant_id, row_id=row_id, status=status,
                                  provider_id=provider_id, attempts=attempts, error=error)
        if message is None:
            log.warning("WhatsApp send failed after %d attempt(s): %s", attempts, error)
        return SendOutcome(status, row_id, provider_id, error)
