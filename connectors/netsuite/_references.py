"""Turning the names a canonical order uses into the references NetSuite needs.

The ``netsuite/sales_order`` mapping writes what it knows from the order alone: item and location
references by name (``{"refName": "SKU-1001"}``, ``{"refName": "wh-east"}``), the customer by external
ID when it has one. What depends on the account is filled in here, per this connection's config:

- items: ``item_lookup: itemid`` looks SKUs up as ``item.itemid`` with SuiteQL (active items only; hits
  are cached for the connection's life) and writes ``{"id": …}``; ``externalid`` writes
  ``{"externalId": SKU}`` and leaves it to NetSuite to refuse an unknown one;
- line locations through ``location_map``, the header location from ``default_location_id``;
- the customer: ``{"externalId": …}`` from the mapping when ``customer_by_external_id``, else
  ``default_customer_id``; the subsidiary from ``subsidiary_map`` by the order's channel;
- ``tranDate``: the day the order was placed, in the account's time zone, unless the mapping set one.

A SKU or location that cannot be resolved is this record's error, with the JSON path NetSuite itself
would have reported (``item.items[2].item``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from crossdock.core.errors import RecordError
from crossdock.core.redaction import redact

from ._suiteql import literal, run_query

if TYPE_CHECKING:
    from ._connector import NetSuiteConnector

__all__ = ["ReferenceResolver"]


class ReferenceResolver:
    def __init__(self, connector: NetSuiteConnector) -> None:
        self.connector = connector
        self._items: dict[str, str] = {}
        self._lock = asyncio.Lock()

    async def resolve(self, body: dict[str, Any], order: Any) -> None:
        """Fill ``body``'s references in place; raises :class:`RecordError` naming the first bad one."""
        config = self.connector.config
        self._customer(body)
        channel = getattr(order, "channel", None)
        subsidiary = config.subsidiary_map.get(str(channel)) or config.subsidiary_map.get("*")
        if subsidiary and "subsidiary" not in body:
            body["subsidiary"] = {"id": subsidiary}
        if config.default_location_id and "location" not in body:
            body["location"] = {"id": config.default_location_id}
        created = getattr(order, "created_at", None)
        if "tranDate" not in body and created is not None:
            body["tranDate"] = created.astimezone(self.connector.zone).date().isoformat()
        lines = (body.get("item") or {}).get("items") if isinstance(body.get("item"), dict) else None
        if not isinstance(lines, list) or not lines:
            raise RecordError("the sales order has no item lines (the mapping must write item.items)", details={"error_path": "item"})
        await self._items_of(lines)
        for index, line in enumerate(lines):
            self._location(line, index)

    def _customer(self, body: dict[str, Any]) -> None:
        config = self.connector.config
        entity = body.get("entity")
        if config.customer_by_external_id and isinstance(entity, dict) and (entity.get("externalId") or entity.get("id")):
            return
        if config.default_customer_id:
            body["entity"] = {"id": config.default_customer_id}
            return
        body.pop("entity", None)
        raise RecordError(
            "the order names no customer NetSuite knows: set default_customer_id (or customer_by_external_id)",
            details={"error_path": "entity"},
        )

    async def _items_of(self, lines: list[Any]) -> None:
        skus: list[tuple[int, str]] = []
        for index, line in enumerate(lines):
            reference = line.get("item") if isinstance(line, dict) else None
            if isinstance(reference, dict) and reference.get("refName"):
                skus.append((index, str(reference["refName"])))
            elif not (isinstance(reference, dict) and (reference.get("id") or reference.get("externalId"))):
                raise RecordError(f"line {index + 1} has no item", details={"error_path": f"item.items[{index}].item"})
        if self.connector.config.item_lookup == "externalid":
            for index, sku in skus:
                lines[index]["item"] = {"externalId": sku}
            return
        await self._look_up({sku for _, sku in skus})
        missing = [(index, sku) for index, sku in skus if sku not in self._items]
        if missing:
            index, sku = missing[0]
            raise RecordError(
                redact(f"no active NetSuite item has the Name/Number (itemid) '{sku}'"
                       + (f" (nor {len(missing) - 1} more SKU(s) of this order)" if len(missing) > 1 else "")),
                details={"error_path": f"item.items[{index}].item", "skus": [sku for _, sku in missing]},
            )
        for index, sku in skus:
            lines[index]["item"] = {"id": self._items[sku]}

    async def _look_up(self, skus: set[str]) -> None:
        async with self._lock:
            wanted = sorted(sku for sku in skus if sku not in self._items)
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = (
                    "SELECT i.id AS id, i.itemid AS itemid FROM item i "
                    f"WHERE i.isinactive = 'F' AND i.itemid IN ({', '.join(literal(s) for s in chunk)}) ORDER BY i.id"
                )
                page = await run_query(self.connector.client, query, limit=1000)
                for row in page.items:
                    self._items.setdefault(str(row["itemid"]), str(row["id"]))

    def _location(self, line: dict[str, Any], index: int) -> None:
        reference = line.get("location")
        if not isinstance(reference, dict) or "refName" not in reference:
            return
        crossdock_id = str(reference["refName"])
        mapped = self.connector.config.location_map.get(crossdock_id)
        if mapped is None:
            raise RecordError(
                f"line {index + 1} is routed to location '{crossdock_id}', which location_map does not name",
                details={"error_path": f"item.items[{index}].location", "location": crossdock_id},
            )
        line["location"] = {"id": mapped}
