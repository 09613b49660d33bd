"""The influencer bundle (`influencer-bundle/1`): validate a whole file, then import it in one transaction."""

from store.bundle.importer import import_bundle, import_bundle_file, load_bundle
from store.bundle.report import BundleInvalid, Counts, ImportReport
from store.bundle.validate import FORMAT, Findings, check, format_errors, validate

__all__ = [
    "FORMAT",
    "BundleInvalid",
    "Counts",
    "Findings",
    "ImportReport",
    "check",
    "format_errors",
    "import_bundle",
    "import_bundle_file",
    "load_bundle",
    "validate",
]
