"""A small collector of errors and warnings, each naming the JSON path of the value it is about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Checker", "MISSING"]

MISSING: Any = object()


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Checker:
    """Collects every problem at once; the helpers return the value when it is fine, else None."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, path: str, reason: str) -> None:
        """Record a problem that refuses the bundle."""
        self.errors.append(f"{path}: {reason}")

    def warn(self, path: str, reason: str) -> None:
        """Record something imported anyway but worth saying."""
        self.warnings.append(f"{path}: {reason}")

    def unknown_keys(self, obj: dict, allowed: tuple[str, ...], path: str) -> None:
        """Warn about keys the format does not define (they are ignored, not refused)."""
        for key in obj:
            if key not in allowed:
                self.warn(_join(path, key), "unknown key, ignored")

    def object(self, value: object, path: str) -> dict | None:
        """The value when it is a JSON object."""
        if isinstance(value, dict):
            return value
        self.error(path, f"must be an object (got {_kind(value)})")
        return None

    def items(self, obj: dict, key: str, path: str) -> list | None:
        """The optional list under key (None when absent or null)."""
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.error(_join(path, key), f"must be a list (got {_kind(value)})")
            return None
        return value

    def present(self, obj: dict, key: str, path: str, *, required: bool, reason: str = "required") -> bool:
        """True when the key has a non-null value; records `reason` when a required one is missing."""
        if obj.get(key) is None:
            if required:
                self.error(_join(path, key), reason)
            return False
        return True

    def string(
        self,
        obj: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        allow_int: bool = False,
    ) -> str | None:
        """A non-empty string (an integer is accepted and turned into text when allow_int)."""
        if not self.present(obj, key, path, required=required):
            return None
        value = obj[key]
        if allow_int and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(_join(path, key), f"must be a string (got {_kind(value)})")
            return None
        if not value.strip():
            self.error(_join(path, key), "must not be empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.error(_join(path, key), f"is longer than {max_len} characters")
            return None
        return value

    def text(self, obj: dict, key: str, path: str) -> str | None:
        """An optional string, empty allowed."""
        if not self.present(obj, key, path, required=False):
            return None
        if not isinstance(obj[key], str):
            self.error(_join(path, key), f"must be a string (got {_kind(obj[key])})")
            return None
        return obj[key]

    def number(
        self,
        obj: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        reason: str = "required",
        minimum: float | None = None,
        integer: bool = False,
    ) -> float | None:
        """A JSON number (not a boolean, not a string), at least `minimum` when given."""
        if not self.present(obj, key, path, required=required, reason=reason):
            return None
        value = obj[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (integer and not isinstance(value, int))
        ):
            self.error(
                _join(path, key), f"must be {'an integer' if integer else 'a number'} (got {_kind(value)})"
            )
            return None
        if minimum is not None and value < minimum:
            self.error(_join(path, key), f"must be at least {minimum:g} (got {value:g})")
            return None
        return value

    def boolean(self, obj: dict, key: str, path: str) -> bool | None:
        """An optional true/false."""
        if not self.present(obj, key, path, required=False):
            return None
        if not isinstance(obj[key], bool):
            self.error(_join(path, key), f"must be true or false (got {_kind(obj[key])})")
            return None
        return obj[key]

    def one_of(
        self, obj: dict, key: str, path: str, choices: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        """One of a fixed set of words."""
        if not self.present(obj, key, path, required=required):
            return None
        value = obj[key]
        if value not in choices or not isinstance(value, str):
            self.error(_join(path, key), f"{value!r} is not one of {', '.join(choices)}")
            return None
        return value

    def parsed(
        self,
        obj: dict,
        key: str,
        path: str,
        parser: Callable[[Any], Any],
        *,
        required: bool = False,
        reason: str = "required",
    ) -> Any:
        """The value run through a parser that raises ValueError(reason)."""
        if not self.present(obj, key, path, required=required, reason=reason):
            return None
        try:
            return parser(obj[key])
        except ValueError as exc:
            self.error(_join(path, key), str(exc))
            return None

    def strings(self, obj: dict, key: str, path: str) -> list[str] | None:
        """An optional list of strings."""
        values = self.items(obj, key, path)
        if values is None:
            return None
        ok = True
        for i, value in enumerate(values):
            if not isinstance(value, str):
                self.error(f"{_join(path, key)}[{i}]", f"must be a string (got {_kind(value)})")
                ok = False
        return values if ok else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
