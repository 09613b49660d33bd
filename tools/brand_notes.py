"""Brand communications by chat, console and API (issue 14): "log for Velvet: they asked to move the
December post to Dec 10", "what's open with Velvet?", "close the Velvet contract item". Each item has a
type (financial, legal, issue, creative, other: given, or read from its words) and stays open until
closed; its text is stored with personal data masked. A date in its words ("they will pay by Dec 10") is kept
as its date: a financial item still open after it is an alert (rule brand_note_overdue)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from knowledge.briefs.dates import find_dates
from store import brand_notes as note_store
from store import partnerships as partnership_store
from store.privacy import mask_pii
from store.records import BrandNote
from tools._owner_common import OWNER_ONLY, OwnerArgs, atomic, audit, resolve_partnership
from tools.dates import local_today
from tools.registry import ToolContext, ToolError, tool

__all__ = ["log_brand_note", "list_brand_notes", "close_brand_note", "kind_of"]

Kind = Literal["financial", "legal", "issue", "creative", "other"]
_KINDS: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "brand_note_kinds.yaml").read_text("utf-8"))


def _pattern(word: str) -> str:
    """A word at a word's start; a Hebrew one after its one- or two-letter prefixes too ("התשלום", "ובחוזה")."""
    prefix = "[הובלמשכ]{0,2}" if re.match(r"[א-ת]", word) else ""
    return rf"(?<![\w]){prefix}{re.escape(word.lower())}"


def kind_of(text: str) -> str:
    """The type a communication's words point to, "other" when none."""
    low = text.lower()
    for kind, words in _KINDS.items():
        if any(re.search(_pattern(w), low) for w in words):
            return kind
    return "other"


def _out(ctx: ToolContext, note: BrandNote, brand: str) -> dict:
    age = max(0, (ctx.now - note.created_at).days) if note.created_at else 0
    return {"id": note.id, "brand": brand, "kind": note.kind, "text": note.text, "status": note.status,
            "age_days": age, "created_at": note.created_at.isoformat() if note.created_at else None,
            "due_date": note.due_date.isoformat() if note.due_date else None}


class LogArgs(OwnerArgs):
    partnership: str = Field(..., min_length=1, max_length=200, description="brand name, alias or ref")
    text: str = Field(..., min_length=2, max_length=2000, description="what was said or agreed")
    kind: Kind | None = Field(None, description="financial|legal|issue|creative|other; else from the words")
    due_date: dt.date | None = Field(None, description="the date it names (a payment promised by); else from the words")


@tool("log_brand_note", roles=OWNER_ONLY, args=LogArgs)
@atomic
def log_brand_note(ctx: ToolContext, args: LogArgs) -> dict:
    """Log a communication with a brand (open until closed), typed financial, legal, issue, creative or other."""
    partnership = resolve_partnership(ctx, args.partnership)
    text = mask_pii(args.text.strip())
    today = local_today(ctx.now, ctx.timezone)
    due = args.due_date or next((f.day for f in find_dates(args.text, today) if f.day >= today), None)
    row = note_store.add(session=ctx.session, tenant_id=ctx.tenant_id, partnership_id=partnership.id,
                         kind=args.kind or kind_of(text), text=text, at=ctx.now, due_date=due)
    audit(ctx, action="log_brand_note", resource="brand_note", resource_id=row.id, before=None,
          after={"brand": partnership.brand, "kind": row.kind, "due_date": due.isoformat() if due else None})
    return {"note": _out(ctx, row, partnership.brand), "created": True}


class ListArgs(OwnerArgs):
    partnership: str | None = Field(None, max_length=200, description="brand name, alias or ref; all brands if none")
    status: Literal["open", "closed", "all"] = "open"


@tool("list_brand_notes", roles=OWNER_ONLY, args=ListArgs)
def list_brand_notes(ctx: ToolContext, args: ListArgs) -> dict:
    """What is open (or closed) with a brand, or with every brand: type, text and age in days."""
    partnership = resolve_partnership(ctx, args.partnership) if args.partnership else None
    rows = note_store.list_notes(session=ctx.session, tenant_id=ctx.tenant_id,
                                 partnership_id=partnership.id if partnership else None,
                                 status=None if args.status == "all" else args.status)
    brands = {p.id: p.brand for p in partnership_store.list_partnerships(session=ctx.session, tenant_id=ctx.tenant_id)}
    return {"brand": partnership.brand if partnership else None, "status": args.status,
            "notes": [_out(ctx, r, brands.get(r.partnership_id, "")) for r in rows]}


class CloseArgs(OwnerArgs):
    note: int | str = Field(..., description="the item's id, or words of it (its type or text)")
    partnership: str | None = Field(None, max_length=200)


@tool("close_brand_note", roles=OWNER_ONLY, args=CloseArgs)
@atomic
def close_brand_note(ctx: ToolContext, args: CloseArgs) -> dict:
    """Close an open communication with a brand, by id or by its words ("the Velvet contract item")."""
    partnership = resolve_partnership(ctx, args.partnership) if args.partnership else None
    rows = note_store.list_notes(session=ctx.session, tenant_id=ctx.tenant_id,
                                 partnership_id=partnership.id if partnership else None, status="open")
    if isinstance(args.note, int) or str(args.note).strip().lstrip("#").isdigit():
        wanted = int(str(args.note).strip().lstrip("#"))
        found = [r for r in rows if r.id == wanted]
    else:
        words = [w for w in re.findall(r"\w{3,}", str(args.note).lower()) if w not in ("item", "note", "the")]
        found = [r for r in rows if any(w == r.kind or w in r.text.lower() or kind_of(w) == r.kind != "other"
                                        for w in words)]
    if not found:
        raise ToolError("no open item matches: say its number (\"what's open with …\" lists them)", field="note",
                        code="not_found")
    if len(found) > 1:
        raise ToolError("several open items match: " + "; ".join(f"#{r.id} {r.text[:40]}" for r in found[:5]),
                        field="note", code="ambiguous")
    row = note_store.close(session=ctx.session, note=found[0], at=ctx.now)
    audit(ctx, action="close_brand_note", resource="brand_note", resource_id=row.id, before={"status": "open"},
          after={"status": "closed"})
    return {"note": _out(ctx, row, partnership.brand if partnership else ""), "closed": True}
