"""Dates in the tenant's time zone: today, weeks, months, named periods, and UTC bounds for queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from store.records import DEFAULT_TIMEZONE

__all__ = [
    "PERIODS",
    "zone",
    "local_now",
    "local_today",
    "local_date_of",
    "week_starts_on",
    "week_bounds",
    "month_bounds",
    "period_bounds",
    "utc_range",
    "local_datetime_utc",
]

DEFAULT_ZONE = DEFAULT_TIMEZONE
# Named periods an owner can ask about ("this week", "last month"); "all" means no bounds.
PERIODS = ("today", "yesterday", "week", "last_week", "month", "last_month", "year", "all")
# Weeks start on Sunday where the working week starts on Sunday (Israel); Monday elsewhere.
_SUNDAY_ZONES = {"Asia/Jerusalem", "Asia/Tel_Aviv", "Israel"}


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo of an IANA name, the default zone when the name is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local_now(now: dt.datetime, tz: str | None) -> dt.datetime:
    """`now` (aware or naive UTC) in the tenant's zone."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return now.astimezone(zone(tz))


def local_today(now: dt.datetime, tz: str | None) -> dt.date:
    """The tenant's calendar date at `now`."""
    return local_now(now, tz).date()


def local_date_of(moment: dt.datetime | None, tz: str | None) -> dt.date | None:
    """The tenant's calendar date of a stored UTC moment."""
    return None if moment is None else local_now(moment, tz).date()


def week_starts_on(tz: str | None) -> int:
    """Weekday number (Monday=0) the tenant's week starts on."""
    return 6 if (tz or DEFAULT_ZONE) in _SUNDAY_ZONES else 0


def week_bounds(day: dt.date, tz: str | None) -> tuple[dt.date, dt.date]:
    """First and last day of the week containing `day`."""
    start = day - dt.timedelta(days=(day.weekday() - week_starts_on(tz)) % 7)
    return start, start + dt.timedelta(days=6)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month containing `day`."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def period_bounds(period: str, *, today: dt.date, tz: str | None) -> tuple[dt.date | None, dt.date | None]:
    """Inclusive first and last local day of a named period (None, None for "all")."""
    if period == "today":
        return today, today
    if period == "yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    if period == "week":
        return week_bounds(today, tz)
    if period == "last_week":
        return week_bounds(today - dt.timedelta(days=7), tz)
    if period == "month":
        return month_bounds(today)
    if period == "last_month":
        return month_bounds(today.replace(day=1) - dt.timedelta(days=1))
    if period == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    return None, None


def utc_range(
    first: dt.date | None, last: dt.date | None, tz: str | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """UTC [start, end) covering local days first..last; None stays open-ended."""
    start = local_datetime_utc(first, dt.time(0), tz) if first else None
    end = local_datetime_utc(last + dt.timedelta(days=1), dt.time(0), tz) if last else None
    return start, end


def local_datetime_utc(day: dt.date, time: dt.time, tz: str | None) -> dt.datetime:
    """A wall-clock date and time in the tenant's zone, as an aware UTC datetime."""
    return dt.datetime.combine(day, time, tzinfo=zone(tz)).astimezone(dt.UTC)
