"""The sinks: one atomically written file per batch, and a resent batch replaces its file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from crossdock.core.contract import WriteRequest
from crossdock.core.models import Money, Order, OrderLine, OrderTotals, SourceRef, StockLevel
from crossdock.mappings import load_mapping

AS_OF = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)


def stock_requests(levels: list[tuple[str, int]], *, tag: str = "v1") -> list[WriteRequest]:
    mapping = load_mapping("file/stock_out")
    requests = []
    for sku, on_hand in levels:
        level = StockLevel(sku=sku, location_id="WH-EAST", on_hand=on_hand, committed=1, as_of=AS_OF)
        requests.append(WriteRequest(
            idempotency_key=f"key-{sku}-{on_hand}-{tag}", trace_key=level.key, record=level,
            payload=mapping.apply(level.model_dump(mode="json"), record_key=level.key),
        ))
    return requests


def files_under(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())


async def test_stock_sink_writes_atomically_and_rewrite_is_idempotent(folder, make_connector, read_records) -> None:
    connector = make_connector(format="csv")
    sink = connector.sink("stock")
    batch = stock_requests([("TEE-BLK-M", 12), ("CAP-TAN-OS", 0), ("MUG-WHT-12OZ", 40)])

    results = await sink.write(batch)

    assert [r.ok for r in results] == [True, True, True]
    [name] = files_under(folder / "out")
    assert name.startswith("stock/") and name.endswith(".csv")
    written = (folder / "out" / name).read_text()
    assert written.splitlines() == [
        "sku,location,on_hand,committed,available,as_of",
        "TEE-BLK-M,WH-EAST,12,1,11,2026-11-21T06:00:00Z",
        "CAP-TAN-OS,WH-EAST,0,1,0,2026-11-21T06:00:00Z",
        "MUG-WHT-12OZ,WH-EAST,40,1,39,2026-11-21T06:00:00Z",
    ]
    assert [r.details["line"] for r in results] == [2, 3, 4]

    again = await sink.write(batch)  # resent after a crash between the write and the ledger
    assert all(r.ok for r in again)
    assert files_under(folder / "out") == [name], "a resent batch replaces its own file"
    assert (folder / "out" / name).read_text() == written

    # what the sink wrote is what the stock stream reads: one folder connection can feed another
    reader = make_connector(path="drop/out", format="csv")
    rows = await read_records(reader.stream("stock"))
    stock = load_mapping("file/stock")
    levels = [stock.apply_to(r.payload, StockLevel, record_key=r.key) for r in rows]
    assert levels == [request.record for request in batch]

    await sink.write(stock_requests([("TEE-BLK-M", 11)], tag="v2"))
    assert len(files_under(folder / "out")) == 2, "a new batch is a new file"


async def test_files_being_written_are_never_read(folder, make_connector, read_records) -> None:
    """Writers (this connector's sinks included) write under a hidden .tmp name and rename when done."""
    (folder / "stock").mkdir()
    (folder / "stock" / ".20261121T0600__stock.csv.3f2a.tmp").write_text("sku,location,on_hand\nA,WH,")
    (folder / "stock" / "upload.csv.part").write_text("sku,location,on_hand\nB,WH,")
    assert await read_records(make_connector(format="csv").stream("stock")) == []


def order(number: int, *, status: str = "open") -> Order:
    usd = lambda amount: Money(amount=Decimal(amount), currency="USD")  # noqa: E731
    return Order(
        source=SourceRef(system="shop", id=f"ord-{number}"), channel="shop", number=f"#{number}",
        status=status, created_at=AS_OF, updated_at=AS_OF, currency="USD",
        lines=[OrderLine(line_id="1", sku="TEE-BLK-M", quantity=2, unit_price=usd("20.00"))],
        totals=OrderTotals(total=usd("40.00")),
    )


async def test_order_sink_does_not_duplicate_on_resend(folder, make_connector) -> None:
    sink = make_connector().sink("orders")
    batch = [WriteRequest(idempotency_key=f"k{n}", trace_key=f"ord-{n}", record=order(n)) for n in (1, 2)]

    first = await sink.write(batch)
    second = await sink.write(batch)

    assert all(r.ok for r in first + second)
    [name] = files_under(folder / "out")
    lines = (folder / "out" / name).read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == ["#1", "#2"]
    assert Order.model_validate_json(lines[0]) == order(1), "each line is the canonical order, losslessly"
    assert [r.details for r in second] == [{"file": name, "line": 1}, {"file": name, "line": 2}]


async def test_a_row_the_mapping_made_unwritable_fails_alone(folder, make_connector) -> None:
    sink = make_connector().sink("stock")
    good, = stock_requests([("TEE-BLK-M", 3)])
    bad = WriteRequest(idempotency_key="k-bad", trace_key="x", record=None, payload=["not", "a", "row"])

    results = {r.idempotency_key: r for r in await sink.write([good, bad])}

    assert results[good.idempotency_key].ok
    assert not results["k-bad"].ok and "must be an object" in str(results["k-bad"].error)
