"""Exact conversions shared by the numeric transforms.

A float only ever becomes a Decimal through ``str()`` (its shortest round-tripping text), so
``12.34`` from JSON is ``Decimal('12.34')``, never ``Decimal(12.34)`` = 12.339999999999999857891452848….
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .._errors import TransformError
from .._values import show

__all__ = ["to_decimal", "to_text", "quantizer"]


def to_decimal(value: Any) -> Decimal:
    if type(value) is Decimal and value.is_finite():  # the common case: JSON read with parse_float=Decimal
        return value
    if isinstance(value, str):  # the next most common: amounts written as text ("74.43")
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise TransformError(f"expected a decimal number, got {show(value)}") from None
    elif isinstance(value, bool):
        raise TransformError(f"expected a decimal number, got {show(value)}")
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    else:
        raise TransformError(f"expected a decimal number, got {show(value)}")
    if not result.is_finite():
        raise TransformError(f"expected a finite number, got {show(value)}")
    return result


def to_text(value: Any) -> str:
    """Text for a scalar: Decimals without exponents, booleans as ``true``/``false``, dates as ISO 8601."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float)):
        return str(value)
    isoformat = getattr(value, "isoformat", None)
    if isoformat is not None:
        return str(isoformat())
    raise TransformError(f"expected a single value, got {show(value)}")


def quantizer(places: Any) -> Decimal | None:
    """The exponent to quantize to for ``places`` decimal places (validated at compile time)."""
    if places is None:
        return None
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 18:
        raise ValueError(f"places must be a whole number from 0 to 18, got {places!r}")
    return Decimal(1).scaleb(-places)
