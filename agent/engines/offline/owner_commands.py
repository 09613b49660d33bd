"""Owner commands understood offline, Hebrew and English: which owner tool, with which arguments.

Deterministic rules over the text: brands (names, aliases, Hebrew prefixes), coupon codes, invoice
and task numbers, amounts, percents, dates and times against the tenant's clock. When something a
tool needs is missing or ambiguous, the command lists it in `missing` with one short `question` in
the user's language instead of guessing. Returns None when the text is not an owner command.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from agent.engines.offline._owner_inbox import inbox_command
from agent.engines.offline._owner_message import STATUS_WORDS, Message, cut, entry_value
from agent.engines.offline._owner_money import (
    _conversation_stats,
    _coupon,
    _coupon_stats,
    _create_partnership,
    _invoice,
)
from agent.engines.offline._owner_money_q import document_command, earnings_command, profit_command
from agent.engines.offline._owner_notes import notes_command
from agent.engines.offline._owner_notify import notify_command
from agent.engines.offline._owner_rules import (
    Missing,
    OwnerCommand,
    _command,
    _first,
    _iso,
    _status_target,
)
from agent.engines.offline._owner_team import team_command
from agent.engines.offline._owner_words import (
    CANCEL,
    COMPLETE,
    DIGEST,
    EN_STATUS,
    HOW_IS_IT_GOING,
    MEETING,
    PARTNERSHIP_WORD,
    PRIORITY,
    REOPEN,
    RESCHEDULE,
    SET_PRIORITY,
    TASK_CREATE,
    TASK_ONLY,
    TASK_TYPES,
    TASK_WORD,
    UPCOMING,
)
from agent.engines.offline._translit import same_name
from knowledge.briefs.extract import looks_like_brief
from knowledge.matching import match_score, word_forms
from knowledge.text import language_of
from store.records import DEFAULT_TIMEZONE

__all__ = ["OwnerCommand", "parse_owner_command"]


def _digest(msg: Message) -> OwnerCommand | None:
    return _command(msg, "daily_digest", {}) if msg.has(DIGEST) else None


def _meeting(msg: Message) -> OwnerCommand | None:
    """"add a meeting with Velvet on Tuesday at 15:00": a task of type meeting at that day and time."""
    if not msg.has(MEETING):
        return None
    ref, _ = msg.brand()
    name = msg.brand_names[ref][0] if ref else None
    if name is None:  # someone who is not a brand: the words after "with" / "עם"
        found = re.search(r"(?:\bwith|עם)\s+([^\s,.!?]+(?:\s+[A-Z][^\s,.!?]*)?)", msg.text)
        name = found.group(1) if found else None
    he = msg.lang == "he"
    title = (f"פגישה עם {name}" if name else "פגישה") if he else (f"Meeting with {name}" if name else "Meeting")
    date = msg.dates[0].value if msg.dates else None
    time = msg.times[0].value if msg.times else None
    return _command(msg, "create_task", {"title": title, "type": "meeting", "due_date": _iso(date),
                                         "due_time": _iso(time), "partnership": ref})


def _create_task(msg: Message) -> OwnerCommand | None:
    trigger = msg.has(TASK_CREATE)
    if not trigger:
        return None
    spans = [(f.start, f.end) for f in (*msg.dates, *msg.times)]
    spans += [m.span() for pattern, _ in PRIORITY for m in re.finditer(pattern, msg.low)]
    spans += [
        m.span()
        for m in re.finditer(r"\b(?:in the morning|in the evening|this morning)\b|בבוקר|בערב", msg.low)
    ]
    spans.append((0, trigger.end()))
    title = cut(msg.text, spans)
    title = re.sub(r"^(?:[:\-–,]\s*|to\s+|that\s+)+", "", title, flags=re.I)
    title = re.sub(
        r"(?:\s*[,;:\-–]|\s+(?:by|on|at|until|till|before|due|and|עד|ו))+\s*$", "", title, flags=re.I
    )
    title = title.strip(" ,.;:-–!?")
    ref, _ = msg.brand()
    date = msg.dates[0].value if msg.dates else None
    time = msg.times[0].value if msg.times else None
    task_type = next((name for pattern, name in TASK_TYPES if re.search(pattern, title.lower())), None)
    args = {
        "title": title or None,
        "due_date": _iso(date),
        "due_time": _iso(time),
        "priority": _first(msg, PRIORITY),
        "type": task_type,
        "partnership": ref,
    }
    return _command(msg, "create_task", args, [] if title else [("title", "title", ())])


def _in_title_script(words: list[str], title: str) -> str:
    """The query with each word the title has in the other script written as the title writes it
    ("ריל" -> "reel" for "Film Olivia reel #2"), so a Hebrew request finds an English task and back."""
    title_words = re.findall(r"[^\W\d_]{2,}", title.lower())
    out = []
    for word in words:
        forms = [f for f in word_forms(word.lower()) if len(f) >= 3]
        same = next((t for t in title_words for f in forms if same_name(f, t)), None)
        out.append(same or word)
    return " ".join(out)


def _task_ref(msg: Message, words: list[str]) -> tuple[Any, Missing, float]:
    """The task the words name: an id, a question between candidates, or the words for the tool."""
    if msg.task_no:
        return int(msg.task_no.group(1)), [], 0.9
    query = " ".join(words)
    if not query:
        return None, [("task", "task", ())], 0.6
    if not msg.tasks:
        return query, [], 0.75
    def named(title: str, ref: str | None) -> list[str]:
        return [" ".join([title, *msg.brand_names.get(ref or "", [])])]

    scored = [(match_score(query, named(title, ref)), tid, title, ref) for tid, title, ref in msg.tasks]
    top = max((s for s, *_ in scored), default=0.0)
    if top < 35.0:
        return query, [], 0.6
    best = [(tid, title, ref) for s, tid, title, ref in scored if s == top]
    if len(best) > 1:
        # A tie on the shared words (the brand): a word said in the other script may tell them apart.
        again = [(match_score(_in_title_script(words, title), named(title, ref)), tid, title, ref)
                 for tid, title, ref in best]
        top_again = max(s for s, *_ in again)
        winners = [(tid, title, ref) for s, tid, title, ref in again if s == top_again]
        best = winners if len(winners) == 1 else best
    if len(best) == 1:
        return best[0][0], [], 0.9 if top >= 85.0 else 0.7
    return None, [("task", "task_pick", [title for _, title, _ in best[:4]])], 0.6


def _update(msg: Message) -> OwnerCommand | None:
    if msg.is_query and not msg.task_no:
        return None
    task_word = msg.has(TASK_WORD) or msg.task_no
    complete, cancel, reopen = msg.has(COMPLETE), msg.has(CANCEL), msg.has(REOPEN)
    reschedule, task_only = msg.has(RESCHEDULE), msg.has(TASK_ONLY)
    priority = _first(msg, PRIORITY)
    status, status_span = _status_target(msg)
    ref, options = msg.brand()
    date_spans = [(f.start, f.end) for f in (*msg.dates, *msg.times)]
    leftover = msg.words(without=date_spans + ([status_span] if status_span else []), keep_brands=False)

    if not task_word and not task_only and (ref or options):
        brand_missing: Missing = [] if ref else [("partnership", "brand_pick", options)]
        amounts = msg.amounts()
        if msg.has(r"\b(?:fee|compensation|budget|rate|price)\b|תמורה|שכר|עמלה|התשלום") and amounts:
            args = {
                "partnership": ref,
                "compensation_amount": amounts[0][0],
                "compensation_currency": amounts[0][1],
            }
            return _command(msg, "update_partnership", args, brand_missing)
        if msg.has(r"\bfollow(?:\s|-)?up\b|\bcheck in with\b|לחזור\s+ל|פולואפ|פולו\s+אפ|מעקב"):
            date = _iso(msg.dates[0].value) if msg.dates else None
            follow_missing = list(brand_missing) + ([] if date else [("next_follow_up", "next_follow_up", ())])
            return _command(msg, "update_partnership", {"partnership": ref, "next_follow_up": date}, follow_missing)
        partnership_word = msg.has(PARTNERSHIP_WORD)
        if status and (not leftover or partnership_word):
            return _command(msg, "update_partnership", {"partnership": ref, "status": status}, brand_missing)
        if (cancel or complete) and (partnership_word or not leftover):
            return _command(
                msg,
                "update_partnership",
                {"partnership": ref, "status": "cancelled" if cancel else "completed"},
                brand_missing,
            )
    if (
        status
        and not task_word
        and not task_only
        and not leftover
        and msg.has(r"\b(?:move|it|them)\b|תעביר|תעבירי")
    ):
        return _command(msg, "update_partnership", {"status": status}, [("partnership", "partnership", ())])

    set_priority = priority and (msg.has(SET_PRIORITY) or task_word)
    if not (complete or cancel or reopen or reschedule or set_priority):
        return None
    if not (task_word or ref or (leftover and (task_only or (reschedule and (msg.dates or msg.times))))):
        # Plain words with a verb ("cancel my order") name a task only when they match one.
        task, _, _ = _task_ref(msg, leftover) if leftover and msg.tasks else (None, (), 0)
        if not isinstance(task, int):
            return None
    words = msg.words(without=date_spans + [m.span() for p, _ in PRIORITY for m in re.finditer(p, msg.low)])
    task, task_missing, confidence = _task_ref(msg, words)
    missing: Missing = task_missing
    args = {"task": task}
    args["status"] = "cancelled" if cancel else "pending" if reopen else "completed" if complete else None
    if msg.dates or msg.times:
        args["due_date"] = _iso(msg.dates[0].value) if msg.dates else None
        args["due_time"] = _iso(msg.times[0].value) if msg.times else None
    if set_priority:
        args["priority"] = priority
    if not missing and not any(args.get(k) for k in ("status", "due_date", "due_time", "priority")):
        missing = [("due_date", "due_date", ())]
    return _command(msg, "update_task", args, missing, confidence)


def _list_tasks(msg: Message) -> OwnerCommand | None:
    if not (
        msg.has(TASK_WORD)
        or msg.has(UPCOMING)
        or msg.has(
            r"what'?s on|what is on|what'?s due|what do i have|what have i got|on my plate|"
            r"\bagenda\b|\bschedule\b|\boverdue\b|\blate\b|מה יש לי|לו\"ז|באיחור|"
            r"מה מחכה לי"
        )
    ):
        return None
    args: dict[str, Any] = {"partnership": msg.brand()[0]}
    if msg.has(r"\boverdue\b|\blate\b|באיחור|עבר(?:ו)?\s+(?:ה)?מועד"):
        args["when"] = "overdue"
    elif msg.has(r"\bthis week\b|השבוע"):
        args["when"] = "week"
    elif msg.has(UPCOMING):
        args["when"] = "upcoming"
    elif msg.dates:
        day = msg.dates[0].value
        args["when" if day == msg.today else "date"] = "today" if day == msg.today else day.isoformat()
    if msg.has(r"\b(?:completed|done|finished)\b|שבוצעו|שהושלמו|בוצעו|שסיימתי"):
        args["status"] = "completed"
    elif msg.has(r"\bcancell?ed\b|שבוטלו"):
        args["status"] = "cancelled"
    elif msg.has(r"\bblocked\b|תקועות|חסומות"):
        args["status"] = "blocked"
    return _command(msg, "list_tasks", args, confidence=0.85)


def _list_partnerships(msg: Message) -> OwnerCommand | None:
    ref = msg.brand()[0]
    if not (
        msg.has(PARTNERSHIP_WORD)
        or msg.has(r"\bbrands?\b|what'?s (?:still )?open|מה פתוח|status (?:with|of)\b")
        or (ref and (msg.has(HOW_IS_IT_GOING) or not msg.words(keep_brands=False)))
    ):
        return None
    args: dict[str, Any] = {"brand": ref}
    if msg.has(r"\bopen\b|in progress|פתוח|פתוחים|פתוחות|בתהליך"):
        args["open"] = True
    else:
        m = msg.has(
            rf"\b({EN_STATUS})\b|(?:ב)?(ליד|הצעה|משא ומתן|חוזה)\b|(פעילים|פעילה|פעיל|שהסתיימו|שבוטלו)"
        )
        if m:
            word = m.group(1) or m.group(2) or m.group(3)
            word = {"שהסתיימו": "הסתיים", "שבוטלו": "בוטל"}.get(word, word)
            args["status"] = STATUS_WORDS.get(word, STATUS_WORDS.get(word.rstrip("s")))
    return _command(msg, "list_partnerships", args, confidence=0.85)


RULES: tuple[Callable[[Message], OwnerCommand | None], ...] = (
    inbox_command,
    team_command,
    notify_command,
    document_command,
    profit_command,
    earnings_command,
    notes_command,
    _digest,
    _meeting,
    _create_task,
    _coupon_stats,
    _conversation_stats,
    _invoice,
    _coupon,
    _create_partnership,
    _update,
    _list_tasks,
    _list_partnerships,
)


def parse_owner_command(
    text: str,
    *,
    now: dt.datetime,
    timezone: str = DEFAULT_TIMEZONE,
    brands: Sequence[tuple[str, str, Sequence[str]]] = (),
    tasks: Sequence[tuple] = (),
    language: str | None = None,
    catalog: Any = None,
    coupon_codes: Sequence[str] = (),
) -> OwnerCommand | None:
    """The owner tool and arguments a message asks for, or None when it is not an owner command.

    `brands` are (ref, name, aliases); `tasks` are (id, title) or (id, title, partnership ref): with
    them an ambiguous task becomes a question, without them the words go to the tool, which resolves
    them. A `catalog` (agent.engines.offline Catalog) gives brands and coupon codes when `brands` is empty.
    """
    if not (text or "").strip():
        return None
    codes = list(coupon_codes)
    if not brands and catalog is not None:
        entries = getattr(catalog, "brands", catalog) or ()
        brands = [
            (entry_value(b, "ref"), entry_value(b, "name"), tuple(entry_value(b, "aliases") or ()))
            for b in entries
        ]
        codes += [c for b in entries for c in (entry_value(b, "coupon_codes") or ())]
    if looks_like_brief(text, today=now.date()):  # a forwarded brief: a proposal to create, confirmed first
        return OwnerCommand("create_from_brief", {"text": text.strip()[:60_000]}, confidence=0.95,
                            language=language_of(text))
    msg = Message(
        text, now=now, timezone=timezone, brands=brands, tasks=tasks, codes=codes, language=language
    )
    for rule in RULES:
        command = rule(msg)
        if command is not None:
            return command
    from agent.engines.offline.owner_classifier import owner_guess  # the trained fallback, built on first use

    return owner_guess(msg)
