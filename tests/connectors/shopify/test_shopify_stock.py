"""Writing stock with inventorySetQuantities: batches of 250, changeFromQuantity, stale retries, refusals."""

from __future__ import annotations

from typing import Any

from crossdock.core.contract import WriteRequest
from crossdock.core.errors import RecordError
from crossdock.core.models import StockLevel

EAST = "gid://shopify/Location/70001"


def stock_requests(levels: list[tuple[str, str, int]]) -> list[WriteRequest]:
    requests = []
    for sku, location, available in levels:
        record = StockLevel(sku=sku, location_id=location, available=available)
        requests.append(WriteRequest(idempotency_key=f"{record.key}={available}", trace_key=record.key, record=record))
    return requests


def level_of(app: Any, sku: str, location: str = EAST) -> dict[str, Any]:
    store = app.state.shopify.store
    item = store.variant_by_sku(sku)["_itemId"]
    return store.levels[(item, location)]


async def write_in_batches(sink: Any, requests: list[WriteRequest]) -> list[Any]:
    """As the runner does: batches of the sink's batch size."""
    results = []
    for start in range(0, len(requests), sink.batch_size):
        results += await sink.write(requests[start : start + sink.batch_size])
    return results


async def test_stock_set_in_batches_of_250_with_change_from_quantity(
    make_sandbox: Any, open_connector: Any, control: Any, graphql_calls: Any
) -> None:
    app = make_sandbox(seed=9, orders=0, skus=600, plan="plus")
    before = {f"SHOP-{10001 + n}": level_of(app, f"SHOP-{10001 + n}")["available"] for n in range(600)}
    requests = stock_requests([(sku, "WH-EAST", quantity + 7) for sku, quantity in before.items()])
    async with open_connector(app) as connector:
        sink = connector.sink("stock")
        assert sink.batch_size == 250
        results = await write_in_batches(sink, requests)
        assert all(r.ok for r in results), [str(r.error) for r in results if not r.ok][:3]
        requests_after_first_write = len(app.state.requests)
        again = await write_in_batches(sink, requests)

    assert len(graphql_calls(app, "inventorySetQuantities")) == 3, "600 levels, 250 per mutation"
    assert requests_after_first_write == 6, "per batch: one look-up (SKUs and quantities together) and one mutation"
    adjustments = await control(app, "GET", "/_sandbox/adjustments")
    assert [a["lines"] for a in adjustments] == [250, 250, 100]
    assert all(a["idempotencyKey"] and a["reason"] == "correction" for a in adjustments)
    assert all(a["referenceDocumentUri"].startswith("crossdock://") for a in adjustments)
    assert all(change["delta"] == 7 for a in adjustments for change in a["changes"]), "changeFromQuantity was the level read"
    assert all(level_of(app, sku)["available"] == quantity + 7 for sku, quantity in before.items())
    assert all(r.external_id and r.external_id.startswith("gid://shopify/InventoryLevel/") for r in results)
    assert all(r.ok and r.details["unchanged"] for r in again), "a resend finds every level at its target"
    assert len(graphql_calls(app, "inventorySetQuantities")) == 3, "and sends nothing"
    assert [e.variables["first"] for e in graphql_calls(app, "inventoryItems")][:3] == [250, 250, 100]


async def test_stale_change_from_quantity_is_retried_once(
    make_sandbox: Any, open_connector: Any, graphql_calls: Any
) -> None:
    app = make_sandbox(seed=9, orders=0, skus=10)
    sold: list[bool] = []

    def a_pos_sale_lands_just_before_the_first_mutation(body: dict[str, Any]) -> None:
        if "inventorySetQuantities" in body["query"] and not sold:
            sold.append(True)
            level = level_of(app, "SHOP-10002")
            level["available"] -= 1
            level["on_hand"] -= 1

    requests = stock_requests([("SHOP-10001", "WH-EAST", 40), ("SHOP-10002", "WH-EAST", 41)])
    async with open_connector(app, before=a_pos_sale_lands_just_before_the_first_mutation) as connector:
        results = await connector.sink("stock").write(requests)

    assert all(r.ok for r in results), [str(r.error) for r in results]
    mutations = graphql_calls(app, "inventorySetQuantities")
    assert len(mutations) == 2, "refused as stale once, then sent again with the level read again"
    first_key, second_key = (m.variables["key"] for m in mutations)
    assert first_key != second_key, "the retry is a different operation, so it has its own idempotency key"
    assert mutations[1].variables["input"]["quantities"][1]["changeFromQuantity"] == (
        mutations[0].variables["input"]["quantities"][1]["changeFromQuantity"] - 1
    )
    assert (level_of(app, "SHOP-10001")["available"], level_of(app, "SHOP-10002")["available"]) == (40, 41)


async def test_a_level_still_moving_after_the_retry_is_a_record_error(
    make_sandbox: Any, open_connector: Any, graphql_calls: Any
) -> None:
    app = make_sandbox(seed=9, orders=0, skus=10)

    def a_sale_before_every_mutation(body: dict[str, Any]) -> None:
        if "inventorySetQuantities" in body["query"]:
            level_of(app, "SHOP-10003")["available"] -= 1

    requests = stock_requests([("SHOP-10003", "WH-EAST", 99), ("SHOP-10004", "WH-EAST", 98)])
    async with open_connector(app, before=a_sale_before_every_mutation) as connector:
        moving, steady = await connector.sink("stock").write(requests)
    assert isinstance(moving.error, RecordError) and moving.error.details["code"] == "CHANGE_FROM_QUANTITY_STALE"
    assert steady.ok and level_of(app, "SHOP-10004")["available"] == 98, "the steady level was set"
    assert len(graphql_calls(app, "inventorySetQuantities")) == 3, "stale, stale again, then the rest alone"


async def test_unknown_sku_and_unmapped_location_fail_alone(
    make_sandbox: Any, open_connector: Any, graphql_calls: Any
) -> None:
    app = make_sandbox(seed=9, orders=0, skus=10)
    requests = stock_requests([("SHOP-10001", "WH-EAST", 5), ("NO-SUCH-SKU", "WH-EAST", 5), ("SHOP-10002", "WH-MARS", 5)])
    async with open_connector(app) as connector:
        good, unknown, unmapped = await connector.sink("stock").write(requests)
    assert good.ok and level_of(app, "SHOP-10001")["available"] == 5
    assert isinstance(unknown.error, RecordError) and "NO-SUCH-SKU" in unknown.error.message
    assert isinstance(unmapped.error, RecordError) and "WH-MARS" in unmapped.error.message
    assert len(graphql_calls(app, "inventorySetQuantities")) == 1


async def test_skus_are_resolved_once_per_run_and_levels_read_fresh(
    make_sandbox: Any, open_connector: Any, graphql_calls: Any
) -> None:
    app = make_sandbox(seed=9, orders=0, skus=10)
    async with open_connector(app) as connector:
        sink = connector.sink("stock")
        await sink.write(stock_requests([("SHOP-10001", "WH-EAST", 11)]))
        level_of(app, "SHOP-10001")["available"] = 3  # sold elsewhere between two batches
        [result] = await sink.write(stock_requests([("SHOP-10001", "WH-EAST", 12)]))
    assert result.ok and level_of(app, "SHOP-10001")["available"] == 12
    assert len(graphql_calls(app, "inventoryItems")) == 1, "the SKU was searched once"
    assert len(graphql_calls(app, "inventoryItem")) == 1, "the second batch read its level by item GID"
