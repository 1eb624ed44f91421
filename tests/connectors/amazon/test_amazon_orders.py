"""Reading orders: searchOrders paged by paginationToken, unsorted pages, resumable passes, the mapping."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from crossdock.core.contract import CursorPosition, IncrementalCursor
from crossdock.core.errors import RetryableError
from crossdock.core.models import Order, OrderStatus
from crossdock.mappings import load_mapping

SEARCH = r"/orders/2026-01-01/orders"


async def test_search_orders_pages_with_pagination_token_and_resumes_a_pass(
    make_sandbox: Any, open_amazon: Any, store: Any
) -> None:
    sandbox = make_sandbox(seed=11, orders=250)
    stream_cursor = IncrementalCursor(lookback=timedelta(minutes=5))
    taken: list[str] = []

    async with open_amazon(sandbox, store=store) as first_run:
        stream = first_run.stream("orders")
        assert stream.sorted_by_cursor is False
        pages = stream.read(stream_cursor.position())
        page = await anext(pages)
        await pages.aclose()  # the process stops after its first page was written
        taken += [r.key for r in stream_cursor.new_records(page.records)]
        stream_cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=False)
        await store.save_cursor("amazon-tests", "orders", stream_cursor.to_state())
    assert page.resume_token, "a full first page hands back Amazon's nextToken"
    assert len(page.records) == 100

    cursor = IncrementalCursor.from_state(await store.get_cursor("amazon-tests", "orders"), lookback=timedelta(minutes=5))
    position = cursor.position()
    assert position.resume_token == page.resume_token
    async with open_amazon(sandbox, store=store) as second_run:
        async for page in second_run.stream("orders").read(position):
            taken += [r.key for r in cursor.new_records(page.records)]
            cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=False)
    cursor.finish()

    assert len(taken) == len(set(taken)) == 250, "every order exactly once across the interrupted pass"
    searches = sandbox.calls("GET", SEARCH)
    assert [dict(e.query).get("paginationToken") is not None for e in searches] == [False, True, True]
    assert dict(searches[1].query)["paginationToken"] == page_token(searches[0])
    for exchange in searches:
        query = dict(exchange.query)
        assert query["maxResultsPerPage"] == "100"
        assert query["marketplaceIds"] == "ATVPDKIKX0DER"
        assert set(query["includedData"].split(",")) == {"BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT"}
    newest = max(datetime.fromisoformat(o["lastUpdatedTime"].replace("Z", "+00:00")) for o in orders_of(sandbox))
    assert cursor.high_water == newest, "the mark moved to the newest update once the pass finished"
    assert cursor.resume_token is None, "the finished pass keeps no token"


def page_token(exchange: Any) -> str:
    return exchange.response_json()["pagination"]["nextToken"]


def orders_of(sandbox: Any) -> list[dict[str, Any]]:
    return list(sandbox.state.amazon.orders.values())


async def test_pages_are_not_in_update_order_so_the_mark_moves_only_when_a_pass_ends(sandbox: Any, open_amazon: Any) -> None:
    async with open_amazon(sandbox) as connector:
        pages = [page async for page in connector.stream("orders").read(CursorPosition())]
    stamps = [r.cursor_value for page in pages for r in page.records]
    assert stamps != sorted(stamps), "Amazon does not sort by lastUpdatedTime, and neither does the sandbox"
    assert all(s is not None and s.tzinfo is not None for s in stamps)


async def test_an_order_updated_after_a_pass_is_read_again_and_nothing_else(
    sandbox: Any, open_amazon: Any, clock: Any, control: Any
) -> None:
    async with open_amazon(sandbox) as connector:
        stream = connector.stream("orders")
        cursor = IncrementalCursor(lookback=stream.default_lookback)
        async for page in stream.read(cursor.position()):
            cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=False)
        cursor.finish()
        some_order = orders_of(sandbox)[7]["orderId"]
        await control(sandbox, "POST", f"/_sandbox/orders/{some_order}/update", json={"status": "SHIPPED"})
        clock.advance(180)  # searchOrders shows updates once they are two minutes old
        again = []
        async for page in stream.read(cursor.position()):
            again += [r.key for r in cursor.new_records(page.records)]
    assert again == [some_order]


async def test_orders_map_to_canonical_orders_with_amazon_order_item_ids_as_line_ids(sandbox: Any, open_amazon: Any) -> None:
    mapping = load_mapping("amazon/order")
    async with open_amazon(sandbox) as connector:
        records = [r async for page in connector.stream("orders").read(CursorPosition()) for r in page.records]
    orders = {r.key: mapping.apply_to(r.payload, Order, record_key=r.key) for r in records}
    stored = {o["orderId"]: o for o in orders_of(sandbox)}
    for order_id, order in orders.items():
        raw = stored[order_id]
        assert order.source.system == "amazon" and order.source.id == order.number == order_id
        assert [line.line_id for line in order.lines] == [i["orderItemId"] for i in raw["orderItems"]]
        assert [line.sku for line in order.lines] == [i["product"]["sellerSku"] for i in raw["orderItems"]]
        assert order.totals.total.amount == Decimal(raw["proceeds"]["grandTotal"]["amount"])
        assert order.ship_to is not None and order.ship_to.country == "US"
        assert order.customer is not None and order.customer.name == raw["buyer"]["buyerName"]
        assert order.updated_at.isoformat().replace("+00:00", "Z") == raw["lastUpdatedTime"]
    statuses = {o.status for o in orders.values()}
    assert {OrderStatus.OPEN, OrderStatus.FULFILLED, OrderStatus.CANCELLED} <= statuses


async def test_injected_faults_are_retried_and_a_cut_off_page_resumes_from_its_token(
    make_sandbox: Any, open_amazon: Any
) -> None:
    sandbox = make_sandbox(seed=4, orders=250, fault_delay=0.0)
    faults = sandbox.state.faults
    cursor = IncrementalCursor(lookback=timedelta(minutes=5))
    keys: list[str] = []
    async with open_amazon(sandbox) as connector:
        stream = connector.stream("orders")
        await connector.check()
        faults.schedule("server_error", "rate_limit", "unavailable", "bad_gateway")  # all on the first page's call
        pages = stream.read(cursor.position())
        page = await anext(pages)
        keys += [r.key for r in cursor.new_records(page.records)]
        cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=False)
        faults.schedule("malformed")  # the second page arrives cut off
        with pytest.raises(RetryableError):
            await anext(pages)
        async for page in stream.read(cursor.position()):  # the runner's next attempt
            keys += [r.key for r in cursor.new_records(page.records)]
            cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=False)
        retries = connector.client.stats.retries
    assert len(keys) == len(set(keys)) == 250
    assert retries == 4, "a GET is retried through 500, 429, 503 and 502"
    assert sum(faults.injected.values()) == 5
