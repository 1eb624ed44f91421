"""The sandbox answers like Shopify's Admin GraphQL API: errors, auth, cost, limits, idempotency, search."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from crossdock.connectors.shopify.sandbox import SANDBOX_TOKEN

ENDPOINT = "/admin/api/2026-04/graphql.json"
SET_QUANTITIES = """
mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: "key-1") {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}"""


@pytest.fixture
async def client(sandbox: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://shop",
                                 headers={"X-Shopify-Access-Token": SANDBOX_TOKEN}) as http:
        yield http


async def gql(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None,
              endpoint: str = ENDPOINT) -> dict[str, Any]:
    response = await client.post(endpoint, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def quantity_input(sandbox: Any, sku: str = "SHOP-10001", **overrides: Any) -> dict[str, Any]:
    store = sandbox.state.shopify.store
    item = store.variant_by_sku(sku)["_itemId"]
    current = store.levels[(item, "gid://shopify/Location/70001")]["available"]
    line = {"inventoryItemId": item, "locationId": "gid://shopify/Location/70001", "quantity": current + 1,
            "changeFromQuantity": current, **overrides}
    return {"name": "available", "reason": "correction", "referenceDocumentUri": "crossdock://test", "quantities": [line]}


async def test_invalid_queries_get_shopify_style_errors_with_locations_and_codes(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ orders(first: 1) { nodes { id colour } } }")
    [error] = body["errors"]
    assert "colour" in error["message"] and error["locations"] == [{"line": 1, "column": 33}]
    assert error["extensions"]["code"] == "undefinedField" and "data" not in body
    syntax = await gql(client, "{ orders(first: 1) { nodes { id }")
    assert syntax["errors"][0]["extensions"]["code"] == "PARSE_ERROR" and syntax["errors"][0]["locations"]
    unpaged = await gql(client, "{ orders { nodes { id } } }")
    assert unpaged["errors"][0]["message"] == "you must provide one of first or last"


async def test_auth_and_version_are_checked_before_anything_else(client: httpx.AsyncClient) -> None:
    anonymous = await client.post(ENDPOINT, json={"query": "{ shop { name } }"}, headers={"X-Shopify-Access-Token": ""})
    assert anonymous.status_code == 401
    assert anonymous.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
    wrong_version = await client.post("/admin/api/latest/graphql.json", json={"query": "{ shop { name } }"})
    assert wrong_version.status_code == 404
    no_query = await client.post(ENDPOINT, json={"variables": {}})
    assert no_query.status_code == 400 and no_query.json() == {"errors": {"query": "Required parameter missing or invalid"}}


async def test_every_answer_reports_its_cost_and_an_empty_bucket_throttles(client: httpx.AsyncClient, sandbox: Any) -> None:
    body = await gql(client, "{ shop { name } orders(first: 10) { nodes { id } } }")
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 2 + 10 and cost["actualQueryCost"] == 1 + 2 + 10
    assert cost["throttleStatus"] == {"maximumAvailable": 2000.0, "currentlyAvailable": 1987, "restoreRate": 100.0}
    sandbox.state.shopify.bucket.set_available(5)
    throttled = await gql(client, "{ orders(first: 10) { nodes { id } } }")
    assert throttled["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert throttled["extensions"]["cost"]["actualQueryCost"] is None
    assert throttled["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 5, "a refused query takes nothing"


async def test_a_query_over_1000_points_is_refused_before_it_runs(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["message"].startswith("Query cost is 63252, which exceeds the single query max cost limit (1000).")


async def test_input_arrays_are_capped_at_250(client: httpx.AsyncClient, sandbox: Any) -> None:
    variables = {"input": quantity_input(sandbox)}
    variables["input"]["quantities"] = variables["input"]["quantities"] * 251
    body = await gql(client, SET_QUANTITIES, variables)
    assert body["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert body["errors"][0]["path"] == ["inventorySetQuantities", "input", "quantities"]
    assert sandbox.state.shopify.store.adjustments == []


async def test_the_2026_04_inventory_contract(client: httpx.AsyncClient, sandbox: Any) -> None:
    without_key = SET_QUANTITIES.replace('@idempotent(key: "key-1")', "")
    body = await gql(client, without_key, {"input": quantity_input(sandbox)})
    assert body["errors"][0]["message"] == "The @idempotent directive is required for this mutation but was not provided."
    line = quantity_input(sandbox)
    del line["quantities"][0]["changeFromQuantity"]
    body = await gql(client, SET_QUANTITIES, {"input": line})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_FIELD_ARGUMENTS"
    older = await gql(client, without_key, {"input": line}, endpoint="/admin/api/2026-01/graphql.json")
    assert older["data"]["inventorySetQuantities"]["userErrors"] == [], "before 2026-04 both were optional"


async def test_a_stale_change_from_quantity_changes_nothing(client: httpx.AsyncClient, sandbox: Any) -> None:
    stale = quantity_input(sandbox)
    stale["quantities"][0]["changeFromQuantity"] -= 3
    body = await gql(client, SET_QUANTITIES, {"input": stale})
    payload = body["data"]["inventorySetQuantities"]
    assert payload["inventoryAdjustmentGroup"] is None
    assert payload["userErrors"] == [{"code": "CHANGE_FROM_QUANTITY_STALE", "field": ["input", "quantities", "0", "changeFromQuantity"],
                                      "message": "The changeFromQuantity value does not match persisted value."}]


async def test_an_idempotency_key_replays_its_first_result_and_refuses_other_input(
    client: httpx.AsyncClient, sandbox: Any
) -> None:
    variables = {"input": quantity_input(sandbox)}
    first = await gql(client, SET_QUANTITIES, variables)
    again = await gql(client, SET_QUANTITIES, variables)
    group = first["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"]
    assert again["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"] == group
    assert len(sandbox.state.shopify.store.adjustments) == 1, "applied once"
    other = await gql(client, SET_QUANTITIES, {"input": quantity_input(sandbox, "SHOP-10002")})
    assert other["data"]["inventorySetQuantities"]["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"


async def test_search_syntax_sorting_and_opaque_cursors(client: httpx.AsyncClient) -> None:
    query = """query($q: String, $after: String) {
      orders(first: 4, after: $after, sortKey: UPDATED_AT, query: $q) { pageInfo { hasNextPage endCursor } nodes { id updatedAt name } }
    }"""
    everything = await gql(client, query, {"q": None})
    first_page = everything["data"]["orders"]
    cursor = first_page["pageInfo"]["endCursor"]
    assert json.loads(base64.b64decode(cursor)), "cursors are opaque base64"
    following = (await gql(client, query, {"after": cursor}))["data"]["orders"]["nodes"]
    stamps = [n["updatedAt"] for n in first_page["nodes"] + following]
    assert stamps == sorted(stamps)
    since = following[0]["updatedAt"]
    recent = (await gql(client, query, {"q": f"updated_at:>='{since}'"}))["data"]["orders"]["nodes"]
    assert all(n["updatedAt"] >= since for n in recent) and recent[0]["id"] == following[0]["id"]
    names = (await gql(client, query, {"q": "name:#1001 OR name:'#1003'"}))["data"]["orders"]["nodes"]
    assert sorted(n["name"] for n in names) == ["#1001", "#1003"]
    items = await gql(client, '{ inventoryItems(first: 5, query: "sku:SHOP-10002 OR sku:\\"SHOP-10004\\"") { nodes { sku } } }')
    assert sorted(n["sku"] for n in items["data"]["inventoryItems"]["nodes"]) == ["SHOP-10002", "SHOP-10004"]


async def test_graphql_bodies_and_reset(client: httpx.AsyncClient, sandbox: Any) -> None:
    raw = await client.post(ENDPOINT, content=b"{ shop { name myshopifyDomain } }",
                            headers={"Content-Type": "application/graphql"})
    assert raw.json()["data"]["shop"]["myshopifyDomain"] == "crossdock-sandbox.myshopify.com"
    orders_before = len(sandbox.state.shopify.store.orders)
    await client.post("/_sandbox/orders", json={"lines": [{"sku": "SHOP-10001", "quantity": 1}]})
    assert len(sandbox.state.shopify.store.orders) == orders_before + 1
    await client.post("/_sandbox/reset")
    assert len(sandbox.state.shopify.store.orders) == orders_before


async def test_a_sandbox_can_share_another_systems_catalogue(make_sandbox: Any) -> None:
    app = make_sandbox(seed=1, orders=4, skus=["SKU-1001", "SKU-1002", "SKU-1003"])
    store = app.state.shopify.store
    assert sorted(v["sku"] for v in store.variants.values()) == ["SKU-1001", "SKU-1002", "SKU-1003"]
    assert {line["sku"] for line in store.line_items.values()} <= {"SKU-1001", "SKU-1002", "SKU-1003"}
