"""The ``stock`` stream: on-hand, committed and available per item and location through SuiteQL."""

from __future__ import annotations

from typing import Any

from netsuite_support import control, order, read_stream, write_request

from crossdock.core.contract import CursorPosition, IncrementalCursor, SourceRecord
from crossdock.core.models import StockLevel
from crossdock.mappings import load_mapping


async def _read(connector: Any, cursor: IncrementalCursor) -> tuple[list[SourceRecord], list[SourceRecord]]:
    """One run as the runner makes it: ``(records read, records new to the cursor)``."""
    stream = connector.stream("stock")
    read: list[SourceRecord] = []
    fresh: list[SourceRecord] = []
    async for page in stream.read(cursor.position()):
        read += page.records
        fresh += cursor.new_records(page.records)
        cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=stream.sorted_by_cursor)
    cursor.finish()
    return read, fresh


async def test_stock_read_through_suiteql(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=4, items=12, orders=10)
    account = app.state.netsuite.account
    mapping = load_mapping("netsuite/stock")
    cursor = IncrementalCursor()

    async with open_connector(app, page_size=7) as connector:
        everything, _ = await _read(connector, cursor)
        levels = {r.key: mapping.apply_to(r.payload, StockLevel, record_key=r.key) for r in everything}

        await control(app, "POST", "/_sandbox/stock", json={"sku": "SKU-1005", "location": 2, "on_hand": 3})
        await connector.sink("orders").write([write_request(order("#8001", ("SKU-1007", 2, "wh-main")))])
        changed, fresh = await _read(connector, cursor)

    # Every item at every mapped location, once, with NetSuite's figures.
    assert len(everything) == len(levels) == 12 * 3
    for (item_id, location_id), balance in account.stock.items():
        if (item_id, location_id) in ((504, 2), (506, 1)):
            continue  # changed after the first read
        level = levels[f"{item_id}:{location_id}"]
        assert level.sku == account.items[item_id].itemid
        assert level.location_id == {1: "wh-main", 2: "wh-east", 3: "store-bk"}[location_id]
        assert (level.on_hand, level.committed, level.available) == (int(balance.onhand), int(balance.committed), int(balance.available))

    # The next run reads only what changed: the count at the East Coast DC and what the new order committed.
    assert sorted(r.key for r in fresh) == ["504:2", "506:1"]
    assert len(changed) <= 3, "the since filter did the work, not the cursor's dedup"
    east = mapping.apply_to(next(r.payload for r in fresh if r.key == "504:2"), StockLevel)
    assert (east.sku, east.location_id, east.on_hand, east.available) == ("SKU-1005", "wh-east", 3, 3)
    committed = mapping.apply_to(next(r.payload for r in fresh if r.key == "506:1"), StockLevel)
    assert committed.committed == levels["506:1"].committed + 2 == int(account.stock[(506, 1)].committed)
    assert committed.available == levels["506:1"].available - 2


async def test_stock_reads_only_the_mapped_locations_and_all_of_them_on_full_refresh(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=4, items=5, orders=0)
    async with open_connector(app, location_map={"wh-east": "2"}, stock_full_refresh=True) as connector:
        first = await read_stream(connector, "stock")
        since = max(r.cursor_value for page in first for r in page.records)
        again = [page async for page in connector.stream("stock").read(CursorPosition(since=since))]

    keys = [r.key for page in first for r in page.records]
    assert sorted(keys) == [f"{item}:2" for item in range(500, 505)]
    assert {r.payload["crossdock_location_id"] for page in first for r in page.records} == {"wh-east"}
    assert sorted(r.key for page in again for r in page.records) == sorted(keys), "full refresh ignores the cursor"
