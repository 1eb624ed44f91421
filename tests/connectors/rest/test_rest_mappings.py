"""The REST connector's default mappings against its sandbox's real payloads, both directions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.models import Order, OrderStatus, Shipment, StockLevel
from crossdock.mappings import load_mapping


async def read_all(connector: Any, stream_name: str) -> list[Any]:
    stream = connector.stream(stream_name)
    return [record async for page in stream.read(CursorPosition()) for record in page.records]


async def test_mappings_produce_valid_canonical_orders(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=21, orders=120)
    async with open_connector(app) as connector:
        mapping = load_mapping(connector.stream("orders").default_mapping)
        records = await read_all(connector, "orders")
    orders = [mapping.apply_to(r.payload, Order, record_key=r.key) for r in records]
    assert len(orders) == 120
    raw = app.state.erp.orders
    for order in orders:
        source = raw[order.source.id]
        assert order.number == source["number"]
        assert order.totals.total.amount == Decimal(source["total"])
        assert [line.sku for line in order.lines] == [line["sku"] for line in source["lines"]]
        assert sum(line.quantity for line in order.lines) == sum(line["quantity"] for line in source["lines"])
        assert order.ship_to is not None and order.ship_to.region == source["ship_to"]["state"]
    statuses = {raw[o.source.id]["status"]: o.status for o in orders}
    assert statuses["shipped"] is OrderStatus.FULFILLED
    assert statuses["partially_shipped"] is OrderStatus.PARTIALLY_FULFILLED


async def test_order_out_produces_what_the_erp_accepts_and_reads_back_the_same(make_sandbox: Any, open_connector: Any) -> None:
    source_erp, target_erp = make_sandbox(seed=4, orders=12), make_sandbox(seed=5, orders=0)
    inbound, outbound = load_mapping("rest/order"), load_mapping("rest/order_out")
    async with open_connector(source_erp) as connector:
        orders = [inbound.apply_to(r.payload, Order, record_key=r.key) for r in await read_all(connector, "orders")]
    requests = [
        WriteRequest(idempotency_key=f"k-{o.number}", trace_key=o.source.id, record=o,
                     payload=outbound.apply(o.model_dump(mode="json"), record_key=o.source.id))
        for o in orders
    ]
    async with open_connector(target_erp) as connector:
        results = await connector.sink("orders").write(requests)
        assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok]
        read_back = [inbound.apply_to(r.payload, Order, record_key=r.key) for r in await read_all(connector, "orders")]
    by_number = {o.number: o for o in read_back}
    for original in orders:
        copy = by_number[original.number]
        assert copy.status == original.status and copy.currency == original.currency
        assert copy.totals.total == original.totals.total
        assert [(l.sku, l.quantity, l.unit_price) for l in copy.lines] == [(l.sku, l.quantity, l.unit_price) for l in original.lines]
        assert copy.ship_to == original.ship_to
        assert copy.created_at == original.created_at


async def test_stock_mappings_round_trip_through_the_batch_endpoint(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=2, orders=0, skus=15)
    inbound, outbound = load_mapping("rest/stock"), load_mapping("rest/stock_out")
    async with open_connector(app) as connector:
        levels = [inbound.apply_to(r.payload, StockLevel, record_key=r.key) for r in await read_all(connector, "stock")]
        assert len(levels) == 30 and all(l.available == l.on_hand - l.committed for l in levels)
        changed = [l.model_copy(update={"available": l.available + 1, "on_hand": None}) for l in levels[:5]]
        requests = [WriteRequest(idempotency_key=f"s-{l.key}", trace_key=l.key, record=l,
                                 payload=outbound.apply(l.model_dump(mode="json"))) for l in changed]
        results = await connector.sink("stock").write(requests)
    assert all(r.ok for r in results)
    for level in changed:
        stored = app.state.erp.stock[f"{level.location_id}:{level.sku}"]
        assert stored["available"] == level.available


async def test_shipments_map_to_canonical_shipments_of_their_orders(make_sandbox: Any, open_connector: Any, control: Any) -> None:
    app = make_sandbox(seed=9, orders=60)
    await control(app, "POST", "/_sandbox/orders/SO-100001/ship", json={"carrier": "FedEx", "tracking_number": "612345678901"})
    mapping = load_mapping("rest/shipment")
    async with open_connector(app) as connector:
        shipments = [mapping.apply_to(r.payload, Shipment, record_key=r.key) for r in await read_all(connector, "shipments")]
    assert len(shipments) == len(app.state.erp.shipments) > 1
    ours = next(s for s in shipments if s.order.source and s.order.source.id == "SO-100001")
    assert ours.tracking_number == "612345678901" and ours.carrier and ours.carrier.name == "FedEx"
    assert [line.line_id for line in ours.lines] == [line["id"] for line in app.state.erp.orders["SO-100001"]["lines"]]
    assert app.state.erp.orders["SO-100001"]["status"] == "shipped"
