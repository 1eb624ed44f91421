"""A customer order's lines for the partner, as the dropship purchase order the partner receives.

The PO number is derived, never stored-then-looked-up, so a resent order gets the same number:
``<order number, letters digits and '-' only, first 15>-<6 characters of a digest of the order's
source system, source ID and the partner>``. It fits BEG03 (22 characters), people recognise the
order in it, and two shops' #1001 still get different POs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from pydantic import ValidationError

from crossdock.core.errors import RecordError
from crossdock.core.models import (
    Order,
    OrderLine,
    OrderRef,
    PurchaseOrder,
    PurchaseOrderKind,
    PurchaseOrderLine,
)
from crossdock.edi.partners import PartnerProfile

__all__ = ["purchase_order_number", "lines_for_partner", "dropship_purchase_order", "DropshipPurchaseOrder"]

_BASE_LENGTH = 15
_SERVICE_WIDTH = 35  # TD505
_CUSTOMER_ORDER_WIDTH = 30  # REF02 in 004010
_ORDER_LINE_WIDTH = 30


def purchase_order_number(order: Order, partner_id: str) -> str:
    """The stable PO number of ``order``'s lines sent to ``partner_id`` (see the module docstring)."""
    base = re.sub(r"[^A-Za-z0-9-]", "", order.number).strip("-")[:_BASE_LENGTH] or "DS"
    identity = f"{order.source.system}\x1f{order.source.id}\x1f{partner_id}".encode()
    suffix = base64.b32encode(hashlib.sha256(identity).digest()).decode()[:6]
    return f"{base}-{suffix}"


def lines_for_partner(order: Order, locations: Iterable[str]) -> list[OrderLine]:
    """The shippable lines routed to one of ``locations``, or not routed anywhere (the whole order came here)."""
    wanted = set(locations)
    return [
        line
        for line in order.lines
        if line.requires_shipping and (line.fulfilment_location_id is None or line.fulfilment_location_id in wanted)
    ]


def _plain(text: str | None, profile: PartnerProfile) -> str | None:
    """Free text with the partner's separator characters blanked (a '*' in a note must not split a segment)."""
    if not text:
        return None
    separators = profile.separators
    for character in {separators.element, separators.component, separators.segment, separators.repetition}:
        text = text.replace(character, " ")
    return " ".join(text.split()) or None


class DropshipPurchaseOrder:
    """A PO for the partner and the customer order lines behind each of its lines."""

    __slots__ = ("po", "line_ids")

    def __init__(self, po: PurchaseOrder, line_ids: dict[str, str]) -> None:
        self.po = po
        self.line_ids = line_ids
        """Order line ID by PO line number."""


def dropship_purchase_order(order: Order, profile: PartnerProfile) -> DropshipPurchaseOrder | None:
    """The dropship PO for ``order``'s lines routed to the partner; ``None`` when no line is.

    Raises :class:`RecordError` when the order cannot become a PO (no ship-to address).
    """
    locations = [profile.id] + ([profile.stock_location_id] if profile.stock_location_id else [])
    lines = lines_for_partner(order, locations)
    if not lines:
        return None
    if order.ship_to is None:
        raise RecordError(f"order {order.number}: a dropship PO needs the customer's ship-to address, and the order has none")
    po_lines: list[PurchaseOrderLine] = []
    line_ids: dict[str, str] = {}
    for index, line in enumerate(lines, start=1):
        number = str(index)
        line_ids[number] = line.line_id
        po_lines.append(
            PurchaseOrderLine(
                line_number=number,
                sku=line.sku,
                vendor_sku=line.vendor_sku,
                gtin=line.gtin,
                description=_plain(line.title, profile),
                quantity=line.quantity,
                order_line_id=line.line_id if len(line.line_id) <= _ORDER_LINE_WIDTH else None,
            )
        )
    method = order.shipping_method
    service = _plain(method.service or method.code, profile) if method is not None else None
    try:
        po = PurchaseOrder(
            number=purchase_order_number(order, profile.id),
            kind=PurchaseOrderKind.DROPSHIP,
            partner_id=profile.id,
            order=OrderRef(number=order.number) if len(order.number) <= _CUSTOMER_ORDER_WIDTH else None,
            ordered_at=order.created_at,
            currency=order.currency,
            ship_to=order.ship_to,
            lines=po_lines,
            ship_by=order.ship_by.date() if order.ship_by is not None else None,
            service_level=service if service and len(service) <= _SERVICE_WIDTH else None,
            note=_plain(order.note, profile),
        )
    except ValidationError as exc:
        raise RecordError(f"order {order.number}: cannot become a purchase order: {exc.errors(include_input=False)[0]['msg']}") from None
    return DropshipPurchaseOrder(po, line_ids)
