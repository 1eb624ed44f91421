"""Files written by other EDI projects translate into the documents they describe.

The expected facts were read off the files by eye (see /work/shared/edi-samples); sums are checked
against the totals the files themselves state (AMT, CTT, TDS, ISS).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from crossdock.core.models import (
    AcknowledgementStatus,
    Invoice,
    LineAcknowledgementStatus,
    OrderAcknowledgement,
    PurchaseOrder,
    PurchaseOrderKind,
    Shipment,
)
from crossdock.edi import iter_transaction_sets
from crossdock.edi.translate import FunctionalAcknowledgement, translate_set
from translate_support import documents_of, translate_text


def _translate(samples: Path, name: str):
    return translate_text((samples / name).read_bytes())


def test_every_valid_sample_translates_without_errors(edi_samples_dir: Path) -> None:
    files = sorted(p for p in edi_samples_dir.glob("*.edi") if "INVALID" not in p.name)
    assert files, "no samples found"
    for path in files:
        results = translate_text(path.read_bytes())
        assert results, path.name
        for result in results:
            assert result.ok, (path.name, [str(issue) for issue in result.issues])
            assert result.documents, path.name


@pytest.mark.parametrize("name", ["nodex12_850_4010VICS_tilde.edi", "nodex12_850_4010VICS_newline_term.edi"])
def test_vics_850_gives_the_purchase_order_with_its_six_lines(edi_samples_dir: Path, name: str) -> None:
    (po,) = documents_of(_translate(edi_samples_dir, name))
    assert isinstance(po, PurchaseOrder)
    assert po.number == "08292233294"
    assert po.kind is PurchaseOrderKind.STANDARD
    assert po.ordered_at.date() == date(2010, 11, 27)
    assert po.ship_by == date(2010, 12, 14)
    assert po.currency == "USD"
    assert [line.quantity for line in po.lines] == [120, 220, 126, 76, 72, 696]
    assert [line.sku for line in po.lines][:2] == ["065322-117", "066850-116"]
    assert [line.vendor_sku for line in po.lines][-1] == "DX1875"
    assert [line.description for line in po.lines][0] == "SMALL WIDGET"
    assert sum(line.unit_cost.amount * line.quantity for line in po.lines if line.unit_cost) == Decimal("13045.94")
    assert po.ship_to is not None
    assert (po.ship_to.name, po.ship_to.line1, po.ship_to.city, po.ship_to.region, po.ship_to.postal_code, po.ship_to.country) == (
        "XYZ RETAIL", "31875 SOLON RD", "SOLON", "OH", "44139", "US",
    )  # fmt: skip


def test_both_vics_850_files_give_the_same_document(edi_samples_dir: Path) -> None:
    tilde = documents_of(_translate(edi_samples_dir, "nodex12_850_4010VICS_tilde.edi"))
    newline = documents_of(_translate(edi_samples_dir, "nodex12_850_4010VICS_newline_term.edi"))
    assert tilde == newline


def test_petco_850_reads_an_empty_line_number_a_kit_unit_and_the_sku_pair(edi_samples_dir: Path) -> None:
    (po,) = documents_of(_translate(edi_samples_dir, "nodex12_850_petco_4010_newline_term.edi"))
    (line,) = po.lines
    assert (line.line_number, line.quantity, line.unit_of_measure) == ("1", 1, "KI")
    assert line.sku == "000000000001010700"
    assert line.unit_cost is not None and line.unit_cost.amount == Decimal("225")
    assert line.description == "SU - SPARK - AQ FREEZER PUSHER"
    assert po.ship_by == date(2016, 5, 2)
    assert po.ship_to is not None and po.ship_to.name == "PETCO - CORPORATE" and po.ship_to.city == "SAN DIEGO"
    assert po.note is not None and po.note.startswith("000000000001010700 BUYER")


def test_855_gives_line_statuses_quantities_and_ship_dates(edi_samples_dir: Path) -> None:
    (ack,) = documents_of(_translate(edi_samples_dir, "nodex12_855_4010.edi"))
    assert isinstance(ack, OrderAcknowledgement)
    assert ack.purchase_order_number == "POTEST1112"
    assert ack.status is AcknowledgementStatus.ACCEPTED_WITH_CHANGES  # BAK02 AD, but two lines rejected
    assert [(line.line_number, line.status, line.quantity) for line in ack.lines] == [
        ("1", LineAcknowledgementStatus.ACCEPTED, 3),
        ("2", LineAcknowledgementStatus.REJECTED, 0),
        ("3", LineAcknowledgementStatus.REJECTED, 0),
        ("4", LineAcknowledgementStatus.ACCEPTED, 2),
    ]
    assert ack.lines[0].sku == "9780446360265"
    assert ack.lines[0].expected_ship_date == date(2004, 12, 31)
    assert ack.lines[1].unit_cost is not None and ack.lines[1].unit_cost.amount == Decimal("15.99")


def test_856_gives_one_shipment_per_order_with_its_items(edi_samples_dir: Path) -> None:
    (shipment,) = documents_of(_translate(edi_samples_dir, "nodex12_856_4060_SOI.edi"))
    assert isinstance(shipment, Shipment)
    assert shipment.order.number == "99999817"
    assert [(line.line_id, line.sku, line.quantity) for line in shipment.lines] == [("1", "87787D", 24), ("2", "99887D", 6)]
    assert sum(line.quantity for line in shipment.lines) == 30  # CTT02
    assert shipment.carrier is not None and shipment.carrier.scac == "XXXX"
    assert shipment.tracking_number == "5787970539"  # REF*CN, not the bill of lading
    assert shipment.shipped_at.date() == date(2011, 12, 6)
    assert shipment.packages == []


def test_810_file_gives_two_invoices_with_tds_totals(edi_samples_dir: Path) -> None:
    results = _translate(edi_samples_dir, "staedi_810_4010.edi")
    first, second = (result.documents[0] for result in results)
    assert isinstance(first, Invoice) and isinstance(second, Invoice)
    assert (first.number, first.purchase_order_number) == ("00001", "A99999-01")
    assert first.total.amount == Decimal("2554.38")
    assert [line.quantity for line in first.lines] == [16, 13, 32, 51, 9, 85, 1]
    assert sum(line.quantity for line in first.lines) == 207  # ISS01
    assert sum(line.unit_price.amount * line.quantity for line in first.lines) == first.total.amount
    assert first.invoice_date == date(1997, 12, 11)
    assert first.due_date == date(1997, 12, 27)  # ITD07: 16 net days
    assert first.terms == "1/15 NET 30"
    assert first.remit_to is not None and first.remit_to.name == "FOODSELLER"
    assert [line.quantity for line in second.lines] == [50, 100]
    assert [issue.code for issue in results[1].warnings] == ["total-mismatch"]  # the file's TDS was copied from the first


def test_two_group_file_gives_invoices_and_a_3010_purchase_order(edi_samples_dir: Path) -> None:
    documents = documents_of(_translate(edi_samples_dir, "staedi_810_850_two_groups.edi"))
    assert [type(d).__name__ for d in documents] == ["Invoice", "Invoice", "PurchaseOrder"]
    po = documents[2]
    assert po.number == "S115921858"
    assert po.ordered_at.date() == date(2004, 3, 17)  # BEG05 040317, a 6-digit date of release 003010
    assert [(line.sku, line.quantity) for line in po.lines] == [("02006", 150), ("02008", 50), ("01019", 25), ("01220", 25)]
    assert po.buyer is not None and po.buyer.company == "SHIPPING GROUP, INC."


def test_997_names_the_rejected_set_segment_and_element(edi_samples_dir: Path) -> None:
    (ack,) = documents_of(_translate(edi_samples_dir, "staedi_997_5010.edi"))
    assert isinstance(ack, FunctionalAcknowledgement)
    assert (ack.functional_id, ack.group_control_number, ack.status, ack.accepted) == ("HC", "000001", "R", False)
    assert (ack.sets_included, ack.sets_received, ack.sets_accepted) == (1, 1, 0)
    verdict = ack.set_status("0021")
    assert verdict is not None and verdict.set_id == "837" and verdict.status == "R" and verdict.error_codes == ["5"]
    (segment,) = verdict.segments
    assert (segment.segment_id, segment.position, segment.code) == ("NM1", 8, "8")
    (element,) = segment.elements
    assert (element.position, element.data_element, element.code, element.bad_value) == (8, "66", "7", "MI")
    assert ack.acknowledged_at == datetime.fromisoformat("2005-08-12T19:53:35+00:00")


def test_997_file_with_three_interchanges_gives_three_acknowledgements(edi_samples_dir: Path) -> None:
    acks = documents_of(_translate(edi_samples_dir, "staedi_997_5010_multi_interchange.edi"))
    assert len(acks) == 3 and all(a.group_control_number == "000001" for a in acks)


def test_invalid_997_gives_issues_naming_segment_and_element(edi_samples_dir: Path) -> None:
    (result,) = _translate(edi_samples_dir, "staedi_997_5010_INVALID.edi")
    assert result.documents == []
    assert [(i.segment_id, i.segment_position, i.element_position) for i in result.errors] == [("AK1", 2, 1), ("AK4", 5, 2)]
    assert "AK101 'HC NOT IN CODESET'" in result.errors[0].message
    assert "AK402 '66 NON NUMERIC'" in result.errors[1].message


def test_dropship_850_in_5010_gives_customer_order_ship_to_and_lines(edi_samples_dir: Path) -> None:
    (po,) = documents_of(_translate(edi_samples_dir, "stedi_850_5010_dropship.edi"))
    assert po.kind is PurchaseOrderKind.DROPSHIP
    assert po.number == "365465413"
    assert po.order is not None and po.order.number == "ACME-4567"
    assert po.ship_to is not None
    assert (po.ship_to.name, po.ship_to.line1, po.ship_to.city, po.ship_to.region, po.ship_to.country) == (
        "Wile E Coyote", "111 Canyon Court", "Phoenix", "AZ", "US",
    )  # fmt: skip
    assert [(l.line_number, l.sku, l.vendor_sku, l.quantity) for l in po.lines] == [
        ("item-1", "ACM/8900-400", "VND1234567", 8),
        ("item-2", "ACM/1100-001", "VND000111222", 4),
    ]
    assert sum(l.unit_cost.amount * l.quantity for l in po.lines if l.unit_cost) == Decimal("3700")  # AMT*TT
    assert po.buyer is not None and (po.buyer.name, po.buyer.phone, po.buyer.email) == (
        "Marvin Acme", "973-555-1212", "marvin@acme.com",
    )  # fmt: skip
    assert po.service_level == "FHD"


def test_streamed_sets_translate_like_materialised_ones(edi_samples_dir: Path) -> None:
    path = edi_samples_dir / "staedi_810_850_two_groups.edi"
    streamed = [translate_set(s).documents for s in iter_transaction_sets(path)]
    assert [d for documents in streamed for d in documents] == documents_of(translate_text(path.read_bytes()))
