"""Stock: how many units of a SKU a location has, has promised, and expects."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from ._base import AwareDatetime, CanonicalDocument, CanonicalModel, NonEmptyStr, Quantity, SignedQuantity, Sku, schema_version_field
from .party import SourceRef

__all__ = ["IncomingStock", "StockLevel"]


class IncomingStock(CanonicalModel):
    """Units on their way (a purchase order, an 846 SCH line) and when they are expected."""

    quantity: Quantity
    expected_date: date | None = None
    reference: str | None = None


class StockLevel(CanonicalDocument):
    """One SKU at one location.

    ``available`` is what may be sold now. When a system reports only on-hand and committed, it is
    derived as ``on_hand - committed`` (never below zero); when a system reports ``available`` itself
    (an 846 QTY*33), its figure is kept as given.
    """

    schema_version: str = schema_version_field()
    sku: Sku
    location_id: NonEmptyStr
    on_hand: SignedQuantity | None = None
    committed: Quantity = 0
    available: SignedQuantity | None = None
    incoming: list[IncomingStock] = Field(default_factory=list)
    as_of: AwareDatetime | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _derive_available(self) -> StockLevel:
        if self.available is None:
            if self.on_hand is None:
                raise ValueError("a stock level needs on_hand or available")
            object.__setattr__(self, "available", max(self.on_hand - self.committed, 0))
        return self

    @property
    def key(self) -> str:
        return f"{self.sku}@{self.location_id}"
