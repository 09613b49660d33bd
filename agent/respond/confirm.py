"""The sentence an owner confirms before a destructive change, in the owner's language (the tool's own
sentence is English): "לסמן את חשבונית 1042 (7,000.00 ILS, Olivia Oils) כשולמה"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from agent.respond.format import date, number

__all__ = ["confirm_text"]


def _aside(description: str) -> str:
    """The "(7,000.00 ILS, Olivia Oils)" part of a tool's confirmation sentence, if any."""
    match = re.search(r"\(([^()]{1,80})\)", description or "")
    return f" ({match.group(1)})" if match else ""


def confirm_text(pending: dict[str, Any], description: str, *, language: str, today: dt.date | None) -> str:
    """The change to confirm in the owner's language (the tool's own sentence is English)."""
    if language != "he":
        return description
    tool, args = pending.get("tool"), dict(pending.get("args") or {})
    if tool == "create_from_brief":  # the proposal is written in the brief's own language
        return description
    if tool == "erase_my_data":
        return "למחוק לצמיתות את הפרטים שלך ואת ההודעות של השיחות שלנו"
    aside = _aside(description)
    if tool == "update_invoice":
        number_ = args.get("number")
        if args.get("status") == "paid":
            when = f" ב-{date(args['paid_at'], 'he', today=today)}" if args.get("paid_at") else ""
            return f"לסמן את חשבונית {number_}{aside} כשולמה{when}"
        if args.get("status") == "cancelled":
            return f"לבטל את חשבונית {number_}{aside}"
        if args.get("amount") is not None:
            return f"לשנות את הסכום של חשבונית {number_}{aside} ל-{number(args['amount'])}"
    if tool == "update_coupon" and args.get("active") is False:
        return f"להשבית את הקוד {args.get('code')}{aside}, כך שעוקבים לא יקבלו אותו יותר"
    if tool == "update_partnership" and args.get("status") == "cancelled":
        return f"לבטל את שיתוף הפעולה עם {args.get('partnership')}{aside}"
    if tool == "update_task" and args.get("status") == "cancelled":
        return f'לבטל את המשימה "{args.get("task")}"'
    return f"לאשר את השינוי: {description}"
