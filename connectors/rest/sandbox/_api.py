"""The ERP sandbox's API: orders and stock behind a bearer token, with idempotent writes.

Endpoints (all JSON; every one but ``/health`` needs ``Authorization: Bearer <token>``):

- ``GET  /health``
- ``GET  /orders``: ``updated_since`` (ISO 8601, inclusive), ``status``; sorted by ``updated_at`` then
  ``id``; any of the four pagination styles (see ``_pages``).
- ``GET  /orders/{id}``
- ``POST /orders``: create, or update the order with the same ``external_id``; honours
  ``Idempotency-Key`` (same key → same response, nothing done twice; same key with another body →
  422); a bad body → 400 naming the field; an existing ``number`` without ``external_id`` → 409.
- ``GET  /stock``: ``updated_since``, ``sku``, ``warehouse``; paginated like ``/orders``.
- ``GET  /shipments``: ``updated_since``, ``order_id``; paginated like ``/orders``.
- ``POST /stock/batch``: ``{"items": [{sku, warehouse, available, on_hand?}]}``, at most 100 items
  (413 above), all or nothing (400 naming the first bad item); honours ``Idempotency-Key``.

Control endpoints (no auth, never faulted): ``GET /_sandbox/received`` (orders and stock updates that
landed, in arrival order, replays excluded), ``POST /_sandbox/orders/{id}/update`` (change an order
as if someone edited it in the ERP, bumping ``updated_at``) and ``POST /_sandbox/orders/{id}/ship``
(the warehouse ships it: a shipment appears, the order becomes ``shipped``), plus the toolkit's
``/_sandbox/reset``.
"""

from __future__ import annotations

import hmac
import random
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crossdock.runtime.sandbox import IdempotencyStore, request_fingerprint

from ._data import WAREHOUSES, generate, iso, new_shipment
from ._pages import PaginationError, paginate
from ._validation import MAX_BATCH_ITEMS, validate_order, validate_stock_item

__all__ = ["ErpSandbox"]

ORDER_STATUSES = ("pending", "open", "on_hold", "partially_shipped", "shipped", "cancelled", "closed")
PAYMENT_STATUSES = ("pending", "authorized", "paid", "partially_paid", "partially_refunded", "refunded", "voided")
_ORDER_FIELDS = frozenset({
    "external_id", "number", "channel", "status", "payment_status", "currency", "ordered_at", "customer", "ship_to",
    "lines", "shipping", "subtotal", "discount_total", "shipping_total", "tax_total", "total", "notes",
})
_NESTED_FIELDS = {
    "customer": frozenset({"id", "name", "email", "phone"}),
    "ship_to": frozenset({"name", "company", "address1", "address2", "city", "state", "zip", "country", "phone"}),
    "shipping": frozenset({"carrier", "service", "amount"}),
}
_LINE_FIELDS = frozenset({"external_line_id", "sku", "description", "quantity", "unit_price"})
_CENT = Decimal("0.01")


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def _money(value: Any) -> str:
    return str(Decimal(str(value)).quantize(_CENT))


def _parse_since(request: Request) -> datetime | None:
    raw = request.query_params.get("updated_since")
    if raw is None:
        return None
    try:
        since = datetime.fromisoformat(raw.replace(" ", "+"))  # a '+' left unencoded in a query arrives as ' '
    except ValueError:
        raise PaginationError("updated_since", "updated_since must be an ISO 8601 timestamp") from None
    return since if since.tzinfo else since.replace(tzinfo=UTC)


def _updated_since(items: list[dict[str, Any]], since: datetime | None) -> list[dict[str, Any]]:
    if since is None:
        return items
    return [item for item in items if datetime.fromisoformat(item["updated_at"]) >= since]


def _unknown_field(body: dict[str, Any]) -> str | None:
    for name in body:
        if name not in _ORDER_FIELDS:
            return name
    for block, allowed in _NESTED_FIELDS.items():
        if isinstance(body.get(block), dict):
            for name in body[block]:
                if name not in allowed:
                    return f"{block}.{name}"
    for i, line in enumerate(body.get("lines") or []):
        if isinstance(line, dict):
            for name in line:
                if name not in _LINE_FIELDS:
                    return f"lines[{i}].{name}"
    return None


class ErpSandbox:
    """State and handlers of one sandbox instance; :meth:`reset` restores the seeded data."""

    def __init__(
        self,
        *,
        seed: int,
        orders: int,
        skus: int,
        token: str,
        pagination: str,
        now: Callable[[], datetime],
    ) -> None:
        self.seed = seed
        self.order_count = orders
        self.sku_count = skus
        self.token = token
        self.pagination = pagination
        self.now = now
        self.reset()

    def reset(self) -> None:
        data = generate(seed=self.seed, orders=self.order_count, skus=self.sku_count)
        self.orders: dict[str, dict[str, Any]] = data.orders
        self.stock: dict[str, dict[str, Any]] = data.stock
        self.shipments: dict[str, dict[str, Any]] = data.shipments
        self._rng = random.Random(f"shipments:{self.seed}")
        self.received_orders: list[dict[str, Any]] = []
        self.received_stock: list[dict[str, Any]] = []
        self.idempotency = IdempotencyStore()
        self._next_order_number = 100001 + len(self.orders)
        # Indexes a real ERP has: finding an order by external ID or number must not scan them all.
        self._by_external_id = {o["external_id"]: o["id"] for o in self.orders.values() if o.get("external_id")}
        self._by_number = {o["number"]: o["id"] for o in self.orders.values()}

    # -- routing ---------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        return [
            Route("/health", self.health, methods=["GET"]),
            Route("/orders", self.list_orders, methods=["GET"]),
            Route("/orders", self.create_order, methods=["POST"]),
            Route("/orders/{order_id}", self.get_order, methods=["GET"]),
            Route("/stock", self.list_stock, methods=["GET"]),
            Route("/stock/batch", self.set_stock, methods=["POST"]),
            Route("/shipments", self.list_shipments, methods=["GET"]),
        ]

    def control_routes(self) -> list[Route]:
        return [
            Route("/_sandbox/received", self.received, methods=["GET"]),
            Route("/_sandbox/orders/{order_id}/update", self.edit_order, methods=["POST"]),
            Route("/_sandbox/orders/{order_id}/ship", self.ship_order, methods=["POST"]),
        ]

    def _unauthorized(self, request: Request) -> JSONResponse | None:
        expected = f"Bearer {self.token}".encode()
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return None
        response = _error(401, "unauthorized", "missing or invalid bearer token")
        response.headers["WWW-Authenticate"] = 'Bearer realm="sandbox"'
        return response

    # -- reads -----------------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def list_orders(self, request: Request) -> Response:
        if denied := self._unauthorized(request):
            return denied
        try:
            items = _updated_since(list(self.orders.values()), _parse_since(request))
            if status := request.query_params.get("status"):
                items = [o for o in items if o["status"] == status]
            return paginate(request, items, default_style=self.pagination)
        except PaginationError as exc:
            return _error(400, "invalid_parameter", str(exc), field=exc.field)

    async def get_order(self, request: Request) -> Response:
        if denied := self._unauthorized(request):
            return denied
        order = self.orders.get(request.path_params["order_id"])
        if order is None:
            return _error(404, "not_found", f"order {request.path_params['order_id']} does not exist")
        return JSONResponse(order)

    async def list_stock(self, request: Request) -> Response:
        if denied := self._unauthorized(request):
            return denied
        try:
            items = _updated_since(list(self.stock.values()), _parse_since(request))
            for name in ("sku", "warehouse"):
                if value := request.query_params.get(name):
                    items = [s for s in items if s[name] == value]
            return paginate(request, items, default_style=self.pagination)
        except PaginationError as exc:
            return _error(400, "invalid_parameter", str(exc), field=exc.field)

    async def list_shipments(self, request: Request) -> Response:
        if denied := self._unauthorized(request):
            return denied
        try:
            items = _updated_since(list(self.shipments.values()), _parse_since(request))
            if order_id := request.query_params.get("order_id"):
                items = [s for s in items if s["order_id"] == order_id]
            return paginate(request, items, default_style=self.pagination)
        except PaginationError as exc:
            return _error(400, "invalid_parameter", str(exc), field=exc.field)

    # -- writes ----------------------------------------------------------------------------------
    async def _json_body(self, request: Request) -> tuple[Any, JSONResponse | None]:
        try:
            return await request.json(), None
        except ValueError:
            return None, _error(400, "invalid_json", "the body is not valid JSON")

    async def create_order(self, request: Request) -> Response:
        if denied := self._unauthorized(request):
            return denied
        body, problem = await self._json_body(request)
        if problem:
            return problem
        key = request.headers.get("idempotency-key")
        fingerprint = request_fingerprint("POST", "/orders", body)
        if replayed := self.idempotency.lookup(key, fingerprint):
            return replayed
        status, payload = self._store_order(body)
        self.idempotency.remember(key, fingerprint, status, payload)
        return JSONResponse(payload, status_code=status)

    def _store_order(self, body: Any) -> tuple[int, dict[str, Any]]:
        invalid = validate_order(body)
        if invalid is None and (unknown := _unknown_field(body)):
            invalid = (unknown, f"unknown field {unknown}")
        if invalid is None and body.get("status") not in (None, *ORDER_STATUSES):
            invalid = ("status", f"status must be one of {', '.join(ORDER_STATUSES)}")
        if invalid is None and body.get("payment_status") not in (None, *PAYMENT_STATUSES):
            invalid = ("payment_status", f"payment_status must be one of {', '.join(PAYMENT_STATUSES)}")
        if invalid is not None:
            field, message = invalid
            return 400, {"error": {"code": "invalid_field", "field": field, "message": message}}

        external_id = body.get("external_id")
        existing_id = self._by_external_id.get(external_id) if external_id else self._by_number.get(body["number"])
        existing = self.orders.get(existing_id) if existing_id else None
        if existing is not None and not external_id:
            return 409, {"error": {"code": "duplicate_order", "field": "number", "message": f"order number {body['number']} already exists"}}
        if existing is not None:
            order_id = existing["id"]
        else:
            order_id = f"SO-{self._next_order_number}"
            self._next_order_number += 1
        order = self._order_resource(order_id, body, existing)
        self.orders[order_id] = order
        if order.get("external_id"):
            self._by_external_id[order["external_id"]] = order_id
        self._by_number[order["number"]] = order_id
        self.received_orders.append(order)
        return (200 if existing is not None else 201), order

    def _order_resource(self, order_id: str, body: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        now = iso(self.now())
        lines = [
            {
                "id": f"{order_id}-{n}",
                "external_line_id": line.get("external_line_id"),
                "sku": line["sku"],
                "description": line.get("description"),
                "quantity": line["quantity"],
                "unit_price": _money(line["unit_price"]),
            }
            for n, line in enumerate(body["lines"], start=1)
        ]
        subtotal = sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))
        amounts = {name: _money(body.get(name) or 0) for name in ("discount_total", "shipping_total", "tax_total")}
        computed_total = subtotal - Decimal(amounts["discount_total"]) + Decimal(amounts["shipping_total"]) + Decimal(amounts["tax_total"])
        shipping = body.get("shipping") or {}
        return {
            "id": order_id,
            "number": body["number"],
            "external_id": body.get("external_id"),
            "channel": body.get("channel") or "api",
            "status": body.get("status") or "open",
            "payment_status": body.get("payment_status") or "pending",
            "currency": body["currency"],
            "ordered_at": body.get("ordered_at") or (existing["ordered_at"] if existing else now),
            "updated_at": now,
            "customer": body.get("customer"),
            "ship_to": body.get("ship_to"),
            "lines": lines,
            "shipping": {**shipping, "amount": _money(shipping["amount"])} if shipping.get("amount") is not None else (shipping or None),
            "subtotal": _money(body.get("subtotal") if body.get("subtotal") is not None else subtotal),
            **amounts,
            "total": _money(body["total"] if body.get("total") is not None else computed_total),
            "notes": body.get("notes"),
        }

    async def set_stock(self, request: Request) -> Response:
        if denied := self._unauthorized(request):
            return denied
        body, problem = await self._json_body(request)
        if problem:
            return problem
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return _error(400, "invalid_field", "items must be a non-empty list", field="items")
        if len(items) > MAX_BATCH_ITEMS:
            return _error(413, "batch_too_large", f"at most {MAX_BATCH_ITEMS} items per request, got {len(items)}", limit=MAX_BATCH_ITEMS)
        key = request.headers.get("idempotency-key")
        fingerprint = request_fingerprint("POST", "/stock/batch", body)
        if replayed := self.idempotency.lookup(key, fingerprint):
            return replayed
        for index, item in enumerate(items):
            if invalid := validate_stock_item(item, index):
                field, message = invalid
                return _error(400, "invalid_field", message, field=field, index=index)
        now = iso(self.now())
        results = []
        for item in items:
            stock_id = f"{item['warehouse']}:{item['sku']}"
            allocated = self.stock.get(stock_id, {}).get("allocated", 0)
            on_hand = item.get("on_hand")
            level = {
                "id": stock_id,
                "sku": item["sku"],
                "warehouse": item["warehouse"],
                "on_hand": on_hand if on_hand is not None else item["available"] + allocated,
                "allocated": allocated,
                "available": item["available"],
                "updated_at": now,
            }
            self.stock[stock_id] = level
            self.received_stock.append(level)
            results.append(level)
        payload = {"results": results}
        self.idempotency.remember(key, fingerprint, 200, payload)
        return JSONResponse(payload)

    # -- control ---------------------------------------------------------------------------------
    async def _control_body(self, request: Request) -> tuple[dict[str, Any], JSONResponse | None]:
        if not await request.body():
            return {}, None
        body, problem = await self._json_body(request)
        if problem is None and not isinstance(body, dict):
            problem = _error(400, "invalid_json", "the body must be a JSON object")
        return (body if isinstance(body, dict) else {}), problem

    async def received(self, request: Request) -> Response:
        return JSONResponse({"orders": self.received_orders, "stock": self.received_stock})

    async def edit_order(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["order_id"])
        if order is None:
            return _error(404, "not_found", f"order {request.path_params['order_id']} does not exist")
        changes, problem = await self._control_body(request)
        if problem:
            return problem
        order.update({k: v for k, v in changes.items() if k not in ("id", "updated_at")})
        order["updated_at"] = iso(self.now())
        return JSONResponse(order)

    async def ship_order(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["order_id"])
        if order is None:
            return _error(404, "not_found", f"order {request.path_params['order_id']} does not exist")
        options, problem = await self._control_body(request)
        if problem:
            return problem
        shipment = new_shipment(
            self._rng,
            f"SH-{200001 + len(self.shipments)}",
            order,
            order["lines"],
            self.now(),
            options.get("warehouse") or WAREHOUSES[0],
            carrier=options.get("carrier"),
            service=options.get("service"),
            tracking=options.get("tracking_number"),
        )
        self.shipments[shipment["id"]] = shipment
        order["status"] = "shipped"
        order["updated_at"] = iso(self.now())
        return JSONResponse(shipment, status_code=201)
