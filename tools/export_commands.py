"""`influencer-os export HANDLE partnerships|coupons|invoices [--out FILE]`: her tables as CSV (UTF-8 with a
BOM, so Excel opens Hebrew right), through the same tool as the owner API."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import typer

__all__ = ["export_cmd", "to_csv"]


def to_csv(columns: list[str], rows: list[list[object]]) -> str:
    """The table as CSV text with a BOM; a cell that a spreadsheet would run as a formula is quoted as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and not _number(v) else v
                         for v in row])
    return "\ufeff" + out.getvalue()


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def export_cmd(
    handle: str = typer.Argument(..., help="The influencer's handle"),
    kind: str = typer.Argument(..., help="partnerships, coupons or invoices"),
    out: Path | None = typer.Option(None, "--out", help="Write here (default: standard output)"),
) -> None:
    """Her partnerships (with deal terms and profit), coupons (with figures) or invoices, as CSV."""
    from tools import REGISTRY
    from tools._cli import owner_context

    with owner_context(handle, "cli:export") as ctx:
        result = REGISTRY.run("export_table", {"kind": kind}, ctx)
    if not result.ok:
        typer.echo(f"error: {(result.error or {}).get('field') or 'kind'}: {(result.error or {}).get('reason')}",
                   err=True)
        raise typer.Exit(2)
    text = to_csv(result.data["columns"], result.data["rows"])
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"{result.data['count']} {kind} written to {out}", err=True)
