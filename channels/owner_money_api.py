"""The owner API's money routes (issue 13): orders in, earnings, profit, what sells, a collaboration's
summary, CSV exports and the payment request / receipt PDFs. Same token, validation and tools as the rest
of the owner API (channels.owner_api), under the same /owner/v1 prefix."""

from __future__ import annotations

import json

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from channels.owner_api import _call, _now, _read, _write, authenticated, problem
from store.records import DEFAULT_TIMEZONE
from tools.registry import OWNER, ToolContext, ToolError

__all__ = ["router"]

router = APIRouter(prefix="/owner/v1", tags=["owner"])


@router.post("/redemptions")
async def record_redemptions(request: Request) -> JSONResponse:
    """Orders made with her codes: {"redemptions": [{code, order_id, order_amount, currency, items, products,
    at}]}; idempotent on (code, order_id); answers created, already_there and each refusal's index and field."""
    return await _write(request, "record_redemptions")


@router.get("/earnings")
async def earnings(request: Request) -> JSONResponse:
    """What she earned: ?period=month|last_month|week|year|all or ?month=1-12&year=."""
    return await _read(request, "earnings", "period", "month", "year")


@router.get("/profit")
async def profit(request: Request) -> JSONResponse:
    """Profit per partnership (fee + commission - costs, per code too): ?partnership=&period=all|month|..."""
    return await _read(request, "profit", "partnership", "period")


@router.get("/export/{kind}.csv")
async def export_csv(request: Request, kind: str = Path(pattern="^(partnerships|coupons|invoices)$")) -> Response:
    """Her partnerships, coupons (with figures) or invoices as CSV (UTF-8 with a BOM)."""
    from tools.export_commands import to_csv

    answer = await run_in_threadpool(_call, request, "export_table", {"kind": kind})
    if answer.status_code != 200:
        return answer
    data = json.loads(bytes(answer.body))
    return Response(to_csv(data["columns"], data["rows"]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})


@router.get("/partnerships/{ref}/summary")
async def partnership_summary(request: Request, ref: str = Path(min_length=1, max_length=100)) -> JSONResponse:
    """A collaboration's summary: deliverables, code results, fee/profit, invoices, whether to renew."""
    return await run_in_threadpool(_call, request, "project_summary", {"partnership": ref})


def _pdf(request: Request, number: str, kind: str) -> Response:
    from channels.documents import pdf_response
    from store.tenancy import bind
    from tools.payment_docs import document_pdf

    with request.app.state.db.sessions() as session:
        found = authenticated(request, session)
        if isinstance(found, JSONResponse):
            return found
        tenant, actor = found
        bind(session, tenant.id)
        ctx = ToolContext(session=session, tenant_id=tenant.id, handle=tenant.handle,
                          timezone=tenant.timezone or DEFAULT_TIMEZONE, role=OWNER, channel="api", actor=actor,
                          now=_now(request))
        language = request.query_params.get("language")
        try:
            data = document_pdf(ctx, number, "request" if kind == "request" else "receipt",
                                language if language in ("he", "en") else None)
        except ToolError as exc:
            return problem(404 if exc.code == "not_found" else 409, exc.code or "invalid", exc.reason,
                           field=exc.field)
    return pdf_response(data, f"{'payment-request' if kind == 'request' else 'receipt'}-{number}.pdf")


@router.get("/invoices/{number}/payment-request.pdf")
async def payment_request_pdf(request: Request, number: str = Path(pattern=r"^[A-Za-z0-9/_-]{1,50}$")) -> Response:
    """An unpaid invoice's payment request as PDF (?language=he|en; default her first language)."""
    return await run_in_threadpool(_pdf, request, number, "request")


@router.get("/invoices/{number}/receipt.pdf")
async def receipt_pdf(request: Request, number: str = Path(pattern=r"^[A-Za-z0-9/_-]{1,50}$")) -> Response:
    """A paid invoice's receipt as PDF."""
    return await run_in_threadpool(_pdf, request, number, "receipt")


@router.get("/top-products")
async def top_products(request: Request) -> JSONResponse:
    """What sells best: ?code= or ?partnership=, ?period=, ?limit=."""
    return await _read(request, "top_products", "code", "partnership", "period", "limit")
