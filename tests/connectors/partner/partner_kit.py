"""What the partner connector's tests share: customer orders, a runner-like reader, the files in a folder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from crossdock.core.contract import IncrementalCursor, SourceRecord, Stream, WriteRequest, WriteResult
from crossdock.core.models import Address, Money, Order, OrderLine, OrderTotals, SourceRef
from crossdock.edi import Interchange, read_interchanges
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import TranslationResult, translate_interchange
from crossdock.runtime.keys import idempotency_key, record_digest

ConnectorFactory = Callable[..., Any]
"""``make_connector(state=…, behaviour=…, **config)`` (the fixture in conftest.py): a PartnerConnector."""

WHEN = datetime(2026, 3, 2, 15, 4, tzinfo=UTC)
CUSTOMER = Address(
    name="Ada Lovelace", line1="12 Analytical Way", line2="Apt 3", city="Austin", region="TX", postal_code="78701",
    country="US", phone="5125550199",
)  # fmt: skip


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def customer_order(
    number: int,
    *,
    lines: Sequence[tuple[str, int, str | None]] = (("DS-CHAIR-OAK", 3, "acme-dropship"), ("TEE-ORG-BLK-M", 1, "wh-main")),
    system: str = "shopify",
    ship_to: Address | None = CUSTOMER,
    note: str | None = None,
    **changes: Any,
) -> Order:
    """A Shopify-like order; each line is ``(sku, quantity, fulfilment location or None)``."""
    order_lines = [
        OrderLine(
            line_id=f"gid://shopify/LineItem/{number}{index:02d}",
            sku=sku,
            title=f"{sku.title()} *special*",
            quantity=quantity,
            unit_price=usd("25.00"),
            fulfilment_location_id=location,
        )
        for index, (sku, quantity, location) in enumerate(lines, start=1)
    ]
    total = sum((line.unit_price * line.quantity for line in order_lines), usd("0"))
    fields: dict[str, Any] = {
        "source": SourceRef(system=system, id=f"gid://{system}/Order/{number}"),
        "channel": system,
        "number": f"#{number}",
        "created_at": WHEN,
        "updated_at": WHEN,
        "currency": "USD",
        "ship_to": ship_to,
        "lines": order_lines,
        "totals": OrderTotals(total=total),
        "note": note,
    }
    fields.update(changes)
    return Order(**fields)


def write_request(order: Order, *, job: str = "partner-test", flow: str = "orders-to-partner") -> WriteRequest:
    """A write request as the runner builds it (trace key = source ID, key from content)."""
    trace = order.source.id
    return WriteRequest(idempotency_key=idempotency_key(job, flow, trace, record_digest(order)), trace_key=trace, record=order)


async def write_orders(connector: Any, orders: Sequence[Order]) -> list[WriteResult]:
    sink = connector.sink("purchase_orders")
    return await sink.write([write_request(order) for order in orders])


async def read_stream(stream: Stream[Any], cursor: IncrementalCursor | None = None) -> list[SourceRecord]:
    """Read a stream as the runner does: after each page, advance the cursor, then acknowledge the page.

    Pass the same ``cursor`` to read on from where an earlier read stopped (the runner keeps one per flow).
    """
    cursor = cursor if cursor is not None else IncrementalCursor()
    taken: list[SourceRecord] = []
    async for page in stream.read(cursor.position()):
        taken += cursor.new_records(page.records)
        cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=stream.sorted_by_cursor)
        await stream.acknowledge(page)
    cursor.finish()
    return taken


def files_in(folder: Path, prefix: str = "") -> list[Path]:
    """Visible files of a folder, by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name.startswith(prefix))


def interchanges_of(paths: Sequence[Path]) -> list[Interchange]:
    return [ic for path in paths for ic in read_interchanges(path.read_bytes())]


def translated(paths: Sequence[Path], profile: PartnerProfile) -> list[TranslationResult]:
    return [result for ic in interchanges_of(paths) for result in translate_interchange(ic, profile)]
