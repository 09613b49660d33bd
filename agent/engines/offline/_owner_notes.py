"""Owner commands about brand communications: log an item for a brand, list what is open with one (or
all), close one by number or by its words. Vocabulary in data/owner_notes.yaml. Private to
agent.engines.offline.owner_commands."""

from __future__ import annotations

import re

from agent.engines.offline._owner_message import Message
from agent.engines.offline._owner_rules import OwnerCommand, _command
from agent.engines.offline.vocabulary import regex

__all__ = ["notes_command"]

_FILE = "owner_notes"


def _who(msg: Message, words: str) -> str:
    """The brand the words name (its catalogue name when the message names one there), else the words."""
    ref, _ = msg.brand()
    if ref and any(w.casefold() in words.casefold() or words.casefold().lstrip("ל") in w.casefold()
                   for w in msg.brand_names.get(ref, [])):
        return msg.brand_names[ref][0]
    if ref:
        return msg.brand_names[ref][0]
    return re.sub(r"^(?:the\s+|ל-?|מול\s+)", "", words.strip(), flags=re.I)


def notes_command(msg: Message) -> OwnerCommand | None:
    """log_brand_note, list_brand_notes or close_brand_note, or None."""
    text = msg.text.strip()
    m = regex(_FILE, "LOG").search(text)
    if m:
        who = m.group("who") or m.group("whohe")
        body = m.group("text") or m.group("texthe")
        if re.search(r"(?i)^(?:a\s+)?(?:task|to-?do|reminder|meeting)\b|^(?:ה|ל)?(?:משימה|תזכורת|פגישה)"
                     r"|^(?:my)?self$|^me$", who.strip()):
            return None  # "תרשמי משימה: …", "note to self: …" are tasks
        return _command(msg, "log_brand_note", {"partnership": _who(msg, who), "text": body.strip()})
    if regex(_FILE, "LIST_ALL").search(text):
        return _command(msg, "list_brand_notes", {})
    m = regex(_FILE, "LIST").search(text)
    if m:
        who = m.group("who") or m.group("who2") or m.group("whohe")
        if re.fullmatch(r"(?i)(?:the\s+|my\s+|all\s+)?brands|(?:ה)?מותגים|כל\s+המותגים", who.strip()):
            return None  # "what's still open with brands?": her open partnerships, not a brand's items
        return _command(msg, "list_brand_notes", {"partnership": _who(msg, who)})
    m = regex(_FILE, "CLOSE").search(text)
    if m:
        number = m.group("id") or m.group("idhe")
        if number:
            return _command(msg, "close_brand_note", {"note": int(number)})
        rest = (m.group("rest") or m.group("resthe") or "").strip()
        ref, _ = msg.brand()
        if not ref:
            return None  # "close the deal" and the like: not a brand item
        brand_words = [w.casefold() for w in msg.brand_names.get(ref, [])]
        words = " ".join(w for w in rest.split() if not any(w.casefold().strip("ל") in b or b in w.casefold()
                                                          for b in brand_words) and w.casefold() not in
                         ("מול", "עם", "the", "with"))
        return _command(msg, "close_brand_note", {"note": words or rest, "partnership": msg.brand_names[ref][0]})
    return None
