"""How brand communications and briefs read in the owner's chat: items logged, listed with their age,
closed; a brief's partnership created with its tasks and invoice drafts. Registered through
agent.respond.owner_team's table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

__all__ = ["NOTES_RENDERERS"]

_KIND_HE = {"financial": "כספי", "legal": "משפטי", "issue": "בעיה", "creative": "תוכן", "other": "כללי"}


def _t(language: str, he: str, en: str) -> str:
    return he if language == "he" else en


def _kind(language: str, kind: str) -> str:
    return _KIND_HE.get(kind, kind) if language == "he" else kind


def _age(language: str, days: int) -> str:
    if days == 0:
        return _t(language, "היום", "today")
    return _t(language, f"לפני {days} ימים" if days > 1 else "אתמול", f"{days} days old" if days > 1 else "1 day old")


def _due(language: str, note: dict[str, Any]) -> str:
    if not note.get("due_date"):
        return ""
    day = dt.date.fromisoformat(note["due_date"])
    return _t(language, f", עד {day.day}.{day.month}", f", due {day.strftime('%b')} {day.day}")


def _logged(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    note = data.get("note") or {}
    due = _due(r.lang, note)
    return {"headline": _t(r.lang, f"נרשם ל{note.get('brand')} ({_kind(r.lang, note.get('kind', ''))}{due}), פתוח ✅",
                           f"Logged for {note.get('brand')} ({note.get('kind')}{due}), open ✅"),
            "lines": [f"#{note.get('id')} {note.get('text')}"]}


def _listed(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    notes = data.get("notes") or []
    brand = data.get("brand")
    if not notes:
        return {"headline": _t(r.lang, f"אין נושאים פתוחים{' מול ' + brand if brand else ''} 👌",
                               f"Nothing open{' with ' + brand if brand else ''} 👌"), "lines": []}
    head = _t(r.lang, f"פתוח{' מול ' + brand if brand else ''} ({len(notes)}):",
              f"Open{' with ' + brand if brand else ''} ({len(notes)}):")
    return {"headline": head, "lines": [
        f"#{n['id']} [{_kind(r.lang, n['kind'])}{_due(r.lang, n)}] {'' if brand else n['brand'] + ': '}{n['text']} · "
        f"{_age(r.lang, int(n.get('age_days') or 0))}" for n in notes]}


def _closed(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    note = data.get("note") or {}
    return {"headline": _t(r.lang, f"סגרתי את #{note.get('id')} ✅", f"Closed #{note.get('id')} ✅"),
            "lines": [str(note.get("text") or "")]}


def _from_brief(r: Any, data: dict[str, Any]) -> dict[str, Any]:
    p = data.get("partnership") or {}
    status = p.get("status") or ""
    head = (_t(r.lang, f"נפתח שיתוף פעולה עם {p.get('brand')} ({status}) ✅", f"Created {p.get('brand')} ({status}) ✅")
            if data.get("created") else
            _t(r.lang, f"עדכנתי את {p.get('brand')} ({status}) ✅", f"Updated {p.get('brand')} ({status}) ✅"))
    task, due = _t(r.lang, "משימה", "task"), _t(r.lang, "עד", "due")
    draft = _t(r.lang, "טיוטת חשבונית", "invoice draft")
    lines = [f"{task} #{t['id']} {t['title']}" + (f" · {t['due_date']}" if t.get("due_date") else "")
             for t in data.get("tasks") or []]
    lines += [f"{draft} #{i.get('number')} {i.get('amount')} {i.get('currency')} · {due} {i.get('due')}"
              for i in data.get("invoices") or []]
    return {"headline": head, "lines": lines}


NOTES_RENDERERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "log_brand_note": _logged,
    "list_brand_notes": _listed,
    "close_brand_note": _closed,
    "create_from_brief": _from_brief,
}
