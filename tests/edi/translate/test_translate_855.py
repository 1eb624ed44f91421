"""855 in: header and line statuses, quantities and expected ship dates."""

from __future__ import annotations

from datetime import date

import pytest

from crossdock.core.models import AcknowledgementStatus, LineAcknowledgementStatus
from crossdock.edi.partners import PartnerProfile
from translate_support import only_result, x12

ACCEPTED = LineAcknowledgementStatus.ACCEPTED
REJECTED = LineAcknowledgementStatus.REJECTED
BACKORDERED = LineAcknowledgementStatus.BACKORDERED
CHANGED = LineAcknowledgementStatus.CHANGED


def test_855_line_statuses(acme: PartnerProfile) -> None:
    body = """
    BAK*00*AC*PO-1001*20260210****ACME-SO-7*20260211
    PO1*1*10*UN*5*PE*BP*SKU-1
    ACK*IA*10*UN*068*20260215
    PO1*2*6*UN*5*PE*BP*SKU-2
    ACK*IA*4*UN*068*20260215
    ACK*IB*2*UN*068*20260320
    PO1*3*3*UN*5*PE*BP*SKU-3
    ACK*IR*0*UN
    PO1*4*8*UN*5*PE*BP*SKU-4
    ACK*IQ*7*UN
    DTM*068*20260218
    PO1*5*1*UN*5*PE*BP*SKU-5
    ACK*IP*1*UN
    PO1*6*1*UN*5*PE*BP*SKU-6
    ACK*DR*1*UN*068*20260401
    PO1*7*2*UN*5*PE*BP*SKU-7
    ACK*ID*0*UN
    PO1*8*4*UN*5*PE*BP*SKU-8
    CTT*8
    """
    result = only_result(x12("855", body), acme)
    assert result.ok, [str(i) for i in result.issues]
    (ack,) = result.documents
    assert (ack.purchase_order_number, ack.partner_id, ack.status) == (
        "PO-1001", "acme-dropship", AcknowledgementStatus.ACCEPTED_WITH_CHANGES,
    )  # fmt: skip
    assert ack.acknowledged_at.date() == date(2026, 2, 11)  # BAK09, the acknowledgment's own date
    assert [(l.line_number, l.sku, l.status, l.quantity, l.expected_ship_date) for l in ack.lines] == [
        ("1", "SKU-1", ACCEPTED, 10, date(2026, 2, 15)),
        ("2", "SKU-2", ACCEPTED, 4, date(2026, 2, 15)),
        ("2", "SKU-2", BACKORDERED, 2, date(2026, 3, 20)),
        ("3", "SKU-3", REJECTED, 0, None),
        ("4", "SKU-4", CHANGED, 7, date(2026, 2, 18)),  # the line's DTM*068 when ACK05 is empty
        ("5", "SKU-5", CHANGED, 1, None),
        ("6", "SKU-6", CHANGED, 1, date(2026, 4, 1)),
        ("7", "SKU-7", REJECTED, 0, None),
        ("8", "SKU-8", ACCEPTED, 4, None),  # no ACK: the header's verdict, PO102's quantity
    ]


@pytest.mark.parametrize(
    ("bak02", "status"),
    [
        ("AD", AcknowledgementStatus.ACCEPTED),
        ("AK", AcknowledgementStatus.ACCEPTED),
        ("AT", AcknowledgementStatus.ACCEPTED),
        ("AC", AcknowledgementStatus.ACCEPTED_WITH_CHANGES),
        ("AE", AcknowledgementStatus.ACCEPTED_WITH_CHANGES),
        ("RD", AcknowledgementStatus.REJECTED),
        ("RJ", AcknowledgementStatus.REJECTED),
    ],
)
def test_bak02_gives_the_header_status(acme: PartnerProfile, bak02: str, status: AcknowledgementStatus) -> None:
    result = only_result(x12("855", f"BAK*00*{bak02}*PO-1*20260210\nPO1*1*2*UN*5*PE*BP*SKU-1"), acme)
    (ack,) = result.documents
    assert ack.status is status
    expected_line = REJECTED if status is AcknowledgementStatus.REJECTED else ACCEPTED
    assert [(line.status, line.quantity) for line in ack.lines] == [(expected_line, 2)]


def test_accepted_header_with_a_rejected_line_is_accepted_with_changes(acme: PartnerProfile) -> None:
    (ack,) = only_result(x12("855", "BAK*00*AD*PO-1*20260210\nPO1*1*2*UN*5*PE*BP*SKU-1\nACK*IR*0"), acme).documents
    assert ack.status is AcknowledgementStatus.ACCEPTED_WITH_CHANGES


def test_an_unknown_line_status_withholds_the_acknowledgement(acme: PartnerProfile) -> None:
    result = only_result(x12("855", "BAK*00*AC*PO-1*20260210\nPO1*1*2*UN*5*PE*BP*SKU-1\nACK*QQ*2"), acme)
    assert result.documents == []
    (error,) = result.errors
    assert (error.segment_id, error.segment_position, error.element_position) == ("ACK", 4, 1)
    assert error.message == "ACK at segment 4: ACK01 'QQ' is not a line status Crossdock reads"
