"""Untrusted text made storable: control characters and lone surrogates out, at every edge.

PostgreSQL refuses NUL in text, and a lone UTF-16 surrogate (which JSON allows as `\\ud800`) cannot be
encoded as UTF-8; both used to fail a turn after its reply was built. Newline, carriage return and
tab are kept; every other C0/C1 control character, and the surrogates, are dropped.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

__all__ = ["clean_text", "clean_json", "CleanStr", "TooDeep", "MAX_JSON_DEPTH"]

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_JSON_DEPTH = 32


class TooDeep(ValueError):
    """A JSON value nested deeper than any request of ours needs."""


def clean_text(value: str) -> str:
    """`value` without NUL, other control characters (newline, CR and tab kept) or lone surrogates."""
    return _UNSAFE.sub("", value) if _UNSAFE.search(value) else value


def clean_json(value: Any, *, depth: int = 0, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """A parsed JSON value with every string (keys included) cleaned; TooDeep past `max_depth`."""
    if depth > max_depth:
        raise TooDeep(f"nested deeper than {max_depth} levels")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v, depth=depth + 1, max_depth=max_depth) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v, depth=depth + 1, max_depth=max_depth) for v in value]
    return value


def _clean_if_str(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


CleanStr = Annotated[str, BeforeValidator(_clean_if_str)]
"""A pydantic string field that arrives cleaned (length limits then apply to the clean text)."""
