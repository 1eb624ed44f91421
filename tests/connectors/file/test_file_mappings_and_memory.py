"""The default mappings against the sample files, and reading a large file in bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from crossdock.connectors.file.sandbox import seed_folder
from crossdock.core.contract import CursorPosition
from crossdock.core.models import Order, StockLevel
from crossdock.mappings import MappingError, load_mapping


@pytest.mark.parametrize("orders_format", ["jsonl", "csv"])
async def test_default_mappings_produce_valid_canonical_records(
    folder, make_connector, read_records, orders_format
) -> None:
    seed_folder(folder, orders=45, skus=10, seed=11, orders_format=orders_format, stock_snapshots=2)
    connector = make_connector(orders_format=orders_format, stock_format="csv")
    to_order, to_stock, from_stock = (load_mapping(m) for m in ("file/order", "file/stock", "file/stock_out"))

    orders = [to_order.apply_to(r.payload, Order, record_key=r.key) for r in await read_records(connector.stream("orders"))]
    levels = [to_stock.apply_to(r.payload, StockLevel, record_key=r.key) for r in await read_records(connector.stream("stock"))]

    assert len(orders) == 45 and len(levels) == 2 * 10 * 2
    for order in orders:
        totals = order.totals
        parts = [totals.subtotal, totals.shipping, totals.tax]
        assert all(part is not None for part in parts), order.number
        expected = sum((p.amount for p in parts), -(totals.discounts.amount if totals.discounts else 0))
        assert totals.total.amount == expected, f"{order.number}: totals must add up exactly"
        assert order.source.system == "file" and order.source.id.isdigit()
        assert order.created_at.tzinfo is not None and order.currency == "USD"
    for level in levels:
        row = from_stock.apply(level.model_dump(mode="json"), record_key=level.key)
        assert to_stock.apply_to(row, StockLevel, record_key=level.key) == level, "stock_out writes what stock reads"


def test_the_order_mapping_refuses_an_unknown_status_rather_than_guessing() -> None:
    order = {"id": "1", "number": "1", "created_at": "2026-11-21T09:00:00Z", "currency": "USD", "total": "5.00",
             "lines": [{"sku": "A", "quantity": 1, "unit_price": "5.00"}]}
    mapping = load_mapping("file/order")

    assert mapping.apply_to(order, Order, record_key="1").status == "open", "no status: open"
    with pytest.raises(MappingError, match="order_status"):
        mapping.apply_to({**order, "status": "refund_pending"}, Order, record_key="1")


def big_jsonl(path: Path, lines: int) -> None:
    line = ('{"id": "%d", "number": "%d", "created_at": "2026-11-21T09:00:00Z", "currency": "USD", "total": "19.99", '
            '"lines": [{"sku": "TEE-BLK-M", "title": "Organic Cotton Tee - Black / M", "quantity": 1, "unit_price": "19.99"}]}\n')
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        handle.writelines(line % (n, n) for n in range(lines))


def big_csv(path: Path, rows: int) -> None:
    """Three rows per order, with the width of a real export's rows (order columns on every row)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        handle.write("number,created_at,currency,customer.email,ship_to.line1,ship_to.city,ship_to.postal_code,"
                     "total,line.sku,line.title,line.quantity,line.unit_price\n")
        handle.writelines(
            f"#{n // 3},2026-11-21T09:00:00Z,USD,customer{n // 3}@example.com,{n % 977} Lakeview Blvd,Burlington,05401,"
            f"59.97,SKU-{n % 3},Organic Cotton Tee - Black / M,1,19.99\n"
            for n in range(rows)
        )


@pytest.mark.parametrize(("fmt", "write", "rows", "records"), [
    ("jsonl", big_jsonl, 50_000, 50_000),
    ("csv", big_csv, 30_000, 10_000),
])
async def test_large_file_streams_in_bounded_memory(folder, make_connector, fmt, write, rows, records) -> None:
    path = folder / "orders" / f"big.{fmt}"
    write(path, rows)
    stream = make_connector(format=fmt).stream("orders")

    tracemalloc.start()
    try:
        count = 0
        async for page in stream.read(CursorPosition()):
            count += len(page.records)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == records
    size = path.stat().st_size
    # Holding the file in any form (lines, rows, dicts) would take several times its size.
    assert peak < min(size // 2, 2_000_000), f"peak {peak:,} bytes reading a {size:,}-byte file"
