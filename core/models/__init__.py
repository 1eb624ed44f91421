"""Crossdock's canonical models: the one shape every connector translates to and from.

Depends on pydantic only. ``SCHEMA_VERSION`` is stamped on every top-level document;
``CANONICAL_DOCUMENTS`` names them for ``crossdock schema`` and for mapping ``model:`` references.
"""

from ._base import SCHEMA_VERSION, CanonicalDocument, CanonicalModel
from .location import Location, LocationKind
from .money import Money
from .order import (
    Discount,
    FinancialStatus,
    Order,
    OrderLine,
    OrderRef,
    OrderStatus,
    OrderTotals,
    ShippingMethod,
    TaxLine,
)
from .party import Address, Contact, SourceRef
from .product import Dimensions, LengthUnit, Product, Variant, Weight, WeightUnit
from .purchasing import (
    AcknowledgementLine,
    AcknowledgementStatus,
    Invoice,
    InvoiceLine,
    LineAcknowledgementStatus,
    OrderAcknowledgement,
    PurchaseOrder,
    PurchaseOrderKind,
    PurchaseOrderLine,
)
from .returns import Return, ReturnLine, ReturnStatus
from .shipment import Carrier, Package, Shipment, ShipmentLine
from .stock import IncomingStock, StockLevel

CANONICAL_DOCUMENTS: dict[str, type[CanonicalDocument]] = {
    "Order": Order,
    "Shipment": Shipment,
    "StockLevel": StockLevel,
    "PurchaseOrder": PurchaseOrder,
    "OrderAcknowledgement": OrderAcknowledgement,
    "Invoice": Invoice,
    "Return": Return,
    "Product": Product,
    "Location": Location,
}

__all__ = [
    "SCHEMA_VERSION",
    "CANONICAL_DOCUMENTS",
    "CanonicalDocument",
    "CanonicalModel",
    "Money",
    "Address",
    "Contact",
    "SourceRef",
    "Product",
    "Variant",
    "Weight",
    "WeightUnit",
    "Dimensions",
    "LengthUnit",
    "Location",
    "LocationKind",
    "StockLevel",
    "IncomingStock",
    "Order",
    "OrderLine",
    "OrderRef",
    "OrderStatus",
    "FinancialStatus",
    "OrderTotals",
    "ShippingMethod",
    "Discount",
    "TaxLine",
    "Shipment",
    "ShipmentLine",
    "Package",
    "Carrier",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderKind",
    "OrderAcknowledgement",
    "AcknowledgementLine",
    "AcknowledgementStatus",
    "LineAcknowledgementStatus",
    "Invoice",
    "InvoiceLine",
    "Return",
    "ReturnLine",
    "ReturnStatus",
]
