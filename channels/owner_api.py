"""Owner JSON API: partnerships, coupons, tasks and invoices over REST, for the console and integrations.

Every endpoint calls the same owner tool a chat command calls (same validation, same audit log),
for the tenant of the `Authorization: Bearer <owner token>` only. Errors are RFC 9457
application/problem+json naming the field. A change that a chat would ask to confirm (mark paid,
cancel, deactivate) answers 409 `confirmation_required` with the sentence of what would change,
until it is sent again with `?confirm=true`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.concurrency import run_in_threadpool

from agent.guard.sanitize import TooDeep, clean_json, clean_text
from channels.problems import problem_response
from store import partnerships as partnership_store
from store import revisions
from store import tenants as tenant_store
from store.records import DEFAULT_TIMEZONE, Tenant, utcnow
from tools import REGISTRY
from tools.registry import OWNER, ToolContext, ToolError, validate_args, writes_data

__all__ = ["router", "problem", "run_owner_tool", "read_body"]

router = APIRouter(prefix="/owner/v1", tags=["owner"])
_MAX_ID = 2**31 - 1  # ids are PostgreSQL integers

_STATUS = {
    "invalid": 422,
    "ambiguous": 422,
    "not_found": 404,
    "conflict": 409,
    "invalid_transition": 409,
    "forbidden": 403,
    "unknown_tool": 400,
    "confirmation_required": 409,
    "unauthorized": 401,
}
_TITLES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Invalid request",
    400: "Bad request",
}


def problem(status: int, code: str, detail: str, *, field: str | None = None, **extra: Any) -> JSONResponse:
    """An application/problem+json response naming the code and the field (channels.problems builds it)."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem_response(status, _TITLES.get(status, "Error"), detail=detail, code=code, headers=headers,
                            extra={"type": f"https://influencer-os.dev/problems/{code}", "field": field, **extra})


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _services(request: Request) -> dict[str, Any]:
    """What the channels lend tools (the owner's relay to WhatsApp), from the process's runtime."""
    agent = getattr(getattr(request.app.state, "runtime", None), "agent", None)
    db = getattr(request.app.state, "db", None)
    return {"redis": getattr(db, "redis", None), **dict(getattr(agent, "services", None) or {})}


def _call(
    request: Request,
    tool: str,
    args: dict[str, Any],
    *,
    confirm: bool = False,
    exists: tuple[str, str] | None = None,
) -> JSONResponse:
    """Authenticate the bearer token, then run one owner tool for its tenant; problems otherwise."""
    with request.app.state.db.sessions() as session:
        found = authenticated(request, session)
        if isinstance(found, JSONResponse):
            return found
        tenant, actor = found
        return run_owner_tool(request, session, tenant, actor, tool, args, confirm=confirm, exists=exists)


def authenticated(request: Request, session: Any) -> tuple[Tenant, str] | JSONResponse:
    """The tenant of the request's owner token and the actor to audit, or the 401 to answer."""
    token = _token(request)
    if not token:
        return problem(401, "unauthorized", "send Authorization: Bearer <owner token>")
    tenant = tenant_store.owner_tenant_for_token(session=session, token=token)
    if tenant is None:
        return problem(401, "unauthorized", "this owner token is not valid")
    return tenant, "token:" + hashlib.sha256(token.encode()).hexdigest()[:10]


def run_owner_tool(
    request: Request,
    session: Any,
    tenant: Tenant,
    actor: str,
    tool: str,
    args: dict[str, Any],
    *,
    confirm: bool = False,
    exists: tuple[str, str] | None = None,
) -> JSONResponse:
    """Run one owner tool for an authenticated tenant and commit: the API's and the console's one path
    (same validation, confirmation, audit log as a chat command); problem+json naming the field otherwise."""
    if exists and partnership_store.get_by_ref(session=session, tenant_id=tenant.id, ref=exists[1]) is None:
        return problem(404, "not_found", f"there is no partnership {exists[1]!r}", field=exists[0])
    ctx = ToolContext(
        session=session,
        tenant_id=tenant.id,
        handle=tenant.handle,
        timezone=tenant.timezone or DEFAULT_TIMEZONE,
        role=OWNER,
        channel="api",
        actor=actor,
        now=_now(request),
        services=_services(request),
        languages=tuple(tenant.languages or ()),
    )
    spec = REGISTRY.get(tool)
    if spec is None:
        return problem(400, "unknown_tool", f"no tool named {tool!r}")
    try:
        validated = validate_args(spec, args)
    except ToolError as exc:
        return problem(422, "invalid", exc.reason, field=exc.field)
    try:
        description = spec.confirm(ctx, validated) if spec.confirm else None
        if description and not confirm:
            return problem(409, "confirmation_required", description, confirm=description)
        result = REGISTRY.run(tool, args, ctx)
    except DataError:  # a value the database cannot hold (an id past its integer range, say)
        session.rollback()
        return problem(422, "invalid", "a value is out of range", field="body")
    if not result.ok:
        session.rollback()
        error = result.error or {}
        code = error.get("code", "invalid")
        return problem(_STATUS.get(code, 422), code, error.get("reason", "failed"), field=error.get("field"))
    session.commit()
    if writes_data(tool):  # every process's cached catalog and persona
        revisions.bump(request.app.state.db.redis, tenant.id)
    created = isinstance(result.data, dict) and result.data.get("created")
    return JSONResponse(result.data, status_code=201 if created else 200)


def _now(request: Request) -> Any:
    clock = (getattr(request.app.state, "overrides", None) or {}).get("clock")
    return clock() if clock else utcnow()


async def read_body(request: Request) -> dict[str, Any] | JSONResponse:
    """The request's JSON object, cleaned like every input; a problem naming `body` otherwise."""
    try:
        body = clean_json(await request.json())
    except TooDeep as exc:
        return problem(422, "invalid", f"the body is {exc}", field="body")
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's own limit
        return problem(422, "invalid", "the body must be a JSON object", field="body")
    if not isinstance(body, dict):
        return problem(422, "invalid", "the body must be a JSON object")
    return body


def _query(request: Request, *names: str) -> dict[str, Any]:
    cleaned = {k: clean_text(v) for k, v in request.query_params.items() if k in names}
    return {k: v for k, v in cleaned.items() if v != ""}


def confirmed(request: Request) -> bool:
    return request.query_params.get("confirm", "").lower() in ("1", "true", "yes")


async def _write(
    request: Request, tool: str, extra: dict[str, Any] | None = None, exists: tuple[str, str] | None = None
) -> JSONResponse:
    body = await read_body(request)
    if isinstance(body, JSONResponse):
        return body
    if extra and any(k in body and body[k] != v for k, v in extra.items()):
        key = next(k for k in extra if k in body)
        return problem(422, "invalid", "the path names what to change; leave it out of the body", field=key)
    args = {**body, **(extra or {})}
    return await run_in_threadpool(_call, request, tool, args, confirm=confirmed(request), exists=exists)


async def _read(request: Request, tool: str, *names: str) -> JSONResponse:
    return await run_in_threadpool(_call, request, tool, _query(request, *names))


@router.get("/partnerships")
async def list_partnerships(request: Request) -> JSONResponse:
    """Partnerships: ?status=lead|...|open, ?brand=, ?open=true."""
    return await _read(request, "list_partnerships", "status", "brand", "open")


@router.post("/partnerships", status_code=201)
async def create_partnership(request: Request) -> JSONResponse:
    """Add a partnership (create_partnership arguments as the JSON body)."""
    return await _write(request, "create_partnership")


@router.patch("/partnerships/{ref}")
async def update_partnership(ref: str, request: Request) -> JSONResponse:
    """Change a partnership by ref (update_partnership arguments); cancelling needs ?confirm=true."""
    return await _write(request, "update_partnership", {"partnership": ref}, exists=("partnership", ref))


@router.get("/tasks")
async def list_tasks(request: Request) -> JSONResponse:
    """Tasks: ?when=today|week|overdue|upcoming|all, ?date=, ?status=, ?partnership=."""
    return await _read(request, "list_tasks", "when", "date", "status", "partnership")


@router.post("/tasks", status_code=201)
async def create_task(request: Request) -> JSONResponse:
    """Add a task (create_task arguments as the JSON body)."""
    return await _write(request, "create_task")


@router.patch("/tasks/{task_id}")
async def update_task(request: Request, task_id: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """Change a task by id (update_task arguments); cancelling needs ?confirm=true."""
    return await _write(request, "update_task", {"task": task_id})


@router.get("/coupons")
async def list_coupons(request: Request) -> JSONResponse:
    """Coupons: ?partnership=, ?active=true|false."""
    return await _read(request, "list_coupons", "partnership", "active")


@router.post("/coupons", status_code=201)
async def create_coupon(request: Request) -> JSONResponse:
    """Add a coupon (create_coupon arguments as the JSON body)."""
    return await _write(request, "create_coupon")


@router.patch("/coupons/{code}")
async def update_coupon(code: str, request: Request) -> JSONResponse:
    """Change a coupon by code (update_coupon arguments); deactivating needs ?confirm=true."""
    return await _write(request, "update_coupon", {"code": code})


@router.get("/invoices")
async def list_invoices(request: Request) -> JSONResponse:
    """Invoices: ?status=unpaid|overdue|draft|sent|paid|cancelled|all, ?partnership=."""
    return await _read(request, "list_invoices", "status", "partnership")


@router.post("/invoices", status_code=201)
async def create_invoice(request: Request) -> JSONResponse:
    """Add an invoice with the next number (create_invoice arguments as the JSON body)."""
    return await _write(request, "create_invoice")


@router.patch("/invoices/{number}")
async def update_invoice(number: str, request: Request) -> JSONResponse:
    """Change an invoice by number; paid, cancelled and a new amount need ?confirm=true."""
    return await _write(request, "update_invoice", {"number": number})


@router.get("/stats/coupons")
async def coupon_stats(request: Request) -> JSONResponse:
    """Coupon figures: ?code=, ?partnership=, ?period=, ?date_from=, ?date_to=."""
    return await _read(request, "coupon_stats", "code", "partnership", "period", "date_from", "date_to")


@router.get("/stats/conversations")
async def conversation_stats(request: Request) -> JSONResponse:
    """Conversation figures: ?period=."""
    return await _read(request, "conversation_stats", "period")


@router.get("/digest")
async def daily_digest(request: Request) -> JSONResponse:
    """The daily digest: ?date=."""
    return await _read(request, "daily_digest", "date")


@router.get("/rules")
async def list_rules(request: Request) -> JSONResponse:
    """Reminder and follow-up rules: trigger, days, on/off (the defaults until changed)."""
    return await _read(request, "list_rules")


@router.patch("/rules/{trigger}")
async def set_rule(trigger: str, request: Request) -> JSONResponse:
    """Change one rule: {"days": 0-60, "hours", "active", "repeat": none|daily|weekly,
    "channel": whatsapp|web|all, "template": "...{placeholder}...", "threshold"}."""
    return await _write(request, "set_rule", {"trigger": trigger})


@router.put("/settings/follower-limits")
async def set_follower_limits(request: Request) -> JSONResponse:
    """Quiet hours and the weekly cap of follower messages: {"quiet_from", "quiet_until", "weekly"}."""
    return await _write(request, "set_follower_limits")


@router.put("/settings/retention")
async def set_retention(request: Request) -> JSONResponse:
    """How long message contents are kept: {"days": 1-3650 | null}."""
    return await _write(request, "set_retention")


@router.get("/model-usage")
async def model_usage(request: Request) -> JSONResponse:
    """The model's calls, tokens and fallbacks for ?month=YYYY-MM (this month by default), with the budget."""
    return await _read(request, "model_usage", "month")


@router.put("/settings/model-budget")
async def set_model_budget(request: Request) -> JSONResponse:
    """The monthly token budget: {"soft": n, "hard": n} (over soft: short replies; over hard: offline only)."""
    return await _write(request, "set_model_budget")


async def brief_body(request: Request) -> dict[str, Any] | JSONResponse:
    """A brief's tool arguments from a request (the API's and the console's): JSON {"text", "brand"?, "fee"?,
    "currency"?, "start_date"?, "end_date"?} or the file as the body (application/pdf, a .docx,
    message/rfc822, text/plain; ?filename=), refused from its Content-Length over the limit before it is
    read; a file with no text answers problem+json naming `file`."""
    from knowledge.briefs.files import MAX_BYTES, BriefFileError, text_of

    kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if kind in ("application/json", ""):
        return await read_body(request)
    size = request.headers.get("content-length")
    if size and size.isdigit() and int(size) > MAX_BYTES:
        return problem(413, "too_large", f"briefs up to {MAX_BYTES // (1024 * 1024)} MB are read", field="file")
    data = await request.body()
    try:
        return {"text": clean_text(text_of(data, request.query_params.get("filename") or ""))}
    except BriefFileError as exc:
        return problem(413 if exc.code == "too_large" else 422, exc.code, exc.reason, field="file")


@router.post("/briefs")
async def brief(request: Request) -> JSONResponse:
    """A brief (see brief_body). Without ?confirm=true: what was read and the proposal, nothing written;
    with it: created."""
    body = await brief_body(request)
    if isinstance(body, JSONResponse):
        return body
    tool = "create_from_brief" if confirmed(request) else "read_brief"
    return await run_in_threadpool(_call, request, tool, body, confirm=confirmed(request))


@router.get("/brand-notes")
async def list_brand_notes(request: Request) -> JSONResponse:
    """Brand communications: ?partnership= (ref or brand), ?status=open|closed|all (default open)."""
    return await _read(request, "list_brand_notes", "partnership", "status")


@router.post("/brand-notes", status_code=201)
async def log_brand_note(request: Request) -> JSONResponse:
    """Log one: {"partnership", "text", "kind"?: financial|legal|issue|creative|other (else from the words)}."""
    return await _write(request, "log_brand_note")


@router.post("/brand-notes/{number}/close")
async def close_brand_note(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """Close item #number."""
    return await run_in_threadpool(_call, request, "close_brand_note", {"note": number})


@router.get("/inbox")
async def inbox(request: Request) -> JSONResponse:
    """Follower conversations waiting for a human or held by one: number, channel, last message, how long."""
    return await _read(request, "list_waiting")


@router.get("/conversations")
async def list_conversations(request: Request) -> JSONResponse:
    """Follower conversations: ?state=waiting|human|bot|closed|all (default all), ?limit= (1-200)."""
    return await _read(request, "list_conversations", "state", "limit")


@router.get("/conversations/{number}")
async def show_conversation(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """The last messages of conversation #number (masked): ?limit= (1-200, default 8)."""
    return await run_in_threadpool(_call, request, "show_conversation",
                                   {**_query(request, "limit"), "number": number})


@router.post("/conversations/{number}/reply")
async def reply_to_follower(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """Send {"text": ...} to the follower of conversation #number on their channel; the bot stays quiet."""
    return await _write(request, "reply_to_follower", {"number": number})


@router.post("/conversations/{number}/hand-back")
async def hand_back(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """Give conversation #number back to the bot (the follower is told)."""
    return await run_in_threadpool(_call, request, "hand_back", {"number": number})


@router.get("/issues")
async def list_issues(request: Request) -> JSONResponse:
    """Support issues: ?status=open|closed|all (default open), ?limit= (1-200)."""
    return await _read(request, "list_issues", "status", "limit")


@router.get("/conversations/{number}/export")
async def export_follower(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """What is held about the follower of conversation #number (their data request), as JSON."""
    return await run_in_threadpool(_call, request, "export_follower_data", {"number": number})


@router.post("/conversations/{number}/erase")
async def erase_follower(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """Erase the follower of conversation #number (their erasure request); needs ?confirm=true."""
    return await run_in_threadpool(_call, request, "erase_follower_data", {"number": number},
                                   confirm=confirmed(request))


@router.post("/issues/{number}/close")
async def close_issue(request: Request, number: int = Path(ge=1, le=_MAX_ID)) -> JSONResponse:
    """Close support issue #number; {"note": ...} says how it was resolved (the follower is told)."""
    return await _write(request, "close_issue", {"number": number})
