"""Reading with the generic REST connector: check, pagination styles, incremental cursors, faults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from crossdock.core.contract import CursorPosition, IncrementalCursor, Page
from crossdock.core.errors import RetryableError

PAGINATIONS: dict[str, dict[str, Any]] = {
    "cursor": {"type": "cursor", "cursor_path": "meta.next_cursor", "param": "cursor"},
    "page": {"type": "page", "param": "page", "size_param": "per_page"},
    "offset": {"type": "offset", "param": "offset", "limit_param": "limit"},
    "link": {"type": "link_header"},
}


def orders_stream(pagination: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "orders": {
            "path": "/orders",
            "record_path": "data",
            "key_path": "id",
            "cursor": {"param": "updated_since", "field": "updated_at"},
            "pagination": pagination,
            **extra,
        }
    }


def sandbox_order_ids(app: Any, since: datetime | None = None) -> list[str]:
    """The sandbox's orders in the API's documented order: updated_at, then id."""
    orders = app.state.erp.orders.values()
    if since is not None:
        orders = [o for o in orders if datetime.fromisoformat(o["updated_at"]) >= since]
    return [o["id"] for o in sorted(orders, key=lambda o: (o["updated_at"], o["id"]))]


async def read_pages(stream: Any, position: CursorPosition | None = None) -> list[Page]:
    return [page async for page in stream.read(position or CursorPosition())]


async def test_check_passes_with_valid_token_and_fails_without(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox) as connector:
        assert (await connector.check()).ok
    async with open_connector(sandbox, auth={"type": "bearer", "token": "not-the-right-token"}) as connector:
        wrong = await connector.check()
    async with open_connector(sandbox, auth={"type": "none"}) as connector:
        missing = await connector.check()
    for result in (wrong, missing):
        assert not result.ok
        assert "401" in result.message
        assert result.details["status"] == 401
    assert sandbox.state.requests[-1] == ("GET", "/orders", 401)


@pytest.mark.parametrize("style", list(PAGINATIONS))
async def test_reads_all_pages_in_each_pagination_style(style: str, make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=11, orders=57, pagination="link" if style == "link" else "cursor")
    async with open_connector(app, streams=orders_stream(PAGINATIONS[style], page_size=10)) as connector:
        pages = await read_pages(connector.stream("orders"))
    keys = [record.key for page in pages for record in page.records]
    assert keys == sandbox_order_ids(app), "every order once, in the API's order"
    assert [len(page.records) for page in pages] == [10, 10, 10, 10, 10, 7]
    assert [page.resume_token is None for page in pages] == [False] * 5 + [True]
    assert len(app.state.requests) == 6 and all(status == 200 for _, _, status in app.state.requests)


async def test_a_pass_resumes_from_a_page_token(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=11, orders=30)
    async with open_connector(app, streams=orders_stream(PAGINATIONS["cursor"], page_size=10)) as connector:
        stream = connector.stream("orders")
        first = await read_pages(stream)
        resumed = await read_pages(stream, CursorPosition(resume_token=first[0].resume_token))
    assert [r.key for p in resumed for r in p.records] == [r.key for p in first[1:] for r in p.records]


async def test_incremental_read_from_cursor_position(sandbox: Any, open_connector: Any, clock: Any, control: Any) -> None:
    async with open_connector(sandbox) as connector:
        stream = connector.stream("orders")
        assert stream.cursor_field == "updated_at"
        cursor = IncrementalCursor()
        first: list[str] = []
        for page in await read_pages(stream, cursor.position()):
            first += [r.key for r in cursor.new_records(page.records)]
            cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=stream.sorted_by_cursor)
        cursor.finish()
        assert first == sandbox_order_ids(sandbox)

        clock.advance(hours=1)
        await control(sandbox, "POST", "/_sandbox/orders/SO-100003/update", json={"status": "shipped"})
        since = cursor.position().since
        assert isinstance(since, datetime)
        again = await read_pages(stream, cursor.position())
        raw = [r.key for page in again for r in page.records]
        fresh = [r.key for page in again for r in cursor.new_records(page.records)]

    assert raw == sandbox_order_ids(sandbox, since), "the API was asked only for records at or after the mark"
    assert len(raw) < len(first)
    assert fresh == ["SO-100003"], "only the order changed since the last run is new"
    assert all(isinstance(r.cursor_value, datetime) and r.cursor_value.tzinfo for p in again for r in p.records)


async def test_reads_through_injected_rate_limits_and_server_errors(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(
        seed=3, orders=45, faults=0.4,
        fault_kinds={"rate_limit": 1, "server_error": 1, "unavailable": 1, "bad_gateway": 1, "timeout": 1}, fault_delay=0.0,
    )
    async with open_connector(app, streams=orders_stream(PAGINATIONS["page"], page_size=10), max_attempts=10) as connector:
        pages = await read_pages(connector.stream("orders"))
        waits = connector.context.waits
    assert [r.key for p in pages for r in p.records] == sandbox_order_ids(app)
    assert sum(app.state.faults.injected.values()) > 0
    assert len(waits) == sum(app.state.faults.injected.values()), "each injected fault was waited out once"


async def test_a_page_cut_off_in_transit_is_asked_for_once_more(sandbox: Any, open_connector: Any) -> None:
    sandbox.state.faults.schedule("malformed")
    async with open_connector(sandbox) as connector:
        pages = await read_pages(connector.stream("orders"))
    assert [r.key for p in pages for r in p.records] == sandbox_order_ids(sandbox)
    assert sandbox.state.requests == [("GET", "/orders", 200), ("GET", "/orders", 200)]


async def test_a_page_that_stays_unreadable_is_a_retryable_error(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=1, orders=5, faults=1.0, fault_kinds={"malformed": 1})
    async with open_connector(app) as connector:
        with pytest.raises(RetryableError, match="unreadable JSON"):
            await read_pages(connector.stream("orders"))


async def test_stock_stream_reads_levels_with_page_numbers(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox) as connector:
        stream = connector.stream("stock")
        pages = await read_pages(stream)
    keys = [r.key for p in pages for r in p.records]
    assert stream.entity == "StockLevel" and stream.default_mapping == "rest/stock"
    assert sorted(keys) == sorted(sandbox.state.erp.stock)
    assert len(keys) == len(set(keys))


async def test_configured_streams_and_sinks_replace_the_templates(sandbox: Any, open_connector: Any) -> None:
    streams = {
        "open_orders": {"path": "/orders", "entity": "Order", "record_path": "data", "params": {"status": "open"},
                        "pagination": PAGINATIONS["offset"], "page_size": 25},
    }
    async with open_connector(sandbox, streams=streams, sinks={}) as connector:
        assert [s.name for s in connector.streams] == ["open_orders"]
        assert connector.sinks == ()
        stream = connector.stream("open_orders")
        assert stream.default_mapping is None and stream.cursor_field is None
        records = [r for p in await read_pages(stream) for r in p.records]
        with pytest.raises(KeyError, match="open_orders"):
            connector.stream("orders")
    assert records and all(r.payload["status"] == "open" for r in records)
    assert all(r.cursor_value is None for r in records)
