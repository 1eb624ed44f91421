"""``AmazonSandbox``: the seller account the sandbox emulates, and its routes.

API (every SP-API route needs a valid ``x-amz-access-token``; see ``_gate``):

- ``POST /auth/o2/token``: Login with Amazon (``_lwa``)
- ``GET  /orders/2026-01-01/orders`` (searchOrders), ``GET /orders/2026-01-01/orders/{orderId}`` (getOrder)
- ``POST /orders/v0/orders/{orderId}/shipmentConfirmation`` (confirmShipment)
- ``POST /feeds/2021-06-30/documents`` (createFeedDocument), ``GET /feeds/2021-06-30/documents/{id}``
  (getFeedDocument), ``POST /feeds/2021-06-30/feeds`` (createFeed), ``GET /feeds/2021-06-30/feeds/{id}``
  (getFeed)
- ``PUT|GET /feed-documents/{id}?X-Amz-…``: the pre-signed document URLs (no SP-API auth; ``_documents``)

Control endpoints (never faulted, limited or logged): ``GET /_sandbox/shipments`` (confirmations
accepted, in order), ``GET /_sandbox/stock`` (DEFAULT quantity per SKU), ``GET /_sandbox/feeds``,
``POST /_sandbox/feeds/{feedId}/finish``, ``GET /_sandbox/orders/{orderId}`` (the whole stored order),
``POST /_sandbox/orders`` (``{"orders": [<v2026 Order>…]}`` stores orders as given, ``{"generate": n}``
adds n new seeded unshipped orders placed now), ``POST /_sandbox/orders/{orderId}/update`` (``{"status"?}``:
an edit on Amazon's side, stamped now), ``POST /_sandbox/tokens/expire``, and the toolkit's
``/_sandbox/reset`` (seeded data back, tokens, quotas, feeds and documents forgotten).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ._data import SEEDED_HISTORY_ENDS, Listing, iso, new_order, seeded_listings, seeded_orders
from ._documents import DocumentStore
from ._feeds import FeedsApi
from ._gate import OperationGate
from ._lwa import LoginWithAmazon
from ._orders import OrdersApi
from ._responses import RequestIds

__all__ = ["AmazonSandbox"]


class AmazonSandbox:
    """State of one emulated seller account: catalog, orders, feeds, documents, tokens, quotas."""

    def __init__(
        self,
        *,
        seed: int,
        orders: int,
        skus: int | Sequence[str],
        clock: Callable[[], datetime],
        client_id: str,
        client_secret: str,
        refresh_token: str,
        seller_id: str,
        marketplace_id: str,
        feed_polls: int,
        feed_seconds: float,
        public_url: str | None,
    ) -> None:
        self.seed = seed
        self.order_count = orders
        self.sku_count = skus
        self.clock = clock
        self.seller_id = seller_id
        self.marketplace_id = marketplace_id
        self.request_ids = RequestIds(seed)
        self.lwa = LoginWithAmazon(
            seed=seed, client_id=client_id, client_secret=client_secret, refresh_token=refresh_token, clock=clock
        )
        self.gate = OperationGate(lwa=self.lwa, request_ids=self.request_ids, clock=clock)
        self.documents = DocumentStore(seed=seed, clock=clock, public_url=public_url)
        self.listings: dict[str, Listing] = {}
        self.orders: dict[str, dict[str, Any]] = {}
        self.shipments: list[dict[str, Any]] = []
        self._random = random.Random(f"added-orders:{seed}")
        self.orders_api = OrdersApi(lambda: self.orders, clock=clock, on_shipment=self.shipments.append)
        self.feeds_api = FeedsApi(
            documents=self.documents,
            gate=self.gate,
            listings=lambda: self.listings,
            seller_id=seller_id,
            clock=clock,
            feed_polls=feed_polls,
            feed_seconds=feed_seconds,
        )
        self.reset()

    def reset(self) -> None:
        self.listings = seeded_listings(self.seed, self.sku_count)
        # Seeded history is anchored to a fixed moment (not to this process's start), so every sandbox
        # of the same seed holds the very same orders: a job re-run against a fresh sandbox sees no change.
        self.orders = seeded_orders(
            self.seed, self.order_count, self.listings, now=min(self.clock(), SEEDED_HISTORY_ENDS),
            marketplace_id=self.marketplace_id,
        )
        self.shipments.clear()
        self._random = random.Random(f"added-orders:{self.seed}")
        self.request_ids.reset()
        self.lwa.reset()
        self.gate.reset()
        self.documents.reset()
        self.feeds_api.reset()

    # -- routes ---------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        op = self.gate.operation
        orders, feeds, documents = self.orders_api, self.feeds_api, self.documents
        return [
            Route("/auth/o2/token", self.lwa.token_endpoint, methods=["POST"]),
            Route("/orders/2026-01-01/orders", op("searchOrders", orders.search_orders), methods=["GET"]),
            Route("/orders/2026-01-01/orders/{orderId}", op("getOrder", orders.get_order), methods=["GET"]),
            Route(
                "/orders/v0/orders/{orderId}/shipmentConfirmation",
                op("confirmShipment", orders.confirm_shipment),
                methods=["POST"],
            ),
            Route("/feeds/2021-06-30/documents", op("createFeedDocument", feeds.create_feed_document), methods=["POST"]),
            Route(
                "/feeds/2021-06-30/documents/{feedDocumentId}",
                op("getFeedDocument", feeds.get_feed_document),
                methods=["GET"],
            ),
            Route("/feeds/2021-06-30/feeds", op("createFeed", feeds.create_feed), methods=["POST"]),
            Route("/feeds/2021-06-30/feeds/{feedId}", op("getFeed", feeds.get_feed), methods=["GET"]),
            Route("/feed-documents/{documentId}", documents.upload, methods=["PUT"]),
            Route("/feed-documents/{documentId}", documents.download, methods=["GET"]),
        ]

    def control_routes(self) -> list[BaseRoute]:
        return [
            Route("/_sandbox/shipments", self._shipments, methods=["GET"]),
            Route("/_sandbox/stock", self._stock, methods=["GET"]),
            Route("/_sandbox/feeds", self._feeds, methods=["GET"]),
            Route("/_sandbox/feeds/{feedId}/finish", self._finish_feed, methods=["POST"]),
            Route("/_sandbox/orders", self._add_orders, methods=["POST"]),
            Route("/_sandbox/orders/{orderId}", self._order, methods=["GET"]),
            Route("/_sandbox/orders/{orderId}/update", self._update_order, methods=["POST"]),
            Route("/_sandbox/tokens/expire", self._expire_tokens, methods=["POST"]),
        ]

    # -- control endpoints ----------------------------------------------------------------------
    async def _shipments(self, request: Request) -> JSONResponse:
        return JSONResponse({"shipments": self.shipments})

    async def _stock(self, request: Request) -> JSONResponse:
        return JSONResponse({"quantities": {sku: listing.quantity for sku, listing in self.listings.items()}})

    async def _feeds(self, request: Request) -> JSONResponse:
        return JSONResponse({
            "feeds": [
                {**feed.body(), "inputFeedDocumentId": feed.document_id, "polls": feed.polls, "summary": feed.summary}
                for feed in self.feeds_api.feeds.values()
            ]
        })

    async def _finish_feed(self, request: Request) -> JSONResponse:
        feed = self.feeds_api.feeds.get(request.path_params["feedId"])
        if feed is None:
            return _control_error(404, "no such feed")
        self.feeds_api.finish(feed)
        return JSONResponse(feed.body())

    async def _order(self, request: Request) -> JSONResponse:
        order = self.orders.get(request.path_params["orderId"])
        return JSONResponse(order) if order is not None else _control_error(404, "no such order")

    async def _add_orders(self, request: Request) -> JSONResponse:
        body = await _object_body(request)
        if isinstance(body, JSONResponse):
            return body
        added = []
        if "generate" in body:
            count = body["generate"]
            if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= 10_000:
                return _control_error(400, "generate must be a whole number from 1 to 10000")
            for _ in range(count):
                order = new_order(
                    self._random, self.listings, now=self.clock(), marketplace_id=self.marketplace_id,
                    status="UNSHIPPED", created=self.clock(),
                )  # fmt: skip
                self.orders[order["orderId"]] = order
                added.append(order["orderId"])
        for order in body.get("orders") or []:
            if not isinstance(order, dict) or not isinstance(order.get("orderId"), str):
                return _control_error(400, "every order needs an orderId")
            self.orders[order["orderId"]] = order
            added.append(order["orderId"])
        return JSONResponse({"added": added})

    async def _update_order(self, request: Request) -> JSONResponse:
        order = self.orders.get(request.path_params["orderId"])
        if order is None:
            return _control_error(404, "no such order")
        body = await _object_body(request)
        if isinstance(body, JSONResponse):
            return body
        if "status" in body:
            order["fulfillment"]["fulfillmentStatus"] = str(body["status"])
        order["lastUpdatedTime"] = iso(self.clock())
        return JSONResponse(order)

    async def _expire_tokens(self, request: Request) -> JSONResponse:
        self.lwa.expire_all()
        return JSONResponse({"expired": True})


async def _object_body(request: Request) -> dict[str, Any] | JSONResponse:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = await request.json()
    except ValueError:
        return _control_error(400, "the body must be JSON")
    return body if isinstance(body, dict) else _control_error(400, "the body must be a JSON object")


def _control_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": "sandbox_control", "message": message}}, status_code=status)
