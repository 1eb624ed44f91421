"""Outbound interchanges: partner envelopes, durable control numbers, and what partners validate and answer."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from crossdock.core.models import (
    AcknowledgementLine,
    AcknowledgementStatus,
    Address,
    Carrier,
    Invoice,
    InvoiceLine,
    LineAcknowledgementStatus,
    Money,
    OrderAcknowledgement,
    OrderRef,
    Package,
    Shipment,
    ShipmentLine,
)
from crossdock.core.models.product import Weight, WeightUnit
from crossdock.edi import read_interchanges, render_segments
from crossdock.edi.acks import build_997, build_999
from crossdock.edi.errors import X12Issue, X12WriteError
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import (
    FunctionalAcknowledgement,
    SequentialControlNumbers,
    StoreControlNumbers,
    render_810,
    render_850,
    render_855,
    render_856,
    render_interchange,
    translate_interchange,
)
from crossdock.edi.validation_pyx12 import validate_with_pyx12
from crossdock.runtime.state import open_store
from translate_support import WHEN, simple_po

def _control_numbers(text: str) -> tuple[int, list[int], list[str]]:
    segments = [s.strip() for s in text.split("~") if s.strip()]
    isa13 = int(segments[0].split("*")[13])
    gs06 = [int(s.split("*")[6]) for s in segments if s.startswith("GS*")]
    st02 = [s.split("*")[2] for s in segments if s.startswith("ST*")]
    return isa13, gs06, st02


async def test_control_numbers_from_the_state_store_increase_and_are_never_reused_after_reopening(
    tmp_path: Path, acme: PartnerProfile
) -> None:
    url = f"sqlite:///{tmp_path}/state.db"
    seen: list[tuple[int, list[int], list[str]]] = []
    for _ in range(2):  # the second pass is a restart: a new process opening the same store
        store = await open_store(url)
        try:
            numbers = StoreControlNumbers(store, acme.id)
            for n in range(3):
                text = await render_interchange([render_850(simple_po(f"PO-{n}"), acme), render_850(simple_po(f"PO-{n}b"), acme)], acme, numbers)
                seen.append(_control_numbers(text))
        finally:
            await store.close()
    isa13s = [isa13 for isa13, _, _ in seen]
    gs06s = [gs06 for _, groups, _ in seen for gs06 in groups]
    st02s = [int(st02) for _, _, sets in seen for st02 in sets]
    assert isa13s == sorted(set(isa13s)) and len(isa13s) == 6
    assert gs06s == sorted(set(gs06s)) and len(gs06s) == 6
    assert st02s == sorted(set(st02s)) and len(st02s) == 12
    assert isa13s[0] == 1 and isa13s[3] == 4  # the reopened store carried on where it stopped


async def test_concurrent_senders_never_share_a_control_number(tmp_path: Path, acme: PartnerProfile) -> None:
    store = await open_store(f"sqlite:///{tmp_path}/state.db")
    try:
        numbers = StoreControlNumbers(store, acme.id)
        texts = await asyncio.gather(*(render_interchange([render_850(simple_po(f"PO-{n}"), acme)], acme, numbers) for n in range(8)))
    finally:
        await store.close()
    found = [_control_numbers(text) for text in texts]
    assert len({isa13 for isa13, _, _ in found}) == 8
    assert len({st02 for _, _, sets in found for st02 in sets}) == 8


async def test_each_partner_has_its_own_counters(tmp_path: Path, acme: PartnerProfile, bigbox: PartnerProfile) -> None:
    store = await open_store(f"sqlite:///{tmp_path}/state.db")
    try:
        await render_interchange([render_850(simple_po("PO-1"), acme)], acme, StoreControlNumbers(store, acme.id))
        await render_interchange([render_850(simple_po("PO-2"), acme)], acme, StoreControlNumbers(store, acme.id))
        assert await StoreControlNumbers(store, bigbox.id).next_isa13() == 1
    finally:
        await store.close()


async def test_a_document_that_cannot_be_written_takes_no_control_number(acme: PartnerProfile) -> None:
    numbers = SequentialControlNumbers()
    with pytest.raises(X12WriteError, match="contains the separator '~'"):
        await render_interchange([render_850(simple_po("PO-1", sku="BAD~SKU"), acme)], acme, numbers)
    text = await render_interchange([render_850(simple_po("PO-2"), acme)], acme, numbers)
    assert _control_numbers(text) == (1, [1], ["0001"])


async def test_a_set_the_partner_does_not_receive_is_refused(bigbox: PartnerProfile) -> None:
    with pytest.raises(X12WriteError, match="not set up to receive 850"):
        await render_interchange([render_850(simple_po("PO-1"), bigbox)], bigbox, SequentialControlNumbers())


async def test_envelopes_carry_the_partners_identities_version_and_separators(acme: PartnerProfile) -> None:
    text = await render_interchange([render_850(simple_po("PO-1"), acme)], acme, SequentialControlNumbers(), created_at=WHEN)
    isa = text[: text.index("~") + 1]
    assert len(isa) == 106
    assert isa.startswith("ISA*00*          *00*          *ZZ*CROSSDOCKMERCH *12*5125550100     *260302*0904*U*00401*000000001*0*P*>~")
    assert "GS*PO*CROSSDOCKMERCH*ACMEDS*20260302*0904*1*X*004010VICS~" in text  # 15:04 UTC is 09:04 in Chicago
    (interchange,) = read_interchanges(text.encode())
    assert interchange.all_issues() == []


async def test_rendered_documents_pass_pyx12_validation(acme: PartnerProfile) -> None:
    text = await render_interchange([render_850(simple_po("PO-1"), acme), render_850(simple_po("PO-2"), acme)], acme, SequentialControlNumbers())
    result = validate_with_pyx12(text)
    assert result.errors == [], result.errors


async def test_the_partners_997_names_our_group_and_sets(acme: PartnerProfile) -> None:
    text = await render_interchange(
        [render_850(simple_po("PO-1"), acme), render_850(simple_po("PO-2"), acme)], acme, SequentialControlNumbers(start=41)
    )
    (ours,) = read_interchanges(text.encode())
    group = ours.groups[0]
    rejected = X12Issue(level="set", code="5", message="PO1 is wrong", gs06=group.control_number, st02="0042")
    answer = render_segments(build_997(ours, group, [rejected], isa13=7, gs06=7, st02=1))
    (theirs,) = read_interchanges(answer.encode())
    (result,) = translate_interchange(theirs, acme)
    assert result.ok, [str(i) for i in result.issues]
    (ack,) = result.documents
    assert isinstance(ack, FunctionalAcknowledgement)
    assert (ack.functional_id, ack.group_control_number, ack.status) == ("PO", "41", "P")
    assert [(s.control_number, s.accepted) for s in ack.sets] == [("0041", True), ("0042", False)]


async def test_a_retailers_855_856_and_810_pass_pyx12_validation(bigbox: PartnerProfile) -> None:
    usd = lambda amount: Money(amount=Decimal(amount), currency="USD")  # noqa: E731
    address = Address(name="Pat Customer", line1="12 Main St", city="Toronto", region="ONT", postal_code="M5V 2T6", country="CA")
    ack = OrderAcknowledgement(
        purchase_order_number="BB-1",
        partner_id=bigbox.id,
        status=AcknowledgementStatus.ACCEPTED_WITH_CHANGES,
        acknowledged_at=WHEN,
        lines=[
            AcknowledgementLine(line_number="1", sku="SKU-1", status=LineAcknowledgementStatus.ACCEPTED, quantity=2, unit_cost=usd("4.5")),
            AcknowledgementLine(line_number="2", sku="SKU-2", status=LineAcknowledgementStatus.BACKORDERED, quantity=1, expected_ship_date=WHEN.date()),
        ],
    )
    carton = "000123456000000012"
    shipment = Shipment(
        order=OrderRef(number="BB-1"),
        lines=[ShipmentLine(line_id="1", sku="SKU-1", quantity=2), ShipmentLine(line_id="2", sku="SKU-2", quantity=1)],
        packages=[Package(sscc=carton, tracking_number="1Z999", weight=Weight(value=Decimal("2.5"), unit=WeightUnit.LB), lines=[ShipmentLine(line_id="1", sku="SKU-1", quantity=2)])],
        carrier=Carrier(scac="UPSN"),
        service="Ground",
        tracking_number="1Z999",
        shipped_at=WHEN,
        ship_from_location_id="dc-east",
        ship_to=address,
    )
    invoice = Invoice(
        number="INV-1",
        partner_id=bigbox.id,
        purchase_order_number="BB-1",
        invoice_date=WHEN.date(),
        currency="USD",
        bill_to=address,
        lines=[InvoiceLine(line_number="1", sku="SKU-1", quantity=2, unit_price=usd("4.50"), description="Red shirt")],
        shipping=usd("5.00"),
        tax=usd("1.17"),
        total=usd("15.17"),
        terms="Net 30",
    )
    text = await render_interchange(
        [render_855(ack, bigbox), render_856([shipment], bigbox), render_810(invoice, bigbox)], bigbox, SequentialControlNumbers()
    )
    assert "N4*Toronto**M5V 2T6*CA***ONT~" in text  # a three-letter region goes to N407 in 005010
    result = validate_with_pyx12(text)
    assert result.errors == [], result.errors


async def test_the_retailers_999_names_our_sets_and_the_element_it_refused(bigbox: PartnerProfile) -> None:
    ack = OrderAcknowledgement(
        purchase_order_number="BB-1", partner_id=bigbox.id, status=AcknowledgementStatus.ACCEPTED, acknowledged_at=WHEN
    )
    text = await render_interchange([render_855(ack, bigbox)], bigbox, SequentialControlNumbers(start=300))
    (ours,) = read_interchanges(text.encode())
    group = ours.groups[0]
    refused = X12Issue(
        level="element", code="7", message="bad code", gs06=group.control_number, st02="0300",
        segment_id="BAK", segment_position=2, element_position=2, data_element="587", bad_value="AK",
    )  # fmt: skip
    answer = render_segments(build_999(ours, group, [refused], isa13=9, gs06=9, st02=1))
    (theirs,) = read_interchanges(answer.encode())
    (result,) = translate_interchange(theirs, bigbox)
    assert result.ok, [str(i) for i in result.issues]
    (fa,) = result.documents
    assert (fa.set_id, fa.functional_id, fa.group_control_number, fa.accepted) == ("999", "PR", "300", False)
    verdict = fa.set_status("0300")
    assert verdict is not None and verdict.status == "R"
    (segment,) = verdict.segments
    (element,) = segment.elements
    assert (segment.segment_id, segment.position, element.position, element.data_element, element.code) == ("BAK", 2, 2, "587", "7")
