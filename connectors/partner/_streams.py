"""The inbound streams: shipments (856), acknowledgements (855) and stock (846), read from the spool.

Each stream first runs the inbox step (claims, validates, acknowledges, files by kind), then reads
its own spool folder in order of arrival. The cursor is the record's place in that order
(``<arrival>-<set>:<line>``), so a run resumes right after the last record made durable, and a file
the cursor has passed is skipped by its name alone. Files stay in the spool for the connection's
``spool_retention`` whoever read them: a job may read one stream in several flows (shipments to two
channels), each with its own cursor. When one pass finds several records of the same key (two 846s
for a SKU, a replaced 856), only the latest is read: the earlier ones are superseded, and one pass
never gives a key twice.

Records carry canonical documents (``default_mapping`` is None); a record that stands for something
that could not be made (a rejected set, an 856 for a PO we never sent) carries a payload that is not
a valid document, so the runner parks it in the error queue with everything read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream
from crossdock.core.errors import FatalError
from crossdock.core.models import OrderAcknowledgement, OrderRef, Shipment, ShipmentLine, StockLevel

from ._reading import PROBLEM
from ._spool import SpoolEntry, SpoolFile

if TYPE_CHECKING:
    from ._connector import PartnerConnector

__all__ = ["SpooledStream", "ShipmentsStream", "AcknowledgementsStream", "StockStream", "UNRESOLVED_PO"]

log = logging.getLogger("crossdock.connectors.partner")

UNRESOLVED_PO = "unresolved_purchase_order"
"""Key put in a shipment's ``order`` when its PO is not one Crossdock sent: the runner refuses the
record naming this field, and an operator who knows the order fills ``order`` in and retries."""


def _latest_cursors(files: list[SpoolFile], since: str | None) -> dict[str, str]:
    """Each key's last cursor among the records not yet read: an earlier record of the same key (an 846
    superseded by a newer one, an 855 or 856 the partner replaced) is not worth passing on."""
    latest: dict[str, str] = {}
    for file in files:
        for entry in file.entries():
            if since is None or entry.cursor >= since:
                latest[entry.key] = entry.cursor
    return latest


class SpooledStream(Stream["PartnerConnector"]):
    """A stream over one spool folder; subclasses turn a spooled record into a source record."""

    cursor_field = "arrival"
    sorted_by_cursor = True
    default_mapping = None
    page_size = 100
    document: ClassVar[type[BaseModel]]

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        connector = self.connector
        if self.name not in connector.inbound_streams:
            raise FatalError(
                f"partner connection: stream '{self.name}' is not among this connection's flows {list(connector.config.flows)}"
            )
        await connector.inbox.run()
        since = position.since if isinstance(position.since, str) else None
        files = await asyncio.to_thread(connector.spool.files, self.name)
        pending = [file for file in files if since is None or file.last_cursor >= since]
        latest = await asyncio.to_thread(_latest_cursors, pending, since)
        records: list[SourceRecord] = []
        for file in pending:
            for entry in file.entries():
                if (since is not None and entry.cursor < since) or latest.get(entry.key) != entry.cursor:
                    continue
                records.append(await self._record(entry))
                if len(records) >= self.page_size:
                    yield Page(records=records)
                    records = []
        if records:
            yield Page(records=records)

    async def _record(self, entry: SpoolEntry) -> SourceRecord:
        payload = entry.payload
        if isinstance(payload, dict) and PROBLEM in payload:
            return SourceRecord(key=entry.key, payload=payload, cursor_value=entry.cursor)
        try:
            document = self.document.model_validate(payload)
        except ValidationError:
            return SourceRecord(key=entry.key, payload=payload, cursor_value=entry.cursor)
        return await self.source_record(entry, document)

    async def source_record(self, entry: SpoolEntry, document: Any) -> SourceRecord:
        return SourceRecord(key=entry.key, payload=document, cursor_value=entry.cursor)


class ShipmentsStream(SpooledStream):
    """856 ship notices as shipments of the customer orders behind our POs.

    The 856 names our PO (PRF01) and PO line numbers (LIN01); both are translated back to the customer
    order and its line IDs through the links the ``purchase_orders`` sink recorded (see
    ``_order_links``). Key: ``<partner>:<BSN02>:<customer order number>``.
    """

    name = "shipments"
    entity = "Shipment"
    document = Shipment

    async def source_record(self, entry: SpoolEntry, document: Any) -> SourceRecord:
        shipment: Shipment = document
        connector = self.connector
        po = entry.meta.get("po") or shipment.order.number or ""
        line_numbers = [line.line_id for line in shipment.lines if line.line_id]
        line_numbers += [line.line_id for package in shipment.packages for line in package.lines if line.line_id]
        customer = await connector.links.resolve(po, line_numbers)
        if customer is None:
            log.warning("partner %s: ship notice %s names PO %r, which Crossdock never sent it", connector.profile.id, entry.key, po)
            payload = shipment.model_dump(mode="json")
            payload["order"] = {"number": po, UNRESOLVED_PO: f"PO {po} is not a purchase order Crossdock sent to {connector.profile.id}"}
            return SourceRecord(key=entry.key, payload=payload, cursor_value=entry.cursor)

        def mapped(lines: list[ShipmentLine]) -> list[ShipmentLine]:
            out = []
            for line in lines:
                line_id = customer.lines.get(line.line_id) if line.line_id else None
                if line.line_id and line_id is None:
                    log.warning("partner %s: PO %s has no line %r; shipped %s is matched by SKU only", connector.profile.id, po, line.line_id, line.sku)
                out.append(line.model_copy(update={"line_id": line_id}))
            return out

        resolved = shipment.model_copy(
            update={
                "order": OrderRef(source=customer.source, number=customer.number),
                "lines": mapped(shipment.lines),
                "packages": [p.model_copy(update={"lines": mapped(p.lines)}) for p in shipment.packages],
            }
        )
        number = entry.meta.get("shipment_number") or entry.key
        key = f"{connector.profile.id}:{number}:{customer.number or po}"
        return SourceRecord(key=key, payload=Shipment.model_validate(resolved.model_dump()), cursor_value=entry.cursor)


class AcknowledgementsStream(SpooledStream):
    """855 PO acknowledgments: which lines the partner accepted, rejected or backordered. Key: ``<partner>:<PO>``."""

    name = "acknowledgements"
    entity = "OrderAcknowledgement"
    document = OrderAcknowledgement


class StockStream(SpooledStream):
    """846 inventory advice: available units (QTY*33) and dated incoming stock (SCH). Key: ``<sku>@<location>``."""

    name = "stock"
    entity = "StockLevel"
    document = StockLevel
