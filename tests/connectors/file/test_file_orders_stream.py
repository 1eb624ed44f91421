"""The orders stream: JSONL and multi-row CSV orders, read in pages, resumable, never losing a line."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from crossdock.connectors.file import UNREADABLE
from crossdock.core.contract import IncrementalCursor
from crossdock.core.models import Order
from crossdock.mappings import MappingError, load_mapping


def order_line(n: int, **extra: object) -> str:
    order = {
        "id": f"ord-{n}", "number": f"#{1000 + n}", "created_at": "2026-11-21T09:00:00Z", "currency": "USD",
        "total": "19.99", "lines": [{"sku": "TEE-BLK-M", "quantity": 1, "unit_price": 19.99}], **extra,
    }
    return json.dumps(order) + "\n"


def write(folder: Path, name: str, text: str | bytes, *, mtime: int | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    if mtime is not None:
        os.utime(path, ns=(mtime * 1_000_000_000, mtime * 1_000_000_000))
    return path


async def test_reads_jsonl_orders_in_pages(folder, make_connector, read_pages) -> None:
    write(folder, "orders/20261121T0100__orders.jsonl", "".join(order_line(n) for n in (1, 2, 3)))
    write(folder, "orders/20261121T0200__orders.jsonl", "".join(order_line(n) for n in (4, 5)))
    write(folder, "orders/notes.txt", "not an order file")
    stream = make_connector(page_size=2).stream("orders")

    pages = await read_pages(stream)

    assert [[r.key for r in page.records] for page in pages] == [["ord-1", "ord-2"], ["ord-3", "ord-4"], ["ord-5"]]
    positions = [r.cursor_value for page in pages for r in page.records]
    assert positions == sorted(positions), "positions must sort in reading order"
    assert positions[0].startswith("orders/20261121T0100__orders.jsonl@") and positions[0].endswith(":000000001")
    first = pages[0].records[0].payload
    assert first["lines"][0]["unit_price"] == Decimal("19.99"), "JSON numbers with a fraction are read exactly"


CSV_ORDERS = (
    "number,id,created_at,currency,ship_to.city,ship_to.country,total,line.sku,line.quantity,line.unit_price,line.title\r\n"
    "#1001,A1,2026-11-21T09:00:00Z,USD,Austin,US,76.00,TEE-BLK-M,2,20.00,Tee\r\n"
    "#1001,,,,,,,CAP-TAN-OS,1,36.00,\"Cap,\r\nwaxed\"\r\n"
    "\r\n"
    "#1002,A2,2026-11-21T09:30:00Z,USD,Denver,US,16.50,SOCK-GRY-M,1,16.50,Socks\r\n"
)


async def test_reads_multi_row_csv_orders(folder, make_connector, read_records) -> None:
    write(folder, "orders/export.csv", CSV_ORDERS)
    stream = make_connector(format="csv").stream("orders")

    first, second = await read_records(stream)

    assert first.key == "A1"
    assert first.payload == {
        "number": "#1001", "id": "A1", "created_at": "2026-11-21T09:00:00Z", "currency": "USD",
        "ship_to": {"city": "Austin", "country": "US"}, "total": "76.00",
        "lines": [
            {"sku": "TEE-BLK-M", "quantity": "2", "unit_price": "20.00", "title": "Tee"},
            {"sku": "CAP-TAN-OS", "quantity": "1", "unit_price": "36.00", "title": "Cap,\r\nwaxed"},
        ],
    }
    assert first.cursor_value.endswith(":000000004"), "an order's position is its last row's last line"
    assert second.key == "A2" and second.cursor_value.endswith(":000000006")
    order = load_mapping("file/order").apply_to(first.payload, Order, record_key=first.key)
    assert [line.sku for line in order.lines] == ["TEE-BLK-M", "CAP-TAN-OS"]
    assert order.ship_to is not None and order.ship_to.city == "Austin"


async def test_resume_from_position_skips_taken_records(folder, make_connector, read_pages, read_records) -> None:
    write(folder, "orders/a.jsonl", "".join(order_line(n) for n in (1, 2, 3)))
    write(folder, "orders/b.jsonl", "".join(order_line(n) for n in (4, 5)))
    stream = make_connector(page_size=2).stream("orders")
    cursor = IncrementalCursor()

    pages = stream.read(cursor.position())
    durable = await anext(pages)
    cursor.observe(durable.records, resume_token=None, sorted_by_cursor=True)
    await anext(pages)  # read but never durable: the run crashes here
    await pages.aclose()

    resumed = await read_records(stream, cursor.position().since)
    assert [r.key for r in resumed] == ["ord-3", "ord-4", "ord-5"]

    for page in await read_pages(stream, cursor.position().since):
        cursor.observe(page.records, resume_token=None, sorted_by_cursor=True)
    assert await read_records(stream, cursor.position().since) == [], "a finished folder yields nothing again"


async def test_a_file_replaced_under_the_same_name_is_read_in_full(folder, make_connector, read_records) -> None:
    """A 3PL that drops a new inventory.csv where the last one was must not have its first rows skipped."""
    write(folder, "stock/inventory.csv", "sku,location,on_hand\nA,WH,1\nB,WH,2\n", mtime=1_700_000_000)
    stream = make_connector(format="csv").stream("stock")
    taken = await read_records(stream)
    since = taken[-1].cursor_value

    write(folder, "stock/inventory.csv", "sku,location,on_hand\nA,WH,5\nB,WH,6\nC,WH,7\n", mtime=1_700_003_600)

    again = await read_records(stream, since)
    assert [(r.key, r.payload["on_hand"]) for r in again] == [("A@WH", "5"), ("B@WH", "6"), ("C@WH", "7")]


async def test_bad_line_is_yielded_for_the_error_queue_not_dropped(folder, make_connector, read_records) -> None:
    cut_off = '{"id": "ord-2", "number": \n'
    not_an_object = "[1, 2]\n"
    not_utf8 = b"\xff\xfe{}\n"
    write(folder, "orders/a.jsonl", (order_line(1) + cut_off + not_an_object).encode() + not_utf8 + order_line(5).encode())
    mapping = load_mapping("file/order")

    records = await read_records(make_connector().stream("orders"))

    assert [r.key for r in records] == ["ord-1", "orders/a.jsonl:2", "orders/a.jsonl:3", "orders/a.jsonl:4", "ord-5"]
    bad = records[1]
    assert bad.payload[UNREADABLE]["raw"] == '{"id": "ord-2", "number": '
    assert bad.payload[UNREADABLE]["line"] == "2"
    assert records[2].payload[UNREADABLE]["error"] == "expected a JSON object, got an array"
    assert records[3].payload[UNREADABLE]["raw"] == "\\xff\\xfe{}", "undecodable bytes are kept, escaped"
    with pytest.raises(MappingError, match=r"orders/a.jsonl line 2 could not be read: not valid JSON"):
        mapping.apply_to(bad.payload, Order, record_key=bad.key)
    mapping.apply_to(records[4].payload, Order, record_key=records[4].key)  # the lines after it still map


async def test_bad_csv_rows_are_yielded_and_an_interrupted_order_is_not_taken_incomplete(
    folder, make_connector, read_records
) -> None:
    write(folder, "orders/export.csv", (
        "number,id,created_at,currency,total,line.sku,line.quantity,line.unit_price\n"
        "#1,A1,2026-11-21T09:00:00Z,USD,5.00,S1,1,5.00\n"
        "#2,A2,2026-11-21T09:00:00Z,USD,10.00,S1,1,5.00\n"
        ",,,,,S2,1,5.00\n"  # a line without its order number, between two rows of order #2
        "#2,,,,,S3,1,5.00\n"
        "#3,A3,2026-11-21T09:00:00Z,USD,5.00,S1,1\n"  # one field short
        "#4,A4,2026-11-21T09:00:00Z,USD,5.00,S1,1,5.00\n"
        "#1,,,,,S9,1,5.00\n"  # order #1 again, after others
    ))

    records = await read_records(make_connector(format="csv").stream("orders"))

    keys = [r.key for r in records]
    assert keys == ["A1", "orders/export.csv:4", "orders/export.csv:3-5", "orders/export.csv:6", "A4", "orders/export.csv:8"]
    assert records[1].payload[UNREADABLE]["raw"] == ",,,,,S2,1,5.00"
    interrupted = records[2].payload[UNREADABLE]
    assert "interrupted by an unreadable row (line 4)" in interrupted["error"]
    assert [line["sku"] for line in interrupted["content"]["order"]["lines"]] == ["S1", "S3"]
    assert "7 fields but the header has 8" in records[3].payload[UNREADABLE]["error"]
    assert "appears again after other orders" in records[5].payload[UNREADABLE]["error"]
    positions = [r.cursor_value for r in records]
    assert positions == sorted(positions)
