"""Payment requests and receipts to open or forward (issue 13): `/documents/{token}` answers the PDF of an
invoice, made from the database when opened. The token is sealed (encrypted and authenticated with the
server's key) and names the influencer, the invoice and the kind, and expires after 30 days: it can be
forwarded to a brand, not guessed or altered. The owner API serves the same PDFs behind its token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from channels._sealed import Unsealable, seal, unseal
from store import tenants as tenant_store
from store.records import DEFAULT_TIMEZONE, utcnow
from tools.payment_docs import document_pdf
from tools.registry import OWNER, ToolContext, ToolError

__all__ = ["router", "document_link", "pdf_response"]

router = APIRouter(tags=["documents"])
LIFETIME = dt.timedelta(days=30)
_GONE = HTMLResponse("<!doctype html><meta charset=utf-8><title>Document</title><p>This link is not valid any "
                     "more. Ask for a new one.</p>", status_code=404)


def document_link(base: str, *, tenant_id: int, number: str, kind: str, language: str | None = None) -> str:
    """A link to an invoice's payment request or receipt (the `document_link` service)."""
    expires = int((utcnow() + LIFETIME).timestamp())
    ref = {"t": tenant_id, "n": number, "k": kind, "e": expires, "l": language}
    return f"{base.rstrip('/')}/documents/{seal(ref)}"


def pdf_response(data: bytes, name: str) -> Response:
    """A PDF shown in the browser, saved under `name`."""
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


def _open(db: Any, token: str) -> Response:
    try:
        ref = unseal(token)
    except Unsealable:
        return _GONE
    if int(ref.get("e") or 0) < utcnow().timestamp() or ref.get("k") not in ("request", "receipt"):
        return _GONE
    with db.session(tenant_id=int(ref["t"])) as session:
        tenant = tenant_store.get(session=session, tenant_id=int(ref["t"]))
        if tenant is None:
            return _GONE
        ctx = ToolContext(session=session, tenant_id=tenant.id, handle=tenant.handle,
                          timezone=tenant.timezone or DEFAULT_TIMEZONE, role=OWNER, channel="web",
                          actor="document-link", now=utcnow())
        try:
            data = document_pdf(ctx, str(ref["n"]), ref["k"], ref.get("l") if ref.get("l") in ("he", "en") else None)
        except ToolError:
            return _GONE
    return pdf_response(data, f"{'payment-request' if ref['k'] == 'request' else 'receipt'}-{ref['n']}.pdf")


@router.get("/documents/{token}", include_in_schema=False)
async def open_document(request: Request, token: str) -> Response:
    """The PDF a sealed link names."""
    if len(token) > 600:
        return _GONE
    return await run_in_threadpool(_open, request.app.state.db, token)
