"""Orders: ``searchOrders`` and ``getOrder`` (v2026-01-01) and ``confirmShipment`` (v0).

``searchOrders`` takes exactly one of ``createdAfter``/``lastUpdatedAfter`` (inclusive); the matching
``…Before`` bound, when given, must not precede it and must be at least two minutes before the request;
when absent it is "two minutes ago", and the response reports the bound used (``lastUpdatedBefore`` or
``createdBefore``). Orders come 1–100 a page (``maxResultsPerPage``, default 100) **ordered by order id,
not by update time**, with ``pagination.nextToken`` while more remain. The token is opaque to clients
but carries the query it continues (its bounds and the last order id returned), so a token resumed
much later, even by another process, continues the same pass; an order updated mid-pass moves past
the pass's upper bound and drops out of it instead of shifting the pages behind it.

``confirmShipment`` answers 204 and records the package on the order (``packages``, the items'
fulfilled quantities, the order's status and ``lastUpdatedTime``); a package reference the order
already holds, an order not in a shippable status, an unknown order item or too many units is a 400
``InvalidInput``; an unknown order a 404.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ._data import DATASETS, iso, order_view
from ._responses import BadRequest, amazon_error, amazon_json, read_json_body

__all__ = ["OrdersApi", "LAG"]

LAG = timedelta(minutes=2)
"""The newest updates ``searchOrders`` can return are two minutes old."""
_FULFILLMENT_STATUSES = (
    "PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED", "UNFULFILLABLE",
)  # fmt: skip
_SHIPPABLE = frozenset({"UNSHIPPED", "PARTIALLY_SHIPPED"})


def _list_param(request: Request, name: str) -> list[str] | None:
    """A Swagger array query parameter: comma-separated (``csv``), repeated keys tolerated."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _time_param(request: Request, name: str) -> datetime | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"Invalid {name}: '{text}' is not an ISO 8601 date-time.") from None
    if value.tzinfo is None:
        raise BadRequest(f"Invalid {name}: '{text}' has no time zone designator.")
    return value


def _encode_token(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_token(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        raise BadRequest("Invalid paginationToken.") from None
    if not isinstance(state, dict) or state.get("v") != 1:
        raise BadRequest("Invalid paginationToken.")
    return state


class OrdersApi:
    """The order routes' logic over the sandbox's order table."""

    def __init__(
        self,
        orders: Callable[[], dict[str, dict[str, Any]]],
        *,
        clock: Callable[[], datetime],
        on_shipment: Callable[[dict[str, Any]], None],
    ) -> None:
        self._orders = orders
        self._clock = clock
        self._on_shipment = on_shipment

    # -- searchOrders ---------------------------------------------------------------------------
    async def search_orders(self, request: Request, headers: dict[str, str]) -> Response:
        token = request.query_params.get("paginationToken")
        datasets = self._datasets(request)
        page_size = self._page_size(request)
        state = _decode_token(token) if token else self._new_query(request)
        if datasets is None:
            datasets = set(state.get("d") or [])
        if page_size is None:
            page_size = int(state.get("n") or 100)
        after, before = datetime.fromisoformat(state["a"]), datetime.fromisoformat(state["b"])
        field = "lastUpdatedTime" if state["f"] == "lastUpdated" else "createdTime"
        matches = sorted(
            (o for o in self._orders().values() if self._matches(o, state, field, after, before)),
            key=lambda o: o["orderId"],
        )
        if state.get("k"):
            matches = [o for o in matches if o["orderId"] > state["k"]]
        page, rest = matches[:page_size], matches[page_size:]
        body: dict[str, Any] = {"orders": [order_view(o, datasets) for o in page]}
        if rest:
            following = {**state, "k": page[-1]["orderId"], "d": sorted(datasets), "n": page_size}
            body["pagination"] = {"nextToken": _encode_token(following)}
        body["lastUpdatedBefore" if state["f"] == "lastUpdated" else "createdBefore"] = iso(before)
        return amazon_json(body, headers=headers)

    def _new_query(self, request: Request) -> dict[str, Any]:
        created_after = _time_param(request, "createdAfter")
        created_before = _time_param(request, "createdBefore")
        updated_after = _time_param(request, "lastUpdatedAfter")
        updated_before = _time_param(request, "lastUpdatedBefore")
        if (created_after is None) == (updated_after is None):
            raise BadRequest("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
        if created_after is not None and (updated_before is not None):
            raise BadRequest("lastUpdatedBefore may not be provided with createdAfter.")
        if updated_after is not None and (created_before is not None):
            raise BadRequest("createdBefore may not be provided with lastUpdatedAfter.")
        after = created_after or updated_after
        before = created_before or updated_before
        latest = self._clock() - LAG
        assert after is not None
        if before is None:
            before = latest
        elif before > latest:
            raise BadRequest("The Before date must be at least two minutes before the time of the request.")
        if before < after:
            raise BadRequest("The Before date must be equal to or after the After date.")
        marketplaces = _list_param(request, "marketplaceIds")
        if marketplaces is not None and len(marketplaces) > 50:
            raise BadRequest("marketplaceIds accepts at most 50 values.")
        statuses = _list_param(request, "fulfillmentStatuses")
        for status in statuses or []:
            if status not in _FULFILLMENT_STATUSES:
                raise BadRequest(f"Invalid fulfillmentStatuses value '{status}'.")
        fulfilled_by = _list_param(request, "fulfilledBy")
        for value in fulfilled_by or []:
            if value not in ("MERCHANT", "AMAZON"):
                raise BadRequest(f"Invalid fulfilledBy value '{value}'.")
        return {
            "v": 1,
            "f": "created" if created_after is not None else "lastUpdated",
            "a": after.isoformat(),
            "b": before.isoformat(),
            "m": marketplaces,
            "s": statuses,
            "fb": fulfilled_by,
        }

    @staticmethod
    def _matches(order: dict[str, Any], state: dict[str, Any], field: str, after: datetime, before: datetime) -> bool:
        stamp = datetime.fromisoformat(order[field].replace("Z", "+00:00"))
        if not after <= stamp <= before:
            return False
        if state.get("m") and order["salesChannel"].get("marketplaceId") not in state["m"]:
            return False
        fulfillment = order.get("fulfillment") or {}
        if state.get("s") and fulfillment.get("fulfillmentStatus") not in state["s"]:
            return False
        return not (state.get("fb") and fulfillment.get("fulfilledBy") not in state["fb"])

    @staticmethod
    def _datasets(request: Request) -> set[str] | None:
        values = _list_param(request, "includedData")
        if values is None:
            return None
        for value in values:
            if value not in DATASETS:
                raise BadRequest(f"Invalid includedData value '{value}'.")
        return set(values)

    @staticmethod
    def _page_size(request: Request) -> int | None:
        text = request.query_params.get("maxResultsPerPage")
        if text is None:
            return None
        try:
            size = int(text)
        except ValueError:
            raise BadRequest("maxResultsPerPage must be an integer between 1 and 100.") from None
        if not 1 <= size <= 100:
            raise BadRequest("maxResultsPerPage must be an integer between 1 and 100.")
        return size

    # -- getOrder -------------------------------------------------------------------------------
    async def get_order(self, request: Request, headers: dict[str, str]) -> Response:
        order = self._orders().get(request.path_params["orderId"])
        datasets = self._datasets(request) or set()
        if order is None:
            return amazon_error(404, "NotFound", "The requested order was not found.", headers=headers)
        return amazon_json({"order": order_view(order, datasets)}, headers=headers)

    # -- confirmShipment (v0) --------------------------------------------------------------------
    async def confirm_shipment(self, request: Request, headers: dict[str, str]) -> Response:
        order_id = request.path_params["orderId"]
        body = await read_json_body(request)
        marketplace_id, detail = _confirmation(body)
        order = self._orders().get(order_id)
        if order is None:
            return amazon_error(
                404, "NotFound", "The specified resource does not exist.", f"Order {order_id} was not found.", headers=headers
            )
        if order["salesChannel"].get("marketplaceId") != marketplace_id:
            raise BadRequest(f"Order {order_id} does not belong to marketplace {marketplace_id}.")
        if any(p.get("packageReferenceId") == detail["packageReferenceId"] for p in order.get("packages", [])):
            raise BadRequest(
                f"A package with packageReferenceId {detail['packageReferenceId']} was already confirmed for order {order_id}."
            )
        fulfillment = order["fulfillment"]
        if fulfillment.get("fulfilledBy") != "MERCHANT":
            raise BadRequest(f"Order {order_id} is fulfilled by Amazon and cannot be confirmed by the seller.")
        status = fulfillment["fulfillmentStatus"]
        if status == "SHIPPED":
            raise BadRequest(f"Order {order_id} has already been shipped.")
        if status not in _SHIPPABLE:
            raise BadRequest(f"Order {order_id} is {status} and cannot be confirmed.")
        items = {item["orderItemId"]: item for item in order["orderItems"]}
        for line in detail["orderItems"]:
            item = items.get(line["orderItemId"])
            if item is None:
                raise BadRequest(f"Order item {line['orderItemId']} is not part of order {order_id}.")
            if line["quantity"] > item["fulfillment"]["quantityUnfulfilled"]:
                raise BadRequest(
                    f"Quantity {line['quantity']} of order item {line['orderItemId']} exceeds the "
                    f"{item['fulfillment']['quantityUnfulfilled']} unshipped unit(s)."
                )
        self._ship(order, detail)
        self._on_shipment({"orderId": order_id, "marketplaceId": marketplace_id, "packageDetail": detail})
        return Response(status_code=204, headers=headers)

    def _ship(self, order: dict[str, Any], detail: dict[str, Any]) -> None:
        now = iso(self._clock())
        items = {item["orderItemId"]: item for item in order["orderItems"]}
        for line in detail["orderItems"]:
            progress = items[line["orderItemId"]]["fulfillment"]
            progress["quantityFulfilled"] += line["quantity"]
            progress["quantityUnfulfilled"] -= line["quantity"]
        order["packages"].append({
            "packageReferenceId": detail["packageReferenceId"],
            "createdTime": now,
            "packageStatus": {"status": "IN_TRANSIT"},
            "carrier": detail.get("carrierName") if detail["carrierCode"] == "Other" else detail["carrierCode"],
            "shipTime": detail["shipDate"],
            "shippingService": detail.get("shippingMethod") or "",
            "trackingNumber": detail["trackingNumber"],
            "packageItems": [{"orderItemId": i["orderItemId"], "quantity": i["quantity"]} for i in detail["orderItems"]],
        })
        done = all(item["fulfillment"]["quantityUnfulfilled"] == 0 for item in order["orderItems"])
        order["fulfillment"]["fulfillmentStatus"] = "SHIPPED" if done else "PARTIALLY_SHIPPED"
        order["lastUpdatedTime"] = now


def _confirmation(body: Any) -> tuple[str, dict[str, Any]]:
    """The ``ConfirmShipmentRequest`` checked as ordersV0.json defines it; 400 ``InvalidInput`` otherwise."""
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a ConfirmShipmentRequest object.")
    marketplace_id = body.get("marketplaceId")
    detail = body.get("packageDetail")
    if not isinstance(marketplace_id, str) or not marketplace_id:
        raise BadRequest("marketplaceId is required.")
    if not isinstance(detail, dict):
        raise BadRequest("packageDetail is required.")
    for name in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate"):
        if not isinstance(detail.get(name), str) or not detail[name].strip():
            raise BadRequest(f"packageDetail.{name} is required.")
    if not detail["packageReferenceId"].isdigit() or int(detail["packageReferenceId"]) <= 0:
        raise BadRequest("packageDetail.packageReferenceId must be a positive number.")
    if detail["carrierCode"] == "Other" and not detail.get("carrierName"):
        raise BadRequest("packageDetail.carrierName is required when carrierCode is Other.")
    try:
        ship_date = datetime.fromisoformat(detail["shipDate"].replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("packageDetail.shipDate must be an ISO 8601 date-time.") from None
    if ship_date.tzinfo is None:
        raise BadRequest("packageDetail.shipDate must include a time zone designator.")
    items = detail.get("orderItems")
    if not isinstance(items, list) or not items:
        raise BadRequest("packageDetail.orderItems must list at least one order item.")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("orderItemId"), str):
            raise BadRequest("Every packageDetail.orderItems entry needs an orderItemId.")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise BadRequest(f"Invalid quantity for order item {item['orderItemId']}.")
    return marketplace_id, detail
