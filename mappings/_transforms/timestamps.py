"""Timestamps: everything inbound becomes an aware UTC datetime; outbound text is ISO 8601.

A naive timestamp is ambiguous across systems (an EDI date, a CSV export in the warehouse's local
time), so it is refused unless the rule says which zone it was written in (``tz:``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .._errors import TransformError
from .._values import show
from ._coerce import to_decimal
from ._registry import register_transform

__all__: list[str] = []

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_UNITS = {"s": 1_000_000, "ms": 1_000, "us": 1}


def _zone(name: Any) -> tzinfo | None:
    if name is None:
        return None
    if not isinstance(name, str):
        raise ValueError(f"tz must be an IANA zone name such as America/New_York, got {name!r}")
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _strptime_format(raw: Any) -> str | None:
    if raw is not None and (not isinstance(raw, str) or "%" not in raw):
        raise ValueError(f"format must be a strptime pattern such as '%Y%m%d%H%M', got {raw!r}")
    return raw


def _parse(value: Any, pattern: str | None, epoch_micros: int) -> datetime:
    """A datetime (naive or aware) from text, a number of epoch units or a datetime."""
    if isinstance(value, str):  # the common case first
        try:
            return datetime.strptime(value.strip(), pattern) if pattern else datetime.fromisoformat(value.strip())
        except ValueError:
            expected = f"a date-time like {pattern!r}" if pattern else "an ISO 8601 date-time (or give format:)"
            raise TransformError(f"expected {expected}, got {show(value)}") from None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        micros = to_decimal(value) * epoch_micros
        return _EPOCH + timedelta(microseconds=int(micros))
    raise TransformError(f"expected a date-time, got {show(value)}")


def _epoch_micros(params: dict[str, Any]) -> int:
    unit = params.pop("epoch_unit", "s")
    if unit not in _EPOCH_UNITS:
        raise ValueError(f"epoch_unit must be one of {', '.join(_EPOCH_UNITS)}, got {unit!r}")
    return _EPOCH_UNITS[unit]


@register_transform("datetime", factory=True)
def datetime_(params: dict[str, Any]) -> Callable[[Any], datetime]:
    """ISO 8601 text, epoch seconds (``epoch_unit: ms``) or ``format:`` text → aware UTC datetime.

    ``tz`` is the zone naive values were written in; without it a naive value is an error.
    """
    pattern = _strptime_format(params.pop("format", None))
    zone = _zone(params.pop("tz", None))
    epoch_micros = _epoch_micros(params)
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")

    def step(value: Any) -> datetime:
        moment = _parse(value, pattern, epoch_micros)
        if moment.tzinfo is None or moment.utcoffset() is None:
            if zone is None:
                raise TransformError(f"{show(value)} has no time zone (give tz: the zone it was written in)")
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(timezone.utc)

    return step


@register_transform("date", factory=True)
def date_(params: dict[str, Any]) -> Callable[[Any], date]:
    """A calendar date from ISO text (``2024-01-15``, ``20240115``), ``format:`` text or a date-time.

    An aware date-time is first moved to ``tz`` (if given): the date of an order is where it was placed.
    """
    pattern = _strptime_format(params.pop("format", None))
    zone = _zone(params.pop("tz", None))
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")

    def step(value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and pattern is None:
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        moment = _parse(value, pattern, _EPOCH_UNITS["s"])
        if zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return moment.date()

    return step


@register_transform("datetime_iso", factory=True)
def datetime_iso(params: dict[str, Any]) -> Callable[[Any], str]:
    """A date-time (or its ISO text, as canonical models dump it) → ``2024-01-15T10:00:00Z``.

    ``tz`` converts to a zone first (default UTC); ``format`` is a strftime pattern for systems that
    want something else (``%Y%m%d`` for X12 dates). A date alone is written as a date.
    """
    pattern = params.pop("format", None)
    if pattern is not None and not isinstance(pattern, str):
        raise ValueError(f"format must be a strftime pattern, got {pattern!r}")
    zone = _zone(params.pop("tz", "UTC"))
    timespec = params.pop("timespec", "auto")
    if timespec not in ("auto", "hours", "minutes", "seconds", "milliseconds", "microseconds"):
        raise ValueError(f"timespec {timespec!r} is not one of datetime.isoformat's")
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")

    def step(value: Any) -> str:
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                pass
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.strftime(pattern) if pattern else value.isoformat()
        moment = _parse(value, None, _EPOCH_UNITS["s"])
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise TransformError(f"{show(value)} has no time zone")
        moment = moment.astimezone(zone)
        if pattern:
            return moment.strftime(pattern)
        text = moment.isoformat(timespec=timespec)
        return text[:-6] + "Z" if zone is timezone.utc and text.endswith("+00:00") else text

    return step
