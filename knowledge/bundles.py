"""Import an influencer bundle and rebuild what is derived from it: the persona and the knowledge index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import persona
from knowledge.index import reindex
from store import revisions
from store.bundle import ImportReport, load_bundle
from store.bundle import import_bundle as import_rows

__all__ = ["import_bundle", "import_bundle_file", "rebuild_derived"]


def rebuild_derived(session: Session, tenant_id: int, report: ImportReport) -> None:
    """Rebuild the tenant's persona and bring its knowledge index up to date (same transaction)."""
    persona.rebuild(session, tenant_id=tenant_id)
    report.persona_rebuilt = True
    report.knowledge_indexed = reindex(session, tenant_id=tenant_id)


def import_bundle(session: Session, data: Any, *, derive: bool = True) -> ImportReport:
    """Validate and write the bundle's rows (the caller commits); then, by default, derive from them."""
    return import_rows(session, data, derive=rebuild_derived if derive else None)


def import_bundle_file(db: Any, path: str | Path, *, derive: bool = True) -> ImportReport:
    """Read, validate and import a bundle file, committed as one transaction (BundleInvalid when refused)."""
    data = load_bundle(path)
    with db.session() as session:
        report = import_bundle(session, data, derive=derive)
    revisions.bump(db.redis, report.tenant_id)  # every process's cached catalog and persona
    return report
