"""Writing stock levels with ``inventorySetQuantities`` (2026-04 contract), up to 250 lines per call.

Each line carries ``changeFromQuantity``: the quantity read just before, so Shopify refuses the write
(``CHANGE_FROM_QUANTITY_STALE``) if a sale or another app changed the level in between instead of
silently overwriting it. On a stale refusal the sink reads the levels again and tries once more; a
level still moving after that is left to the next run (a :class:`RecordError` naming it).

Every mutation carries ``@idempotent(key:)`` (mandatory from 2026-04). The key is derived from the
runtime's idempotency keys of the records in the call *and* the exact quantities sent: a resend of the
same call after a lost response is absorbed by Shopify, while the retry after a stale refusal (other
``changeFromQuantity`` values) is a new operation with a new key, as Shopify requires. A level already
at its target is not sent at all, which also makes resending a whole batch a no-op.

Shopify applies a call all or nothing: when it refuses some lines, nothing changed, so the refused
lines get their errors and the rest are sent again (at most three calls per batch).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from crossdock.core.contract import Sink, WriteMode, WriteRequest, WriteResult
from crossdock.core.errors import RecordError
from crossdock.core.models import StockLevel

from ._inventory import InventoryResolver, ItemLookup
from ._queries import INVENTORY_SET_QUANTITIES

if TYPE_CHECKING:
    from ._connector import ShopifyConnector

__all__ = ["ShopifyStockSink", "MAX_QUANTITIES_PER_CALL", "mutation_idempotency_key"]

MAX_QUANTITIES_PER_CALL = 250
_STALE = "CHANGE_FROM_QUANTITY_STALE"
_MAX_CALLS = 3
_KEY_NAMESPACE = uuid.UUID("8d6c1f0a-3c1e-4b8e-9a51-52a3c0f6e7d2")


def mutation_idempotency_key(request_keys: Sequence[str], quantities: Sequence[dict[str, Any]]) -> str:
    """A UUID for one ``inventorySetQuantities`` call: same records and same quantities, same key."""
    material = json.dumps({"records": sorted(request_keys), "quantities": list(quantities)}, sort_keys=True)
    return str(uuid.uuid5(_KEY_NAMESPACE, hashlib.sha256(material.encode()).hexdigest()))


@dataclass
class _Line:
    request: WriteRequest
    sku: str
    location_id: str
    target: int
    item_id: str | None = None
    level_id: str | None = None
    current: int | None = None

    def quantity_input(self) -> dict[str, Any]:
        return {"inventoryItemId": self.item_id, "locationId": self.location_id, "quantity": self.target,
                "changeFromQuantity": self.current}


def _line_index(field: Any) -> int | None:
    """``["input", "quantities", "3", …]`` → 3."""
    if isinstance(field, list) and len(field) >= 3 and field[:2] == ["input", "quantities"]:
        try:
            return int(field[2])
        except (TypeError, ValueError):
            return None
    return None


class ShopifyStockSink(Sink["ShopifyConnector"]):
    """Stock levels → Shopify inventory levels (``available`` by default, or ``on_hand``)."""

    name: ClassVar[str] = "stock"
    entity: ClassVar[str] = "StockLevel"
    default_mapping: ClassVar[str | None] = None
    batch_size: ClassVar[int] = MAX_QUANTITIES_PER_CALL
    write_mode: ClassVar[str] = WriteMode.LATEST_STATE

    @property
    def resolver(self) -> InventoryResolver:
        return self.connector.inventory

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        results: dict[str, WriteResult] = {}
        latest: dict[tuple[str, str], _Line] = {}
        for request in batch:
            try:
                line = self._line(request)
            except RecordError as exc:
                results[request.idempotency_key] = WriteResult(request.idempotency_key, error=exc)
                continue
            earlier = latest.get((line.sku, line.location_id))
            if earlier is not None:  # the same level twice in one batch: the later state wins
                results[earlier.request.idempotency_key] = WriteResult(
                    earlier.request.idempotency_key, details={"superseded_by": request.trace_key})
            latest[(line.sku, line.location_id)] = line
        lines = list(latest.values())
        for start in range(0, len(lines), MAX_QUANTITIES_PER_CALL):
            for result in await self._write_lines(lines[start : start + MAX_QUANTITIES_PER_CALL]):
                results[result.idempotency_key] = result
        return [results[r.idempotency_key] for r in batch if r.idempotency_key in results]

    def _line(self, request: WriteRequest) -> _Line:
        record = request.record if isinstance(request.record, StockLevel) else StockLevel.model_validate(request.record)
        config = self.connector.config
        location = config.location_ids.get(record.location_id)
        if location is None and record.location_id.startswith("gid://shopify/Location/"):
            location = record.location_id
        if location is None:
            raise RecordError(f"no Shopify location is mapped for location '{record.location_id}' (config location_ids)")
        target = record.available if config.inventory_quantity_name == "available" else record.on_hand
        if target is None:
            raise RecordError(f"{record.key}: the stock level has no {config.inventory_quantity_name} quantity")
        return _Line(request=request, sku=record.sku, location_id=location, target=int(target))

    def _apply(self, line: _Line, found: ItemLookup | None) -> str | None:
        """Fill in the line from a look-up; the problem that stops it, if any."""
        if found is None or found.item_id is None:
            return found.problem if found else f"SKU {line.sku} was not looked up"
        line.item_id = found.item_id
        level = found.levels.get(line.location_id)
        if level is None:
            return f"SKU {line.sku} is not stocked at {line.location_id} in Shopify"
        line.level_id, line.current = level.level_id, level.quantity
        return None

    async def _write_lines(self, lines: list[_Line]) -> list[WriteResult]:
        results: list[WriteResult] = []
        locations = sorted({line.location_id for line in lines})
        found = await self.resolver.lookup([line.sku for line in lines], locations)
        pending: list[_Line] = []
        for line in lines:
            problem = self._apply(line, found.get(line.sku))
            if problem:
                results.append(WriteResult(line.request.idempotency_key, error=RecordError(problem)))
            elif line.current == line.target:
                results.append(self._done(line, unchanged=True))
            else:
                pending.append(line)
        refreshed = False
        for _ in range(_MAX_CALLS):
            if not pending:
                break
            errors = await self._set(pending)
            if not errors:
                results += [self._done(line) for line in pending]
                pending = []
                break
            general = [e for e in errors if _line_index(e.get("field")) is None]
            if general:
                message = "Shopify refused the stock update: " + "; ".join(str(e.get("message")) for e in general)
                results += [WriteResult(line.request.idempotency_key, error=RecordError(message, details={"userErrors": general}))
                            for line in pending]
                pending = []
                break
            by_line: dict[int, list[dict[str, Any]]] = {}
            for error in errors:
                by_line.setdefault(_line_index(error["field"]), []).append(error)  # type: ignore[arg-type]
            stale = [pending[i] for i, errs in by_line.items() if all(e.get("code") == _STALE for e in errs)]
            stale_ids = {id(line) for line in stale}
            refused = {i: errs for i, errs in by_line.items() if not all(e.get("code") == _STALE for e in errs)}
            for index, errs in refused.items():
                line = pending[index]
                message = f"Shopify refused {line.sku} at {line.location_id}: " + "; ".join(str(e.get("message")) for e in errs)
                results.append(WriteResult(line.request.idempotency_key, error=RecordError(message, details={"userErrors": errs})))
            keep = [line for i, line in enumerate(pending) if i not in refused]
            if stale:
                if refreshed:
                    for line in stale:
                        results.append(WriteResult(line.request.idempotency_key, error=RecordError(
                            f"{line.sku} at {line.location_id} changed in Shopify while being set, twice; "
                            "it will be set on a later run", details={"code": _STALE})))
                    keep = [line for line in keep if id(line) not in stale_ids]
                else:
                    refreshed = True
                    keep, done = await self._refresh(keep, stale)
                    results += done
            pending = keep
        for line in pending:
            results.append(WriteResult(line.request.idempotency_key, error=RecordError(
                f"{line.sku} at {line.location_id} was not set: Shopify refused the call it was in too often")))
        return results

    async def _refresh(self, keep: list[_Line], stale: list[_Line]) -> tuple[list[_Line], list[WriteResult]]:
        """Re-read the stale lines' levels; those now at their target are done."""
        fresh = await self.resolver.levels_of({line.sku: line.item_id for line in stale if line.item_id},
                                              sorted({line.location_id for line in stale}))
        stale_ids = {id(line) for line in stale}
        still: list[_Line] = []
        done: list[WriteResult] = []
        for line in keep:
            if id(line) not in stale_ids:
                still.append(line)
                continue
            problem = self._apply(line, fresh.get(line.sku))
            if problem:
                done.append(WriteResult(line.request.idempotency_key, error=RecordError(problem)))
            elif line.current == line.target:
                done.append(self._done(line, unchanged=True))
            else:
                still.append(line)
        return still, done

    async def _set(self, lines: list[_Line]) -> list[dict[str, Any]]:
        """One ``inventorySetQuantities`` call; its ``userErrors``."""
        config = self.connector.config
        quantities = [line.quantity_input() for line in lines]
        key = mutation_idempotency_key([line.request.idempotency_key for line in lines], quantities)
        context = self.connector.context
        variables = {
            "input": {
                "name": config.inventory_quantity_name,
                "reason": config.inventory_reason,
                "referenceDocumentUri": f"crossdock://{quote(context.job, safe='')}/{quote(context.connection, safe='')}"
                                        f"/stock/{key}",
                "quantities": quantities,
            },
            "key": key,
        }
        result = await self.connector.graphql.execute("CrossdockInventorySetQuantities", INVENTORY_SET_QUANTITIES, variables)
        payload = result.data.get("inventorySetQuantities") or {}
        return list(payload.get("userErrors") or [])

    def _done(self, line: _Line, *, unchanged: bool = False) -> WriteResult:
        details: dict[str, Any] = {"quantity": line.target}
        if unchanged:
            details["unchanged"] = True
        return WriteResult(line.request.idempotency_key, external_id=line.level_id, details=details)
