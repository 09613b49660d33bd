"""`influencer-os brief import HANDLE FILE`: a brief (PDF, Word, e-mail or text) read, shown, and created
on yes (or with --yes), through the same tools as the chat and the API."""

from __future__ import annotations

from pathlib import Path

import typer

__all__ = ["brief_app"]

brief_app = typer.Typer(help="Briefs and contracts from brands.", no_args_is_help=True)


@brief_app.command("import")
def brief_import(
    handle: str = typer.Argument(..., help="The influencer's handle"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="PDF, .docx, .eml or text"),
    yes: bool = typer.Option(False, "--yes", help="Create without asking"),
) -> None:
    """Read a brief, show the proposal, and create the partnership and its tasks when confirmed."""
    from knowledge.briefs.files import MAX_BYTES, BriefFileError, text_of
    from tools import REGISTRY
    from tools._cli import owner_context

    if file.stat().st_size > MAX_BYTES:
        typer.echo(f"error: file: briefs up to {MAX_BYTES // (1024 * 1024)} MB are read", err=True)
        raise typer.Exit(2)
    try:
        text = text_of(file.read_bytes(), file.name)
    except BriefFileError as exc:
        typer.echo(f"error: file: {exc.reason}", err=True)
        raise typer.Exit(2) from None
    with owner_context(handle, "cli:brief-import") as ctx:
        read = REGISTRY.run("read_brief", {"text": text}, ctx)
        if not read.ok:
            typer.echo(f"error: {(read.error or {}).get('field') or 'brief'}: {(read.error or {}).get('reason')}",
                       err=True)
            raise typer.Exit(2)
        typer.echo(read.data["proposal"])
        if not yes and not typer.confirm("Create it?", default=False):
            typer.echo("nothing written")
            return
        made = REGISTRY.run("create_from_brief", {"text": text}, ctx)
        if not made.ok:
            typer.echo(f"error: {(made.error or {}).get('field') or 'brief'}: {(made.error or {}).get('reason')}",
                       err=True)
            raise typer.Exit(1)
        ctx.session.commit()
    p = made.data["partnership"]
    typer.echo(f"{'created' if made.data['created'] else 'updated'} {p['brand']} ({p['status']}, ref {p['ref']}) "
               f"with {len(made.data['tasks'])} tasks")
