"""`influencer-os persona show HANDLE [--json]` and `persona rebuild HANDLE`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

__all__ = ["register"]

persona_app = typer.Typer(help="The influencer's voice, built from their Instagram.", no_args_is_help=True)


def _load(handle: str, *, rebuild: bool) -> dict:
    import persona
    from store import tenants as tenant_store
    from store.bootstrap import open_database

    with open_database().session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle)
        if tenant is None:
            typer.echo(
                f"error: no influencer @{tenant_store.normalize_handle(handle)}; import a bundle first",
                err=True,
            )
            raise typer.Exit(2)
        if rebuild:
            return persona.rebuild(session, tenant_id=tenant.id)
        return persona.get(session, tenant_id=tenant.id)


def _lines(p: dict) -> list[str]:
    # JSONB keeps keys in its own order: show the languages by share.
    ordered = sorted(p.get("language_shares", {}).items(), key=lambda item: -item[1])
    shares = ", ".join(f"{lang} {share:.0%}" for lang, share in ordered)
    lines = [
        f"@{p['handle']} — {p['display_name']}",
        f"languages      {shares}  (replies default to {p['default_language']})",
        f"greeting       {p['greeting']}",
        f"sign-off       {p['sign_off']}  ({p['sign_off_source']})",
        f"emoji          {p['emoji_rate']} per caption; favourites {' '.join(p['favourite_emojis']) or '—'}",
        f"answer length  {p['answer_length']} (at most {p['max_sentences']} sentences)",
        f"tone           {', '.join(p['tone']) or '—'}",
        f"phrases        {' · '.join(p['phrases']) or '—'}",
        f"hashtags       {' '.join('#' + h for h in p['hashtags']) or '—'}",
        f"topics         {', '.join(p['topics']) or '—'}",
        f"avoid          {'; '.join(p['avoid']) or '—'}",
    ]
    if p.get("voice_description"):
        lines.append(f"voice          {p['voice_description']}")
    return lines


@persona_app.command("show")
def show_cmd(
    handle: Annotated[str, typer.Argument(help="The influencer's handle.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the persona as JSON.")] = False,
) -> None:
    """Show the persona the agent answers with."""
    data = _load(handle, rebuild=False)
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else "\n".join(_lines(data)))


@persona_app.command("rebuild")
def rebuild_cmd(handle: Annotated[str, typer.Argument(help="The influencer's handle.")]) -> None:
    """Build the persona again from the stored posts, profile and notes."""
    data = _load(handle, rebuild=True)
    typer.echo("\n".join(_lines(data)))


def register(app: typer.Typer) -> None:
    """Add the persona commands to the root app."""
    app.add_typer(persona_app, name="persona")
