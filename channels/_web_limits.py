"""Limits of the web chat before any cost: new conversations per client IP and per influencer, client
events per IP (Redis token buckets; they fail open when Redis is down, as the agent's do)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from agent.guard import RateLimiter
from channels.problems import Problem
from channels.settings import get_web_settings

__all__ = ["WebLimits", "limits_for"]


class WebLimits:
    """The three buckets of one app."""

    def __init__(self, redis: Any, overrides: dict[str, Any]) -> None:
        s = get_web_settings()
        ip = overrides.get("conversation_rate") or (s.conversations_per_ip, s.conversations_per_ip_refill)
        tenant = overrides.get("tenant_conversation_rate") or (
            s.conversations_per_tenant, s.conversations_per_tenant_refill)
        events = overrides.get("event_rate") or (s.events_per_ip, s.events_per_ip_refill)
        self.conversations_ip = RateLimiter(redis, capacity=ip[0], refill_per_sec=ip[1], prefix="rl:web:conv:ip")
        self.conversations_tenant = RateLimiter(redis, capacity=tenant[0], refill_per_sec=tenant[1],
                                                prefix="rl:web:conv:tenant")
        self.events_ip = RateLimiter(redis, capacity=events[0], refill_per_sec=events[1], prefix="rl:web:event:ip")

    @staticmethod
    def _ip(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def new_conversation(self, request: Request, tenant_id: int, headers: dict[str, str]) -> None:
        """Problem 429 when this IP or this influencer creates conversations too fast."""
        if not self.conversations_ip.allow(self._ip(request)):
            raise _too_many("too many new conversations from this address; wait a minute", headers)
        if not self.conversations_tenant.allow(str(tenant_id)):
            raise _too_many("this influencer's chat is very busy; try again in a minute", headers)

    def event(self, request: Request, headers: dict[str, str]) -> None:
        """Problem 429 when this IP posts events too fast."""
        if not self.events_ip.allow(self._ip(request)):
            raise _too_many("too many events from this address; slow down", headers)


def _too_many(title: str, headers: dict[str, str]) -> Problem:
    return Problem(429, title, code="rate_limited", headers={**headers, "Retry-After": "60"})


def limits_for(request: Request) -> WebLimits:
    """The app's limits, built on first use from its Redis client and overrides."""
    state = request.app.state
    limits = getattr(state, "web_limits", None)
    if limits is None:
        limits = state.web_limits = WebLimits(state.db.redis, getattr(state, "overrides", None) or {})
    return limits
