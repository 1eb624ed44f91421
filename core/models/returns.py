"""Returns (RMAs): units coming back from a customer."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from ._base import AwareDatetime, CanonicalDocument, CanonicalModel, Quantity, Sku, schema_version_field
from .money import Money
from .order import OrderRef
from .party import SourceRef

__all__ = ["ReturnStatus", "ReturnLine", "Return"]


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    AUTHORIZED = "authorized"
    RECEIVED = "received"
    REFUNDED = "refunded"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class ReturnLine(CanonicalModel):
    line_id: str | None = None
    sku: Sku
    quantity: Quantity = Field(gt=0)
    reason: str | None = None
    restock: bool = True


class Return(CanonicalDocument):
    schema_version: str = schema_version_field()
    source: SourceRef
    order: OrderRef
    status: ReturnStatus
    created_at: AwareDatetime
    lines: list[ReturnLine] = Field(min_length=1)
    refund: Money | None = None
    receiving_location_id: str | None = None
