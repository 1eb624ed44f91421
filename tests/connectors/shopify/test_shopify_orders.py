"""Reading Shopify orders: incremental with lookback, whole orders, cost-fitted pages, the 25,000 ceiling."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from crossdock.core.contract import CursorPosition, IncrementalCursor
from crossdock.core.errors import FatalError, RetryableError
from crossdock.core.models import FinancialStatus, Order, OrderStatus
from crossdock.mappings import load_mapping


async def read_all(stream: Any, position: CursorPosition) -> list[Any]:
    return [record async for page in stream.read(position) for record in page.records]


async def read_pass(stream: Any, cursor: IncrementalCursor) -> list[str]:
    """One run of the stream as the runner does it: take what is new, observe every page."""
    taken: list[str] = []
    async for page in stream.read(cursor.position()):
        taken += [r.key for r in cursor.new_records(page.records)]
        cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=stream.sorted_by_cursor)
    cursor.finish()
    return taken


async def test_orders_read_incrementally_with_lookback(sandbox: Any, open_connector: Any, control: Any, clock: Any, graphql_calls: Any) -> None:
    async with open_connector(sandbox) as connector:
        stream = connector.stream("orders")
        cursor = IncrementalCursor(lookback=stream.default_lookback)
        first = await read_pass(stream, cursor)
        assert len(first) == 30 and len(set(first)) == 30
        high_water = cursor.high_water
        assert isinstance(high_water, datetime) and high_water.tzinfo is not None

        edited = first[0]
        await control(sandbox, "POST", "/_sandbox/orders", json={"id": edited, "note": "gift wrap please"})
        # Shopify's search index lags: an edit stamped before the high-water mark shows up only now.
        late = first[5]
        late_stamp = (high_water - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        await control(sandbox, "POST", "/_sandbox/orders", json={"id": late, "tags": ["late"], "updatedAt": late_stamp})
        calls_before = len(graphql_calls(sandbox, "orders"))
        second = await read_pass(stream, cursor)
        assert sorted(second) == sorted([edited, late]), "the edit and the lagging edit inside the lookback, nothing else"
        window_start = (high_water - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        asked = graphql_calls(sandbox, "orders")[calls_before].variables
        assert asked["query"] == f"updated_at:>='{window_start}'", "asked from the high-water mark minus the lookback"

        assert await read_pass(stream, cursor) == [], "a third run finds nothing new"


async def test_records_carry_the_order_gid_and_an_aware_updated_at_in_cursor_order(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox) as connector:
        records = await read_all(connector.stream("orders"), CursorPosition())
    assert all(r.key.startswith("gid://shopify/Order/") and r.key == r.payload["id"] for r in records)
    stamps = [r.cursor_value for r in records]
    assert all(s.tzinfo is not None for s in stamps)
    assert stamps == sorted(stamps), "sorted by UPDATED_AT, oldest first"


async def test_order_node_maps_to_a_canonical_order(sandbox: Any, open_connector: Any, control: Any) -> None:
    created = await control(sandbox, "POST", "/_sandbox/orders", json={
        "lines": [{"sku": "SHOP-10001", "quantity": 2, "price": "12.50", "discount": "2.50"},
                  {"sku": "SHOP-10002", "quantity": 1, "price": "40.00"}],
        "customer": {"firstName": "Ada", "lastName": "Lovelace"}, "shipping": "5.99", "tags": ["vip"],
        "displayFinancialStatus": "PARTIALLY_REFUNDED",
    })
    async with open_connector(sandbox) as connector:
        records = await read_all(connector.stream("orders"), CursorPosition())
    record = next(r for r in records if r.key == created["id"])
    order = load_mapping("shopify/order").apply_to(record.payload, Order, record_key=record.key)
    assert order.source.id == created["id"] and order.number == created["name"] and order.channel == "shopify"
    assert order.status is OrderStatus.OPEN and order.financial_status is FinancialStatus.PARTIALLY_REFUNDED
    assert [line.line_id for line in order.lines] == [n["id"] for n in record.payload["lineItems"]["nodes"]]
    first = order.lines[0]
    assert first.sku == "SHOP-10001" and first.quantity == 2
    assert first.unit_price.amount == Decimal("12.50") and first.unit_price.currency == "USD"
    assert first.discounts[0].amount.amount == Decimal("2.50")
    assert first.taxes[0].rate == Decimal("0.0825")
    assert order.totals.shipping is not None and order.totals.shipping.amount == Decimal("5.99")
    assert order.totals.total.amount == Decimal(created["totalPriceSet"]["shopMoney"]["amount"])
    assert order.ship_to is not None and order.ship_to.country == "US" and order.customer is not None
    assert order.tags == ["vip"]


async def test_a_cancelled_order_maps_to_cancelled(sandbox: Any, open_connector: Any, control: Any) -> None:
    orders = await control(sandbox, "GET", "/_sandbox/orders")
    target = orders[0]["id"]
    await control(sandbox, "POST", "/_sandbox/orders", json={"id": target, "cancelledAt": "2025-07-01T08:00:00Z"})
    async with open_connector(sandbox) as connector:
        records = await read_all(connector.stream("orders"), CursorPosition())
    record = next(r for r in records if r.key == target)
    assert load_mapping("shopify/order").apply_to(record.payload, Order).status is OrderStatus.CANCELLED


async def test_an_order_with_more_line_items_than_a_page_is_read_whole(sandbox: Any, open_connector: Any, control: Any, graphql_calls: Any) -> None:
    created = await control(sandbox, "POST", "/_sandbox/orders", json={
        "lines": [{"sku": f"SHOP-{10001 + n}", "quantity": 1} for n in range(23)],
    })
    async with open_connector(sandbox, line_items_page_size=10) as connector:
        records = await read_all(connector.stream("orders"), CursorPosition())
    record = next(r for r in records if r.key == created["id"])
    assert len(record.payload["lineItems"]["nodes"]) == 23
    assert len({n["id"] for n in record.payload["lineItems"]["nodes"]}) == 23
    assert graphql_calls(sandbox, "order"), "the rest of the line items came from order(id:) { lineItems(after:) }"


async def test_pages_are_sized_from_reported_cost_and_stay_under_the_single_query_limit(
    make_sandbox: Any, open_connector: Any
, graphql_calls: Any) -> None:
    app = make_sandbox(seed=2, orders=60, plan="plus")
    async with open_connector(app) as connector:
        records = await read_all(connector.stream("orders"), CursorPosition())
    assert len(records) == 60
    costs = [e.requested_cost for e in graphql_calls(app, "orders")]
    assert all(cost <= 1000 for cost in costs)
    assert costs[1] > costs[0], "the second page grew to use the cost the first one reported"


async def test_a_query_over_the_cost_limit_is_asked_again_with_a_smaller_page(make_sandbox: Any, open_connector: Any, graphql_calls: Any) -> None:
    app = make_sandbox(seed=2, orders=20, plan="plus")
    async with open_connector(app, orders_page_size=40) as connector:
        records = await read_all(connector.stream("orders"), CursorPosition())
    assert len(records) == 20
    calls = graphql_calls(app, "orders")
    assert calls[0].error_codes == ("MAX_COST_EXCEEDED",)
    assert all(not e.error_codes for e in calls[1:]) and all(e.requested_cost <= 1000 for e in calls[1:])


async def test_a_pass_that_reaches_the_pagination_limit_restarts_from_its_last_updated_at(
    make_sandbox: Any, open_connector: Any, control: Any
, graphql_calls: Any) -> None:
    app = make_sandbox(seed=5, orders=30, pagination_limit=7)
    orders = await control(app, "GET", "/_sandbox/orders")
    for index, order in enumerate(orders):  # four orders share one timestamp, right where a pass ends
        minute = 5 if 5 <= index <= 8 else index
        await control(app, "POST", "/_sandbox/orders",
                      json={"id": order["id"], "updatedAt": f"2025-06-10T10:{minute:02d}:00Z"})
    async with open_connector(app, pagination_limit=7) as connector:
        keys = [r.key for r in await read_all(connector.stream("orders"), CursorPosition())]
    assert sorted(keys) == sorted(o["id"] for o in orders), "every order once, none lost at a restart"
    assert len(keys) == len(set(keys)), "orders at the restart timestamp are not yielded twice"
    assert len([e for e in graphql_calls(app, "orders")]) > 5


async def test_more_orders_at_one_timestamp_than_the_pagination_limit_fail_loudly(
    make_sandbox: Any, open_connector: Any, control: Any
) -> None:
    app = make_sandbox(seed=5, orders=6, pagination_limit=3)
    for order in await control(app, "GET", "/_sandbox/orders"):
        await control(app, "POST", "/_sandbox/orders", json={"id": order["id"], "updatedAt": "2025-06-10T10:00:00Z"})
    async with open_connector(app, pagination_limit=3) as connector:
        with pytest.raises(FatalError, match="share updatedAt"):
            await read_all(connector.stream("orders"), CursorPosition())


async def test_a_cut_off_response_is_retryable(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=1, orders=5, faults=1.0, fault_kinds={"malformed": 1})
    async with open_connector(app) as connector:
        with pytest.raises(RetryableError, match="unreadable"):
            await read_all(connector.stream("orders"), CursorPosition())
