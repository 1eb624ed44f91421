"""The ``stock`` stream: on-hand, committed and available per item and location, from SuiteQL.

``aggregateItemLocation`` holds one row per item and location with ``quantityonhand``,
``quantitycommitted``, ``quantityavailable`` and ``lastquantityavailablechange`` (when the available
quantity last moved). The stream is incremental on that timestamp: each run reads the item-locations
whose available quantity changed since the last one. Item-locations that never changed have no
timestamp; they are read as changed at the epoch (``NVL``), so a first run reads everything in one
consistent order. What this cannot see is an on-hand change that leaves available unchanged (units
received and committed in the same save); ``stock_full_refresh: true`` reads every row on every run
instead, and the runtime writes only the levels that differ from what it last wrote.

Payload: the SuiteQL row (``item``, ``sku``, ``location``, ``onhand``, ``committed``, ``available``,
``lastchange``) with ``lastchange`` in UTC and ``crossdock_location_id`` from ``location_map``; with a
``location_map`` only the mapped locations are read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream

from ._suiteql import TIMESTAMP_FORMAT, id_list, parse_timestamp, read_rows

if TYPE_CHECKING:
    from ._connector import NetSuiteConnector

__all__ = ["StockStream"]

_NEVER = "TO_TIMESTAMP('1970-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS')"
_CHANGED = f"NVL(ail.lastquantityavailablechange, {_NEVER})"


class StockStream(Stream["NetSuiteConnector"]):
    """Stock per item and location, incremental on ``lastquantityavailablechange``."""

    name = "stock"
    entity = "StockLevel"
    default_mapping = "netsuite/stock"
    cursor_field = "lastquantityavailablechange"
    page_size = 1000

    def _query(self, since: datetime | None) -> str:
        conditions = ["i.isinactive = 'F'", "i.itemtype IN ('InvtPart', 'Assembly')"]
        locations = sorted(set(self.connector.config.location_map.values()))
        if locations:
            conditions.append(f"ail.location IN ({id_list(locations)})")
        if since is not None:
            local = since.astimezone(self.connector.zone)
            conditions.append(f"{_CHANGED} >= TO_TIMESTAMP('{local:%Y-%m-%d %H:%M:%S}', 'YYYY-MM-DD HH24:MI:SS')")
        return (
            "SELECT ail.item AS item, i.itemid AS sku, ail.location AS location, ail.quantityonhand AS onhand, "
            "ail.quantitycommitted AS committed, ail.quantityavailable AS available, "
            f"TO_CHAR(ail.lastquantityavailablechange, '{TIMESTAMP_FORMAT}') AS lastchange, "
            f"TO_CHAR({_CHANGED}, '{TIMESTAMP_FORMAT}') AS changed "
            "FROM aggregateItemLocation ail JOIN item i ON i.id = ail.item "
            f"WHERE {' AND '.join(conditions)} "
            f"ORDER BY {_CHANGED}, ail.item, ail.location"
        )

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        since = position.since if isinstance(position.since, datetime) else None
        offset = 0
        if position.resume_token:
            token = json.loads(position.resume_token)
            since = datetime.fromisoformat(token["since"]) if token.get("since") else None
            offset = int(token["offset"])
        if self.connector.config.stock_full_refresh:
            since = None
        zone = self.connector.zone
        async for page in read_rows(
            self.connector.client,
            query=self._query,
            since=since,
            offset=offset,
            limit=self.connector.config.page_size,
            cursor_of=lambda row: parse_timestamp(row["changed"], zone),
            key_of=lambda row: (row["item"], row["location"]),
        ):
            records = [self._record(row) for row in page.rows]
            token = json.dumps({"since": page.since.isoformat() if page.since else None, "offset": page.next_offset})
            yield Page(records=records, resume_token=token if page.has_more else None)

    def _record(self, row: dict[str, Any]) -> SourceRecord:
        zone = self.connector.zone
        payload = {key: value for key, value in row.items() if key != "changed"}
        if row.get("lastchange"):
            payload["lastchange"] = parse_timestamp(row["lastchange"], zone).isoformat()
        payload["crossdock_location_id"] = self.connector.crossdock_location(row.get("location"))
        changed = parse_timestamp(row["changed"], zone)
        return SourceRecord(key=f"{row['item']}:{row['location']}", payload=payload, cursor_value=changed.astimezone(UTC))
