"""Owner commands about money and deals: coupon and conversation numbers, invoices, coupons, new
partnerships. Private to agent.engines.offline.owner_commands."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import (
    OwnerCommand,
    _brand_or_missing,
    _command,
    _first,
    _iso,
    _status_target,
)
from agent.engines.offline._owner_words import (
    CANCEL,
    CODE_WORD,
    COUNTED,
    COUNTED_OF,
    INVOICE_WORD,
    PERFORMING,
    PERIODS,
    SHOPPER,
    TASK_ONLY,
    TASK_WORD,
)


def _coupon_stats(msg: Message) -> OwnerCommand | None:
    about_codes = msg.codes or msg.has(CODE_WORD)
    stats = msg.has(
        r"\bstats?\b|statistic|\bnumbers\b|perform|conversion|convert|revenue|\bdoing\b|\bsales\b|"
        r"\bhow (?:did|does|is|was|are)\b|\bhow'?s\b|\bearn|\bmoney\b|"
        r"נתונים|נתוני|ביצועים|סטטיסטיק|המרה|הכנסות|מכירות|הכניס|הכניסו|כסף|רווח"
    )
    usage = msg.has(
        r"\bhow many\b.{0,40}\b(?:used|copied|redeemed|bought|ordered|purchased|sold)\b|"
        r"כמה\s+(?:\S+\s+){0,3}?(?:השתמשו|השתמש|העתיקו|מימשו|הזמינו|קנו|ניצלו|מומשו|מומש|נוצלו|הועתקו|הועתק|נקנו|"
        r"נמכרו|הוזמנו)(?=[\s?.!,]|$)"
    )
    # "How many orders / כמה הזמנות / how much revenue" counts what codes brought: stats, with a code, a
    # brand or neither (all codes). Not "how many orders can I place with it?" (a shopper's question).
    if msg.has(SHOPPER):
        return None
    named = msg.codes or msg.hits or msg.has(CODE_WORD)
    counted = msg.has(COUNTED) or (named and (msg.has(COUNTED_OF) or msg.has(PERFORMING)))
    if not ((about_codes and (stats or usage)) or counted):
        return None
    code = msg.codes[0][0] if msg.codes else None
    ref = None if code else msg.brand()[0]
    return _command(msg, "coupon_stats", {"code": code, "partnership": ref, "period": _first(msg, PERIODS)})


def _conversation_stats(msg: Message) -> OwnerCommand | None:
    if not msg.has(
        r"\bconversations?\b|\bchats?\b|שיחות|השיחות|פניות|הפניות|\bsupport issues?\b|\bissues\b|"
        r"\bhandoffs?\b|followers (?:are )?asking|(?:people|followers) ask|most active|busiest|שואלים|"
        r"\bhow many (?:messages|dms)\b|כמה\s+הודעות"
    ):
        return None
    return _command(msg, "conversation_stats", {"period": _first(msg, PERIODS)})


_QUOTED = re.compile(r"['\"“”‘’׳״]([^'\"“”‘’׳״]{3,200})['\"“”‘’׳״]")


def _quoted(text: str, words: str) -> bool:
    """True when `words` appear inside a quoted title in the text."""
    return any(words.lower() in q.lower() for q in _QUOTED.findall(text or ""))


def _billing_shorthand(msg: Message) -> OwnerCommand | None:
    """"bill greenbox 2500 + vat", "charge sababa 1800": a billing verb first, then a brand she works
    with and an amount, no invoice word needed."""
    if not msg.has(r"^\s*(?:please\s+)?(?:bill|charge)\s+\S"):
        return None
    brand = msg.brand()[0]
    amounts = msg.amounts()
    if not brand or not amounts:
        return None
    amount, currency = amounts[0]
    return _command(msg, "create_invoice", {"partnership": brand, "amount": amount, "currency": currency}, [])


def _invoice(msg: Message) -> OwnerCommand | None:
    word = msg.has(INVOICE_WORD)
    paid = msg.has(r"\bpaid\b|\bgot paid\b|\breceived\b|"
                   r"\b(?:transferred|wired|sent)\s+(?:me\s+)?(?:the\s+)?(?:money|payment)\b|שולמה|שולם|שילמו|שילם|קיבלתי\s+(?:את\s+)?(?:ה)?תשלום|העבירו\s+(?:את\s+)?(?:ה)?(?:תשלום|כסף)")
    sent = msg.has(r"\bsent\b|\bsend\b|נשלחה|נשלח|שלחתי|שלחנו")
    cancel = msg.has(CANCEL + r"|בוטלה")
    unpaid = msg.has(
        r"\bunpaid\b|not paid|n't paid|\bowes?\b|outstanding|\bopen\b|"
        r"לא\s+(?:עוד\s+)?(?:שולמ|שולם|שילמ|שילם)|פתוחות|ממתינות|חייב"
    )
    if msg.has(
        r"\bnot\s+(?:been\s+|yet\s+)?paid|n't\s+(?:been\s+|yet\s+)?paid|לא\s+(?:עוד\s+)?(?:שולמ|שילמ|שילם)"
    ):
        paid = None  # "not paid" is a question about unpaid invoices, not a payment
    number = msg.invoice_no.group(1) if msg.invoice_no else None
    shorthand = _billing_shorthand(msg)
    if shorthand is not None:
        return shorthand
    if not word:
        number = msg.bare_number() if (paid or sent) else None
        if paid and not number and msg.brand()[0] and not msg.has(TASK_WORD) and not msg.has(
                r"\bnot\s+(?:yet\s+)?paid|n't\s+(?:been\s+|yet\s+)?paid|לא\s+(?:עוד\s+)?(?:שולמ|שילמ|שילם)"):
            # "kitchenpro paid", "got paid by lumi": which invoice is the one question back
            return _command(msg, "update_invoice", {"status": "paid"}, [("number", "number", ())])
        if not number and not msg.has(r"לא\s+שילם|hasn't paid|who owes|מי\s+חייב"):
            return None
    if (msg.has(TASK_WORD) or msg.has(TASK_ONLY)) and not msg.invoice_no:
        return None  # "the invoice task", "reschedule the KitchenPro invoice": a task about an invoice
    if msg.invoice_no and (msg.has(TASK_WORD) or msg.has(TASK_ONLY)) and _quoted(msg.text, msg.invoice_no.group(0)):
        return None  # "mark the task 'Chase Flexa about invoice 4103' as done": the invoice is in the task's title
    ref = msg.brand()[0]
    creating = msg.has(
        r"\b(?:create|new|issue|make|prepare|draft|raise)\s+(?:an?\s+|the\s+)?(?:new\s+)?invoice\b|"
        r"^\s*invoice\s+(?!\d|#)|תפיק|תפיקי|להפיק|\bהפק\b|הפיקי|תוציא|תוציאי|להוציא|חשבונית\s+חדשה|"
        r"(?:תיצור|תיצרי|ליצור)\s+חשבונית"
    ) or (  # an invoice named by an amount is a new one: "send sababa an invoice for 2200", "חשבונית לגרינבוקס 3000"
        msg.amounts() and msg.has(r"\ban?\s+invoice\s+(?:for|of)\b|^\s*חשבונית\s+ל-?(?=\S)")
    )
    if creating and not number:
        amounts = msg.amounts()
        brand, missing = _brand_or_missing(msg)
        if not amounts:
            missing.append(("amount", "amount", ()))
        amount, currency = amounts[0] if amounts else (None, None)
        return _command(
            msg, "create_invoice", {"partnership": brand, "amount": amount, "currency": currency}, missing
        )
    status = "paid" if paid else "cancelled" if cancel else "sent" if sent else None
    if status and not (msg.is_query and not number):
        args: dict[str, Any] = {"number": number, "status": status}
        if status == "paid" and msg.past_dates:
            args["paid_at"] = _iso(msg.past_dates[0].value)
        return _command(msg, "update_invoice", args, [] if number else [("number", "number", ())])
    listing = (
        "overdue"
        if msg.has(r"\boverdue\b|\blate\b|באיחור|עבר\s+(?:ה)?מועד")
        else "unpaid"
        if unpaid
        else None
    )
    if listing is None and msg.has(r"\bpaid\b|ששולמו"):
        listing = "paid"
    return _command(msg, "list_invoices", {"status": listing, "partnership": ref}, confidence=0.85)


def _coupon(msg: Message) -> OwnerCommand | None:
    if not (msg.codes or msg.has(CODE_WORD)):
        return None
    code = msg.codes[0][0] if msg.codes else None
    expires = _iso(msg.dates[0].value) if msg.dates else None
    if msg.has(
        r"\b(?:deactivate|disable|turn off|switch off|stop|kill|pause)\b|תכבה|תכבי|לכבות|\bכבה\b|תשבית|"
        r"תשביתי|להשבית|תעצור|תעצרי|תפסיק|תפסיקי|" + CANCEL
    ):
        return _command(
            msg, "update_coupon", {"code": code, "active": False}, [] if code else [("code", "code", ())]
        )
    if msg.has(
        r"\b(?:reactivate|re-activate|activate|turn on|switch on|enable|resume|unpause)\b|תפעיל|תפעילי|"
        r"להפעיל|\bהפעל\b|הפעילי"
    ):
        return _command(
            msg,
            "update_coupon",
            {"code": code, "active": True, "expires": expires},
            [] if code else [("code", "code", ())],
        )
    if msg.has(r"\b(?:extend|prolong|renew)\b|valid until|תאריך|תאריכי|להאריך|\bהארך\b|האריכי"):
        extend_missing = ([] if code else [("code", "code", ())]) + ([] if expires else [("expires", "change", ())])
        return _command(msg, "update_coupon", {"code": code, "expires": expires}, extend_missing)
    free = msg.has(r"free shipping|משלוח\s+(?:חינם|חינמי)")
    amounts = msg.amounts()
    creating = msg.has(
        r"\b(?:create|new|add|make|set up|generate)\b|תיצור|תיצרי|ליצור|\bצור\b|\bצרי\b|חדש|חדשה|"
        r"תוסיף|תוסיפי|להוסיף|תפתח|תפתחי"
    )
    unknown_code = code and code not in msg.known_codes
    if creating or (unknown_code and (msg.percent or free or amounts)):
        if msg.percent:
            kind, value, currency = "percentage", msg.percent.group(1), None
        elif free:
            kind, value, currency = "free_shipping", None, None
        elif amounts:
            kind, (value, currency) = "fixed", amounts[0]
            currency = currency or None
        else:
            kind, value, currency = None, None, None
        brand, brand_missing = _brand_or_missing(msg)
        missing: list[tuple[str, str, Sequence[str]]] = [] if code else [("code", "code_new", ())]
        missing += [] if kind else [("value", "value", ())]
        missing += brand_missing
        args = {
            "code": code,
            "partnership": brand,
            "discount_type": kind,
            "value": value,
            "currency": currency,
            "expires": expires,
        }
        return _command(msg, "create_coupon", args, missing)
    if msg.is_query or msg.has(r"\b(?:my|all)\s+(?:\w+\s+)?(?:codes|coupons)\b|הקודים\s+שלי|כל\s+הקודים"):
        active = (
            False
            if msg.has(r"\binactive\b|לא\s+פעיל")
            else True
            if msg.has(r"\bactive\b|פעילים|פעילות|בתוקף")
            else None
        )
        return _command(
            msg, "list_coupons", {"partnership": msg.brand()[0], "active": active}, confidence=0.8
        )
    return None


_APPROACH = re.compile(
    r"(?i)\b(?:asked|asks|asking|wants?|wanted|reached\s+out|approached\s+me)\b[^.?!\n]{0,30}?"
    r"\b(?:collab\w*|partnership|work\s+with\s+(?:me|us)|sponsor\w*)\b"
)


def _create_partnership(msg: Message) -> OwnerCommand | None:
    trigger = msg.has(
        r"\b(?:new|add(?: a)?(?: new)?)\s+(partnership|collab(?:oration)?|deal|lead|brand)\b|"
        r"(שיתוף\s+פעולה|שת\"פ|ליד|מותג)\s+חדש|"
        r"^\s*(lead|ליד)(?=\s*[:\-–]\s*\S)|"  # "lead - Castro", "ליד: רנואר"
        r"(?:^|\s)פנו\s+אלי(?:י)?\s+מ-?(?=\S)"  # "פנו אליי מקסטרו לשיתוף פעולה": the brand follows
    )
    approach = None if trigger else _APPROACH.search(msg.text)
    if trigger is not None:
        rest = msg.text[trigger.end() :]
    elif approach is not None:  # "Nike asked for a collab", "Fox wants to work with me": the brand leads
        before = re.sub(r"(?i)^\s*(?:a\s+|new\s+)?(?:brand|company)\s+(?:called|named)\s+|"
                        r"^\s*(?:a\s+)?new\s+brand\s*[:\-–]?\s*", "", msg.text[: approach.start()])
        rest = before.strip() if len(before.split()) <= 4 else ""
    else:
        return None
    rest = re.sub(r"^\s*(?:[:\-–]\s*|with\s+|עם\s+)+", "", rest, flags=re.I)
    brand = re.split(r",|\s+(?:for|at|in|status|בסטטוס|על|ב-?\d|ל(?:שיתוף|שת\"פ))\b|\s+לשיתוף|\s+\d|\s+₪", rest,
                     maxsplit=1)[0].strip(" .!?:")
    status, _ = _status_target(msg)
    said_lead = trigger and trigger.group(0).strip().split()[-1] in ("lead", "ליד")
    if said_lead or (trigger and (trigger.group(2) or "").startswith("ליד")):
        status = "lead"
    amounts = msg.amounts()
    amount, currency = amounts[0] if amounts else (None, None)
    args = {
        "brand": brand or None,
        "status": status,
        "compensation_amount": amount,
        "compensation_currency": currency,
    }
    return _command(msg, "create_partnership", args, [] if brand else [("brand", "brand", ())])
