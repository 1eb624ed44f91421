"""Shipments: what left which location, in which packages, with which carrier and tracking."""

from __future__ import annotations

from pydantic import Field, field_validator

from ._base import AwareDatetime, CanonicalDocument, CanonicalModel, NonEmptyStr, Quantity, Sku, schema_version_field
from .order import OrderRef
from .party import Address, SourceRef
from .product import Dimensions, Weight

__all__ = ["ShipmentLine", "Package", "Carrier", "Shipment", "sscc_check_digit_ok"]


def sscc_check_digit_ok(code: str) -> bool:
    """GS1 mod-10 check of an 18-digit Serial Shipping Container Code (what MAN*GM carries in an 856)."""
    if len(code) != 18 or not code.isdigit():
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:-1]))
    return (10 - total % 10) % 10 == digits[-1]


class ShipmentLine(CanonicalModel):
    """Units of one order line shipped. ``line_id`` refers to the order's line in its source system."""

    line_id: str | None = None
    sku: Sku
    quantity: Quantity = Field(gt=0)


class Package(CanonicalModel):
    sscc: str | None = Field(default=None, description="SSCC-18 label of the carton or pallet.")
    tracking_number: str | None = None
    weight: Weight | None = None
    dimensions: Dimensions | None = None
    lines: list[ShipmentLine] = Field(default_factory=list)

    @field_validator("sscc")
    @classmethod
    def _valid_sscc(cls, value: str | None) -> str | None:
        if value is not None and not sscc_check_digit_ok(value):
            raise ValueError(f"'{value}' is not a valid SSCC-18 (18 digits with a GS1 check digit)")
        return value


class Carrier(CanonicalModel):
    name: str | None = None
    scac: str | None = Field(default=None, min_length=2, max_length=4, description="Standard Carrier Alpha Code.")


class Shipment(CanonicalDocument):
    schema_version: str = schema_version_field()
    source: SourceRef | None = None
    order: OrderRef
    lines: list[ShipmentLine] = Field(min_length=1)
    packages: list[Package] = Field(default_factory=list)
    carrier: Carrier | None = None
    service: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: AwareDatetime
    ship_from_location_id: NonEmptyStr | None = None
    ship_to: Address | None = None

    @property
    def tracking_numbers(self) -> list[str]:
        """Every tracking number on the shipment, the shipment-level one first, without repeats."""
        numbers = [self.tracking_number] if self.tracking_number else []
        numbers += [p.tracking_number for p in self.packages if p.tracking_number]
        return list(dict.fromkeys(numbers))
