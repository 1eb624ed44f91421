"""Fidelity: Shopify's own Python client (PyPI ``ShopifyAPI``) talks to the sandbox as to a real shop.

The sandbox is served by uvicorn on 127.0.0.1 (the client uses urllib, so it needs a real socket).
``shopify.Session`` always builds ``https://{shop}.myshopify.com/admin/api/{version}``; the supported
way to aim the library elsewhere is ActiveResource's ``site``: after ``activate_session`` (which sets
the ``X-Shopify-Access-Token`` header), ``shopify.ShopifyResource.set_site(...)`` points every resource,
and ``shopify.GraphQL()`` (which reads ``ShopifyResource.get_site()``), at the sandbox.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from crossdock.connectors.shopify.sandbox import SANDBOX_TOKEN, create_app

shopify = pytest.importorskip("shopify", reason="ShopifyAPI (the dev extra) is not installed")

API_VERSION = "2026-04"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served_sandbox() -> Iterator[tuple[Any, str]]:
    """The sandbox on a real local port for the duration of a test; stopped and joined at the end."""
    app = create_app(seed=11, orders=12, skus=10)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="shopify-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def shopify_session(served_sandbox: tuple[Any, str]) -> Iterator[Any]:
    app, base = served_sandbox
    session = shopify.Session("crossdock-sandbox.myshopify.com", API_VERSION, SANDBOX_TOKEN)
    shopify.ShopifyResource.activate_session(session)
    shopify.ShopifyResource.set_site(f"{base}/admin/api/{API_VERSION}")  # the documented override (see module)
    try:
        yield app
    finally:
        shopify.ShopifyResource.clear_session()


def test_shopify_python_api_client_works_against_sandbox(shopify_session: Any) -> None:
    app = shopify_session
    client = shopify.GraphQL()
    orders = json.loads(client.execute("""
        query {
          orders(first: 5, sortKey: UPDATED_AT, query: "updated_at:>='2025-01-01T00:00:00Z'") {
            pageInfo { hasNextPage endCursor }
            edges { cursor node { id name updatedAt totalPriceSet { shopMoney { amount currencyCode } } } }
          }
        }"""))
    edges = orders["data"]["orders"]["edges"]
    assert len(edges) == 5 and orders["data"]["orders"]["pageInfo"]["hasNextPage"] is True
    assert all(e["node"]["id"].startswith("gid://shopify/Order/") for e in edges)
    assert orders["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 2000.0

    lookup = json.loads(client.execute(
        'query($q: String!) { inventoryItems(first: 1, query: $q) { nodes { id '
        'inventoryLevel(locationId: "gid://shopify/Location/70001") { quantities(names: ["available"]) { quantity } } } } }',
        variables={"q": "sku:SHOP-10003"},
    ))
    item = lookup["data"]["inventoryItems"]["nodes"][0]
    current = item["inventoryLevel"]["quantities"][0]["quantity"]
    mutation = """
        mutation Set($input: InventorySetQuantitiesInput!) {
          inventorySetQuantities(input: $input) @idempotent(key: "5a1d0f3e-2b4c-4d6e-8f90-a1b2c3d4e5f6") {
            inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
            userErrors { code field message }
          }
        }"""
    variables = {"input": {
        "name": "available", "reason": "correction", "referenceDocumentUri": "logistics://cycle-count/2025-07-01",
        "quantities": [{"inventoryItemId": item["id"], "locationId": "gid://shopify/Location/70001",
                        "quantity": current + 4, "changeFromQuantity": current}],
    }}
    result = json.loads(client.execute(mutation, variables=variables, operation_name="Set"))
    payload = result["data"]["inventorySetQuantities"]
    assert payload["userErrors"] == []
    assert {"name": "available", "delta": 4, "quantityAfterChange": current + 4} in payload["inventoryAdjustmentGroup"]["changes"]
    replay = json.loads(client.execute(mutation, variables=variables, operation_name="Set"))
    assert replay["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"] == \
        payload["inventoryAdjustmentGroup"]["id"], "the same idempotency key replays the first result"
    assert len(app.state.shopify.store.adjustments) == 1


def test_shopify_python_api_sees_a_401_for_a_wrong_token(shopify_session: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shopify.ShopifyResource.headers["X-Shopify-Access-Token"] = "shpat_wrong"
    with pytest.raises(urllib.error.HTTPError) as raised:
        shopify.GraphQL().execute("{ shop { name } }")
    assert raised.value.code == 401
    assert "Invalid API key or access token" in capsys.readouterr().out  # the client prints the body
