"""CORS per influencer: a page may use an influencer's widget only from the origins they allow."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request

from channels.problems import Problem

__all__ = ["normalize_origin", "own_origin", "origin_allowed", "cors_headers", "preflight_headers"]

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "content-type, accept, last-event-id"


def normalize_origin(origin: str) -> str:
    """scheme://host[:port] in lower case, default ports dropped ('https://A.com:443/' -> 'https://a.com')."""
    parts = urlsplit((origin or "").strip())
    if not parts.scheme or not parts.hostname:
        return (origin or "").strip().rstrip("/").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}{port}"


def own_origin(request: Request) -> str:
    """The origin this server is reached at (the demo page and the widget's own host)."""
    host = request.headers.get("host") or request.url.netloc
    return normalize_origin(f"{request.url.scheme}://{host}")


def origin_allowed(request: Request, tenant: Any, extra: list[str] | tuple[str, ...] = ()) -> bool:
    """True when the request has no Origin (not a browser page), or its origin is allowed."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    origin = normalize_origin(origin)
    if origin == own_origin(request):
        return True
    allowed = list((getattr(tenant, "settings", None) or {}).get("allowed_origins") or []) + list(extra)
    return "*" in allowed or origin in {normalize_origin(a) for a in allowed}


def cors_headers(request: Request, tenant: Any, extra: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """The CORS headers of a response to this request; Problem 403 when the origin is not allowed."""
    origin = request.headers.get("origin")
    if not origin_allowed(request, tenant, extra):
        raise Problem(
            403,
            "this site is not allowed to use this influencer's chat",
            field="origin",
            detail=f"Origin {origin} is not in the influencer's allowed origins.",
            code="origin_not_allowed",
        )
    if not origin:
        return {}
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    request.state.cors_headers = headers  # errors raised later in the request carry them too
    return headers


def preflight_headers(request: Request) -> dict[str, str]:
    """The extra headers of an allowed preflight answer."""
    return {
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Max-Age": "600",
    }
