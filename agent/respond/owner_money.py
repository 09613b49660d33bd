"""Replies for the owner's money tools: what she earned in a period, a redemptions upload, and who saw and
copied her codes (follower or not) in the coupon figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.respond.format import money

__all__ = ["MONEY_RENDERERS", "audience_lines"]

_PERIODS = {"month": ("החודש", "this month"), "last_month": ("בחודש שעבר", "last month"),
            "week": ("השבוע", "this week"), "year": ("השנה", "this year"), "all": ("עד היום", "so far")}
_MONTHS_HE = ("ינואר", "פברואר", "מרץ", "אפריל", "מאי", "יוני", "יולי", "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר",
              "דצמבר")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def _t(language: str, he: str, en: str) -> str:
    return he if language == "he" else en


def _amounts(r: Any, rows: list[dict[str, Any]]) -> str:
    return " + ".join(money(x["amount"], x["currency"], r.lang) for x in rows) if rows else money(0, "ILS", r.lang)


def _when(r: Any, period: dict[str, Any]) -> str:
    name = str(period.get("name") or "month")
    if name in _PERIODS:
        return _t(r.lang, *_PERIODS[name])
    month = name.split(" ")[0]
    if month in _MONTHS_EN:  # "October 2026"
        he = f"ב{_MONTHS_HE[_MONTHS_EN.index(month)]} {name.split(' ')[-1]}"
        return _t(r.lang, he, f"in {name}")
    return name


def _earnings(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    when = _when(r, data.get("period") or {})
    paid = data.get("paid") or []
    head = _t(r.lang, f"{when}: נכנסו {_amounts(r, paid)}",
              f"{when[:1].upper()}{when[1:]}: {_amounts(r, paid)} paid in")
    lines = []
    if paid:
        lines.append(_t(r.lang, f"כולל מע\"מ {_amounts(r, data.get('paid_with_vat') or [])} · חשבוניות "
                                f"{', '.join(data.get('paid_invoices') or [])}",
                        f"with VAT {_amounts(r, data.get('paid_with_vat') or [])} · invoices "
                        f"{', '.join(data.get('paid_invoices') or [])}"))
    else:
        lines.append(_t(r.lang, "לא שולמה אף חשבונית בתקופה הזו.", "No invoice was paid in that period."))
    if data.get("unpaid"):
        lines.append(_t(r.lang, f"עוד לא שולם: {_amounts(r, data['unpaid'])} ({', '.join(data['unpaid_invoices'])})",
                        f"still unpaid: {_amounts(r, data['unpaid'])} ({', '.join(data['unpaid_invoices'])})"))
    if data.get("code_orders"):
        lines.append(_t(r.lang, f"מכירות דרך הקודים שלך: {_amounts(r, data['code_sales'])} ב-{data['code_orders']} "
                                "הזמנות", f"sales through your codes: {_amounts(r, data['code_sales'])} in "
                                          f"{data['code_orders']} orders"))
    return {"headline": head, "lines": lines}


def _recorded(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    refused = data.get("refused") or []
    head = _t(r.lang, f"נרשמו {data.get('created', 0)} הזמנות חדשות ({data.get('already_there', 0)} כבר היו)",
              f"Recorded {data.get('created', 0)} new orders ({data.get('already_there', 0)} already there)")
    lines = [f"#{x['index']} {x.get('field') or ''}: {x['reason']}" for x in refused[:10]]
    return {"headline": head, "lines": lines}


def audience_lines(r: Any, audience: dict[str, dict[str, int]]) -> list[str]:
    """"saw a code: 3 followers · 1 not following · 5 didn't say", once any of them answered."""
    out = []
    for kind, he, en in (("shown", "ראו קוד", "saw a code"), ("copied", "העתיקו", "copied")):
        split = audience.get(kind) or {}
        if split.get("follower") or split.get("not_follower"):
            out.append(_t(r.lang, f"{he}: {split.get('follower', 0)} עוקבים · {split.get('not_follower', 0)} לא עוקבים"
                                  f" · {split.get('unknown', 0)} לא ענו",
                          f"{en}: {split.get('follower', 0)} follower{'' if split.get('follower') == 1 else 's'}"
                          f" · {split.get('not_follower', 0)} not following"
                          f" · {split.get('unknown', 0)} didn't say"))
    return out


MONEY_RENDERERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "earnings": _earnings,
    "record_redemptions": _recorded,
}
