"""The influencer bundle (`influencer-bundle/1`): validate a whole file, then write its rows in one transaction.

knowledge.bundles imports a bundle and rebuilds what is derived from it (persona, knowledge index).
"""

from store.bundle.importer import Derive, import_bundle, load_bundle
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
    "Derive",
    "import_bundle",
    "load_bundle",
    "validate",
]
