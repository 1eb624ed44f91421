"""Which customer order, and which of its lines, each dropship PO stands for: kept in the xref table.

A partner's 855 and 856 name our PO number (BAK03, PRF01) and PO line numbers (PO101, LIN01), never
the storefront's order or line IDs, and X12 has no room for them (BEG03 holds 22 characters; a
Shopify line ID alone is longer). So before an 850 leaves, the connector links, in the state
store's cross-reference table (one transaction):

* entity ``DropshipOrder``, canonical ID ``uuid5(partner, PO number)``:
  system ``edi:<partner>`` → the PO number, and
  system ``customer-order:<partner>`` → ``["<source system>", "<source id>", "<order number>"]``;
* entity ``DropshipOrderLine``, canonical ID ``<that ID>:<PO line number>``:
  system ``customer-order-line:<partner>`` → ``["<order source id>", "<order line id>"]``.

The customer order's identity is written as a compact JSON array because an xref external ID must
be unique in its system: the source ID alone is unique per source system, the array is unique across
all of them (two shops may both have an order #1001). The 850 also carries the order number in a
``REF*CO`` for people at the partner; nothing relies on the partner echoing it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crossdock.core.models import Order, SourceRef

__all__ = ["CustomerOrder", "OrderLinks", "PO_ENTITY", "PO_LINE_ENTITY"]

PO_ENTITY = "DropshipOrder"
PO_LINE_ENTITY = "DropshipOrderLine"
_NAMESPACE = uuid.UUID("0f3b2a59-6a1d-4c39-9a5e-4d5b8c1e7a20")


@dataclass(frozen=True, slots=True)
class CustomerOrder:
    """The customer order behind a PO, and its line IDs by PO line number."""

    source: SourceRef
    number: str | None
    lines: dict[str, str] = field(default_factory=dict)


def _compact(values: Sequence[str | None]) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


class OrderLinks:
    """Reads and writes the PO ↔ customer order links of one partner."""

    def __init__(self, store: Any, partner_id: str) -> None:
        self.store = store
        self.partner_id = partner_id
        self.po_system = f"edi:{partner_id}"
        self.order_system = f"customer-order:{partner_id}"
        self.line_system = f"customer-order-line:{partner_id}"

    def po_id(self, po_number: str) -> str:
        return uuid.uuid5(_NAMESPACE, f"{self.partner_id}\x1f{po_number}").hex

    async def link(self, po_number: str, order: Order, line_ids: dict[str, str]) -> None:
        """Record that ``po_number`` stands for ``order``; ``line_ids`` maps PO line numbers to order line IDs."""
        po_id = self.po_id(po_number)
        rows: list[tuple[str, str, str, str]] = [
            (PO_ENTITY, po_id, self.po_system, po_number),
            (PO_ENTITY, po_id, self.order_system, _compact([order.source.system, order.source.id, order.number])),
        ]
        rows += [
            (PO_LINE_ENTITY, f"{po_id}:{number}", self.line_system, _compact([order.source.id, line_id]))
            for number, line_id in line_ids.items()
        ]
        await self.store.xref_link_many(rows)

    async def resolve(self, po_number: str, line_numbers: Sequence[str] = ()) -> CustomerOrder | None:
        """The customer order behind ``po_number``, with the IDs of the given PO lines; ``None`` if unknown."""
        po_id = self.po_id(po_number)
        systems = await self.store.xref_external_ids(PO_ENTITY, po_id)
        encoded = systems.get(self.order_system)
        if encoded is None:
            return None
        source_system, source_id, number = json.loads(encoded)
        lines: dict[str, str] = {}
        for line_number in dict.fromkeys(line_numbers):
            line_systems = await self.store.xref_external_ids(PO_LINE_ENTITY, f"{po_id}:{line_number}")
            if (line_encoded := line_systems.get(self.line_system)) is not None:
                lines[line_number] = json.loads(line_encoded)[1]
        return CustomerOrder(SourceRef(system=source_system, id=source_id), number, lines)
