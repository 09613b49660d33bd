"""Replies for the owner's money tools: what she earned in a period, a redemptions upload, who saw and
copied her codes (follower or not) in the coupon figures, a collaboration's profit, what sells best."""

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
    if data.get("commissions"):
        lines.append(_t(r.lang, f"עמלות על המכירות: {_amounts(r, data['commissions'])}",
                        f"commissions on those sales: {_amounts(r, data['commissions'])}"))
    return {"headline": head, "lines": lines}


def _profit_lines(r: Any, p: dict[str, Any]) -> list[str]:
    lines = []
    if p.get("fee"):
        lines.append(_t(r.lang, f"תמורה: {_amounts(r, p['fee'])}", f"fee: {_amounts(r, p['fee'])}"))
    if p.get("commission"):
        commission, sales = _amounts(r, p["commission"]), _amounts(r, p["sales"])
        lines.append(_t(r.lang, f"עמלה: {commission} על {p['orders']} הזמנות ({sales})",
                        f"commission: {commission} on {p['orders']} orders ({sales})"))
    for cost in p.get("costs") or []:
        lines.append(_t(r.lang, f"עלות ({cost['label']}): -{money(cost['amount'], cost['currency'], r.lang)}",
                        f"cost ({cost['label']}): -{money(cost['amount'], cost['currency'], r.lang)}"))
    for code in p.get("codes") or []:
        if code["orders"]:
            lines.append(f"{code['code']}: {code['orders']} " + _t(r.lang, "הזמנות", "orders") + " · "
                         + _amounts(r, code["sales"]) + (f" → {_amounts(r, code['commission'])}"
                                                         if code.get("commission") else ""))
    return lines


def _profit(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    found = data.get("partnerships") or []
    if len(found) == 1:
        p = found[0]
        return {"headline": _t(r.lang, f"הרווח מ{p['brand']}: {_amounts(r, p['profit'])}",
                               f"Profit on {p['brand']}: {_amounts(r, p['profit'])}"), "lines": _profit_lines(r, p)}
    lines = [f"{p['brand']}: {_amounts(r, p['profit'])}" for p in sorted(
        found, key=lambda x: -sum(float(a["amount"]) for a in x["profit"])) if p["profit"]]
    return {"headline": _t(r.lang, f"הרווח מכל שיתופי הפעולה: {_amounts(r, data.get('profit') or [])}",
                           f"Profit across your collaborations: {_amounts(r, data.get('profit') or [])}"),
            "lines": lines}


def _top_products(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    of = data.get("of")
    products = data.get("products") or []
    if not products:
        return {"headline": _t(r.lang, f"אין עדיין הזמנות עם מוצרים{' דרך ' + of if of else ''}.",
                               f"No orders with products yet{' with ' + of if of else ''}."), "lines": []}
    head = _t(r.lang, f"הכי נמכר{' עם ' + of if of else ''}:", f"Sells best{' with ' + of if of else ''}:")
    return {"headline": head,
            "lines": [f"{p['name']} · {p['orders']} " + _t(r.lang, "הזמנות", "orders") for p in products]}


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


_STATUS_HE = {"paid": "שולמה", "sent": "נשלחה", "draft": "טיוטה", "overdue": "באיחור", "cancelled": "בוטלה"}
_STAGE_HE = {"lead": "ליד", "proposal": "הצעה", "negotiation": "משא ומתן", "contract": "חוזה", "active": "פעיל",
             "completed": "הושלם", "cancelled": "בוטל"}


def _summary(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    p, d, c, m = data["partnership"], data["deliverables"], data["codes"], data["money"]
    lines = [_t(r.lang, f"תוצרים: {d['done']}/{d['tasks']} משימות הושלמו · הובטח: {', '.join(d['promised']) or '-'}",
                f"deliverables: {d['done']}/{d['tasks']} tasks done · promised: {', '.join(d['promised']) or '-'}")]
    revenue = money(c["revenue"], c.get("currency") or "ILS", r.lang)
    score = f" · {_t(r.lang, 'שביעות רצון', 'satisfaction')} {c['satisfaction']}/5" if c.get("satisfaction") else ""
    lines.append(_t(r.lang, f"קודים: {c['shown']} הוצגו · {c['link_clicks']} קליקים · {c['copies']} העתקות · "
                            f"{c['redemptions']} מימושים · {revenue}{score}",
                    f"codes: {c['shown']} shown · {c['link_clicks']} clicks · {c['copies']} copies · "
                    f"{c['redemptions']} redemptions · {revenue}{score}"))
    lines += [f"{x['code']}: {x['redemptions']} · {money(x['revenue'], c.get('currency') or 'ILS', r.lang)}"
              for x in c.get("per_code") or [] if x["redemptions"]]
    lines.append(_t(r.lang, f"תמורה {_amounts(r, m['fee'])} · עמלה {_amounts(r, m['commission'])} · רווח "
                            f"{_amounts(r, m['profit'])}",
                    f"fee {_amounts(r, m['fee'])} · commission {_amounts(r, m['commission'])} · profit "
                    f"{_amounts(r, m['profit'])}"))
    for i in data.get("invoices") or []:
        status = _STATUS_HE.get(i["status"], i["status"]) if r.lang == "he" else i["status"]
        lines.append(_t(r.lang, "חשבונית", "invoice") + f" {i['number']}: {money(i['amount'], i['currency'], r.lang)}"
                     f" · {status}")
    if d["open"]:
        lines.append(_t(r.lang, "עוד פתוח: ", "still open: ") + "; ".join(d["open"][:3]))
    lines.append(_t(r.lang, "המספרים טובים: כדאי להציע להם להמשיך 🙌", "The numbers were good: worth offering to "
                                                                  "continue 🙌") if data.get("renew") else
                 _t(r.lang, "המספרים צנועים: כדאי לבדוק מה לשנות לפני חידוש.",
                    "Modest numbers: worth seeing what to change before renewing."))
    stage = _STAGE_HE.get(p["status"], p["status"])
    return {"headline": _t(r.lang, f"סיכום {p['brand']} ({stage})", f"Summary of {p['brand']} ({p['status']})"),
            "lines": lines}


def _payment_request(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    i = data.get("invoice") or {}
    total = money(i.get("total"), i.get("currency") or "ILS", r.lang)
    lines = [str(data["link"])] if data.get("link") else []
    lines.append(_t(r.lang, "טיוטה למותג, לאשר ולשלוח (ואז: \"סמני את {n} כנשלחה\"):",
                    "A draft for the brand to approve and send (then: \"mark {n} sent\"):").format(n=i.get("number")))
    lines.append(str(data.get("draft") or ""))
    return {"headline": _t(r.lang, f"דרישת תשלום {i.get('number')} ל{i.get('brand')}: {total} כולל מע\"מ",
                           f"Payment request {i.get('number')} for {i.get('brand')}: {total} incl. VAT"),
            "lines": lines}


def _receipt(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    i = data.get("invoice") or {}
    total = money(i.get("total"), i.get("currency") or "ILS", r.lang)
    return {"headline": _t(r.lang, f"קבלה על חשבונית {i.get('number')} ({i.get('brand')}, {total}) 🧾",
                           f"The receipt for invoice {i.get('number')} ({i.get('brand')}, {total}) 🧾"),
            "lines": [str(data["link"])] if data.get("link") else []}


def _report(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    f = data.get("funnel") or {}
    lines = [str(data["link"])] if data.get("link") else []
    lines.append(_t(r.lang, f"{f.get('shown', 0)} הוצגו → {f.get('link_clicks', 0)} קליקים → {f.get('copies', 0)} "
                            f"העתקות → {f.get('redemptions', 0)} מימושים",
                    f"{f.get('shown', 0)} shown → {f.get('link_clicks', 0)} clicks → {f.get('copies', 0)} copies → "
                    f"{f.get('redemptions', 0)} redemptions"))
    last = (data.get("earnings") or [{}])[-1]
    if last:
        lines.append(_t(r.lang, f"נכנסו {money(last.get('paid', 0), data.get('currency') or 'ILS', r.lang)} + עמלות "
                                f"{money(last.get('commissions', 0), data.get('currency') or 'ILS', r.lang)}",
                        f"paid in {money(last.get('paid', 0), data.get('currency') or 'ILS', r.lang)} + commissions "
                        f"{money(last.get('commissions', 0), data.get('currency') or 'ILS', r.lang)}"))
    return {"headline": _t(r.lang, f"הדוח של {data.get('month')} עם הגרפים 📊", f"Your report for {data.get('month')}"
                                                                             f", with charts 📊"), "lines": lines}


MONEY_RENDERERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "earnings": _earnings,
    "record_redemptions": _recorded,
    "profit": _profit,
    "top_products": _top_products,
    "project_summary": _summary,
    "payment_request": _payment_request,
    "receipt": _receipt,
    "monthly_report": _report,
}
