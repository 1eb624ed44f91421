"""Writing shipments to Shopify as fulfillments: fulfillment orders in, ``fulfillmentCreate`` out.

Shopify fulfils *fulfillment orders* (the part of an order assigned to one location), not orders. For a
shipment the sink reads the order's fulfillment orders and its existing fulfillments, matches every
shipped line to open fulfillment-order line items (by the order line's GID when the shipment carries
it, else by SKU; the shipment's own location first) and creates one fulfillment per location with the
tracking details.

Resending is safe without an idempotency key (``fulfillmentCreate`` takes none): a fulfillment that
already carries the shipment's tracking number is the shipment, and its ID is returned without a call;
an order with nothing left open is reported done without a call. A line that cannot be matched, or
asks for more than is open, fails that shipment with a :class:`RecordError` before anything is sent,
and Shopify's ``userErrors`` become the shipment's error with Shopify's messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from crossdock.core.contract import Sink, WriteMode, WriteRequest, WriteResult
from crossdock.core.errors import RecordError
from crossdock.core.models import Shipment

from ._queries import FULFILLMENT_CREATE, FULFILLMENT_ORDER_LINE_ITEMS, FULFILLMENT_STATE, search_value

if TYPE_CHECKING:
    from ._connector import ShopifyConnector

__all__ = ["ShopifyFulfilmentsSink"]

_FULFILLABLE = frozenset({"OPEN", "IN_PROGRESS"})
_MAX_PAGES = 50


@dataclass
class _OpenLine:
    fulfillment_order_id: str
    id: str
    line_item_id: str
    sku: str | None
    remaining: int
    location_id: str | None


def _order_gid(shipment: Shipment) -> str | None:
    source = shipment.order.source
    if source is None or not source.id:
        return None
    if source.id.startswith("gid://shopify/Order/"):
        return source.id
    return f"gid://shopify/Order/{source.id}" if source.id.isdigit() else None


def _same_item(wanted: str, line_item_id: str) -> bool:
    return wanted == line_item_id or (wanted.isdigit() and line_item_id.endswith(f"/{wanted}"))


class ShopifyFulfilmentsSink(Sink["ShopifyConnector"]):
    """Shipments → Shopify fulfillments with tracking (one shipment per call)."""

    name: ClassVar[str] = "fulfilments"
    entity: ClassVar[str] = "Shipment"
    default_mapping: ClassVar[str | None] = None
    batch_size: ClassVar[int] = 1
    write_mode: ClassVar[str] = WriteMode.ONCE_PER_VERSION

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        return [await self._write_one(request) for request in batch]

    async def _write_one(self, request: WriteRequest) -> WriteResult:
        shipment = request.record if isinstance(request.record, Shipment) else Shipment.model_validate(request.record)
        try:
            return await self._fulfil(request.idempotency_key, shipment)
        except RecordError as exc:
            return WriteResult(request.idempotency_key, error=exc)

    async def _fulfil(self, key: str, shipment: Shipment) -> WriteResult:
        order_id = _order_gid(shipment) or await self._order_by_number(shipment)
        order = await self._order_state(order_id)
        numbers = shipment.tracking_numbers
        for fulfillment in order["fulfillments"]:
            if fulfillment["status"] in ("CANCELLED", "ERROR", "FAILURE"):
                continue
            if numbers and any(info.get("number") in numbers for info in fulfillment["trackingInfo"]):
                return WriteResult(key, external_id=fulfillment["id"], details={"already_fulfilled": True})
        open_lines = [line for line in order["open_lines"] if line.remaining > 0]
        if not open_lines:
            return WriteResult(key, external_id=None, details={"already_fulfilled": True, "order": order["name"]})
        allocations = self._allocate(shipment, open_lines)
        by_location: dict[str | None, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for line, quantity in allocations:
            by_location[line.location_id][line.fulfillment_order_id].append({"id": line.id, "quantity": quantity})
        created: list[str] = []
        for groups in by_location.values():
            created.append(await self._create(shipment, groups, done=created))
        return WriteResult(key, external_id=created[0], details={"fulfillment_ids": created, "order": order["name"]})

    # -- reading the order's fulfilment state ----------------------------------------------------------
    async def _order_by_number(self, shipment: Shipment) -> str:
        number = shipment.order.number
        if not number:
            raise RecordError("the shipment names no Shopify order (order.source.id or order.number)")
        result = await self.connector.graphql.execute(
            "CrossdockOrderByName",
            "query CrossdockOrderByName($query: String!) { orders(first: 2, query: $query) { nodes { id name } } }",
            {"query": f"name:{search_value(number)}"},
        )
        nodes = [n for n in result.data["orders"]["nodes"] if n["name"] == number]
        if len(nodes) != 1:
            raise RecordError(f"Shopify has {'no' if not nodes else 'several'} orders named {number}")
        return str(nodes[0]["id"])

    async def _order_state(self, order_id: str) -> dict[str, Any]:
        """The order's fulfillments and the open lines of its fulfillment orders (every page of both)."""
        graphql = self.connector.graphql
        after: str | None = None
        open_lines: list[_OpenLine] = []
        order: dict[str, Any] | None = None
        for _ in range(_MAX_PAGES):
            result = await graphql.execute("CrossdockFulfillmentState", FULFILLMENT_STATE, {"id": order_id, "after": after})
            order = result.data.get("order")
            if order is None:
                raise RecordError(f"Shopify has no order {order_id}")
            connection = order["fulfillmentOrders"]
            for fo in connection["nodes"]:
                if fo["status"] in _FULFILLABLE:
                    open_lines += await self._open_lines(fo)
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        assert order is not None
        return {"name": order["name"], "fulfillments": order["fulfillments"], "open_lines": open_lines}

    async def _open_lines(self, fo: dict[str, Any]) -> list[_OpenLine]:
        location = ((fo.get("assignedLocation") or {}).get("location") or {}).get("id")
        connection = fo["lineItems"]
        nodes = list(connection["nodes"])
        for _ in range(_MAX_PAGES):
            if not connection["pageInfo"]["hasNextPage"]:
                break
            result = await self.connector.graphql.execute(
                "CrossdockFulfillmentOrderLineItems", FULFILLMENT_ORDER_LINE_ITEMS,
                {"id": fo["id"], "after": connection["pageInfo"]["endCursor"]},
            )
            connection = result.data["fulfillmentOrder"]["lineItems"]
            nodes += connection["nodes"]
        return [
            _OpenLine(fo["id"], node["id"], node["lineItem"]["id"], node["lineItem"].get("sku"),
                      int(node["remainingQuantity"]), location)
            for node in nodes
        ]

    # -- matching and writing -----------------------------------------------------------------------
    def _allocate(self, shipment: Shipment, open_lines: list[_OpenLine]) -> list[tuple[_OpenLine, int]]:
        """Shipped units → open fulfillment-order line items; every problem is reported at once."""
        preferred = self.connector.config.location_ids.get(shipment.ship_from_location_id or "")
        taken: dict[int, int] = defaultdict(int)
        problems: list[str] = []
        for line in shipment.lines:
            by_id = [c for c in open_lines if line.line_id and _same_item(line.line_id, c.line_item_id)]
            candidates = by_id or [c for c in open_lines if c.sku == line.sku]
            candidates.sort(key=lambda c: c.location_id != preferred)
            need = line.quantity
            for candidate in candidates:
                free = candidate.remaining - taken[id(candidate)]
                take = min(need, free)
                if take > 0:
                    taken[id(candidate)] += take
                    need -= take
                if need == 0:
                    break
            if need:
                what = line.line_id or line.sku
                if not candidates:
                    problems.append(f"line {what} (SKU {line.sku}) is not an open line of the order")
                else:
                    problems.append(f"line {what} (SKU {line.sku}): {line.quantity} shipped but {line.quantity - need} open")
        if problems:
            raise RecordError("cannot fulfil the shipment in Shopify: " + "; ".join(problems),
                              details={"problems": problems})
        by_id_map = {id(c): c for c in open_lines}
        return [(by_id_map[k], quantity) for k, quantity in taken.items() if quantity > 0]

    def _tracking(self, shipment: Shipment) -> dict[str, Any] | None:
        numbers = shipment.tracking_numbers
        company = shipment.carrier.name or shipment.carrier.scac if shipment.carrier else None
        tracking: dict[str, Any] = {}
        if company:
            tracking["company"] = company
        if len(numbers) == 1:
            tracking["number"] = numbers[0]
        elif numbers:
            tracking["numbers"] = numbers
        if shipment.tracking_url:
            tracking["url"] = shipment.tracking_url
        return tracking or None

    async def _create(self, shipment: Shipment, groups: dict[str, list[dict[str, Any]]], *, done: list[str]) -> str:
        fulfillment: dict[str, Any] = {
            "lineItemsByFulfillmentOrder": [
                {"fulfillmentOrderId": fo_id, "fulfillmentOrderLineItems": lines} for fo_id, lines in groups.items()
            ],
            "notifyCustomer": self.connector.config.notify_customer,
        }
        tracking = self._tracking(shipment)
        if tracking:
            fulfillment["trackingInfo"] = tracking
        result = await self.connector.graphql.execute(
            "CrossdockFulfillmentCreate", FULFILLMENT_CREATE, {"fulfillment": fulfillment}, idempotent=False,
        )
        payload = result.data["fulfillmentCreate"] or {}
        errors = payload.get("userErrors") or []
        if errors or not payload.get("fulfillment"):
            messages = "; ".join(str(e.get("message")) for e in errors) or "no fulfillment was created"
            raise RecordError(f"Shopify refused the fulfillment: {messages}",
                              details={"userErrors": errors, "created_before": list(done)})
        return str(payload["fulfillment"]["id"])
