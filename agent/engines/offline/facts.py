"""Facts of a message beyond its intent (data/message_facts.yaml): whether consent is taken back, the
kind of a support issue, a closing "thanks, bye", a hello, a plain yes. The understanding node adds them as
entities, so the decision and the reply read entities and never parse the text again."""

from __future__ import annotations

import functools
import re
import unicodedata

from agent.engines.offline.vocabulary import cue_table, load, regex

__all__ = ["withdraws_consent", "support_kind", "is_closing", "is_yes", "asked_brand", "boundary", "referral",
           "asks_for_person", "survey_answer", "facts"]

_FILE = "message_facts"


@functools.cache
def _kinds() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((str(kind), re.compile(str(pattern), re.IGNORECASE)) for kind, pattern in load(_FILE)["support_kinds"])


@functools.cache
def _yes() -> frozenset[str]:
    return frozenset(str(word) for word in load(_FILE)["plain_yes"])


def withdraws_consent(message: str) -> bool:
    """True when a consent message takes consent back ("stop", "תמחקו אותי")."""
    return bool(regex(_FILE, "withdraw").search(message or ""))


def support_kind(message: str) -> str:
    """code_not_working | damaged | refund | order_missing | other."""
    return next((kind for kind, pattern in _kinds() if pattern.search(message or "")), "other")


def is_closing(message: str) -> bool:
    """True when the message closes the chat ("thanks!", "ביי")."""
    return bool(regex(_FILE, "closing").search(message or ""))


def is_yes(message: str) -> bool:
    """True when the message is a plain yes (Hebrew or English), nothing more."""
    cleaned = unicodedata.normalize("NFKC", message or "").strip().lower()
    if cleaned in _yes():
        return True
    cleaned = re.sub(r"[^\w\s\u0590-\u05ff]", " ", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip() in _yes()


@functools.cache
def _asked_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(p), re.IGNORECASE) for p in load(_FILE)["asked_brand"])


@functools.cache
def _not_brands() -> frozenset[str]:
    from agent.engines.offline._cues import CUE_WORDS  # every word the intent cues know is not a brand

    product_nouns = {w for cue, _ in cue_table("features", "FEATURES").get("f_product_noun", [])
                     for w in cue.replace(" ", "|").split("|")}
    return frozenset(str(w).casefold() for w in load(_FILE)["not_brands"]) | product_nouns | CUE_WORDS


def asked_brand(message: str) -> str | None:
    """The name after "a code for ..." / "קוד ל..." (as written, Hebrew prefix letter removed), when it
    is not an ordinary word; the catalogue decides whether it is one of the influencer's brands."""
    for pattern in _asked_patterns():
        found = pattern.search(message or "")
        if not found:
            continue
        words = found.group(1).split()
        while words and words[-1].casefold() in _not_brands():
            words.pop()
        if not words or words[0].casefold() in _not_brands() or len(words[0]) < 2:
            return None
        name = " ".join(words)
        return name.title() if name.islower() and name.isascii() else name
    return None


@functools.cache
def _boundaries() -> dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]]:
    out: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}
    for topic, spec in load(_FILE)["boundaries"].items():
        when = str(spec.get("when_notes") or "")
        out[str(topic)] = (re.compile(str(spec["detect"]), re.IGNORECASE),
                           re.compile(when, re.IGNORECASE) if when else None)
    return out


def boundary(message: str, notes: str = "") -> str | None:
    """The advice topic the persona does not give that the message asks about (medical, nutrition,
    financial), or None. Medical always counts; the others when the persona's notes rule them out."""
    for topic, (detect, when_notes) in _boundaries().items():
        if detect.search(message or "") and (when_notes is None or when_notes.search(notes or "")):
            return topic
    return None


def referral(topic: str, notes: str = "") -> str:
    """Who the persona sends this topic to: the first one its notes name (physio before doctor), else
    the default (doctor, dietitian, advisor)."""
    for name, pattern in load(_FILE)["referrals"].get(topic) or []:
        if re.search(str(pattern), notes or "", re.IGNORECASE):
            return str(name)
    return str(load(_FILE)["default_referral"].get(topic) or "doctor")


@functools.cache
def _talk_to(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(str(load(_FILE)["talk_to_person"]).replace("{names}", alternatives), re.IGNORECASE)


def asks_for_person(message: str, display_name: str) -> bool:
    """True when the message asks to talk to the influencer by first name ("talk to Maya", "לדבר עם מאיה")."""
    names = tuple(sorted({part.strip().split(" ")[0] for part in (display_name or "").split("|")
                          if len(part.strip().split(" ")[0]) >= 2}))
    pattern = _talk_to(names)
    return bool(pattern and pattern.search(message or ""))


@functools.cache
def _survey_words() -> tuple[tuple[int, re.Pattern[str]], ...]:
    table = load(_FILE)["survey_words"]
    return tuple((int(score), re.compile(str(pattern), re.IGNORECASE)) for score, pattern in table.items())


def survey_answer(message: str) -> tuple[int | None, bool]:
    """(score 1-5 or None, whether the message answers "did it work? 1-5" at all): "4", "5/5", "⭐⭐⭐",
    "worked great" (5), "לא עבד" (1); a message with no score and no such words is no answer."""
    text = (message or "").strip()
    if not text or len(text) > 200:
        return None, False
    bare = regex(_FILE, "survey_score").match(text)
    if bare:
        return int(bare.group(1)), True
    stars = text.count("⭐")
    if 1 <= stars <= 5 and not re.sub(r"[⭐\s\uFE0F!.]", "", text):
        return stars, True
    for score, pattern in sorted(_survey_words(), key=lambda sp: sp[0]):  # "didn't work" before "worked"
        if pattern.search(text):
            return score, True
    return None, False


def follows_answer(message: str) -> bool | None:
    """True / False when the message answers "do you follow me?", else None."""
    text = unicodedata.normalize("NFKC", message or "").strip().lower()
    if not text or len(text) > 120:
        return None
    if regex(_FILE, "follows_no").search(text):
        return False
    if regex(_FILE, "follows_yes").search(text) or is_yes(text):
        return True
    return None


def _interests(text: str) -> list[str]:
    """"running, yoga and skincare" -> ["running", "yoga", "skincare"] (at most 8, short ones)."""
    parts = re.split(r",|/|\band\b|\bor\b|&|\+|(?:^|\s)ו(?=\S)|(?:^|\s)או\s", text)
    words = [p.strip(" .!?-–\"'").lower() for p in parts]
    return [w for w in words if 1 < len(w) <= 40][:8]


def details(message: str) -> dict[str, object]:
    """A name and interests the follower gives about themselves ("my name is Dana, I'm into running and
    yoga", "קוראים לי דנה, אני אוהבת ריצה"), else {}."""
    out: dict[str, object] = {}
    name = regex(_FILE, "my_name").search(message or "")
    given = next((g for g in name.groups() if g), "").strip(" ,.") if name else ""
    if given and given.lower() not in {str(w).lower() for w in load(_FILE)["not_names"]}:
        out["name"] = given
    liked = regex(_FILE, "my_interests").search(message or "")
    if liked:
        found = _interests(next(g for g in liked.groups() if g))
        if found:
            out["interests"] = found
    return out


def facts(message: str, intent: str | None, *, notes: str = "", display_name: str = "") -> dict[str, object]:
    """The entities these facts add to an understanding of `intent` (`notes`: the persona's notes;
    `display_name`: the influencer's, whose first names a follower may ask for)."""
    greets = bool(regex(_FILE, "greets").search(message or ""))
    out: dict[str, object] = {"closing": is_closing(message), "greets": greets}
    if intent in ("support_issue", "human_request") and asks_for_person(message, display_name):
        out["asks_for_person"] = True
    if intent not in ("owner_query", "owner_command"):
        if regex(_FILE, "erase_data").search(message or ""):
            out["erase_requested"] = True
        elif regex(_FILE, "export_data").search(message or ""):
            out["export_requested"] = True
    if intent in ("support_issue", "human_request"):  # a person asked for about a problem: its kind too
        out["support_kind"] = support_kind(message)
    if intent == "consent":
        out["consent_withdrawn"] = withdraws_consent(message)
    if intent == "coupon_request" and regex(_FILE, "asks_validity").search(message or ""):
        out["asks_validity"] = True
    if intent in ("coupon_request", "product_question"):
        name = asked_brand(message)
        if name:
            out["asked_brand"] = name
    if intent not in ("owner_query", "owner_command", "abuse"):
        given = details(message)
        if given:
            out["details"] = given
    if intent not in ("human_request", "support_issue", "consent", "abuse", "owner_query", "owner_command"):
        topic = boundary(message, notes)
        if topic:
            out["boundary"] = topic
    return out
