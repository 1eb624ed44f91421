"""The inbound streams against the simulated partner: 997, 855, 856 and 846 back as canonical documents."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from partner_kit import ConnectorFactory, WHEN, customer_order, files_in, interchanges_of, read_stream, translated, write_orders

from crossdock.connectors.partner import purchase_order_number
from crossdock.connectors.partner._streams import UNRESOLVED_PO
from crossdock.connectors.partner.sandbox import PartnerSimulator
from crossdock.core.contract import IncrementalCursor
from crossdock.core.models import (
    LineAcknowledgementStatus,
    OrderAcknowledgement,
    Shipment,
    StockLevel,
)
from crossdock.core.models.shipment import sscc_check_digit_ok
from crossdock.edi.partners import PartnerProfile
from crossdock.runtime.state import open_store


def our_acks(mailbox_root: Path) -> list[Path]:
    return files_in(mailbox_root / "outbox", "acme-dropship_997_")


async def test_simulator_answers_997_855_then_856_and_shipments_come_back_with_sscc_and_tracking(
    make_connector: ConnectorFactory, make_simulator, mailbox_root: Path
) -> None:
    simulator: PartnerSimulator = make_simulator(ship_after=2, backorder_rate=0.5, reject_rate=0.0, units_per_carton=2)
    connector = make_connector()
    order = customer_order(7001, lines=[("DS-CHAIR-OAK", 5, "acme-dropship"), ("DS-LAMP-BRASS", 2, "acme-dropship")])
    await write_orders(connector, [order])
    po_number = purchase_order_number(order, "acme-dropship")

    simulator.tick()  # collects the 850: 997 + 855
    acknowledgements = await read_stream(connector.stream("acknowledgements"))
    early_shipments = await read_stream(connector.stream("shipments"))
    for _ in range(4):  # ship_after ticks later: an 856 for the accepted lines; twice that, the backordered
        simulator.tick()
    shipments_cursor = IncrementalCursor()
    shipments = await read_stream(connector.stream("shipments"), shipments_cursor)
    again = await read_stream(connector.stream("shipments"), shipments_cursor)

    (ack_record,) = acknowledgements
    ack = ack_record.payload
    assert isinstance(ack, OrderAcknowledgement) and ack.purchase_order_number == po_number
    statuses = {line.line_number: line.status for line in ack.lines}
    assert early_shipments == [], "nothing ships before ship_after ticks"
    assert shipments and again == []
    received = [record.payload for record in shipments]
    assert all(isinstance(s, Shipment) for s in received)
    shipped_lines = {line.line_id: line.quantity for s in received for line in s.lines}
    expected = {
        f"gid://shopify/LineItem/7001{n:02d}": quantity
        for n, quantity in ((1, 5), (2, 2))
        if statuses[str(n)] in (LineAcknowledgementStatus.ACCEPTED, LineAcknowledgementStatus.BACKORDERED)
    }
    assert shipped_lines == expected, "PO lines come back as the customer order's own line IDs"
    for record, shipment in zip(shipments, received, strict=True):
        assert shipment.order.source is not None and shipment.order.source.id == "gid://shopify/Order/7001"
        assert shipment.order.number == "#7001"
        assert record.key.startswith("acme-dropship:ASN") and record.key.endswith(":#7001")
        assert shipment.carrier is not None and shipment.carrier.scac in {"UPSN", "FDEG"}
        assert shipment.packages and all(p.sscc and sscc_check_digit_ok(p.sscc) for p in shipment.packages)
        assert all(p.tracking_number for p in shipment.packages) and shipment.tracking_number
        assert shipment.ship_to is not None and shipment.ship_to.postal_code == "78701"
        assert sum(p.lines[0].quantity for p in shipment.packages) == sum(line.quantity for line in shipment.lines)
    simulator.tick()  # collects our last 997s
    acked = sorted((a["functional_id"], a["status"]) for a in simulator.acknowledgements)
    assert acked == [("PR", "A")] + [("SH", "A")] * len(shipments), "a 997 for every inbound group but the partner's own 997"
    assert our_acks(mailbox_root) == [], "the partner collected every 997"


async def test_846_becomes_stock_levels_with_future_availability(make_connector: ConnectorFactory, make_simulator) -> None:
    simulator: PartnerSimulator = make_simulator(stock_every=2, backorder_rate=1.0, skus=["ACME-0001", "ACME-0002"])
    connector = make_connector(location_id="acme-dropship")
    await write_orders(connector, [customer_order(8001, lines=[("DS-RUG-WOOL-5X8", 4, "acme-dropship")])])

    simulator.tick()
    simulator.tick()  # every second tick: an 846
    records = await read_stream(connector.stream("stock"))

    levels = {record.key: record.payload for record in records}
    assert set(levels) == {"ACME-0001@acme-dropship", "ACME-0002@acme-dropship", "DS-RUG-WOOL-5X8@acme-dropship"}
    assert all(isinstance(level, StockLevel) for level in levels.values())
    rug = levels["DS-RUG-WOOL-5X8@acme-dropship"]
    assert rug.available == 0
    (incoming,) = rug.incoming
    assert incoming.quantity >= 4 and incoming.expected_date is not None and incoming.expected_date > WHEN.date()
    assert levels["ACME-0001@acme-dropship"].incoming == []
    assert all(level.as_of is not None for level in levels.values())


async def test_each_stream_reads_only_its_kind_from_files_holding_several(
    make_connector: ConnectorFactory, make_simulator
) -> None:
    simulator: PartnerSimulator = make_simulator(ship_after=0, stock_every=1, skus=["ACME-0001"])
    connector = make_connector()
    await write_orders(connector, [customer_order(8101), customer_order(8102)])
    simulator.tick()  # one file: 997, two 855s, two 856s (ship_after 0) and an 846
    (dropped,) = simulator.sent

    acks = await read_stream(connector.stream("acknowledgements"))
    shipments = await read_stream(connector.stream("shipments"))
    stock = await read_stream(connector.stream("stock"))

    assert sorted(d["set"] for d in dropped["documents"]) == ["846", "855", "855", "856", "856", "997"]
    assert (len(acks), len(shipments), len(stock)) == (2, 2, 2)
    assert {type(r.payload) for r in acks} == {OrderAcknowledgement}
    assert {type(r.payload) for r in shipments} == {Shipment}
    assert {type(r.payload) for r in stock} == {StockLevel}


async def test_a_disabled_flow_leaves_its_documents_unspooled(make_connector: ConnectorFactory, make_simulator) -> None:
    simulator: PartnerSimulator = make_simulator(stock_every=1, skus=["ACME-0001"])
    connector = make_connector(flows=["purchase_orders", "shipments"])
    simulator.tick()

    assert await read_stream(connector.stream("shipments")) == []
    assert connector.spool.files("stock") == []


async def test_an_856_for_a_po_crossdock_never_sent_is_refused_naming_the_po(
    make_connector: ConnectorFactory, make_simulator, mailbox_root: Path, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign"  # another installation sent this PO (its own state store, its own mailbox)
    other: PartnerSimulator = make_simulator(root=foreign, ship_after=0)
    async with await open_store(f"sqlite:///{tmp_path / 'other.db'}") as other_store:
        elsewhere = make_connector(state=other_store, mailbox={"type": "local", "root": str(foreign)}, work_dir="elsewhere")
        await write_orders(elsewhere, [customer_order(8201)])
    other.tick()
    for dropped in files_in(foreign / "inbox"):  # the partner answers into our inbox by mistake
        (mailbox_root / "inbox").mkdir(exist_ok=True)
        (mailbox_root / "inbox" / dropped.name).write_bytes(dropped.read_bytes())
    connector = make_connector()

    (record,) = await read_stream(connector.stream("shipments"))

    po_number = purchase_order_number(customer_order(8201), "acme-dropship")
    assert isinstance(record.payload, dict), "not a shipment of any order Crossdock knows: left for the error queue"
    assert record.payload["order"]["number"] == po_number
    assert "is not a purchase order Crossdock sent" in record.payload["order"][UNRESOLVED_PO]
    with pytest.raises(ValidationError, match=UNRESOLVED_PO):
        Shipment.model_validate(record.payload)


async def test_the_partners_997_settles_the_po_group_we_sent(make_connector: ConnectorFactory, simulator: PartnerSimulator) -> None:
    connector = make_connector()
    (result,) = await write_orders(connector, [customer_order(8301)])
    (ours,) = interchanges_of(files_in(simulator.collect_from))
    (group,) = ours.groups
    before = await connector.acks.status(group.control_number)

    simulator.tick()
    await read_stream(connector.stream("acknowledgements"))

    assert result.ok and before == "awaiting"
    assert await connector.acks.status(group.control_number) == "accepted"
    assert await connector.acks.status(999) is None


async def test_a_file_that_is_not_x12_is_failed_and_parked_with_the_reason(
    make_connector: ConnectorFactory, mailbox_root: Path
) -> None:
    (mailbox_root / "inbox").mkdir()
    (mailbox_root / "inbox" / "shipping-report.txt").write_text("Dear Crossdock, please find attached…\n")
    connector = make_connector()

    (record,) = await read_stream(connector.stream("shipments"))
    stock = await read_stream(connector.stream("stock"))

    assert record.payload["file"] == "shipping-report.txt"
    assert "cannot be read as X12" in record.payload["problem"]
    assert stock == [], "a problem is parked once, in one flow"
    assert [p.name for p in files_in(mailbox_root / "failed")] == ["shipping-report.txt", "shipping-report.txt.reason.txt"]
    assert files_in(mailbox_root / "outbox") == [], "nothing to acknowledge without an ISA"


async def test_a_document_crossdock_cannot_translate_is_parked_while_the_997_accepts_the_set(
    make_connector: ConnectorFactory, make_simulator, mailbox_root: Path, acme: PartnerProfile
) -> None:
    simulator: PartnerSimulator = make_simulator(ship_after=0)
    connector = make_connector()
    await write_orders(connector, [customer_order(8401)])
    simulator.tick()
    (dropped,) = files_in(simulator.drop_into)
    text = dropped.read_text()
    start = text.index("MAN*GM*") + len("MAN*GM*")
    sscc = text[start : start + 18]
    dropped.write_text(text.replace(sscc, sscc[:-1] + str((int(sscc[-1]) + 1) % 10), 1))  # a wrong check digit

    (record,) = await read_stream(connector.stream("shipments"))

    assert "could not translate" in record.payload["problem"]
    assert any("SSCC" in issue for issue in record.payload["issues"])
    (ack_file,) = files_in(mailbox_root / "outbox", "acme-dropship_997_")
    acks = [d for r in translated([ack_file], acme) for d in r.documents]
    assert {(a.functional_id, a.status) for a in acks} == {("PR", "A"), ("SH", "A")}, "the partner's syntax was fine"
    assert files_in(mailbox_root / "failed") == [] and len(list((mailbox_root / "archive").rglob("*.x12"))) == 1


async def test_two_flows_reading_one_stream_each_get_every_record(make_connector: ConnectorFactory, make_simulator) -> None:
    simulator: PartnerSimulator = make_simulator(ship_after=0)
    connector = make_connector()
    await write_orders(connector, [customer_order(8501), customer_order(8502, system="amazon")])
    simulator.tick()
    to_shopify, to_amazon = IncrementalCursor(), IncrementalCursor()  # two flows, two cursors

    shopify_first = await read_stream(connector.stream("shipments"), to_shopify)
    amazon_first = await read_stream(connector.stream("shipments"), to_amazon)
    shopify_again = await read_stream(connector.stream("shipments"), to_shopify)

    assert len(shopify_first) == len(amazon_first) == 2
    assert shopify_again == []


async def test_spooled_documents_older_than_the_retention_are_removed(
    make_connector: ConnectorFactory, make_simulator, tmp_path: Path
) -> None:
    simulator: PartnerSimulator = make_simulator(stock_every=1, skus=["ACME-0001"])
    simulator.tick()
    assert len(await read_stream(make_connector(spool_retention="2d").stream("stock"))) == 1
    three_days_ago = time.time() - 3 * 86_400
    for spooled in (tmp_path / ".crossdock" / "partner" / "acme-dropship" / "spool" / "stock").iterdir():
        os.utime(spooled, (three_days_ago, three_days_ago))

    later = make_connector(spool_retention="2d")  # a flow that did not run for three days

    assert await read_stream(later.stream("stock")) == []
