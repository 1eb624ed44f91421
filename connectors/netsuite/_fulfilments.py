"""The ``fulfilments`` stream: item fulfilments (shipments) read with SuiteQL, oldest change first.

One query reads fulfilment *lines* changed since the cursor, each joined to its fulfilment, the sales
order it was created from (``transactionline.createdfrom``) and the item shipped; a second query per
page reads those fulfilments' packages (``itemfulfillmentpackage``) for tracking numbers and weights,
kept apart so packages and lines do not multiply each other. Lines are grouped into one record per
fulfilment; a fulfilment whose lines run over a page boundary is held back until its last line is read.

The record payload (mapped by ``netsuite/item_fulfillment``)::

    {"id": "1042", "tranid": "IF1042", "trandate": "2025-06-01", "status": "Item Fulfillment : Shipped",
     "createddate": "2025-06-01T19:04:05+00:00", "lastmodifieddate": "2025-06-01T19:04:05+00:00",
     "shipmethod": "UPS® Ground", "shipcarrier": "UPS", "location": "2", "crossdock_location_id": "wh-east",
     "salesorder": {"id": "1041", "tranid": "SO1041", "externalid": "shopify-1001", "number": "#1001",
                    "channel": "shopify"},
     "lines": [{"line": "1", "sku": "SKU-1001", "quantity": "2", "location": "2"}],
     "packages": [{"trackingnumber": "1Z…", "weight": "1.5", "description": null}]}

Date-times are converted from the account's time zone to UTC; ``salesorder.channel`` is recovered from
the order's external ID, which the ``orders`` sink writes as ``<channel>-<number>``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream

from ._suiteql import TIMESTAMP_FORMAT, id_list, parse_timestamp, read_rows, run_query, timestamp_literal
from ._transforms import external_id

if TYPE_CHECKING:
    from ._connector import NetSuiteConnector

__all__ = ["FulfilmentsStream", "channel_of"]

Row = dict[str, Any]


def channel_of(sales_order_external_id: str | None, number: str | None) -> str | None:
    """``shopify`` from ``shopify-1001`` and order number ``#1001`` (the sink wrote ``<channel>-<number>``)."""
    if not sales_order_external_id or not number:
        return None
    suffix = "-" + external_id(number)
    if suffix != "-" and sales_order_external_id.endswith(suffix) and len(sales_order_external_id) > len(suffix):
        return sales_order_external_id[: -len(suffix)]
    return None


class FulfilmentsStream(Stream["NetSuiteConnector"]):
    """Item fulfilments, incremental on ``transaction.lastmodifieddate``."""

    name = "fulfilments"
    entity = "Shipment"
    default_mapping = "netsuite/item_fulfillment"
    cursor_field = "lastmodifieddate"
    default_lookback = timedelta(minutes=10)
    """NetSuite stamps ``lastmodifieddate`` when a save starts; a long save commits later than records
    stamped after it. Ten minutes re-read catches those; the runtime drops what it already took."""
    page_size = 1000

    def _query(self, since: datetime | None) -> str:
        zone = self.connector.zone
        changed = f"AND t.lastmodifieddate >= {timestamp_literal(since, zone)} " if since is not None else ""
        return (
            "SELECT t.id AS id, t.tranid AS tranid, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, "
            f"TO_CHAR(t.createddate, '{TIMESTAMP_FORMAT}') AS createddate, "
            f"TO_CHAR(t.lastmodifieddate, '{TIMESTAMP_FORMAT}') AS lastmodifieddate, "
            "BUILTIN.DF(t.status) AS status, BUILTIN.DF(t.shipmethod) AS shipmethod, "
            "BUILTIN.DF(t.shipcarrier) AS shipcarrier, "
            "so.id AS salesorderid, so.tranid AS salesordertranid, so.externalid AS salesorderexternalid, "
            "so.otherrefnum AS salesordernumber, "
            "tl.id AS line, i.itemid AS sku, ABS(tl.quantity) AS quantity, tl.location AS location "
            "FROM transaction t "
            "JOIN transactionline tl ON tl.transaction = t.id "
            "JOIN transaction so ON so.id = tl.createdfrom "
            "JOIN item i ON i.id = tl.item "
            "WHERE t.type = 'ItemShip' AND tl.mainline = 'F' AND tl.iscogs = 'F' "
            f"{changed}"
            "ORDER BY t.lastmodifieddate, t.id, tl.id"
        )

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        since = position.since if isinstance(position.since, datetime) else None
        offset = 0
        if position.resume_token:
            token = json.loads(position.resume_token)
            since = datetime.fromisoformat(token["since"]) if token.get("since") else None
            offset = int(token["offset"])
        zone = self.connector.zone
        pending: list[Row] = []
        pending_offset = offset
        async for page in read_rows(
            self.connector.client,
            query=self._query,
            since=since,
            offset=offset,
            limit=self.connector.config.page_size,
            cursor_of=lambda row: parse_timestamp(row["lastmodifieddate"], zone),
            key_of=lambda row: (row["id"], row["line"]),
        ):
            rows = pending + page.rows
            pending = []
            if page.has_more and rows:
                last = rows[-1]["id"]
                cut = len(rows)
                while cut > 0 and rows[cut - 1]["id"] == last:
                    cut -= 1
                rows, pending = rows[:cut], rows[cut:]
            records = await self._records(rows)
            pending_offset = page.next_offset - len(pending)
            token = json.dumps({"since": page.since.isoformat() if page.since else None, "offset": pending_offset})
            if records or not page.has_more:
                yield Page(records=records, resume_token=token if page.has_more else None)

    async def _records(self, rows: list[Row]) -> list[SourceRecord]:
        if not rows:
            return []
        groups: dict[str, list[Row]] = {}
        for row in rows:
            groups.setdefault(row["id"], []).append(row)
        packages = await self._packages(list(groups))
        zone = self.connector.zone
        records = []
        for fulfilment_id, lines in groups.items():
            head = lines[0]
            modified = parse_timestamp(head["lastmodifieddate"], zone)
            created = parse_timestamp(head["createddate"], zone) if head.get("createddate") else modified
            number = head.get("salesordernumber")
            location = next((line["location"] for line in lines if line.get("location")), None)
            payload = {
                "id": fulfilment_id,
                "tranid": head.get("tranid"),
                "trandate": head.get("trandate"),
                "status": head.get("status"),
                "createddate": created.isoformat(),
                "lastmodifieddate": modified.isoformat(),
                "shipmethod": head.get("shipmethod"),
                "shipcarrier": head.get("shipcarrier"),
                "location": location,
                "crossdock_location_id": self.connector.crossdock_location(location),
                "salesorder": {
                    "id": head.get("salesorderid"),
                    "tranid": head.get("salesordertranid"),
                    "externalid": head.get("salesorderexternalid"),
                    "number": number,
                    "channel": channel_of(head.get("salesorderexternalid"), number),
                },
                "lines": [
                    {"line": line["line"], "sku": line.get("sku"), "quantity": line.get("quantity"), "location": line.get("location")}
                    for line in lines
                ],
                "packages": packages.get(fulfilment_id, []),
            }
            records.append(SourceRecord(key=fulfilment_id, payload=payload, cursor_value=modified))
        return records

    async def _packages(self, fulfilment_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        limit = self.connector.config.page_size
        for start in range(0, len(fulfilment_ids), 1000):  # Oracle caps an IN list at 1000 expressions
            query = (
                "SELECT p.itemfulfillment AS fulfillment, p.packagetrackingnumber AS trackingnumber, "
                "p.packageweight AS weight, p.packagedescr AS description "
                "FROM itemfulfillmentpackage p "
                f"WHERE p.itemfulfillment IN ({id_list(fulfilment_ids[start:start + 1000])}) "
                "ORDER BY p.itemfulfillment, p.id"
            )
            offset = 0
            while True:
                page = await run_query(self.connector.client, query, limit=limit, offset=offset)
                for row in page.items:
                    found.setdefault(row["fulfillment"], []).append({
                        "trackingnumber": row.get("trackingnumber"),
                        "weight": row.get("weight"),
                        "description": row.get("description"),
                    })
                if not page.has_more:
                    break
                offset = page.next_offset
        return found
