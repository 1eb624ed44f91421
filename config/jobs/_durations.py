"""Durations as operators write them: ``30s``, ``5m``, ``1h``, ``1d``, ``1h30m``, ``250ms``.

A bare number is refused on purpose: ``lookback: 10`` could mean seconds or minutes, and guessing wrong
silently skips or re-reads records.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

__all__ = ["parse_duration", "format_duration", "Duration", "PositiveDuration", "DURATION_PATTERN"]

_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1, "ms": 0.001}
_PART = re.compile(r"(\d+)(ms|w|d|h|m|s)")
DURATION_PATTERN = r"^\s*(\d+\s*(ms|w|d|h|m|s)\s*)+$"
_WHOLE = re.compile(DURATION_PATTERN)


def parse_duration(value: Any) -> timedelta:
    """Read a duration; raises ``ValueError`` with a hint on anything else."""
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError("a duration cannot be negative")
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("a duration is a string such as '30s', '5m', '1h' or '1d'")
    if isinstance(value, (int, float)):
        raise ValueError(f"a duration needs a unit, e.g. '{value}s' or '{value}m'")
    if not _WHOLE.match(value):
        raise ValueError(f"not a duration: {value!r} (use e.g. '30s', '5m', '1h', '1d', '1h30m')")
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(value.replace(" ", "")))
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest text :func:`parse_duration` reads back as ``value`` (``timedelta(minutes=90)`` → ``1h30m``)."""
    milliseconds = round(value.total_seconds() * 1000)
    if milliseconds == 0:
        return "0s"
    parts = []
    for unit in ("w", "d", "h", "m", "s", "ms"):
        size = round(_UNIT_SECONDS[unit] * 1000)
        count, milliseconds = divmod(milliseconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero")
    return value


_DURATION_SCHEMA = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "examples": ["30s", "5m", "1h", "1d", "1h30m"],
}

Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(_DURATION_SCHEMA),
]
"""A ``timedelta`` written as ``30s`` / ``5m`` / ``1h`` / ``1d`` in YAML (and serialised back that way)."""

PositiveDuration = Annotated[Duration, AfterValidator(_positive)]
