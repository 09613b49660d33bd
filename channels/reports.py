"""The month's report page (issue 13): `/reports/{token}` shows the coupon funnel and six months of
earnings as charts (matplotlib SVG inline) with the figures beside them, in her language, right to left
in Hebrew. The token is sealed (influencer, month, language, 30 days) like the document links; the page is
made from the database when opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from channels._charts import earnings_svg, funnel_svg
from channels._owner_links import opened, owner_context, sealed_link
from tools.registry import ToolError
from tools.report import report_data

__all__ = ["router", "report_link"]

router = APIRouter(tags=["reports"])
_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())
_GONE = HTMLResponse("<!doctype html><meta charset=utf-8><title>Report</title><p>This link is not valid any "
                     "more. Ask for a new one.</p>", status_code=404)
_WORDS: dict[str, dict[str, Any]] = {
    "he": {"title": "הדוח של {month}", "sub": "@{handle} · הקודים שלך ומה נכנס", "funnel": "מהקוד ועד ההזמנה",
           "steps": ("הוצג", "קליקים", "העתקות", "מימושים", "מימושים אחרי קליק או העתקה"), "revenue": "מכירות",
           "earnings": "הכנסות לפי חודש", "paid": "חשבוניות ששולמו", "commissions": "עמלות", "month": "חודש",
           "orders": "הזמנות"},
    "en": {"title": "Your report for {month}", "sub": "@{handle} · your codes and what came in",
           "funnel": "From code to order", "steps": ("shown", "clicked", "copied", "redeemed",
                                                     "redeemed after a click or copy"),
           "revenue": "sales", "earnings": "Earnings by month", "paid": "invoices paid", "commissions": "commissions",
           "month": "month", "orders": "orders"},
}


def report_link(base: str, *, tenant_id: int, year: int, month: int, language: str | None = None) -> str:
    """A link to a month's report (the `report_link` service)."""
    return sealed_link(base, "reports", {"t": tenant_id, "y": year, "m": month, "l": language})


def render_report(data: dict[str, Any], *, handle: str, lang: str) -> str:
    """The page for report data (tools.report.report_data)."""
    words = _WORDS[lang]
    funnel = list(zip(words["steps"], [data["funnel"][k] for k in (
        "shown", "link_clicks", "copies", "redemptions", "attributed_redemptions")], strict=True))
    rows = data["earnings"]
    rtl = lang == "he"
    return _ENV.get_template("report.html.j2").render(
        lang=lang, title=words["title"].format(month=data["month"]), subtitle=words["sub"].format(handle=handle),
        words=words, funnel=funnel, revenue=f"{float(data['revenue']):,.2f} {data['currency']}", earnings=rows,
        funnel_svg=funnel_svg(funnel, rtl=rtl),
        earnings_svg=earnings_svg([r["month"] for r in rows], [r["paid"] for r in rows],
                                  [r["commissions"] for r in rows], currency=data["currency"],
                                  labels=(words["paid"], words["commissions"]), rtl=rtl))


def _open(db: Any, token: str) -> Response:
    ref = opened(token)
    if ref is None:
        return _GONE
    with owner_context(db, ref["t"], "report-link") as ctx:
        if ctx is None:
            return _GONE
        try:
            data = report_data(ctx, int(ref["m"]), int(ref["y"]))
        except ToolError:
            return _GONE
        lang = ref.get("l") if ref.get("l") in ("he", "en") else (ctx.languages or ("he",))[0]
        html = render_report(data, handle=ctx.handle, lang=lang if lang in ("he", "en") else "en")
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@router.get("/reports/{token}", include_in_schema=False)
async def open_report(request: Request, token: str) -> Response:
    """The report page a sealed link names."""
    return await run_in_threadpool(_open, request.app.state.db, token)
