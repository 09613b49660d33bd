"""What an import did, per resource, and the error raised when a bundle is refused."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from store.bundle.validate import format_errors

__all__ = ["BundleInvalid", "Counts", "ImportReport", "RESOURCES"]

RESOURCES = (
    "tenant",
    "owner_phones",
    "partnerships",
    "coupons",
    "coupon_redemptions",
    "tasks",
    "invoices",
    "posts",
    "faq",
)


class BundleInvalid(ValueError):
    """The bundle breaks the format; `.errors` lists every problem as 'path: reason'. Nothing was written."""

    def __init__(self, errors: list[str], warnings: list[str] | None = None) -> None:
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        super().__init__(self.message())

    def message(self) -> str:
        """A header line and the errors, capped at 20 with 'and N more'."""
        n = len(self.errors)
        head = f"the bundle is invalid ({n} error{'s' if n != 1 else ''}); nothing was imported"
        return "\n".join([head, *format_errors(self.errors)])


@dataclass
class Counts:
    """Rows of one resource: created, updated in place, unchanged, removed (FAQ entries only)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        """Rows the bundle holds for this resource."""
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """The outcome of one bundle import."""

    handle: str
    tenant_id: int
    counts: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in RESOURCES})
    warnings: list[str] = field(default_factory=list)
    knowledge_indexed: int | None = None
    persona_rebuilt: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the import created, updated or removed anything."""
        return any(c.created or c.updated or c.removed for c in self.counts.values())

    def summary_lines(self) -> list[str]:
        """Human lines: one per resource the bundle holds, then the derived indexes."""
        verb = "imported" if self.changed else "unchanged"
        lines = [f"@{self.handle}: {verb} in {self.seconds:.2f}s"]
        for name, c in self.counts.items():
            if c.total or c.removed:
                parts = [f"{c.created} created", f"{c.updated} updated", f"{c.unchanged} unchanged"]
                if c.removed:
                    parts.append(f"{c.removed} removed")
                lines.append(f"  {name:19} {c.total:4}  ({', '.join(parts)})")
        if self.knowledge_indexed is not None:
            lines.append(f"  knowledge           {self.knowledge_indexed:4}  documents re-indexed")
        if self.persona_rebuilt:
            lines.append("  persona             rebuilt")
        return lines

    def as_dict(self) -> dict:
        """The report as plain JSON-able data."""
        out = asdict(self)
        out["changed"] = self.changed
        return out
