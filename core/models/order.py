"""Orders placed on a channel (storefront, marketplace, EDI 850 from a retailer)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from ._base import AwareDatetime, CanonicalDocument, CanonicalModel, CurrencyCode, NonEmptyStr, Quantity, Sku, schema_version_field
from .money import Money
from .party import Address, Contact, SourceRef

__all__ = [
    "OrderStatus",
    "FinancialStatus",
    "Discount",
    "TaxLine",
    "OrderLine",
    "ShippingMethod",
    "OrderTotals",
    "Order",
    "OrderRef",
]


class OrderStatus(StrEnum):
    """Lifecycle of an order as fulfilment sees it."""

    PENDING = "pending"  # placed, not yet released (unpaid, fraud check, pre-order)
    OPEN = "open"  # released for fulfilment
    ON_HOLD = "on_hold"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class FinancialStatus(StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"


class Discount(CanonicalModel):
    code: str | None = None
    description: str | None = None
    amount: Money


class TaxLine(CanonicalModel):
    title: str | None = None
    rate: Decimal | None = Field(default=None, ge=0, description="As a fraction: 0.0825 for 8.25 %.")
    amount: Money


class OrderLine(CanonicalModel):
    """One SKU on an order. ``line_id`` is the source system's line ID, needed to ship or cancel that line."""

    line_id: NonEmptyStr
    sku: Sku
    title: str | None = None
    quantity: Quantity = Field(gt=0)
    unit_price: Money
    discounts: list[Discount] = Field(default_factory=list)
    taxes: list[TaxLine] = Field(default_factory=list)
    gtin: str | None = None
    vendor_sku: str | None = None
    requires_shipping: bool = True
    fulfilment_location_id: str | None = Field(
        default=None, description="Set by routing: the location or dropship partner that ships this line."
    )
    properties: dict[str, str] = Field(default_factory=dict)

    @property
    def subtotal(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def discount_total(self) -> Money:
        return sum((d.amount for d in self.discounts), Money.zero(self.unit_price.currency))


class ShippingMethod(CanonicalModel):
    carrier: str | None = None
    service: str | None = None
    code: str | None = None
    price: Money | None = None


class OrderTotals(CanonicalModel):
    subtotal: Money | None = None
    discounts: Money | None = None
    shipping: Money | None = None
    tax: Money | None = None
    total: Money


class OrderRef(CanonicalModel):
    """Points at an order from a shipment, return, invoice or acknowledgement."""

    source: SourceRef | None = None
    number: str | None = None
    canonical_id: str | None = None

    @model_validator(mode="after")
    def _some_identity(self) -> OrderRef:
        if self.source is None and not self.number and not self.canonical_id:
            raise ValueError("an order reference needs a source, a number or a canonical_id")
        return self


class Order(CanonicalDocument):
    """A customer order.

    ``source`` identifies it in the system it was placed in; ``number`` is what people read (#1001,
    an Amazon order ID, a retailer's PO number). Money on the order and its lines shares ``currency``.
    """

    schema_version: str = schema_version_field()
    source: SourceRef
    channel: NonEmptyStr = Field(description="Where it was sold: shopify, amazon, walmart, edi:<partner>, …")
    number: NonEmptyStr
    status: OrderStatus = OrderStatus.OPEN
    financial_status: FinancialStatus | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    currency: CurrencyCode
    customer: Contact | None = None
    ship_to: Address | None = None
    bill_to: Address | None = None
    lines: list[OrderLine] = Field(min_length=1)
    shipping_method: ShippingMethod | None = None
    totals: OrderTotals
    tags: list[str] = Field(default_factory=list)
    note: str | None = None
    ship_by: AwareDatetime | None = None
    is_preorder: bool = False

    @model_validator(mode="after")
    def _one_currency(self) -> Order:
        currencies = {line.unit_price.currency for line in self.lines} | {self.totals.total.currency}
        if currencies != {self.currency}:
            raise ValueError(f"order currency is {self.currency} but its lines or totals use {sorted(currencies)}")
        return self

    @property
    def ref(self) -> OrderRef:
        return OrderRef(source=self.source, number=self.number)

    def line(self, line_id: str) -> OrderLine:
        for candidate in self.lines:
            if candidate.line_id == line_id:
                return candidate
        raise KeyError(line_id)
