"""Numeric and boolean transforms. Quantities must be whole; amounts stay exact decimals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from .._errors import TransformError
from .._values import show
from ._coerce import quantizer, to_decimal
from ._registry import register_transform

__all__: list[str] = []

_TRUE_TEXT = frozenset({"true", "t", "yes", "y", "1"})
_FALSE_TEXT = frozenset({"false", "f", "no", "n", "0"})


@register_transform("int")
def int_(value: Any) -> int:
    """A whole number: ``3``, ``"3"``, ``3.0`` or ``"3.00"``; ``1.5`` is refused, never rounded."""
    if isinstance(value, bool):
        raise TransformError(f"expected an integer, got {show(value)}")
    if isinstance(value, int):
        return value
    try:
        number = to_decimal(value)
    except TransformError:
        raise TransformError(f"expected an integer, got {show(value)}") from None
    if number != number.to_integral_value():
        raise TransformError(f"expected an integer, got {show(value)}")
    return int(number)


@register_transform("decimal", shorthand="places", factory=True)
def decimal_(params: dict[str, Any]) -> Callable[[Any], Decimal]:
    """An exact Decimal; ``places`` rounds half-even (``{decimal: 2}``)."""
    exponent = quantizer(params.pop("places", None))
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")
    if exponent is None:
        return to_decimal

    def step(value: Any) -> Decimal:
        return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_EVEN)

    return step


@register_transform("bool")
def bool_(value: Any) -> bool:
    """true/false, yes/no, y/n, t/f, 1/0 (any case) and the numbers 1 and 0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_TEXT:
            return True
        if text in _FALSE_TEXT:
            return False
    raise TransformError(f"expected a boolean, got {show(value)}")
