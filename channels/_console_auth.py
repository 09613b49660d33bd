"""Sign-in to the owner console: sessions and one-time links, kept in Redis under hashes.

A session is a random id in an HttpOnly, SameSite=Strict cookie; Redis holds only its sha256 with the
tenant, who signed in (an owner token's short hash, never the token) and the CSRF token the page sends
back in `X-CSRF-Token` on every change. A one-time link carries a random code, good for one sign-in
within its time to live. Nothing here is personal: no phone, no e-mail, no token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

__all__ = ["COOKIE", "ConsoleSession", "open_session", "load_session", "close_session", "issue_link",
           "redeem_link", "csrf_ok", "SESSION_SECONDS", "LINK_SECONDS"]

COOKIE = "ios_console"
SESSION_SECONDS = 12 * 3600
LINK_SECONDS = 15 * 60
_SESSION = "console:session:"
_LINK = "console:link:"


@dataclass(frozen=True)
class ConsoleSession:
    """Who is signed in: the tenant, an actor name for the audit log, and the CSRF token."""

    tenant_id: int
    actor: str
    csrf: str


def _key(prefix: str, secret: str) -> str:
    return prefix + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def open_session(redis: Any, *, tenant_id: int, actor: str) -> tuple[str, ConsoleSession]:
    """A new session: (the cookie's value, the session)."""
    sid = secrets.token_urlsafe(32)
    session = ConsoleSession(tenant_id, actor, secrets.token_urlsafe(24))
    redis.set(_key(_SESSION, sid), json.dumps(session.__dict__), ex=SESSION_SECONDS)
    return sid, session


def load_session(redis: Any, sid: str | None) -> ConsoleSession | None:
    """The session of a cookie's value, or None (unknown, expired, malformed)."""
    if not sid or len(sid) > 100:
        return None
    raw = redis.get(_key(_SESSION, sid))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return ConsoleSession(int(data["tenant_id"]), str(data["actor"]), str(data["csrf"]))
    except (ValueError, KeyError, TypeError):
        return None


def close_session(redis: Any, sid: str | None) -> None:
    """Sign out: the session is gone at once."""
    if sid and len(sid) <= 100:
        redis.delete(_key(_SESSION, sid))


def issue_link(redis: Any, *, tenant_id: int, actor: str) -> str:
    """A one-time sign-in code (for /console/login?code=...), valid LINK_SECONDS."""
    code = secrets.token_urlsafe(24)
    redis.set(_key(_LINK, code), json.dumps({"tenant_id": tenant_id, "actor": actor}), ex=LINK_SECONDS)
    return code


def redeem_link(redis: Any, code: str | None) -> tuple[int, str] | None:
    """(tenant id, actor) of a one-time code, which is spent by this call; None when unknown or used."""
    if not code or len(code) > 100:
        return None
    raw = redis.getdel(_key(_LINK, code))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return int(data["tenant_id"]), str(data["actor"])
    except (ValueError, KeyError, TypeError):
        return None


def csrf_ok(session: ConsoleSession, sent: str | None) -> bool:
    """True when the page sent the session's CSRF token (constant-time comparison)."""
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), (sent or "").encode())
