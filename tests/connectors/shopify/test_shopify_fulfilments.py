"""Writing shipments as Shopify fulfillments: tracking, line matching, resends, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crossdock.core.contract import WriteRequest
from crossdock.core.errors import RecordError
from crossdock.core.models import Carrier, OrderRef, Shipment, ShipmentLine, SourceRef

SHIPPED_AT = datetime(2025, 7, 1, 15, 30, tzinfo=UTC)


def open_order(app: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A seeded order with everything still to ship, and its line items."""
    store = app.state.shopify.store
    order = next(o for o in store.orders.values() if o["displayFulfillmentStatus"] == "UNFULFILLED" and not o["cancelledAt"]
                 and len(o["_lineItemIds"]) >= 2)
    return order, [store.line_items[i] for i in order["_lineItemIds"]]


def shipment_request(order_id: str, lines: list[ShipmentLine], key: str = "ship-1", **fields: Any) -> WriteRequest:
    shipment = Shipment(order=OrderRef(source=SourceRef(system="shopify", id=order_id)), lines=lines,
                        shipped_at=SHIPPED_AT, **fields)
    return WriteRequest(idempotency_key=key, trace_key=f"shipment-{key}", record=shipment)


async def test_fulfilment_creates_with_tracking_and_resend_does_not_duplicate(
    sandbox: Any, open_connector: Any, control: Any, graphql_calls: Any
) -> None:
    order, lines = open_order(sandbox)
    request = shipment_request(
        order["id"],
        [ShipmentLine(line_id=line["id"], sku=line["sku"], quantity=line["quantity"]) for line in lines],
        carrier=Carrier(name="UPS", scac="UPSN"), tracking_number="1Z999AA10123456784",
        tracking_url="https://www.ups.com/track?tracknum=1Z999AA10123456784",
    )
    async with open_connector(sandbox) as connector:
        sink = connector.sink("fulfilments")
        [first] = await sink.write([request])
        [again] = await sink.write([request])

    assert first.ok, first.error
    assert first.external_id is not None and first.external_id.startswith("gid://shopify/Fulfillment/")
    assert again.ok and again.external_id == first.external_id and again.details.get("already_fulfilled")
    received = await control(sandbox, "GET", "/_sandbox/fulfillments")
    assert len(received) == 1, "the resend created nothing"
    [fulfillment] = received
    assert fulfillment["orderId"] == order["id"]
    assert fulfillment["tracking"] == [{"company": "UPS", "number": "1Z999AA10123456784",
                                        "url": "https://www.ups.com/track?tracknum=1Z999AA10123456784"}]
    assert sorted((l["sku"], l["quantity"]) for l in fulfillment["lines"]) == sorted((l["sku"], l["quantity"]) for l in lines)
    assert len(graphql_calls(sandbox, "fulfillmentCreate")) == 1
    assert sandbox.state.shopify.store.orders[order["id"]]["displayFulfillmentStatus"] == "FULFILLED"


async def test_an_order_with_nothing_left_open_is_done_without_a_call(
    sandbox: Any, open_connector: Any, graphql_calls: Any
) -> None:
    store = sandbox.state.shopify.store
    order = next(o for o in store.orders.values() if o["displayFulfillmentStatus"] == "FULFILLED")
    line = store.line_items[order["_lineItemIds"][0]]
    request = shipment_request(order["id"], [ShipmentLine(sku=line["sku"], quantity=1)], tracking_number="NEW-NUMBER")
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("fulfilments").write([request])
    assert result.ok and result.details["already_fulfilled"]
    assert graphql_calls(sandbox, "fulfillmentCreate") == []


async def test_a_partial_shipment_matched_by_sku_leaves_the_rest_open(sandbox: Any, open_connector: Any, control: Any) -> None:
    order, lines = open_order(sandbox)
    shipped = lines[0]
    request = shipment_request(order["id"], [ShipmentLine(sku=shipped["sku"], quantity=1)],
                               carrier=Carrier(name="FedEx"), tracking_number="794600000000")
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("fulfilments").write([request])
    assert result.ok, result.error
    [fulfillment] = await control(sandbox, "GET", "/_sandbox/fulfillments")
    assert fulfillment["lines"] == [{"lineItemId": shipped["id"], "sku": shipped["sku"], "quantity": 1}]
    assert sandbox.state.shopify.store.orders[order["id"]]["displayFulfillmentStatus"] == "PARTIALLY_FULFILLED"


async def test_shipping_more_than_is_open_is_a_record_error_and_sends_nothing(
    sandbox: Any, open_connector: Any, graphql_calls: Any
) -> None:
    order, lines = open_order(sandbox)
    request = shipment_request(order["id"], [
        ShipmentLine(line_id=lines[0]["id"], sku=lines[0]["sku"], quantity=lines[0]["quantity"] + 5),
        ShipmentLine(sku="NOT-ON-THE-ORDER", quantity=1),
    ], tracking_number="1Z1")
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("fulfilments").write([request])
    assert isinstance(result.error, RecordError)
    assert lines[0]["sku"] in result.error.message and "NOT-ON-THE-ORDER" in result.error.message
    assert graphql_calls(sandbox, "fulfillmentCreate") == []


async def test_a_shipment_for_an_unknown_order_is_a_record_error(sandbox: Any, open_connector: Any) -> None:
    request = shipment_request("gid://shopify/Order/999", [ShipmentLine(sku="SHOP-10001", quantity=1)])
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("fulfilments").write([request])
    assert isinstance(result.error, RecordError) and "no order" in result.error.message


async def test_user_errors_become_the_shipment_record_error_with_shopifys_message(sandbox: Any, open_connector: Any) -> None:
    order, lines = open_order(sandbox)
    store = sandbox.state.shopify.store

    def someone_fulfils_it_in_the_admin_meanwhile(body: dict[str, Any]) -> None:
        if "fulfillmentCreate" in body["query"]:
            fo = store.fulfillment_orders[order["_fulfillmentOrderIds"][0]]
            store.fulfil(fo_lines=[(fo["id"], i, store.fo_line_items[i]["remainingQuantity"]) for i in fo["_lineItemIds"]],
                         tracking={"company": "USPS", "number": "9400", "url": None})

    request = shipment_request(order["id"], [ShipmentLine(sku=lines[0]["sku"], quantity=1)], tracking_number="1Z2")
    async with open_connector(sandbox, before=someone_fulfils_it_in_the_admin_meanwhile) as connector:
        [result] = await connector.sink("fulfilments").write([request])
    assert isinstance(result.error, RecordError)
    assert "unfulfillable status= closed" in result.error.message
    assert result.error.details["userErrors"][0]["field"][0] == "fulfillment"
