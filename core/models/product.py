"""What is sold: products, their variants (the SKU level), physical measures."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator

from ._base import CanonicalDocument, CanonicalModel, NonEmptyStr, Sku, schema_version_field
from .money import Money
from .party import SourceRef

__all__ = ["WeightUnit", "LengthUnit", "Weight", "Dimensions", "Variant", "Product", "gtin_check_digit_ok"]


class WeightUnit(StrEnum):
    G = "g"
    KG = "kg"
    OZ = "oz"
    LB = "lb"


class LengthUnit(StrEnum):
    MM = "mm"
    CM = "cm"
    M = "m"
    IN = "in"
    FT = "ft"


class Weight(CanonicalModel):
    value: Decimal = Field(ge=0)
    unit: WeightUnit


class Dimensions(CanonicalModel):
    length: Decimal = Field(ge=0)
    width: Decimal = Field(ge=0)
    height: Decimal = Field(ge=0)
    unit: LengthUnit


def gtin_check_digit_ok(code: str) -> bool:
    """GS1 mod-10 check for GTIN-8/12/13/14 (UPC-A is GTIN-12)."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


class Variant(CanonicalModel):
    """The sellable unit: one SKU. Stock, order lines and listings all key on the SKU."""

    sku: Sku
    title: str | None = None
    gtin: str | None = Field(default=None, description="GTIN-8/12/13/14; a UPC-A is a GTIN-12.")
    upc: str | None = None
    vendor_sku: str | None = None
    price: Money | None = None
    cost: Money | None = None
    weight: Weight | None = None
    dimensions: Dimensions | None = None
    options: dict[str, str] = Field(default_factory=dict)

    @field_validator("gtin", "upc")
    @classmethod
    def _valid_gtin(cls, value: str | None) -> str | None:
        if value is not None and not gtin_check_digit_ok(value):
            raise ValueError(f"'{value}' is not a valid GTIN (length 8/12/13/14 with a GS1 check digit)")
        return value


class Product(CanonicalDocument):
    schema_version: str = schema_version_field()
    source: SourceRef | None = None
    title: NonEmptyStr
    description: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    tags: list[str] = Field(default_factory=list)
    variants: list[Variant] = Field(min_length=1)
