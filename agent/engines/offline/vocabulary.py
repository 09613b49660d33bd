"""The offline engine's vocabulary as data: YAML files under data/ (per language where a table is one
language's), loaded, checked and expanded once per process.

A file may define `vars:` (name -> text); `${NAME}` anywhere else in the file is replaced by it. A
phrase the engine should know is a line in a data file (and a case in the tests), not a code change.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DATA", "VocabularyError", "load", "cue_table", "pairs", "text", "regex"]

# OFFLINE_VOCABULARY_DIR points a deployment at its own copy of data/ (more phrases, another market).
DATA = Path(os.environ.get("OFFLINE_VOCABULARY_DIR") or Path(__file__).resolve().parent / "data")
_VAR = re.compile(r"\$\{(\w+)\}")


class VocabularyError(ValueError):
    """A data file that cannot be used: the file and the reason."""


def _expand(value: Any, variables: dict[str, str], where: str) -> Any:
    if isinstance(value, str):
        def one(match: re.Match[str]) -> str:
            if match.group(1) not in variables:
                raise VocabularyError(f"{where}: ${{{match.group(1)}}} is not defined under vars")
            return variables[match.group(1)]

        return _VAR.sub(one, value)
    if isinstance(value, list):
        return [_expand(v, variables, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _expand(v, variables, where) for k, v in value.items()}
    return value


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The tables of data/<name>.yaml (e.g. "en/intents"), vars expanded."""
    path = DATA / f"{name}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"{path.name}: {exc}") from None
    if not isinstance(raw, dict):
        raise VocabularyError(f"{name}.yaml: the top level must be a mapping of table names")
    variables = {str(k): str(v) for k, v in (raw.pop("vars", None) or {}).items()}
    return {key: _expand(value, variables, f"{name}.yaml") for key, value in raw.items()}


def cue_table(name: str, table: str) -> dict[str, list[tuple[str, float]]]:
    """A cue table: label -> [(cue, weight)], weights checked to lie in (0, 1]."""
    out: dict[str, list[tuple[str, float]]] = {}
    for label, entries in (load(name).get(table) or {}).items():
        rows = []
        for entry in entries or []:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
                raise VocabularyError(f"{name}.yaml: {table}.{label}: each cue is [cue, weight], got {entry!r}")
            weight = float(entry[1])
            if not 0 < weight <= 1:
                raise VocabularyError(f"{name}.yaml: {table}.{label}: weight {weight} of {entry[0]!r} is not in (0, 1]")
            rows.append((entry[0], weight))
        out[label] = rows
    return out


def pairs(name: str, table: str) -> list[tuple[str, str]]:
    """A list of [pattern, value] pairs."""
    return [(str(a), str(b)) for a, b in load(name)[table]]


def text(name: str, table: str) -> str:
    """One text (a regular expression, an alternation)."""
    value = load(name)[table]
    if not isinstance(value, str):
        raise VocabularyError(f"{name}.yaml: {table} must be a text")
    return value


@functools.cache
def regex(name: str, table: str) -> re.Pattern[str]:
    """One text of a file compiled once, case-insensitive, `.` matching newlines too."""
    return re.compile(text(name, table), re.IGNORECASE | re.DOTALL)
