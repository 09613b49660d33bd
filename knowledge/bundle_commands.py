"""`influencer-os import FILE` and `influencer-os import --instagram HANDLE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from knowledge.bundles import import_bundle
from store.bundle.importer import load_bundle
from store.bundle.report import BundleInvalid, ImportReport
from store.bundle.validate import check

__all__ = ["import_cmd"]


def _fail(lines: list[str], code: int = 2) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


def _refuse(exc: BundleInvalid) -> NoReturn:
    head, *errors = exc.message().splitlines()
    _fail([f"error: {head}", *[f"  {e}" for e in errors]])


def _import_data(data: Any, *, as_json: bool) -> ImportReport:
    """Validate (before touching the database), then import in one transaction and print the summary."""
    findings = check(data)
    if findings.errors:
        _refuse(BundleInvalid(findings.errors, findings.warnings))
    from store.bootstrap import open_database

    db = open_database()
    try:
        with db.session() as session:
            report = import_bundle(session, data)
    except BundleInvalid as exc:  # e.g. an owner phone that belongs to another influencer
        _refuse(exc)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(report.summary_lines()))
    return report


def _existing(handle: str) -> dict | None:
    from store import tenants as tenant_store
    from store.bootstrap import open_database

    with open_database().session() as session:
        tenant = tenant_store.get_by_handle(session=session, handle=handle)
        if tenant is None:
            return None
        return {
            "display_name": tenant.display_name,
            "languages": tenant.languages,
            "timezone": tenant.timezone,
        }


def _import_instagram(handle: str, *, posts: int, as_json: bool) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from knowledge.instagram import InstagramFetchError, fetch_instagram_bundle, get_apify_settings

    settings = get_apify_settings()
    if settings.token is None or not settings.token.get_secret_value().strip():
        _fail(
            [
                "error: APIFY_TOKEN is not set; make one at https://console.apify.com/settings/integrations "
                "and export APIFY_TOKEN=..."
            ]
        )
    existing = _existing(handle)
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:
        task = progress.add_task(f"@{handle}: starting", total=4)

        def step(description: str) -> None:
            progress.update(task, advance=1, description=f"@{handle}: {description}")

        try:
            data = fetch_instagram_bundle(
                handle,
                token=settings.token.get_secret_value(),
                api_url=settings.api_url,
                posts_limit=posts,
                existing=existing,
                on_step=step,
            )
        except InstagramFetchError as exc:
            _fail([f"error: {exc}"], code=1)
        progress.update(task, advance=1, description=f"@{handle}: importing")
    _import_data(data, as_json=as_json)


def import_cmd(
    file: Annotated[Path | None, typer.Argument(help="A bundle file (format influencer-bundle/1).")] = None,
    instagram: Annotated[
        str | None, typer.Option("--instagram", help="Fetch this Instagram handle with Apify.")
    ] = None,
    posts: Annotated[
        int, typer.Option("--posts", min=1, max=500, help="Posts to fetch with --instagram.")
    ] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import an influencer bundle (or their Instagram via Apify); the same file twice changes nothing."""
    if (file is None) == (instagram is None):
        _fail(["error: give a bundle FILE or --instagram HANDLE (one of them)"])
    if instagram is not None:
        _import_instagram(instagram.strip().lstrip("@").lower(), posts=posts, as_json=as_json)
        return
    assert file is not None  # one of the two, checked above
    try:
        data = load_bundle(file)
    except BundleInvalid as exc:
        _refuse(exc)
    _import_data(data, as_json=as_json)
