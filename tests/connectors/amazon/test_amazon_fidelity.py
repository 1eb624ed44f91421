"""A client we did not write, python-amazon-sp-api (PyPI), works against the sandbox served on 127.0.0.1.

Pointing it at a local server, without touching its code:

* **SP-API host**: ``client.endpoint`` is a public instance attribute that every request is built from
  (``endpoint + path``); it is set after construction to the sandbox's ``http://127.0.0.1:<port>``. The
  client's ``host`` header is ``endpoint[8:]`` (it assumes ``https://``), so against ``http://`` it sends a
  wrong ``Host``; the sandbox does not route by host, and the pre-signed document URLs it hands out use
  ``public_url`` instead of the request's ``Host``.
* **LWA**: the constructor takes ``auth_token_client_class``; a subclass of its ``AccessTokenClient``
  with ``scheme = "http://"`` and ``host = "127.0.0.1:<port>"`` sends the token request to the sandbox's
  ``/auth/o2/token`` (its ``path``).
* Its access tokens are cached per refresh token in a module-level ``TTLCache``; the test clears it so a
  token from another sandbox is never reused.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from crossdock.connectors.amazon import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_MARKETPLACE_ID,
    SANDBOX_REFRESH_TOKEN,
    SANDBOX_SELLER_ID,
)
from crossdock.connectors.amazon.sandbox import create_app

sp_api = pytest.importorskip("sp_api", reason="python-amazon-sp-api is in the dev extra")
from sp_api.api import Feeds, Orders  # noqa: E402
from sp_api.auth import AccessTokenClient  # noqa: E402
from sp_api.auth import access_token_client as token_cache  # noqa: E402
from sp_api.base import Marketplaces, SellingApiException  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served_sandbox() -> Iterator[tuple[str, Any]]:
    """The sandbox on a real socket for the length of one test, in a background thread."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(seed=4, orders=150, feed_polls=2, public_url=base)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="amazon-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)
    try:
        yield base, app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def client_kwargs(base: str) -> dict[str, Any]:
    local_lwa = type("SandboxAccessTokenClient", (AccessTokenClient,), {"scheme": "http://", "host": base.removeprefix("http://")})
    return {
        "marketplace": Marketplaces.US,
        "credentials": {
            "refresh_token": SANDBOX_REFRESH_TOKEN,
            "lwa_app_id": SANDBOX_CLIENT_ID,
            "lwa_client_secret": SANDBOX_CLIENT_SECRET,
        },
        "auth_token_client_class": local_lwa,
    }


def pointed_at(client: Any, base: str) -> Any:
    client.endpoint = base
    return client


def test_python_amazon_sp_api_client_works_against_sandbox(served_sandbox: tuple[str, Any]) -> None:
    base, app = served_sandbox
    token_cache.cache.clear()
    amazon = app.state.amazon

    orders = pointed_at(Orders(version="2026-01-01", **client_kwargs(base)), base)
    first = orders.search_orders(
        lastUpdatedAfter="2025-01-01T00:00:00Z", marketplaceIds=[SANDBOX_MARKETPLACE_ID], includedData=["BUYER", "FULFILLMENT"]
    )
    second = orders.search_orders(lastUpdatedAfter="2025-01-01T00:00:00Z", paginationToken=first.next_token)
    found = first.payload["orders"] + second.payload["orders"]
    assert len(found) == 150 and second.next_token is None
    assert first.rate_limit == "0.0056", "the client reads x-amzn-RateLimit-Limit"
    assert "buyer" in found[0] and "recipient" not in found[0], "includedData cuts the order down"
    unshipped = next(o for o in found if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED")
    one = orders.get_order(unshipped["orderId"], includedData=["PACKAGES"])
    assert one.payload["order"]["orderId"] == unshipped["orderId"]

    legacy = pointed_at(Orders(**client_kwargs(base)), base)  # v0, the default version: confirmShipment
    legacy.confirm_shipment(
        unshipped["orderId"],
        marketplaceId=SANDBOX_MARKETPLACE_ID,
        packageDetail={
            "packageReferenceId": "1",
            "carrierCode": "UPS",
            "trackingNumber": "1Z999AA10123456784",
            "shipDate": "2026-03-02T10:00:00Z",
            "orderItems": [{"orderItemId": i["orderItemId"], "quantity": i["quantityOrdered"]} for i in unshipped["orderItems"]],
        },
    )
    assert amazon.shipments[-1]["orderId"] == unshipped["orderId"]
    with pytest.raises(SellingApiException) as refused:
        legacy.confirm_shipment(unshipped["orderId"], marketplaceId=SANDBOX_MARKETPLACE_ID, packageDetail={"packageReferenceId": "1"})
    assert refused.value.code == 400

    feeds = pointed_at(Feeds(**client_kwargs(base)), base)
    content = {
        "header": {"sellerId": SANDBOX_SELLER_ID, "version": "2.0"},
        "messages": [{"messageId": 1, "sku": "CD-00001", "operationType": "PATCH", "productType": "PRODUCT",
                      "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability",
                                   "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 42}]}]}],
    }  # fmt: skip
    document = feeds.create_feed_document(file=io.BytesIO(json.dumps(content).encode()), content_type="application/json")
    feed_id = feeds.create_feed("JSON_LISTINGS_FEED", document.payload["feedDocumentId"]).payload["feedId"]
    statuses = [feeds.get_feed(feed_id).payload["processingStatus"] for _ in range(2)]
    assert statuses == ["IN_QUEUE", "DONE"]
    result_id = feeds.get_feed(feed_id).payload["resultFeedDocumentId"]
    report = json.loads(feeds.get_feed_result_document(result_id))  # downloaded and un-GZIPped by the client
    assert report["summary"]["messagesAccepted"] == 1 and report["header"]["feedId"] == feed_id
    assert amazon.listings["CD-00001"].quantity == 42
    assert amazon.lwa.issued == 1, "the client cached its one LWA token across all three API clients"
