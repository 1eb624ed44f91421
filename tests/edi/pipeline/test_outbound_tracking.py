"""What partners owe us: groups sent await a 997/999, acks settle them, late ones raise an alert."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from crossdock.edi.partners import PartnerProfile
from crossdock.edi.pipeline import (
    ACK_ERROR_JOB,
    acknowledgements_in,
    awaiting_acks,
    match_inbound_ack,
    overdue,
    record_outbound,
    translate_file,
)
from crossdock.edi.translate import FunctionalAcknowledgement
from crossdock.runtime.state import StateStore
from pipeline_support import ACME_ISA, US_ISA, functional_group, interchange, transaction_set

SENT = datetime(2024, 1, 2, 10, 30, tzinfo=UTC)


async def _acme_997(acme: PartnerProfile, body: list[str], isa13: str = "000000501") -> list[FunctionalAcknowledgement]:
    """The 997 Acme sends back, as the pipeline reads it."""
    text = interchange(
        functional_group("FA", "77", transaction_set("997", "0001", *body), version="004010VICS"),
        isa13=isa13, sender=ACME_ISA, receiver=US_ISA,
    )  # fmt: skip
    report = await translate_file(text.encode(), partner=acme)
    assert report.valid, [str(issue) for issue in report.issues]
    return acknowledgements_in(report)


async def test_outbound_awaiting_ack_then_matched_then_overdue_alert(
    store: StateStore, acme: PartnerProfile, caplog: pytest.LogCaptureFixture
) -> None:
    await record_outbound(store, acme, 42, [(7, "850", [7, 8]), (9, "850", ["0009"])], SENT)

    awaited = await awaiting_acks(store, SENT + timedelta(hours=1))
    assert [(row.group_control, row.set_controls, late) for row, late in awaited] == [
        ("7", ["7", "8"], False), ("9", ["0009"], False),
    ]  # fmt: skip
    assert awaited[0][0].due_by == SENT + timedelta(hours=24)  # Acme's window
    assert awaited[0][0].interchange_control == "000000042"

    # Acme's 997 accepts group 7 (it echoes our numbers zero-padded, as partners do).
    (ack,) = await _acme_997(acme, ["AK1*PO*000000007", "AK2*850*0007", "AK5*A", "AK2*850*0008", "AK5*A", "AK9*A*2*2*2"])
    settled = await match_inbound_ack(store, ack)
    assert settled is not None and settled.status == "accepted" and settled.set_statuses == {"7": "A", "8": "A"}
    assert [row.group_control for row, _ in await awaiting_acks(store)] == ["9"]

    # Nothing is overdue within the window; past it, group 9 is, and it is alerted on once.
    assert await overdue(store, SENT + timedelta(hours=23)) == []
    with caplog.at_level(logging.WARNING, logger="crossdock.edi.acks"):
        late = await overdue(store, SENT + timedelta(hours=25))
    assert [row.group_control for row in late] == ["9"]
    assert any("has not acknowledged 850 group GS06 9" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    (error,) = await store.error_list(job=ACK_ERROR_JOB)
    assert (error.error_class, error.trace_key, error.system, error.entity) == (
        "AckOverdue", "acme-dropship:GS06 9", "edi:acme-dropship", "850",
    )  # fmt: skip
    assert "was due by 2024-01-03T10:30:00+00:00" in error.message

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="crossdock.edi.acks"):
        again = await overdue(store, SENT + timedelta(hours=30))
    assert [row.group_control for row in again] == ["9"] and not caplog.records  # still listed, not alerted twice
    (error,) = await store.error_list(job=ACK_ERROR_JOB)
    assert error.attempts == 1
    assert [(row.group_control, late) for row, late in await awaiting_acks(store, SENT + timedelta(hours=30))] == [("9", True)]

    # The late acknowledgment finally arrives: the group is settled and the alert resolved.
    (ack,) = await _acme_997(acme, ["AK1*PO*9", "AK9*A*1*1*1"], isa13="000000502")
    assert (await match_inbound_ack(store, ack)).set_statuses == {"0009": "A"}  # type: ignore[union-attr]
    assert await store.error_list(job=ACK_ERROR_JOB) == []
    assert await overdue(store, SENT + timedelta(days=3)) == []


async def test_a_rejecting_acknowledgment_is_parked_for_operators(store: StateStore, acme: PartnerProfile) -> None:
    await record_outbound(store, acme, 43, [(10, "850", ["0010", "0011"])], SENT)
    (ack,) = await _acme_997(
        acme, ["AK1*PO*10", "AK2*850*0010", "AK5*A", "AK2*850*0011", "AK3*PO1*4**8", "AK4*3*355*7*ZZ", "AK5*R*5", "AK9*P*2*2*1"]
    )
    settled = await match_inbound_ack(store, ack)
    assert settled is not None and settled.status == "partially_accepted"
    assert settled.set_statuses == {"0010": "A", "0011": "R"}
    (error,) = await store.error_list(job=ACK_ERROR_JOB)
    assert error.error_class == "AckRejected" and "rejected set(s) 0011 of 850 group GS06 10" in error.message
    assert error.payload["sets"][1]["segments"][0]["segment_id"] == "PO1"


async def test_an_acknowledgment_of_something_never_sent_changes_nothing(store: StateStore, acme: PartnerProfile) -> None:
    (ack,) = await _acme_997(acme, ["AK1*PO*999", "AK9*A*1*1*1"])
    assert await match_inbound_ack(store, ack) is None
    assert await store.edi_ack_list(status=None) == []


async def test_nothing_is_awaited_from_a_partner_that_does_not_acknowledge(store: StateStore, acme: PartnerProfile) -> None:
    silent = acme.model_copy(
        update={"acknowledgements": acme.acknowledgements.model_copy(update={"expect_acknowledgement": False})}
    )
    await record_outbound(store, silent, 44, [(11, "850", ["0012"])], SENT)
    assert await awaiting_acks(store) == []


async def test_recording_a_resend_again_changes_nothing(store: StateStore, acme: PartnerProfile) -> None:
    await record_outbound(store, acme, 45, [(12, "850", ["0013"])], SENT)
    (ack,) = await _acme_997(acme, ["AK1*PO*12", "AK9*A*1*1*1"])
    await match_inbound_ack(store, ack)
    await record_outbound(store, acme, 45, [(12, "850", ["0013"])], SENT + timedelta(hours=1))
    (row,) = await store.edi_ack_list(status=None)
    assert (row.status, row.sent_at) == ("accepted", SENT)
