"""The web chat channel: the JSON and Server-Sent-Events chat API the widget talks to, client events
(coupon copied, link clicked), CORS per influencer, and the widget's static files."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette.sse import EventSourceResponse

from agent.errors import InvalidMessage, UnknownConversation, UnknownTenant
from agent.guard.sanitize import CleanStr
from agent.types import MAX_MESSAGE_CHARS
from channels import _web_data as data
from channels._cors import cors_headers, origin_allowed, preflight_headers
from channels._sealed import unseal
from channels._web_limits import limits_for
from channels.base import InboundMessage, InputChannel, OnMessage, OutputChannel, TurnResult
from channels.demo import demo_handle
from channels.problems import Problem
from channels.settings import get_web_settings
from store.db import is_transient

__all__ = ["WebChannel", "StreamingOutput", "MAX_TEXT"]

WIDGET_DIR = Path(__file__).resolve().parent / "widget"
MAX_TEXT = MAX_MESSAGE_CHARS  # one limit for every channel: the agent's
_ID = r"^[A-Za-z0-9_-]+$"
_TOKEN_SPLIT = re.compile(r"(\s+)")
_background: set[asyncio.Task[Any]] = set()  # turns keep running (and get stored) after a disconnect


class NewConversation(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    influencer: CleanStr = Field(min_length=1, max_length=60)
    visitor_id: CleanStr | None = Field(default=None, min_length=8, max_length=64, pattern=_ID)


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: CleanStr = Field(min_length=1, max_length=MAX_TEXT)
    client_message_id: CleanStr | None = Field(default=None, min_length=1, max_length=64, pattern=_ID)


class ClientEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    conversation_id: CleanStr = Field(min_length=1, max_length=36)
    type: Literal["coupon_copied", "link_clicked"]
    code: CleanStr | None = Field(default=None, min_length=1, max_length=64)
    url: CleanStr | None = Field(default=None, max_length=2000)


class StreamingOutput(OutputChannel):
    """Hands the agent's events (from its worker thread) to the SSE response on the event loop."""

    name = "web-stream"

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[tuple[str, Any]]) -> None:
        self.loop = loop
        self.queue = queue

    def _put(self, item: tuple[str, Any]) -> None:
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError:  # the server is shutting down: the turn is stored anyway
            pass

    def on_event(self, event: dict[str, Any]) -> None:
        """Forward a token or card as it is produced."""
        self._put(("event", event))

    def send_reply(self, message: InboundMessage, result: TurnResult) -> None:
        """The turn is finished: the response closes with `done`."""
        self._put(("result", result))


class _Collect(OutputChannel):
    def send_reply(self, message: InboundMessage, result: TurnResult) -> None:
        return None


def _now(request: Request) -> dt.datetime | None:
    clock = (getattr(request.app.state, "overrides", None) or {}).get("clock")
    return clock() if clock else None


def _extra_origins() -> list[str]:
    return list(get_web_settings().extra_allowed_origins)


def _message(conv: data.WebConversation, text: str, client_message_id: str | None, now: Any) -> InboundMessage:
    cmid = client_message_id or uuid.uuid4().hex
    return InboundMessage(
        handle=conv.tenant.handle,
        channel="web",
        sender_id=conv.sender_id,
        text=text,
        role="follower",
        message_id=f"{conv.id}:{cmid}",
        conversation_id=conv.id,
        now=now,
    )


def _turn_problem(exc: Exception) -> Problem:
    if isinstance(exc, UnknownConversation):
        return Problem(404, "no such conversation", field="conversation_id", code="unknown_conversation")
    if isinstance(exc, UnknownTenant):
        return Problem(404, "no influencer with this handle", field="influencer", code="unknown_influencer")
    if isinstance(exc, InvalidMessage):
        return Problem(422, exc.reason, field=exc.field, code="invalid_message")
    return Problem(422, str(exc), field="text", code="invalid_message")


def _trace_summary(result: TurnResult) -> dict[str, Any]:
    trace = result.trace or {}
    return {
        "intent": result.intent,
        "action": result.action,
        "tools": list(result.tools),
        "language": result.language,
        "confidence": trace.get("confidence"),
        "policy": (trace.get("policy") or {}).get("verdict"),
        "engine": trace.get("engine"),
        "variants": trace.get("variants") or {},
        "ms": result.ms,
        "timings": trace.get("timings") or {},
    }


def _stored(db: Any, conv: data.WebConversation, msg: InboundMessage, result: TurnResult) -> dict:
    # The agent returns the ids of what it stored; only a turn that failed part-way needs a look-up.
    if getattr(result, "message_id", None) is not None:
        return {"message_id": result.message_id, "reply_id": result.reply_id}
    return data.stored_turn(db, conv.tenant.id, msg.message_id or "")


def _shows_trace(request: Request, conv: data.WebConversation) -> bool:
    # Followers never see how a reply was decided; an owner's token (or a developer's local setting) does.
    if get_web_settings().expose_trace:
        return True
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip()) and data.owner_token_for(
        request.app.state.db, conv.tenant.id, token.strip())


def _reply_payload(
    conv: data.WebConversation, msg: InboundMessage, result: TurnResult, stored: dict, *, trace: bool = False
) -> dict:
    text = result.reply or stored.get("reply") or ""
    language = result.language or stored.get("language") or ""
    cards = list(result.cards or stored.get("cards") or [])
    return {
        "conversation_id": conv.id,
        "client_message_id": (msg.message_id or "").split(":", 1)[-1],
        "message_id": stored.get("message_id"),
        "reply_id": stored.get("reply_id"),
        "duplicate": bool(result.duplicate),
        "reply": {"text": text, "language": language, "dir": data.lang_dir(language, text), "cards": cards},
        **({"trace": _trace_summary(result)} if trace else {}),
    }


def _tokens(text: str) -> list[str]:
    # Word-sized pieces (spaces kept), for engines that produce the reply in one go.
    parts = [p for p in _TOKEN_SPLIT.split(text) if p]
    pieces: list[str] = []
    for part in parts:
        if pieces and part.isspace():
            pieces[-1] += part
        else:
            pieces.append(part)
    return pieces


def _sse(event: str, payload: dict[str, Any]) -> dict[str, str]:
    return {"event": event, "data": json.dumps(payload, ensure_ascii=False)}


class WebChannel(InputChannel):
    """The chat API under /api, the widget at /widget.js and, in demo mode, the demo page at /."""

    name = "web"

    def router(self, on_message: OnMessage) -> APIRouter:
        """The routes, bound to the callback that runs a turn."""
        router = APIRouter()

        def conversation_for(request: Request, conversation_id: str) -> data.WebConversation:
            conv = data.load_conversation(request.app.state.db, conversation_id)
            cors_headers(request, conv.tenant, _extra_origins())
            return conv

        @router.options("/api/{rest:path}", include_in_schema=False)
        def preflight(request: Request, rest: str, influencer: str | None = None) -> Response:
            """CORS preflight: allowed only for an origin the influencer (by query or conversation) allows."""
            db = request.app.state.db
            tenant = None
            match = re.match(r"^conversations/([^/]+)", rest)
            try:
                if match:
                    tenant = data.load_conversation(db, match.group(1)).tenant
                elif influencer:
                    tenant = data.load_tenant(db, influencer)
            except Problem:
                tenant = None
            if tenant is None or not origin_allowed(request, tenant, _extra_origins()):
                return Response(status_code=403)
            origin = request.headers.get("origin")
            headers = preflight_headers(request)
            if origin:
                headers |= {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
            return Response(status_code=204, headers=headers)

        @router.get("/api/widget/config", tags=["web chat"])
        def widget_config(request: Request, influencer: str = Query(min_length=1, max_length=60)) -> JSONResponse:
            """What the widget shows before the first message: name, language, direction."""
            tenant = data.load_tenant(request.app.state.db, influencer)
            headers = cors_headers(request, tenant, _extra_origins())
            language = (tenant.languages or ["he"])[0]
            body = {
                "influencer": tenant.handle,
                "display_name": tenant.display_name,
                "language": language,
                "languages": list(tenant.languages or []),
                "dir": data.lang_dir(language),
            }
            return JSONResponse(body, headers=headers)

        @router.post("/api/conversations", status_code=201, tags=["web chat"])
        def create_conversation(request: Request, body: NewConversation) -> JSONResponse:
            """Start a conversation with an influencer; keep the id to continue it after a reload."""
            db = request.app.state.db
            tenant = data.load_tenant(db, body.influencer)
            headers = cors_headers(request, tenant, _extra_origins())
            limits_for(request).new_conversation(request, tenant.id, headers)
            now = _now(request) or dt.datetime.now(dt.UTC)
            conv = data.create_conversation(db, tenant, visitor_id=body.visitor_id, now=now)
            language = (tenant.languages or ["he"])[0]
            payload = {
                "conversation_id": conv.id,
                "visitor_id": conv.sender_id,
                "influencer": tenant.handle,
                "display_name": tenant.display_name,
                "language": language,
                "dir": data.lang_dir(language),
            }
            return JSONResponse(payload, status_code=201, headers=headers)

        @router.get("/api/conversations/{conversation_id}/messages", tags=["web chat"])
        def list_messages(
            request: Request, conversation_id: str, limit: int = Query(default=50, ge=1, le=200)
        ) -> JSONResponse:
            """The conversation so far, oldest first (how the widget restores it after a reload)."""
            conv = conversation_for(request, conversation_id)
            messages = data.history(request.app.state.db, conv, limit=limit)
            body = {"conversation_id": conv.id, "influencer": conv.tenant.handle, "messages": messages}
            return JSONResponse(body, headers=getattr(request.state, "cors_headers", {}))

        @router.post("/api/conversations/{conversation_id}/messages", tags=["web chat"])
        def post_message(request: Request, conversation_id: str, body: NewMessage) -> JSONResponse:
            """One turn: the reply as JSON with a summary of its trace. Retrying with the same
            client_message_id returns the same reply and stores nothing twice."""
            conv = conversation_for(request, conversation_id)
            msg = _message(conv, body.text, body.client_message_id, _now(request))
            try:
                result = on_message(msg, _Collect())
            except (UnknownTenant, UnknownConversation, InvalidMessage) as exc:
                raise _turn_problem(exc) from None
            except Exception as exc:
                if not is_transient(exc):
                    raise
                raise Problem(503, "the assistant is briefly unavailable; send the same message again",
                              code="unavailable", headers={"Retry-After": "2"}) from None
            stored = _stored(request.app.state.db, conv, msg, result)
            payload = _reply_payload(conv, msg, result, stored, trace=_shows_trace(request, conv))
            return JSONResponse(payload, headers=getattr(request.state, "cors_headers", {}))

        async def stream(request: Request, conversation_id: str, text: str, cmid: str | None) -> EventSourceResponse:
            conv = await run_in_threadpool(conversation_for, request, conversation_id)
            msg = _message(conv, text, cmid, _now(request))
            headers = dict(getattr(request.state, "cors_headers", {}))
            return EventSourceResponse(self._events(request, on_message, conv, msg), headers=headers, ping=10)

        @router.post("/api/conversations/{conversation_id}/messages/stream", tags=["web chat"])
        async def post_message_stream(request: Request, conversation_id: str, body: NewMessage) -> EventSourceResponse:
            """One turn as Server-Sent Events: typing, token..., card..., done (with message ids)."""
            return await stream(request, conversation_id, body.text, body.client_message_id)

        @router.get("/api/conversations/{conversation_id}/stream", tags=["web chat"])
        async def get_message_stream(
            request: Request,
            conversation_id: str,
            text: str = Query(min_length=1, max_length=MAX_TEXT),
            client_message_id: str | None = Query(default=None, min_length=1, max_length=64, pattern=_ID),
        ) -> EventSourceResponse:
            """The same stream for EventSource clients (GET with the text in the query)."""
            return await stream(request, conversation_id, text, client_message_id)

        @router.get("/api/conversations/{conversation_id}/updates", tags=["web chat"])
        async def updates(
            request: Request, conversation_id: str, after: int = Query(default=0, ge=0, le=2**62)
        ) -> EventSourceResponse:
            """Server-Sent Events for an open chat window: a `message` event (its id as the event id) for each
            message the visitor did not get in a turn's stream: the influencer's own replies while they hold
            the conversation, and notices (handed back to the assistant, a request closed)."""
            conv = await run_in_threadpool(conversation_for, request, conversation_id)
            last = request.headers.get("last-event-id", "")
            start = max(after, int(last) if last.isdigit() and len(last) < 19 else 0)
            headers = dict(getattr(request.state, "cors_headers", {}))
            return EventSourceResponse(self._updates(request, conv, start), headers=headers, ping=15)

        @router.get("/api/export/{code}", tags=["web chat"])
        def export(request: Request, code: str) -> Response:
            """A follower's data as JSON, from the link the assistant gave them (one hour, then gone)."""
            raw = request.app.state.db.redis.get(f"export:{code}") if re.fullmatch(r"[\w-]{20,64}", code) else None
            if not raw:
                raise Problem(404, "this link is unknown or expired; ask the assistant again", field="code",
                              code="unknown_export")
            data = unseal(raw.decode() if isinstance(raw, bytes) else raw)
            return JSONResponse(data, headers={"Content-Disposition": 'attachment; filename="my-data.json"',
                                               "Cache-Control": "no-store"})

        @router.post("/api/events", status_code=201, tags=["web chat"])
        def client_event(request: Request, body: ClientEvent) -> JSONResponse:
            """Record that the visitor copied a coupon code shown in this conversation (once per code: 201 the
            first time, 200 after) or clicked a link (stored masked). 409 for a code never shown here."""
            if body.type == "coupon_copied" and not body.code:
                raise Problem(422, "code is required for coupon_copied", field="code", code="missing_code")
            limits_for(request).event(request, {})
            conv = conversation_for(request, body.conversation_id)
            now = _now(request) or dt.datetime.now(dt.UTC)
            recorded = data.record_client_event(
                request.app.state.db, conv, kind=body.type, code=body.code, url=body.url, now=now
            )
            status = 200 if recorded.pop("already", False) else 201
            return JSONResponse(recorded, status_code=status, headers=getattr(request.state, "cors_headers", {}))

        self._static_routes(router)
        return router

    async def _events(
        self, request: Request, on_message: OnMessage, conv: data.WebConversation, msg: InboundMessage
    ) -> AsyncIterator[dict[str, str]]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        output = StreamingOutput(loop, queue)
        # AnyIO's thread limiter (40), as FastAPI's sync endpoints: not asyncio's small default pool.
        task = asyncio.ensure_future(anyio.to_thread.run_sync(on_message, msg, output))
        _background.add(task)

        def finished(t: asyncio.Task[Any]) -> None:
            _background.discard(t)
            if t.cancelled() or t.exception() is not None:
                queue.put_nowait(("error", t.exception() if not t.cancelled() else None))

        task.add_done_callback(finished)
        cmid = (msg.message_id or "").split(":", 1)[-1]
        yield _sse("typing", {"conversation_id": conv.id, "client_message_id": cmid})
        streamed_tokens = False
        streamed_cards = False
        timeout = get_web_settings().turn_timeout_seconds
        while True:
            try:
                kind, item = await asyncio.wait_for(queue.get(), timeout=timeout)
            except TimeoutError:
                yield _sse("error", {"status": 504, "title": "the reply is taking too long; retry", "retry": True})
                return
            if kind == "event":
                if item.get("type") == "token" and item.get("text"):
                    streamed_tokens = True
                    yield _sse("token", {"text": item["text"]})
                elif item.get("type") == "reset":  # the engine started over: drop the tokens so far
                    yield _sse("reset", {})
                elif item.get("type") == "card" and item.get("card"):
                    streamed_cards = True
                    yield _sse("card", {"card": item["card"]})
                continue
            if kind == "error":
                exc = item
                if isinstance(exc, UnknownTenant | UnknownConversation | InvalidMessage):
                    problem = _turn_problem(exc)
                    yield _sse("error", {"status": problem.status, "title": problem.title, "field": problem.field})
                else:
                    yield _sse(
                        "error",
                        {"status": 503, "title": "the assistant is unavailable; retry", "retry": True},
                    )
                return
            result: TurnResult = item
            stored = await run_in_threadpool(_stored, request.app.state.db, conv, msg, result)
            trace = await run_in_threadpool(_shows_trace, request, conv)
            payload = _reply_payload(conv, msg, result, stored, trace=trace)
            if not streamed_tokens:
                for piece in _tokens(payload["reply"]["text"]):
                    yield _sse("token", {"text": piece})
            if not streamed_cards:
                for card in payload["reply"]["cards"]:
                    yield _sse("card", {"card": card})
            yield _sse("done", payload)
            return

    async def _updates(
        self, request: Request, conv: data.WebConversation, after: int
    ) -> AsyncIterator[dict[str, Any]]:
        settings = get_web_settings()
        deadline = asyncio.get_running_loop().time() + settings.updates_stream_seconds
        yield {"event": "ready", "data": json.dumps({"after": after}), "retry": 2000}
        while asyncio.get_running_loop().time() < deadline and not await request.is_disconnected():
            try:
                rows = await run_in_threadpool(data.updates, request.app.state.db, conv, after=after)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                rows = []  # the database blinked: look again next time
            for row in rows:
                after = max(after, row["id"])
                yield {"event": "message", "id": str(row["id"]), "data": json.dumps(row, ensure_ascii=False)}
            await asyncio.sleep(settings.updates_poll_seconds)

    def _static_routes(self, router: APIRouter) -> None:
        @router.get("/widget.js", include_in_schema=False)
        def widget_js() -> FileResponse:
            """The embeddable widget (plain JavaScript, no build step)."""
            return FileResponse(
                WIDGET_DIR / "widget.js",
                media_type="application/javascript; charset=utf-8",
                headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
            )

        @router.get("/", include_in_schema=False)
        def demo_page(request: Request) -> HTMLResponse:
            """The demo page (serve --demo): a link-in-bio page with the widget of the demo influencer."""
            if not getattr(request.app.state, "demo", False):
                raise Problem(404, "no page here; the chat API is under /api and the docs at /docs")
            html = (WIDGET_DIR / "index.html").read_text(encoding="utf-8")
            return HTMLResponse(html.replace("{{HANDLE}}", demo_handle()))
