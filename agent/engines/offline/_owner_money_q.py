"""Owner questions about money: "how much did I earn this month / in October?", "כמה הרווחתי החודש?",
"what's my profit on Stride?", "what sells best with HYDRA10?", "summary of the Hydra project".
Vocabulary in data/owner_money.yaml. Private to agent.engines.offline.owner_commands."""

from __future__ import annotations

import re
from typing import Any

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import OwnerCommand, _command
from agent.engines.offline._owner_words import TASK_WORD
from agent.engines.offline.vocabulary import load, regex

__all__ = ["earnings_command", "profit_command", "document_command"]

_NUMBER = re.compile(r"(?<![\d.,/:\w])(\d{2,10})(?![\d.,/:\w%])")

_FILE = "owner_money"


def document_command(msg: Message) -> OwnerCommand | None:
    """A payment request or a receipt for an invoice ("send the payment request for 4102 to Stride")."""
    low = msg.low
    if msg.has(TASK_WORD):  # "add a task: send Stride the payment request" stays a task
        return None
    if regex(_FILE, "REPORT").search(low) and not msg.brand()[0] and not msg.codes:
        return _command(msg, "monthly_report", {**_month_named(low), "language": msg.lang}, confidence=0.9)
    tool = ("payment_request" if regex(_FILE, "PAYMENT_REQUEST").search(low)
            else "receipt" if regex(_FILE, "RECEIPT").search(low) else None)
    if tool is None:
        return None
    found = msg.invoice_no.group(1) if msg.invoice_no else None
    if found is None:
        bare = _NUMBER.search(low)
        found = bare.group(1) if bare else None
    if found is None:
        return _command(msg, tool, {}, [("number", "number", ())])
    return _command(msg, tool, {"number": found, "language": msg.lang}, confidence=0.9)


def profit_command(msg: Message) -> OwnerCommand | None:
    """A profit question (a brand's, or every one's) or what sells best with a code or brand, or None."""
    low = msg.low
    if msg.has(TASK_WORD):  # "add task prepare the KitchenPro summary": a task about one, not the question
        return None
    brand = msg.brand()[0]
    if brand and regex(_FILE, "SUMMARY").search(low):
        return _command(msg, "project_summary", {"partnership": brand}, confidence=0.9)
    if regex(_FILE, "TOP_PRODUCTS").search(low):
        args: dict[str, Any] = {"code": msg.codes[0][0]} if msg.codes else ({"partnership": brand} if brand else {})
        return _command(msg, "top_products", args, confidence=0.9)
    if regex(_FILE, "PROFIT").search(low):
        return _command(msg, "profit", {"partnership": brand} if brand else {}, confidence=0.9)
    return None


def _month_named(low: str) -> dict[str, Any]:
    months = load(_FILE)["MONTHS"]
    named = next((int(n) for word, n in months.items()
                  if re.search(rf"(?:^|[\s,.?!]|ב|ל){re.escape(str(word))}(?=$|[\s,.?!])", low)), None)
    return {"month": named} if named else {}


def earnings_command(msg: Message) -> OwnerCommand | None:
    """The earnings question the message asks, or None."""
    low = msg.low
    if not regex(_FILE, "EARNINGS").search(low) or regex(_FILE, "NOT_EARNINGS").search(low) or msg.codes:
        return None
    if msg.brand()[0]:  # "how much revenue did Olivia bring?": that brand's codes, not her earnings
        return None
    args: dict[str, Any] = _month_named(low)
    if not args:  # a named month wins; else the first period the words name
        period = next((p for key, p in (("LAST_MONTH", "last_month"), ("THIS_WEEK", "week"), ("THIS_YEAR", "year"),
                                        ("ALL_TIME", "all")) if regex(_FILE, key).search(low)), None)
        args = {"period": period} if period else {}
    return _command(msg, "earnings", args, confidence=0.9)
