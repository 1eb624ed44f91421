"""Confirming shipments: ordersV0 confirmShipment bodies, Amazon's order item ids, resends, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crossdock.connectors.amazon import package_reference_id
from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.errors import RecordError
from crossdock.core.models import Carrier, Order, OrderRef, Package, Shipment, ShipmentLine
from crossdock.mappings import load_mapping

CONFIRM = r"/orders/v0/orders/[^/]+/shipmentConfirmation"


async def read_orders(connector: Any, status: str) -> list[Order]:
    mapping = load_mapping("amazon/order")
    orders = []
    async for page in connector.stream("orders").read(CursorPosition()):
        for record in page.records:
            if record.payload["fulfillment"]["fulfillmentStatus"] == status:
                orders.append(mapping.apply_to(record.payload, Order, record_key=record.key))
    return orders


def shipment_of(order: Order, *, tracking: str = "1Z999AA10123456784", carrier: Carrier | None = None, **changes: Any) -> Shipment:
    """What a warehouse reports back for an order read from Amazon: every line, one parcel."""
    fields: dict[str, Any] = {
        "order": order.ref,
        "lines": [ShipmentLine(line_id=line.line_id, sku=line.sku, quantity=line.quantity) for line in order.lines],
        "carrier": carrier or Carrier(name="UPS", scac="UPSN"),
        "service": "UPS Ground",
        "tracking_number": tracking,
        "shipped_at": datetime(2026, 3, 2, 8, 45, tzinfo=UTC),
    }
    fields.update(changes)
    return Shipment(**fields)


def request_for(shipment: Shipment, trace_key: str = "wms-shipment-1") -> WriteRequest:
    return WriteRequest(idempotency_key=f"key-{trace_key}", trace_key=trace_key, record=shipment)


async def test_shipment_confirmation_payload_validates_against_ordersV0(  # noqa: N802 - the model's name
    sandbox: Any, open_amazon: Any, control: Any, vendor_models: Any
) -> None:
    async with open_amazon(sandbox) as connector:
        [order, *_] = await read_orders(connector, "UNSHIPPED")
        [result] = await connector.sink("shipments").write([request_for(shipment_of(order))])

    assert result.ok, result.error
    [call] = sandbox.calls("POST", CONFIRM)
    assert call.path == f"/orders/v0/orders/{order.number}/shipmentConfirmation"
    assert vendor_models.request_errors(call) == [], "body holds to ordersV0.json ConfirmShipmentRequest"
    assert vendor_models.response_errors(call) == []
    assert call.status == 204 and call.response_body == b""
    detail = call.json()["packageDetail"]
    assert call.json()["marketplaceId"] == "ATVPDKIKX0DER"
    assert detail["orderItems"] == [{"orderItemId": line.line_id, "quantity": line.quantity} for line in order.lines]
    assert detail["carrierCode"] == "UPS" and detail["trackingNumber"] == "1Z999AA10123456784"
    assert detail["shipDate"] == "2026-03-02T08:45:00Z" and detail["shippingMethod"] == "UPS Ground"
    assert detail["packageReferenceId"] == package_reference_id("wms-shipment-1", 1)
    assert result.external_id == f"{order.number}/{detail['packageReferenceId']}"
    landed = await control(sandbox, "GET", f"/_sandbox/orders/{order.number}")
    assert landed["fulfillment"]["fulfillmentStatus"] == "SHIPPED"


async def test_a_resend_after_success_is_absorbed(sandbox: Any, open_amazon: Any, control: Any) -> None:
    async with open_amazon(sandbox) as connector:
        [order, *_] = await read_orders(connector, "UNSHIPPED")
        request = request_for(shipment_of(order))
        [first] = await connector.sink("shipments").write([request])
        [again] = await connector.sink("shipments").write([request])  # the process died before recording success

    assert first.ok and again.ok and again.external_id == first.external_id
    assert [e.status for e in sandbox.calls("POST", CONFIRM)] == [204, 400], "Amazon refused the duplicate package"
    assert [e.query for e in sandbox.calls("GET", r"/orders/2026-01-01/orders/[^/]+")] == [[("includedData", "PACKAGES")]]
    shipments = (await control(sandbox, "GET", "/_sandbox/shipments"))["shipments"]
    assert len(shipments) == 1, "one confirmation landed"


async def test_a_shipment_amazon_refuses_is_a_record_error_with_its_errors(sandbox: Any, open_amazon: Any) -> None:
    async with open_amazon(sandbox) as connector:
        [shipped, *_] = await read_orders(connector, "SHIPPED")
        [open_order, *_] = await read_orders(connector, "UNSHIPPED")
        too_many = shipment_of(open_order)
        too_many.lines[0].quantity += 5
        results = await connector.sink("shipments").write(
            [request_for(shipment_of(shipped), "late-duplicate"), request_for(too_many, "over-shipped")]
        )

    refused_shipped, refused_quantity = results
    assert isinstance(refused_shipped.error, RecordError)
    assert refused_shipped.error.details["errors"] == [
        {"code": "InvalidInput", "message": f"Order {shipped.number} has already been shipped."}
    ]
    assert refused_shipped.error.details["status"] == 400
    assert "exceeds the" in refused_quantity.error.details["errors"][0]["message"]


async def test_packages_are_confirmed_one_call_each_with_their_own_tracking(sandbox: Any, open_amazon: Any) -> None:
    async with open_amazon(sandbox) as connector:
        orders = [o for o in await read_orders(connector, "UNSHIPPED") if len(o.lines) >= 2]
        order = orders[0]
        first, second = order.lines[0], order.lines[1]
        shipment = shipment_of(
            order,
            lines=[ShipmentLine(line_id=first.line_id, sku=first.sku, quantity=first.quantity),
                   ShipmentLine(line_id=second.line_id, sku=second.sku, quantity=second.quantity)],
            packages=[Package(tracking_number="TRK-A", lines=[ShipmentLine(line_id=first.line_id, sku=first.sku, quantity=first.quantity)]),
                      Package(tracking_number="TRK-B", lines=[ShipmentLine(line_id=second.line_id, sku=second.sku, quantity=second.quantity)])],
            carrier=Carrier(name="Veho"),
        )  # fmt: skip
        [result] = await connector.sink("shipments").write([request_for(shipment)])

    assert result.ok, result.error
    details = [e.json()["packageDetail"] for e in sandbox.calls("POST", CONFIRM)]
    assert [d["trackingNumber"] for d in details] == ["TRK-A", "TRK-B"]
    assert [d["orderItems"][0]["orderItemId"] for d in details] == [first.line_id, second.line_id]
    assert {(d["carrierCode"], d["carrierName"]) for d in details} == {("Other", "Veho")}
    assert len({d["packageReferenceId"] for d in details}) == 2


async def test_lines_without_amazon_item_ids_are_refused_before_any_call(sandbox: Any, open_amazon: Any) -> None:
    shipment = Shipment(
        order=OrderRef(number="111-0000000-0000000"),
        lines=[ShipmentLine(sku="CD-00001", quantity=1)],
        tracking_number="1Z1",
        shipped_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    async with open_amazon(sandbox) as connector:
        [result] = await connector.sink("shipments").write([request_for(shipment)])
    assert isinstance(result.error, RecordError) and "orderItemId" in result.error.message
    assert sandbox.calls("POST", CONFIRM) == []


async def test_with_several_marketplaces_the_orders_own_marketplace_is_confirmed(sandbox: Any, open_amazon: Any) -> None:
    async with open_amazon(sandbox, marketplace_ids=["A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"]) as connector:
        [order, *_] = await read_orders(connector, "UNSHIPPED")
        [result] = await connector.sink("shipments").write([request_for(shipment_of(order))])
    assert result.ok, result.error
    [lookup] = sandbox.calls("GET", r"/orders/2026-01-01/orders/[^/]+")
    assert lookup.path.endswith(order.number)
    [call] = sandbox.calls("POST", CONFIRM)
    assert call.json()["marketplaceId"] == "ATVPDKIKX0DER", "Amazon.com, where the order was placed"
