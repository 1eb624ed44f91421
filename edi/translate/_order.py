"""A retailer's purchase order as a customer order the merchant fulfils (channel ``edi:<partner>``)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from crossdock.core.models import (
    Money,
    Order,
    OrderLine,
    OrderStatus,
    OrderTotals,
    PurchaseOrder,
    ShippingMethod,
    SourceRef,
)

from ..partners import PartnerProfile

__all__ = ["purchase_order_to_order", "PRICE_MISSING_PROPERTY", "PARTNER_ITEM_PROPERTY", "PO_LINE_PROPERTY"]

PRICE_MISSING_PROPERTY = "edi_price_missing"
"""Set to ``"true"`` on a line whose PO1 had no price: its unit price is then zero, not known."""
PARTNER_ITEM_PROPERTY = "edi_partner_item"
"""The retailer's own item number for the line (echoed back on 855, 856 and 810)."""
PO_LINE_PROPERTY = "edi_po_line"
"""The PO1 line number, which the retailer expects back on every answer."""


def purchase_order_to_order(po: PurchaseOrder, partner: PartnerProfile) -> Order:
    """The order behind a retailer's 850.

    The order's identity is the PO number in the partner's system (``edi:<partner>``), so a
    re-sent or replacing 850 maps to the same order.  ``ship_by`` becomes the end of that day in
    the partner's zone (a ship-by date is met by shipping that day).  A PO line without a price
    gets a zero unit price and the ``edi_price_missing`` property: X12 allows it, the canonical
    order does not, and inventing a price would be worse.
    """
    currency = po.currency or partner.defaults.currency
    lines: list[OrderLine] = []
    for line in po.lines:
        properties = {PO_LINE_PROPERTY: line.line_number}
        if line.vendor_sku:
            properties[PARTNER_ITEM_PROPERTY] = line.vendor_sku
        if line.unit_cost is None:
            properties[PRICE_MISSING_PROPERTY] = "true"
        lines.append(
            OrderLine(
                line_id=line.line_number,
                sku=line.sku,
                title=line.description,
                quantity=line.quantity,
                unit_price=line.unit_cost if line.unit_cost is not None else Money.zero(currency),
                gtin=line.gtin,
                properties=properties,
            )
        )
    subtotal = sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))
    shipping_method = None
    if po.carrier_scac or po.service_level:
        shipping_method = ShippingMethod(carrier=po.carrier_scac, service=po.service_level)
    ship_by = None
    if po.ship_by is not None:
        ship_by = datetime.combine(po.ship_by, time(23, 59, 59), tzinfo=partner.zone)
    tags = ["edi", f"po:{po.kind.value}"]
    return Order(
        source=SourceRef(system=partner.source_system, id=po.number),
        channel=partner.source_system,
        number=po.number,
        status=OrderStatus.OPEN,
        created_at=po.ordered_at,
        updated_at=po.ordered_at,
        currency=currency,
        customer=po.buyer,
        ship_to=po.ship_to,
        bill_to=po.bill_to,
        lines=lines,
        shipping_method=shipping_method,
        totals=OrderTotals(subtotal=Money(amount=subtotal, currency=currency), total=Money(amount=subtotal, currency=currency)),
        tags=tags,
        note=po.note,
        ship_by=ship_by,
    )
