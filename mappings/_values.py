"""Short, safe renderings of record values for error messages.

Messages end up in logs and the error queue: a value is shown truncated, and containers are
described rather than dumped, so a bad field never drags the whole record (or a secret) along.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["show", "truncate_text"]

_MAX_SHOWN = 40


def truncate_text(text: str, limit: int = _MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: Any) -> str:
    """``'1.5'`` for a string, ``1.5`` for a number, ``a mapping with 3 keys`` for a dict."""
    if isinstance(value, str):
        return repr(truncate_text(value))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return truncate_text(format(value, "f") if value.is_finite() else str(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return f"a mapping with {len(value)} key{'s' if len(value) != 1 else ''}"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, (int, float)):
        return truncate_text(repr(value))
    return f"a {type(value).__name__}"
