"""Weight and length conversion with exact decimal arithmetic.

Factors are the exact legal definitions (1 lb = 0.45359237 kg, 1 in = 0.0254 m), and the ratio
between two units is kept as a fraction, so lb→kg and oz→lb are exact; only conversions whose
result does not terminate (kg→lb) round, at 34 significant digits, unless ``places`` asks for fewer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Any

from .._errors import TransformError
from .._values import show
from ._coerce import quantizer, to_decimal
from ._registry import register_transform

__all__: list[str] = []

_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)

# unit → (dimension, size in the dimension's base unit: kg or m)
_UNITS: dict[str, tuple[str, Fraction]] = {
    "g": ("weight", Fraction("0.001")),
    "kg": ("weight", Fraction(1)),
    "lb": ("weight", Fraction("0.45359237")),
    "oz": ("weight", Fraction("0.45359237") / 16),
    "mm": ("length", Fraction("0.001")),
    "cm": ("length", Fraction("0.01")),
    "m": ("length", Fraction(1)),
    "in": ("length", Fraction("0.0254")),
}
_ALIASES = {
    "gram": "g", "grams": "g", "kilogram": "kg", "kilograms": "kg", "kgs": "kg",
    "pound": "lb", "pounds": "lb", "lbs": "lb", "ounce": "oz", "ounces": "oz",
    "millimeter": "mm", "millimeters": "mm", "millimetre": "mm", "millimetres": "mm",
    "centimeter": "cm", "centimeters": "cm", "centimetre": "cm", "centimetres": "cm",
    "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "inch": "in", "inches": "in",
}  # fmt: skip


def unit_name(raw: Any) -> str:
    """The canonical short name of a unit spelled ``POUNDS``, ``lbs`` or ``Kilograms``."""
    if isinstance(raw, str):
        key = raw.strip().lower()
        key = _ALIASES.get(key, key)
        if key in _UNITS:
            return key
    known = ", ".join(_UNITS)
    raise ValueError(f"unknown unit {show(raw)} (known: {known} and their spelled-out names)")


def _ratio(source: str, target: str) -> Fraction:
    source_dim, source_size = _UNITS[source]
    target_dim, target_size = _UNITS[target]
    if source_dim != target_dim:
        raise ValueError(f"cannot convert {source_dim} ({source}) to {target_dim} ({target})")
    return source_size / target_size


def _scale(number: Decimal, ratio: Fraction) -> Decimal:
    scaled = _CONTEXT.multiply(number, Decimal(ratio.numerator))
    return scaled if ratio.denominator == 1 else _CONTEXT.divide(scaled, Decimal(ratio.denominator))


@register_transform("unit", factory=True)
def unit(params: dict[str, Any]) -> Callable[[Any], Decimal]:
    """``{unit: {from: lb, to: kg}}``; a ``{value, unit}`` object (Shopify, Amazon) names its own unit."""
    target = params.pop("to", None)
    source = params.pop("from", None)
    exponent = quantizer(params.pop("places", None))
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")
    if target is None:
        raise ValueError("missing parameter 'to'")
    target = unit_name(target)
    fixed_ratio = _ratio(unit_name(source), target) if source is not None else None
    ratios: dict[str, Fraction] = {}

    def step(value: Any) -> Decimal:
        ratio = fixed_ratio
        if isinstance(value, Mapping):
            if "value" not in value and "Value" not in value:
                raise TransformError("unit: expected a number or an object with a value and a unit")
            raw_unit = value.get("unit", value.get("Unit"))
            value = value.get("value", value.get("Value"))
            if value is None:
                return None  # type: ignore[return-value]
            if raw_unit is not None:
                ratio = ratios.get(raw_unit) if isinstance(raw_unit, str) else None
                if ratio is None:
                    try:
                        ratio = _ratio(unit_name(raw_unit), target)
                    except ValueError as exc:
                        raise TransformError(f"unit: {exc}") from None
                    ratios[raw_unit] = ratio
        if ratio is None:
            raise TransformError(f"unit: {show(value)} has no unit (give from:)")
        result = _scale(to_decimal(value), ratio)
        return result.quantize(exponent, rounding=ROUND_HALF_EVEN) if exponent is not None else result

    return step
