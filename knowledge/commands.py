"""CLI: `influencer-os search HANDLE "QUERY"` and `influencer-os reindex HANDLE`."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer

__all__ = ["register", "search_cmd", "reindex_cmd"]

EXIT_UNKNOWN_HANDLE = 2


def _tenant_or_exit(session: Any, handle: str) -> Any:
    from store import tenants as tenant_store

    tenant = tenant_store.get_by_handle(session=session, handle=handle)
    if tenant is None:
        typer.echo(f"error: no influencer with the handle @{handle.lstrip('@')} (import a bundle first)", err=True)
        raise typer.Exit(EXIT_UNKNOWN_HANDLE)
    return tenant


def _hit_json(rank: int, hit: Any) -> dict[str, Any]:
    return {
        "rank": rank,
        "score": hit.score,
        "similarity": hit.similarity,
        "lexical": hit.lexical,
        "source_type": hit.source_type,
        "source_ref": hit.source_ref,
        "url": hit.url,
        "title": hit.title,
        "citation": hit.citation,
        "text": hit.text,
        "meta": hit.meta,
    }


def search_cmd(
    handle: Annotated[str, typer.Argument(help="The influencer's handle, e.g. shira.kitchen")],
    query: Annotated[str, typer.Argument(help="What to look for, in any language")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=50, help="How many hits")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON")] = False,
    source_type: Annotated[
        list[str] | None, typer.Option("--type", help="Only post, partnership, partnership_faq or faq")
    ] = None,
) -> None:
    """Search an influencer's knowledge (posts, partnerships, FAQ) and show where each hit comes from."""
    import knowledge
    from store.bootstrap import open_database

    db = open_database()
    with db.session() as session:
        tenant = _tenant_or_exit(session, handle)
        started = time.perf_counter()
        hits = knowledge.search(session, tenant_id=tenant.id, query=query, k=k, source_types=source_type or None)
        ms = (time.perf_counter() - started) * 1000
    if as_json:
        payload = {"handle": tenant.handle, "query": query, "ms": round(ms, 1), "hits": []}
        payload["hits"] = [_hit_json(i, h) for i, h in enumerate(hits, 1)]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not hits:
        typer.echo(f"no hits for {query!r} in @{tenant.handle}'s knowledge")
        return
    for i, hit in enumerate(hits, 1):
        snippet = " ".join(hit.text.split())
        snippet = snippet if len(snippet) <= 160 else snippet[:159] + "…"
        typer.echo(f"{i}. {hit.score:.3f}  {hit.citation}")
        typer.echo(f"   {snippet}")
    typer.echo(f"({len(hits)} hits, {ms:.1f} ms)")


def reindex_cmd(
    handle: Annotated[str, typer.Argument(help="The influencer's handle")],
) -> None:
    """Bring an influencer's knowledge index up to date (embeds only what changed)."""
    import knowledge
    from store import knowledge as knowledge_store
    from store.bootstrap import open_database

    db = open_database()
    embedder = knowledge.get_embedder()

    def progress(done: int, total: int) -> None:  # passages embedded so far (cached ones are not counted)
        typer.echo(f"\r  embedding {done}/{total} [{'#' * (20 * done // max(total, 1)):<20}]", nl=done >= total,
                   err=True)

    if hasattr(embedder, "progress"):
        embedder.progress = progress
    with db.session() as session:
        tenant = _tenant_or_exit(session, handle)
        started = time.perf_counter()
        try:
            changed = knowledge.reindex(session, tenant_id=tenant.id, embedder=embedder)
        finally:
            if hasattr(embedder, "progress"):
                embedder.progress = None
        total = len(knowledge_store.document_hashes(session, tenant_id=tenant.id))
    seconds = time.perf_counter() - started
    typer.echo(
        f"@{tenant.handle}: {changed} documents added, changed or removed; {total} in the index"
        f" ({knowledge.embedder_name(embedder)}, {seconds:.2f} s)"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    from knowledge.bundle_commands import import_cmd

    app.command("import")(import_cmd)
    app.command("search")(search_cmd)
    app.command("reindex")(reindex_cmd)
