"""Parsers for the bundle's value formats: each returns the parsed value or raises ValueError(reason)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from store.bundle._codes import ISO_639_1, ISO_4217, LANGUAGE_HINTS

__all__ = [
    "parse_date",
    "parse_datetime",
    "parse_date_or_datetime",
    "check_timezone",
    "check_url",
    "check_language",
    "check_currency",
    "HANDLE_RE",
]

HANDLE_RE = re.compile(r"[a-z0-9._]{2,30}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.I)


def parse_date(value: object) -> dt.date:
    """An ISO date 'YYYY-MM-DD' that exists in the calendar."""
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None


def parse_datetime(value: object, *, tz: str = "UTC") -> dt.datetime:
    """An ISO datetime; one without an offset is read in the given time zone. Returned in UTC."""
    if not isinstance(value, str) or not _DATETIME_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO datetime (YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])")
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{value!r} is not a real date and time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(tz))
    return parsed.astimezone(dt.UTC)


def parse_date_or_datetime(value: object, *, tz: str = "UTC") -> tuple[dt.date, dt.datetime | None]:
    """(date, datetime or None): a date alone, or a datetime and its date in the given time zone."""
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        return parse_date(value), None
    try:
        moment = parse_datetime(value, tz=tz)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date or datetime") from None
    return moment.astimezone(_zone(tz)).date(), moment


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except Exception:  # validation already refused it; stay safe
        return dt.UTC


def check_timezone(value: object) -> str:
    """An IANA time zone name, e.g. 'Asia/Jerusalem'."""
    if not isinstance(value, str) or value not in _timezones():
        raise ValueError(f"{value!r} is not an IANA time zone (like Asia/Jerusalem)")
    return value


def check_url(value: object) -> str:
    """An absolute http(s) URL with a host."""
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        raise ValueError(f"{value!r} is not a URL (http:// or https://)")
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or "." not in parts.hostname.strip(".")
    ):
        if not (parts.hostname in ("localhost", "127.0.0.1") and parts.scheme in ("http", "https")):
            raise ValueError(f"{value!r} is not a URL (http:// or https://)")
    return value


def check_language(value: object) -> str:
    """A two-letter ISO 639-1 language code, lower case."""
    if isinstance(value, str) and value in ISO_639_1:
        return value
    hint = LANGUAGE_HINTS.get(value.lower()) if isinstance(value, str) else None
    if isinstance(value, str) and value.lower() in ISO_639_1:
        hint = value.lower()
    suffix = f" (did you mean '{hint}'?)" if hint else ""
    raise ValueError(f"{value!r} is not an ISO 639-1 language code (like he, en){suffix}")


def check_currency(value: object) -> str:
    """A three-letter ISO 4217 currency code, upper case."""
    if isinstance(value, str) and value in ISO_4217:
        return value
    suffix = (
        f" (did you mean '{value.upper()}'?)" if isinstance(value, str) and value.upper() in ISO_4217 else ""
    )
    raise ValueError(f"{value!r} is not an ISO 4217 currency code (like ILS, USD){suffix}")
