"""The app's outer edge, as plain ASGI: a request id on every request and response, a cap on request
bodies (413 before anything is parsed), and control characters removed from the query string.

Errors here answer `application/problem+json` like every other error of the API.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.exceptions import HTTPException

from channels.problems import problem_response

__all__ = ["EdgeMiddleware", "MAX_BODY_BYTES"]

MAX_BODY_BYTES = 1024 * 1024  # the largest legitimate body (an owner's JSON, a Twilio form) is a few KB
# Paths that take a document (a brief as a PDF or Word file): up to 10 MB, still refused before read above.
UPLOAD_PATHS = frozenset({"/owner/v1/briefs"})
UPLOAD_BYTES = 10 * 1024 * 1024
# %00-%08, %0B, %0C, %0E-%1F, %7F in a query string, and the same bytes raw.
_QUERY_CONTROL = re.compile(rb"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class _TooLarge(HTTPException):
    """Raised from `receive` when a body without a (true) length outgrows the cap: FastAPI re-raises
    HTTP exceptions from body parsing, so this reaches the problem handlers as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over {limit:,} bytes")


async def _too_large(scope: dict[str, Any], receive: Any, send: Any, limit: int, request_id: str) -> None:
    title = f"the request body is over {limit:,} bytes"
    response = problem_response(413, title, errors=[{"field": "body", "message": title}],
                                headers={"X-Request-Id": request_id}, extra={"request_id": request_id})
    await response(scope, receive, send)


class EdgeMiddleware:
    """Request id, body cap and query-string clean-up for every HTTP request."""

    def __init__(self, app: Any, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        if _QUERY_CONTROL.search(scope.get("query_string") or b""):
            scope["query_string"] = _QUERY_CONTROL.sub(b"", scope["query_string"])
        if "\x00" in scope.get("path", ""):
            scope["path"] = scope["path"].replace("\x00", "")
        try:
            declared = int(headers.get(b"content-length") or 0)
        except ValueError:
            declared = 0
        limit = UPLOAD_BYTES if scope.get("path") in UPLOAD_PATHS else self.max_body_bytes
        if declared > limit:
            await _too_large(scope, receive, send, limit, request_id)
            return
        seen, started = 0, False

        async def capped_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body") or b"")
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        async def tagged_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, capped_receive, tagged_send)
        except _TooLarge:
            if not started:
                await _too_large(scope, receive, send, limit, request_id)
