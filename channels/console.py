"""The owner console at /console: the inbox (waiting, with a person, with the bot, closed), a conversation
with a reply box, hand back and close, support issues, live updates.

Sign-in with an owner token, or a one-time link (`influencer-os console link HANDLE`, printed by
`serve --demo`), gives an HttpOnly session cookie; every change also needs the session's CSRF token in
`X-CSRF-Token`. Each operation runs the same owner tool as the chat command and the owner API
(channels.owner_api.run_owner_tool): same validation, same audit log, this tenant's rows only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from channels import _console_auth as auth
from channels._web_data import lang_dir
from channels.owner_api import brief_body, confirmed, problem, read_body, run_owner_tool
from channels.settings import get_web_settings
from store import inbox as inbox_store
from store import tenants as tenant_store
from store.records import Tenant

__all__ = ["router", "sign_in_link"]

router = APIRouter(prefix="/console", tags=["console"])
STATIC = Path(__file__).resolve().parent / "console"
_MAX = 2**31 - 1
_FILES = {"console.js": "application/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8"}
_SAFE = {"GET", "HEAD", "OPTIONS"}


def _redis(request: Request) -> Any:
    return request.app.state.db.redis


def _cookie(response: Response, request: Request, sid: str) -> None:
    response.set_cookie(auth.COOKIE, sid, max_age=auth.SESSION_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/console")


def _signed_in(request: Request) -> auth.ConsoleSession | JSONResponse:
    session = auth.load_session(_redis(request), request.cookies.get(auth.COOKIE))
    if session is None:
        return problem(401, "unauthorized", "sign in to the console first")
    if request.method not in _SAFE and not auth.csrf_ok(session, request.headers.get("x-csrf-token")):
        return problem(403, "forbidden", "the X-CSRF-Token header is missing or wrong; reload the console",
                       field="X-CSRF-Token")
    return session


def _me(tenant: Tenant, session: auth.ConsoleSession) -> dict[str, Any]:
    languages = list(tenant.languages or ["he"])
    return {"influencer": tenant.handle, "display_name": tenant.display_name, "language": languages[0],
            "dir": lang_dir(languages[0]), "csrf": session.csrf}


def _tool(request: Request, tool: str, args: dict[str, Any], confirm: bool = False) -> JSONResponse:
    session = _signed_in(request)
    if isinstance(session, JSONResponse):
        return session
    with request.app.state.db.session(tenant_id=session.tenant_id) as db_session:
        tenant = tenant_store.get(session=db_session, tenant_id=session.tenant_id)
        if tenant is None:
            return problem(401, "unauthorized", "this influencer is gone; sign in again")
        return run_owner_tool(request, db_session, tenant, session.actor, tool, args, confirm=confirm)


async def _run(request: Request, tool: str, args: dict[str, Any], *, confirm: bool = False) -> JSONResponse:
    return await run_in_threadpool(_tool, request, tool, args, confirm)


def sign_in_link(db: Any, handle: str, base_url: str) -> str | None:
    """A one-time sign-in link to the console for the influencer's owner (None for an unknown handle)."""
    with db.session() as db_session:
        tenant = tenant_store.get_by_handle(session=db_session, handle=handle)
        if tenant is None:
            return None
        code = auth.issue_link(db.redis, tenant_id=tenant.id, actor="link:owner")
    return f"{base_url.rstrip('/')}/console/login?code={code}"


# ---- pages -------------------------------------------------------------------------------------------
@router.get("", include_in_schema=False)
def page() -> FileResponse:
    """The console (one page; it asks to sign in when there is no session)."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                 "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"})


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    if name not in _FILES:
        return problem(404, "not_found", "no such file")
    return FileResponse(STATIC / name, media_type=_FILES[name], headers={"Cache-Control": "no-cache"})


# ---- signing in ---------------------------------------------------------------------------------------
def _sign_in_with_token(request: Request, token: str) -> JSONResponse:
    with request.app.state.db.sessions() as db_session:
        tenant = tenant_store.owner_tenant_for_token(session=db_session, token=token)
        if tenant is None:
            return problem(401, "unauthorized", "this owner token is not valid", field="token")
        actor = "console:" + hashlib.sha256(token.encode()).hexdigest()[:10]
        sid, session = auth.open_session(_redis(request), tenant_id=tenant.id, actor=actor)
        response = JSONResponse(_me(tenant, session), status_code=201)
    _cookie(response, request, sid)
    return response


@router.post("/api/session", status_code=201)
async def sign_in(request: Request) -> JSONResponse:
    """Sign in with {"token": "<owner token>"}: sets the session cookie; answers who and the CSRF token."""
    body = await read_body(request)
    if isinstance(body, JSONResponse):
        return body
    token = body.get("token")
    if not isinstance(token, str) or not token.strip() or len(token) > 200:
        return problem(422, "invalid", "paste the owner token (influencer-os owners tokens create)", field="token")
    return await run_in_threadpool(_sign_in_with_token, request, token.strip())


def _whoami(request: Request) -> JSONResponse:
    session = auth.load_session(_redis(request), request.cookies.get(auth.COOKIE))
    if session is None:
        return problem(401, "unauthorized", "sign in to the console first")
    with request.app.state.db.session(tenant_id=session.tenant_id) as db_session:
        tenant = tenant_store.get(session=db_session, tenant_id=session.tenant_id)
        if tenant is None:
            return problem(401, "unauthorized", "sign in again")
        return JSONResponse(_me(tenant, session))


@router.get("/api/session")
async def whoami(request: Request) -> JSONResponse:
    """Who is signed in, and the CSRF token for changes (401 when nobody is)."""
    return await run_in_threadpool(_whoami, request)


@router.delete("/api/session", status_code=204)
def sign_out(request: Request) -> Response:
    """Sign out (needs the CSRF token): the session ends on the server too."""
    session = _signed_in(request)
    if isinstance(session, JSONResponse):
        return session
    auth.close_session(_redis(request), request.cookies.get(auth.COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(auth.COOKIE, path="/console")
    return response


@router.get("/login", include_in_schema=False)
def one_time_link(request: Request, code: str = "") -> Response:
    """A one-time sign-in link: sets the session and opens the console; a used or old link says so."""
    redeemed = auth.redeem_link(_redis(request), code)
    if redeemed is None:
        return RedirectResponse("/console#link-expired", status_code=303)
    tenant_id, actor = redeemed
    sid, _ = auth.open_session(_redis(request), tenant_id=tenant_id, actor=actor)
    response = RedirectResponse("/console", status_code=303)
    _cookie(response, request, sid)
    return response


# ---- the inbox ---------------------------------------------------------------------------------------
@router.get("/api/conversations")
async def conversations(request: Request, state: str = "waiting") -> JSONResponse:
    """Follower conversations in a state: waiting | human | bot | closed | all."""
    return await _run(request, "list_conversations", {"state": state})


@router.get("/api/conversations/{number}")
async def conversation(request: Request, number: int = PathParam(ge=1, le=_MAX), trace: bool = False) -> JSONResponse:
    """One conversation's latest messages (masked); ?trace=true adds how the bot understood each message."""
    return await _run(request, "show_conversation", {"number": number, "limit": 60, "trace": trace})


@router.post("/api/conversations/{number}/reply")
async def reply(request: Request, number: int = PathParam(ge=1, le=_MAX)) -> JSONResponse:
    """{"text": ...} to the follower on their channel; the bot stays quiet there until handed back."""
    body = await read_body(request)
    if isinstance(body, JSONResponse):
        return body
    text = body.get("text")
    return await _run(request, "reply_to_follower", {"number": number, "text": text if isinstance(text, str) else ""})


@router.post("/api/conversations/{number}/hand-back")
async def hand_back(request: Request, number: int = PathParam(ge=1, le=_MAX)) -> JSONResponse:
    """Give the conversation back to the bot (the follower is told)."""
    return await _run(request, "hand_back", {"number": number})


@router.get("/api/issues")
async def issues(request: Request, status: str = "open") -> JSONResponse:
    """Support issues: open | closed | all."""
    return await _run(request, "list_issues", {"status": status})


@router.post("/api/issues/{number}/close")
async def close_issue(request: Request, number: int = PathParam(ge=1, le=_MAX)) -> JSONResponse:
    """Close a support issue with {"note": ...} (the follower is told)."""
    body = await read_body(request)
    if isinstance(body, JSONResponse):
        return body
    note = body.get("note")
    args: dict[str, Any] = {"number": number}
    if isinstance(note, str) and note.strip():
        args["note"] = note
    return await _run(request, "close_issue", args)


# ---- brands: communications and briefs (issue 14) -------------------------------------------------------
@router.get("/api/partnerships")
async def partnerships(request: Request) -> JSONResponse:
    """Her partnerships (the brands an item or a brief can be for)."""
    return await _run(request, "list_partnerships", {})


@router.get("/api/brand-notes")
async def brand_notes(request: Request, status: str = "open") -> JSONResponse:
    """Brand communications: open | closed | all."""
    return await _run(request, "list_brand_notes", {"status": status})


@router.post("/api/brand-notes")
async def log_brand_note(request: Request) -> JSONResponse:
    """Log one: {"partnership", "text", "kind"?}."""
    body = await read_body(request)
    if isinstance(body, JSONResponse):
        return body
    return await _run(request, "log_brand_note", body)


@router.post("/api/brand-notes/{number}/close")
async def close_brand_note(request: Request, number: int = PathParam(ge=1, le=_MAX)) -> JSONResponse:
    """Close item #number."""
    return await _run(request, "close_brand_note", {"note": number})


@router.post("/api/briefs")
async def brief(request: Request) -> JSONResponse:
    """A brief or contract (JSON text, or the file as the body): read and proposed; ?confirm=true creates it."""
    signed_in = _signed_in(request)  # before a file is read
    if isinstance(signed_in, JSONResponse):
        return signed_in
    body = await brief_body(request)
    if isinstance(body, JSONResponse):
        return body
    create = confirmed(request)
    return await _run(request, "create_from_brief" if create else "read_brief", body, confirm=create)


# ---- live updates ------------------------------------------------------------------------------------
def _fingerprint(request: Request, tenant_id: int) -> str:
    with request.app.state.db.session(tenant_id=tenant_id) as db_session:
        return inbox_store.fingerprint(session=db_session, tenant_id=tenant_id)


@router.get("/api/events")
async def events(request: Request) -> Response:
    """Server-Sent Events: `changed` whenever a message, a handoff or an issue of this influencer changes
    (the page then reloads what it shows). Ends after a few minutes; the browser reconnects."""
    session = _signed_in(request)
    if isinstance(session, JSONResponse):
        return session
    settings = get_web_settings()  # the same cadence as the widget's live updates

    async def stream() -> AsyncIterator[dict[str, Any]]:
        last = await run_in_threadpool(_fingerprint, request, session.tenant_id)
        yield {"event": "ready", "data": json.dumps({"at": last}), "retry": 2000}
        for _ in range(max(1, int(settings.updates_stream_seconds / settings.updates_poll_seconds))):
            await asyncio.sleep(settings.updates_poll_seconds)
            if await request.is_disconnected():
                return
            now = await run_in_threadpool(_fingerprint, request, session.tenant_id)
            if now != last:
                last = now
                yield {"event": "changed", "data": json.dumps({"at": now})}

    return EventSourceResponse(stream(), ping=15)
