"""Payment requests and receipts to open or forward (issue 13): `/documents/{token}` answers the PDF of an
invoice, made from the database when opened. The token is sealed (encrypted and authenticated with the
server's key) and names the influencer, the invoice and the kind, and expires after 30 days: it can be
forwarded to a brand, not guessed or altered. The owner API serves the same PDFs behind its token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from channels._owner_links import opened, owner_context, sealed_link
from tools.payment_docs import document_pdf
from tools.registry import ToolError

__all__ = ["router", "document_link", "pdf_response"]

router = APIRouter(tags=["documents"])
_GONE = HTMLResponse("<!doctype html><meta charset=utf-8><title>Document</title><p>This link is not valid any "
                     "more. Ask for a new one.</p>", status_code=404)


def document_link(base: str, *, tenant_id: int, number: str, kind: str, language: str | None = None) -> str:
    """A link to an invoice's payment request or receipt (the `document_link` service)."""
    return sealed_link(base, "documents", {"t": tenant_id, "n": number, "k": kind, "l": language})


def pdf_response(data: bytes, name: str) -> Response:
    """A PDF shown in the browser, saved under `name`."""
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


def _open(db: Any, token: str) -> Response:
    ref = opened(token)
    if ref is None or ref.get("k") not in ("request", "receipt"):
        return _GONE
    with owner_context(db, ref["t"], "document-link") as ctx:
        if ctx is None:
            return _GONE
        try:
            data = document_pdf(ctx, str(ref["n"]), ref["k"], ref.get("l") if ref.get("l") in ("he", "en") else None)
        except ToolError:
            return _GONE
    return pdf_response(data, f"{'payment-request' if ref['k'] == 'request' else 'receipt'}-{ref['n']}.pdf")


@router.get("/documents/{token}", include_in_schema=False)
async def open_document(request: Request, token: str) -> Response:
    """The PDF a sealed link names."""
    return await run_in_threadpool(_open, request.app.state.db, token)
