"""The offline understanding engine: intents and entities in Hebrew and English with rules, lexicons and
fuzzy matching, no model. It is the product's default engine and what the eval suites measure."""

from .engine import understand
from .types import INTENTS, BrandEntry, Catalog, Understanding

__all__ = ["understand", "Understanding", "Catalog", "BrandEntry", "INTENTS"]
