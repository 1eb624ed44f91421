"""Every request the connector sends and every answer the sandbox gives hold to Amazon's published models.

Documents (``vendor-specs``, from amzn/selling-partner-api-models): ``amazon-spapi-orders2026.json``
(searchOrders, getOrder), ``amazon-spapi-ordersV0.json`` (confirmShipment), ``amazon-spapi-feeds_2021-06-30.json``
(createFeedDocument, createFeed, getFeed, getFeedDocument). Successes and the error statuses the models
document (400, 403, 404, 429) are all exercised.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from crossdock.connectors.amazon import USER_AGENT
from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.models import Carrier, OrderRef, Shipment, ShipmentLine, SourceRef, StockLevel

ALL_OPERATIONS = {
    ("amazon-spapi-orders2026.json", "searchOrders"),
    ("amazon-spapi-orders2026.json", "getOrder"),
    ("amazon-spapi-ordersV0.json", "confirmShipment"),
    ("amazon-spapi-feeds_2021-06-30.json", "createFeedDocument"),
    ("amazon-spapi-feeds_2021-06-30.json", "createFeed"),
    ("amazon-spapi-feeds_2021-06-30.json", "getFeed"),
    ("amazon-spapi-feeds_2021-06-30.json", "getFeedDocument"),
}


async def test_requests_and_responses_validate_against_vendor_models(
    make_sandbox: Any, open_amazon: Any, vendor_models: Any
) -> None:
    sandbox = make_sandbox(seed=9, orders=230)
    async with open_amazon(sandbox) as connector:
        assert (await connector.check()).ok
        orders = [r.payload async for page in connector.stream("orders").read(CursorPosition()) for r in page.records]
        open_order = next(o for o in orders if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED")
        shipment = WriteRequest("ship-1", "shipment-1", Shipment(
            order=OrderRef(source=SourceRef(system="amazon", id=open_order["orderId"])),
            lines=[ShipmentLine(line_id=i["orderItemId"], sku=i["product"]["sellerSku"], quantity=i["quantityOrdered"])
                   for i in open_order["orderItems"]],
            carrier=Carrier(name="FedEx"), tracking_number="794612345678", shipped_at=datetime(2026, 3, 1, tzinfo=UTC),
        ))  # fmt: skip
        sink = connector.sink("shipments")
        assert (await sink.write([shipment]))[0].ok
        assert (await sink.write([shipment]))[0].ok  # 400, then getOrder
        unknown = WriteRequest("ship-2", "shipment-2", shipment.record.model_copy(
            update={"order": OrderRef(source=SourceRef(system="amazon", id="111-0000000-0000000"))}))  # fmt: skip
        assert not (await sink.write([unknown]))[0].ok  # 404
        levels = [StockLevel(sku=s, location_id="WH", available=4) for s in ("CD-00001", "CD-00002", "GONE")]
        await connector.sink("stock").write([WriteRequest(f"s-{lv.sku}", lv.key, lv) for lv in levels])
        token = connector.auth._token

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://raw") as raw:
        auth = {"x-amz-access-token": token}
        await raw.get("/orders/2026-01-01/orders", params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"})  # 403
        await raw.get("/orders/2026-01-01/orders", params={"lastUpdatedAfter": "2026-01-01T00:00:00Z", "maxResultsPerPage": 500}, headers=auth)
        await raw.get("/orders/2026-01-01/orders/111-0000000-0000000", headers=auth)  # 404
        await raw.get("/feeds/2021-06-30/feeds/1", headers=auth)  # 404
        await raw.get("/feeds/2021-06-30/documents/nope", headers=auth)  # 404
        await raw.post("/feeds/2021-06-30/documents", json={}, headers=auth)  # 400
        await raw.post("/feeds/2021-06-30/feeds", json={"feedType": "JSON_LISTINGS_FEED"}, headers=auth)  # 400
        for _ in range(20):  # past searchOrders' burst: 429
            await raw.get("/orders/2026-01-01/orders", params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"}, headers=auth)

    seen: set[tuple[str, str]] = set()
    statuses: set[int] = set()
    problems: list[str] = []
    checked_requests = 0
    for exchange in sandbox.exchanges:
        found = vendor_models.operation_of(exchange)
        if found is None:
            continue  # LWA and the pre-signed document URLs are not SP-API operations
        file, operation_id, _ = found
        seen.add((file, operation_id))
        statuses.add(exchange.status)
        problems += vendor_models.response_errors(exchange)
        if exchange.headers.get("user-agent") == USER_AGENT:
            problems += vendor_models.request_errors(exchange)
            checked_requests += 1
    assert problems == []
    assert checked_requests >= 12, "the connector's own requests were held to the models too"
    assert seen == ALL_OPERATIONS
    assert {200, 201, 202, 204, 400, 403, 404, 429} <= statuses


def test_the_model_check_catches_a_request_amazon_would_refuse(vendor_models: Any, make_exchange: Any) -> None:
    """The control: a body missing packageDetail.trackingNumber, a search with a page size in words."""
    bad_body = make_exchange(
        "POST", "/orders/v0/orders/111-1/shipmentConfirmation", [], {},
        b'{"marketplaceId": "ATVPDKIKX0DER", "packageDetail": {"packageReferenceId": "1", "carrierCode": "UPS",'
        b' "shipDate": "yesterday", "orderItems": [{"orderItemId": "1", "quantity": 1}]}}',
    )  # fmt: skip
    errors = vendor_models.request_errors(bad_body)
    assert any("trackingNumber" in e for e in errors) and any("date-time" in e for e in errors)
    bad_query = make_exchange("GET", "/orders/2026-01-01/orders", [("maxResultsPerPage", "many"), ("includedData", "EVERYTHING")], {}, b"")
    assert len(vendor_models.request_errors(bad_query)) == 2
