"""Checks on a model's reply before a follower sees it: every coupon code, link, money amount,
percentage and numeric date must come from this turn's facts, the codes, links and figures of the
template reply must all still be there, and the reply must be in the language the user wrote in. `ReplyGate`
applies them while tokens stream, holding back the last word so nothing unchecked is shown; a violation
raises `UngroundedReply` and the template reply is used.

A "code-looking" token is a word of capitals and digits ("SHIRA15", "ZARA-20"), an all-capitals
word of five letters or more ("KPSHIRA"), or any of the tenant's own codes in any case. Only codes
listed in this turn's tool results (the `code` of a coupon a tool returned) are allowed: a code in
an old post, in the user's message or in the model's memory is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from agent.engines.model.schema import detect_language

__all__ = ["UngroundedReply", "Facts", "facts_for", "check_reply", "ReplyGate"]

_URL = re.compile(r"https?://[^\s)\]>\"']+")
_CODE_LIKE = re.compile(
    r"(?<![\w@#/=.&?-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{2,23}(?![\w@-])"
)
_CAPS_WORD = re.compile(r"(?<![\w@#/=.&?-])[A-Z]{5,24}(?![\w@-])")
# Capitals that are words, not codes (a shouted "AMAZING" still fails: the template then answers).
_CAPS_OK = frozenset({"HTTPS", "EMAIL", "WHATSAPP", "INSTAGRAM", "TIKTOK", "YOUTUBE", "LINKEDIN", "PAYPAL"})
_MONEY = re.compile(
    r"(?:[₪$€£]\s?(\d+(?:[.,]\d+)?))|"
    r"(\d+(?:[.,]\d+)?)\s?(?:%|₪|\$|€|£|ILS\b|NIS\b|USD\b|EUR\b|ש\"ח|ש״ח|שקל|shekel|dollar|euro|percent|אחוז)",
    re.IGNORECASE,
)
# With a year only: "1.5 cups" or "2/3 cup" are not dates.
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})[./](\d{1,2})[./](\d{2,4}))(?![\d])"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


class UngroundedReply(Exception):
    """The model's reply said something the facts do not back; the template reply is used instead."""


def _number(text: str) -> str:
    value = text.replace(",", ".")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.lstrip("0") or "0"


class Facts:
    """What a reply may say this turn: codes, links, numbers and dates from tools, draft and user."""

    def __init__(
        self,
        *,
        codes: Iterable[str],
        known_codes: Iterable[str],
        text: str,
        language: str,
        brand_words: Iterable[str] = (),
        draft: str = "",
        carded: Iterable[str] = (),
        knowledge_text: str = "",
    ) -> None:
        known = {c.upper() for c in known_codes if c}
        # the template reply's own codes are verified (it offers them): allowed, and required below
        in_draft = {c for c in known if _mentions(draft, c)}
        self.codes = {c.upper() for c in codes if c} | in_draft
        self.forbidden = known - self.codes
        self.links = {u.rstrip(".,!?") for u in _URL.findall(text)}
        self.numbers = {_number(n) for n in _NUMBER.findall(text)}
        self.day_months = {(int(d), int(m)) for _, m, d in _ISO_DATE.findall(text)}
        for match in _NUMERIC_DATE.finditer(text):
            self.day_months.add(_day_month(match))
        self.language = language
        self.words = {w.upper() for w in brand_words if w}
        # Capitalised words of the verified template reply ("SALE" in a sign-off) are not invented codes.
        self.draft_caps = set(_CAPS_WORD.findall(_URL.sub(" ", draft)))
        # What the template reply gives the user must survive the rewording: its codes and its links.
        self.required_codes = {c for c in self.codes if _mentions(draft, c)}
        self.required_links = {u.rstrip(".,!?") for u in _URL.findall(draft)} - set(carded)
        # and the figures it quotes from her posts ("SPF 50"): a coupon's terms stay on its card, a post's
        # figure is the answer itself
        self.required_numbers = {_number(n) for n in _NUMBER.findall(_URL.sub(" ", draft))} & {
            _number(n) for n in _NUMBER.findall(knowledge_text)} - {"0", "1"}


def _mentions(text: str, code: str) -> bool:
    """True when `text` names the code as a word of its own, in any case."""
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text, re.IGNORECASE) is not None


def _day_month(match: re.Match[str]) -> tuple[int, int]:
    if match.group(1):
        return int(match.group(3)), int(match.group(2))
    return int(match.group(4)), int(match.group(5))


def _codes_in(value: Any, out: set[str], *, under_query: bool = False) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "code" and isinstance(item, str) and not under_query:
                out.add(item)
            else:
                _codes_in(item, out, under_query=under_query or key == "query")
    elif isinstance(value, list):
        for item in value:
            _codes_in(item, out, under_query=under_query)


def facts_for(state: dict[str, Any], *, draft: str, facts_text: str) -> Facts:
    """The facts of this turn: tool results (codes), the template draft and the user's own words."""
    codes: set[str] = set()
    for result in state.get("tool_results") or []:
        _codes_in(result.get("data"), codes)
    known = [code for brand in state.get("catalog") or [] for code in brand.get("coupon_codes") or []]
    words = [
        w for brand in state.get("catalog") or [] for w in (brand.get("name"), *(brand.get("aliases") or []))
    ]
    persona = state.get("persona") or {}
    tenant = state.get("tenant") or {}
    words += [
        tenant.get("handle") or "",
        tenant.get("display_name") or "",
        str(persona.get("display_name") or ""),
    ]
    text = "\n".join([facts_text, draft, state.get("masked_text") or ""])
    language = state.get("language") or (state.get("understanding") or {}).get("language") or "he"
    return Facts(
        codes=codes,
        known_codes=known,
        text=text,
        language=language,
        brand_words=[part for w in words for part in re.split(r"[\s|/]+", str(w or ""))],
        draft=draft,
        knowledge_text=" ".join(str(r.get("data") or "") for r in state.get("tool_results") or []
                                if r.get("name") == "search_knowledge"),
        carded=[str(c.get("url") or "").rstrip(".,!?") for c in state.get("cards") or [] if isinstance(c, dict)],
    )


def check_reply(text: str, facts: Facts, *, complete: bool) -> None:
    """Raise UngroundedReply naming the first claim the facts do not back (language only when complete)."""
    links = _URL.findall(text)
    for link in links:
        if link.rstrip(".,!?") not in facts.links:
            raise UngroundedReply(f"link not from the facts: {link[:80]}")
    bare = _URL.sub(" ", text)
    for match in _CODE_LIKE.finditer(bare):
        token = match.group(0).upper()
        if token not in facts.codes and token not in facts.words:
            raise UngroundedReply(f"code not from this turn's tools: {match.group(0)}")
    for match in _CAPS_WORD.finditer(bare):
        token = match.group(0)
        if token not in facts.codes | facts.words | facts.draft_caps and token not in _CAPS_OK:
            raise UngroundedReply(f"code-like word not from this turn's tools: {token}")
    for word in re.findall(r"[A-Za-z0-9_-]{3,}", bare):
        if word.upper() in facts.forbidden:
            raise UngroundedReply(f"a code that may not be offered now: {word}")
    for match in _MONEY.finditer(bare):
        number = _number(match.group(1) or match.group(2))
        if number not in facts.numbers:
            raise UngroundedReply(f"amount not from the facts: {match.group(0)}")
    for match in _NUMERIC_DATE.finditer(bare):
        try:
            day_month = _day_month(match)
        except (TypeError, ValueError):
            continue
        if (
            day_month[1] <= 12
            and day_month not in facts.day_months
            and day_month[::-1] not in facts.day_months
        ):
            raise UngroundedReply(f"date not from the facts: {match.group(0)}")
    if complete:
        missing = [c for c in sorted(facts.required_codes) if c not in bare.upper()]
        missing += [u for u in sorted(facts.required_links) if u not in links and u not in text]
        said = {_number(n) for n in _NUMBER.findall(bare)}
        missing += [n for n in sorted(facts.required_numbers) if n not in said]
        if missing:
            raise UngroundedReply(f"the reply leaves out what the answer gives: {', '.join(missing)[:120]}")
        language = detect_language(bare)
        if language is not None and language != facts.language:
            raise UngroundedReply(f"reply in {language}, the user wrote {facts.language}")


class ReplyGate:
    """Streams only checked text: complete words, the last one held back until the next arrives."""

    def __init__(self, facts: Facts, emit: Callable[[str], None] | None) -> None:
        self.facts = facts
        self.emit = emit
        self.text = ""
        self.sent = 0

    def feed(self, piece: str) -> None:
        """Add a streamed piece; emit what is now checked. Raises UngroundedReply."""
        if not self.text:
            piece = piece.lstrip()
        if not piece:
            return
        self.text += piece
        complete = self.text[: _last_space(self.text)]
        check_reply(complete, self.facts, complete=False)
        safe = complete[: _last_space(complete.rstrip())]
        if self.emit is not None and len(safe) > self.sent:
            self.emit(safe[self.sent :])
            self.sent = len(safe)

    def finish(self) -> str:
        """Check the whole reply, emit the rest, return it. Raises UngroundedReply."""
        text = self.text.rstrip()
        check_reply(text, self.facts, complete=True)
        if self.emit is not None and len(text) > self.sent:
            self.emit(text[self.sent :])
        self.sent = len(text)
        return text


def _last_space(text: str) -> int:
    index = max(text.rfind(" "), text.rfind("\n"))
    return index + 1 if index >= 0 else 0
