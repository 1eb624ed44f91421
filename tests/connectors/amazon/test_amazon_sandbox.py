"""The sandbox answers like SP-API, LWA and S3 do when a client gets something wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from crossdock.connectors.amazon import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

SEARCH = "/orders/2026-01-01/orders"
LWA_FORM = {
    "grant_type": "refresh_token",
    "refresh_token": SANDBOX_REFRESH_TOKEN,
    "client_id": SANDBOX_CLIENT_ID,
    "client_secret": SANDBOX_CLIENT_SECRET,
}


@pytest.fixture
async def raw(sandbox: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox") as client:
        yield client


async def token_for(raw: httpx.AsyncClient) -> dict[str, str]:
    response = await raw.post("/auth/o2/token", data=LWA_FORM)
    return {"x-amz-access-token": response.json()["access_token"]}


async def test_login_with_amazon_answers_and_refuses_as_lwa_does(raw: httpx.AsyncClient) -> None:
    granted = await raw.post("/auth/o2/token", data=LWA_FORM)
    assert granted.status_code == 200
    assert granted.json()["token_type"] == "bearer" and granted.json()["expires_in"] == 3600
    assert granted.json()["access_token"].startswith("Atza|")
    wrong_secret = await raw.post("/auth/o2/token", data={**LWA_FORM, "client_secret": "nope"})
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
    wrong_grant = await raw.post("/auth/o2/token", data={**LWA_FORM, "refresh_token": "Atzr|nope"})
    assert (wrong_grant.status_code, wrong_grant.json()["error"]) == (400, "invalid_grant")


async def test_calls_without_a_valid_access_token_get_sp_apis_403(raw: httpx.AsyncClient) -> None:
    missing = await raw.get(SEARCH, params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"})
    assert missing.status_code == 403
    assert missing.json() == {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.", "details": ""}]}
    assert "x-amzn-requestid" in missing.headers
    forged = await raw.get(SEARCH, params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"}, headers={"x-amz-access-token": "Atza|forged"})
    assert forged.json()["errors"][0]["details"] == "The access token you provided is revoked, malformed or invalid."


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Exactly one of createdAfter and lastUpdatedAfter"),
        ({"createdAfter": "2026-01-01T00:00:00Z", "lastUpdatedAfter": "2026-01-01T00:00:00Z"}, "Exactly one of"),
        ({"lastUpdatedAfter": "2026-03-02T11:00:00Z", "lastUpdatedBefore": "2026-03-02T11:59:00Z"}, "at least two minutes"),
        ({"lastUpdatedAfter": "yesterday"}, "not an ISO 8601 date-time"),
        ({"lastUpdatedAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": "0"}, "between 1 and 100"),
        ({"lastUpdatedAfter": "2026-01-01T00:00:00Z", "includedData": "BUYER,EVERYTHING"}, "Invalid includedData"),
        ({"lastUpdatedAfter": "2026-01-01T00:00:00Z", "paginationToken": "not-a-token"}, "Invalid paginationToken"),
    ],
)
async def test_search_orders_refuses_what_the_model_forbids(raw: httpx.AsyncClient, params: dict[str, str], message: str) -> None:
    response = await raw.get(SEARCH, params=params, headers=await token_for(raw))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == "InvalidInput" and message in error["message"]
    assert response.headers["x-amzn-ratelimit-limit"] == "0.0056"


async def test_pre_signed_document_urls_refuse_what_s3_would(raw: httpx.AsyncClient, clock: Any) -> None:
    auth = await token_for(raw)
    document = (await raw.post("/feeds/2021-06-30/documents", json={"contentType": "application/json"}, headers=auth)).json()
    url = document["url"]
    json_type = {"Content-Type": "application/json"}

    tampered = await raw.put(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), content=b"{}", headers=json_type)
    assert tampered.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in tampered.text
    with_token = await raw.put(url, content=b"{}", headers={**json_type, **auth})
    assert with_token.status_code == 403 and "headers present in the request which were not signed" in with_token.text
    wrong_type = await raw.put(url, content=b"{}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 403
    assert (await raw.put(url, content=b"{}", headers=json_type)).status_code == 200
    clock.advance(301)
    late = await raw.put(url, content=b"{}", headers=json_type)
    assert late.status_code == 403 and "Request has expired" in late.text


async def test_only_json_listings_feeds_are_processed(raw: httpx.AsyncClient) -> None:
    auth = await token_for(raw)
    document = (await raw.post("/feeds/2021-06-30/documents", json={"contentType": "text/xml"}, headers=auth)).json()
    refused = await raw.post(
        "/feeds/2021-06-30/feeds",
        json={"feedType": "POST_INVENTORY_AVAILABILITY_DATA", "marketplaceIds": ["ATVPDKIKX0DER"], "inputFeedDocumentId": document["feedDocumentId"]},
        headers=auth,
    )
    assert refused.status_code == 400 and "JSON_LISTINGS_FEED" in refused.json()["errors"][0]["message"]


async def test_control_endpoints_add_orders_and_reset_restores_the_seeded_account(sandbox: Any, control: Any) -> None:
    amazon = sandbox.state.amazon
    seeded = sorted(amazon.orders)
    seeded_quantity = amazon.listings["CD-00001"].quantity
    added = (await control(sandbox, "POST", "/_sandbox/orders", json={"generate": 3}))["added"]
    assert len(added) == 3 and all(amazon.orders[o]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED" for o in added)
    amazon.listings["CD-00001"].quantity = 999
    await control(sandbox, "POST", "/_sandbox/reset")
    assert sorted(sandbox.state.amazon.orders) == seeded
    assert (await control(sandbox, "GET", "/_sandbox/stock"))["quantities"]["CD-00001"] == seeded_quantity != 999
    assert (await control(sandbox, "GET", "/_sandbox/shipments")) == {"shipments": []}
