"""Money: an exact decimal amount in an ISO 4217 currency.

Floats are refused outright (``0.1 + 0.2`` is how invoices end up a cent off); a float that arrives
from JSON must be turned into ``Decimal(str(x))`` by the mapping that read it, where the loss of
precision, if any, is visible.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import field_validator

from ._base import CanonicalModel, CurrencyCode
from ._codes import CURRENCY_MINOR_UNITS

__all__ = ["Money"]


class Money(CanonicalModel):
    """An amount of money. Arithmetic only between the same currency."""

    amount: Decimal
    currency: CurrencyCode

    @field_validator("amount", mode="before")
    @classmethod
    def _exact_amount(cls, value: Any) -> Any:
        if type(value) is Decimal and value.is_finite():  # what mappings give: checked in one step
            return value
        if isinstance(value, bool) or isinstance(value, float):
            raise ValueError("money amounts must be exact (Decimal, int or a decimal string), never a float")
        if isinstance(value, str):
            try:
                value = Decimal(value.strip())
            except InvalidOperation:
                raise ValueError(f"'{value}' is not a decimal amount") from None
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError("money amounts must be finite")
        return value

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(amount=Decimal(0), currency=currency)

    @property
    def minor_units(self) -> int:
        """Digits after the decimal point this currency uses (2 for USD, 0 for JPY, 3 for KWD)."""
        return CURRENCY_MINOR_UNITS.get(self.currency, 2)

    def quantized(self) -> Money:
        """The amount rounded half-even to the currency's minor unit, as ledgers and invoices show it."""
        exponent = Decimal(1).scaleb(-self.minor_units)
        return Money(amount=self.amount.quantize(exponent), currency=self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(amount=self.amount - other.amount, currency=self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise TypeError("multiply money by an int or a Decimal, never a float")
        return Money(amount=self.amount * factor, currency=self.currency)

    __rmul__ = __mul__

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
