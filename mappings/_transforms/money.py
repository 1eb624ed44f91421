"""Money in and out: ``{amount, currency}`` with an exact Decimal amount.

Inbound, systems spell money differently: Shopify ``{amount: "12.34", currencyCode: "USD"}``, Amazon
``{Amount: "12.34", CurrencyCode: "USD"}``, Walmart ``{amount: 12.34, currency: "USD"}``, or a bare
amount with the currency elsewhere on the record. Outbound, canonical Money becomes the amount text
most APIs want (``"12.34"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN
from typing import Any

from .._errors import TransformError
from .._paths import compile_path
from .._values import show, truncate_text
from ._coerce import quantizer, to_decimal
from ._registry import register_transform, source_aware

__all__: list[str] = []

_AMOUNT_KEYS = ("amount", "Amount", "value", "Value")
_CURRENCY_KEYS = ("currency", "currencyCode", "CurrencyCode", "currency_code", "Currency")


_checked_codes: dict[str, str] = {}  # at most 26**3 entries: only well-formed codes are kept


def _check_currency(code: Any, origin: str) -> str:
    checked = _checked_codes.get(code) if type(code) is str else None
    if checked is not None:
        return checked
    text = code.strip() if isinstance(code, str) else ""
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        raise TransformError(f"money: {origin} {show(code)} is not a three-letter currency code")
    if len(_checked_codes) < 20_000:
        _checked_codes[code] = text.upper()
    return text.upper()


def _first_key(value: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in value:
            return value[key]
    return None


@register_transform("money", shorthand="currency", factory=True)
def money(params: dict[str, Any]) -> Callable[..., Any]:
    """``{amount: Decimal, currency: "USD"}`` from a money object or a bare amount.

    ``currency`` (fixed) or ``currency_path`` give the currency of a bare amount; a money object's own
    currency always wins. ``currency_path`` reads the record the rule reads (the line inside
    ``each``), or the top-level record with ``from_root: true`` (the order's currency for its lines).
    """
    fixed = params.pop("currency", None)
    currency_path = params.pop("currency_path", None)
    currency_from_root = params.pop("from_root", False)
    if not isinstance(currency_from_root, bool):
        raise ValueError(f"from_root must be true or false, got {currency_from_root!r}")
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")
    if fixed is not None and currency_path is not None:
        raise ValueError("give currency or currency_path, not both")
    if fixed is not None:
        fixed = _check_currency(fixed, "currency").upper()
    read_currency = compile_path(currency_path) if currency_path is not None else None

    def step(value: Any, source: Any, root: Any) -> dict[str, Any] | None:
        if type(value) is dict or isinstance(value, Mapping):
            if not any(key in value for key in _AMOUNT_KEYS):
                keys = truncate_text(", ".join(str(key) for key in value), 60)
                raise TransformError(f"money: expected an object with an amount, got one with keys {keys}")
            raw_amount = _first_key(value, _AMOUNT_KEYS)
            if raw_amount is None:
                return None
            currency = _first_key(value, _CURRENCY_KEYS)
            origin = "currency"
        else:
            raw_amount, currency, origin = value, None, "currency"
        if currency is None:
            if read_currency is not None:
                currency = read_currency(root if currency_from_root else source)
                origin = f"currency at '{currency_path}'"
            else:
                currency = fixed
        if currency is None:
            raise TransformError(
                f"money: no currency for amount {show(raw_amount)} (give currency: or currency_path:)"
            )
        return {"amount": to_decimal(raw_amount), "currency": _check_currency(currency, origin)}

    return source_aware(step)


@register_transform("money_amount", shorthand="places", factory=True)
def money_amount(params: dict[str, Any]) -> Callable[[Any], str]:
    """Canonical Money (or a bare amount) → ``"12.34"``; ``places`` rounds half-even, else exact."""
    exponent = quantizer(params.pop("places", None))
    if params:
        raise ValueError(f"unknown parameter '{sorted(params)[0]}'")

    def step(value: Any) -> str:
        amount = _first_key(value, _AMOUNT_KEYS) if type(value) is dict or isinstance(value, Mapping) else value
        if amount is None:
            raise TransformError(f"money_amount: expected money with an amount, got {show(value)}")
        number = to_decimal(amount)
        if exponent is not None:
            number = number.quantize(exponent, rounding=ROUND_HALF_EVEN)
        return format(number, "f")

    return step
