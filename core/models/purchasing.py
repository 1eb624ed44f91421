"""Documents between the merchant and its suppliers and dropship partners: POs, acknowledgements, invoices."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from ._base import AwareDatetime, CanonicalDocument, CanonicalModel, CurrencyCode, NonEmptyStr, Quantity, Sku, schema_version_field
from .money import Money
from .order import OrderRef
from .party import Address, Contact, SourceRef

__all__ = [
    "PurchaseOrderKind",
    "PurchaseOrderLine",
    "PurchaseOrder",
    "AcknowledgementStatus",
    "LineAcknowledgementStatus",
    "AcknowledgementLine",
    "OrderAcknowledgement",
    "InvoiceLine",
    "Invoice",
]


class PurchaseOrderKind(StrEnum):
    STANDARD = "standard"  # stock to the merchant's warehouse (850 BEG02 SA)
    DROPSHIP = "dropship"  # the partner ships straight to the customer (850 BEG02 DS)


class PurchaseOrderLine(CanonicalModel):
    line_number: NonEmptyStr
    sku: Sku
    vendor_sku: str | None = None
    gtin: str | None = None
    description: str | None = None
    quantity: Quantity = Field(gt=0)
    unit_of_measure: str = "EA"
    unit_cost: Money | None = None
    order_line_id: str | None = Field(default=None, description="The customer order line this PO line fulfils.")


class PurchaseOrder(CanonicalDocument):
    """An order to a supplier or dropship partner (an 850 out), or a retailer's order to the merchant (850 in)."""

    schema_version: str = schema_version_field()
    source: SourceRef | None = None
    number: NonEmptyStr
    kind: PurchaseOrderKind = PurchaseOrderKind.STANDARD
    partner_id: NonEmptyStr = Field(description="The supplier, dropship partner or retailer this PO is exchanged with.")
    order: OrderRef | None = Field(default=None, description="The customer order behind a dropship PO.")
    ordered_at: AwareDatetime
    currency: CurrencyCode | None = None
    ship_to: Address | None = None
    bill_to: Address | None = None
    buyer: Contact | None = None
    lines: list[PurchaseOrderLine] = Field(min_length=1)
    ship_by: date | None = None
    cancel_after: date | None = None
    carrier_scac: str | None = None
    service_level: str | None = None
    note: str | None = None


class AcknowledgementStatus(StrEnum):
    ACCEPTED = "accepted"  # 855 BAK02 AC / AT
    ACCEPTED_WITH_CHANGES = "accepted_with_changes"  # AC with line changes, or AD/AE
    REJECTED = "rejected"  # RJ / RD


class LineAcknowledgementStatus(StrEnum):
    ACCEPTED = "accepted"  # ACK01 IA
    REJECTED = "rejected"  # IR
    BACKORDERED = "backordered"  # IB
    CHANGED = "changed"  # IC, IQ, IP (quantity, price or date changed)


class AcknowledgementLine(CanonicalModel):
    line_number: NonEmptyStr
    sku: Sku | None = None
    status: LineAcknowledgementStatus
    quantity: Quantity
    unit_cost: Money | None = None
    expected_ship_date: date | None = None


class OrderAcknowledgement(CanonicalDocument):
    """A supplier's answer to a purchase order (an 855)."""

    schema_version: str = schema_version_field()
    source: SourceRef | None = None
    purchase_order_number: NonEmptyStr
    partner_id: NonEmptyStr
    status: AcknowledgementStatus
    acknowledged_at: AwareDatetime
    lines: list[AcknowledgementLine] = Field(default_factory=list)


class InvoiceLine(CanonicalModel):
    line_number: NonEmptyStr
    sku: Sku
    quantity: Quantity = Field(gt=0)
    unit_price: Money
    description: str | None = None
    unit_of_measure: str = "EA"


class Invoice(CanonicalDocument):
    """A bill for goods (an 810)."""

    schema_version: str = schema_version_field()
    source: SourceRef | None = None
    number: NonEmptyStr
    partner_id: NonEmptyStr
    purchase_order_number: str | None = None
    order: OrderRef | None = None
    invoice_date: date
    due_date: date | None = None
    currency: CurrencyCode
    bill_to: Address | None = None
    remit_to: Address | None = None
    lines: list[InvoiceLine] = Field(min_length=1)
    shipping: Money | None = None
    tax: Money | None = None
    allowances: Money | None = None
    total: Money
    terms: str | None = None
