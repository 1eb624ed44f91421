"""Crossdock's own checks (what pyx12 cannot do): duplicate interchanges, HL hierarchy, CTT totals."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.edi.partners import PartnerProfile
from crossdock.edi.pipeline import acknowledge, validate
from crossdock.edi.translate import SequentialControlNumbers
from crossdock.runtime.state import StateStore
from pipeline_support import (
    ack_groups,
    functional_group,
    interchange,
    purchase_order_850,
    ship_notice_856,
    ta1_segments,
    transaction_set,
)

VALID_SAMPLE = "nodex12_855_4010.edi"


async def test_duplicate_isa13_from_same_partner_is_reported_on_second_file(
    edi_samples_dir: Path, store: StateStore
) -> None:
    data = (edi_samples_dir / VALID_SAMPLE).read_bytes()

    first = await validate(data, store=store)
    assert first.valid and not any(issue.code == "025" for issue in first.issues)

    second = await validate(data, store=store)
    (ic,) = second.interchanges
    (duplicate,) = [issue for issue in second.errors if issue.code == "025"]
    assert duplicate.level == "interchange" and duplicate.segment_id == "ISA" and duplicate.element_position == 13
    assert "ISA13 000000005 from ZZ/1556150 was already received" in duplicate.message
    assert ic.verdict == "rejected" and (ic.ta1_code, ic.ta1_note) == ("R", "025")
    assert [group.verdict for group in ic.groups] == ["rejected"]  # its documents are not processed twice
    assert not second.valid

    ack = await acknowledge(second, control_numbers=SequentialControlNumbers())
    assert ta1_segments(ack) == [["000000005", "201015", "1534", "R", "025"]]
    assert [answer.ak9[0] for answer in ack_groups(ack)] == ["R"]

    # The same ISA13 from another sender is not a duplicate; without a store nothing is checked or recorded.
    other_sender = data.replace(b"ZZ*1556150       ", b"ZZ*9998887       ")
    assert (await validate(other_sender, store=store)).valid
    assert (await validate(data)).valid
    assert (await validate(data)).valid


async def test_a_rejected_interchange_is_not_remembered_so_its_resend_is_not_a_duplicate(store: StateStore) -> None:
    broken = interchange(functional_group("PO", "1", purchase_order_850()), isa13="000000777", iea02="000000778")
    fixed = interchange(functional_group("PO", "1", purchase_order_850()), isa13="000000777")
    assert (await validate(broken.encode(), store=store)).interchanges[0].verdict == "rejected"
    resent = await validate(fixed.encode(), store=store)
    assert resent.interchanges[0].verdict == "accepted"
    assert not any(issue.code == "025" for issue in resent.issues)


def _hl_issues(report) -> list[tuple[int | None, int | None, str]]:  # type: ignore[no-untyped-def]
    return [
        (issue.segment_position, issue.element_position, issue.message)
        for issue in report.errors
        if issue.segment_id == "HL" and issue.code == "8"
    ]


@pytest.mark.parametrize(
    ("structure", "levels"),
    [
        ("0001", [("1", "", "S"), ("2", "1", "O"), ("3", "2", "P"), ("4", "3", "I"), ("5", "2", "P"), ("6", "5", "I")]),
        ("0001", [("1", "", "S"), ("2", "1", "O"), ("3", "2", "T"), ("4", "3", "P"), ("5", "4", "I")]),
        ("0002", [("1", "", "S"), ("2", "1", "O"), ("3", "2", "I"), ("4", "3", "P"), ("5", "2", "I")]),
        ("0004", [("1", "", "S"), ("2", "1", "O"), ("3", "2", "I"), ("4", "2", "I"), ("5", "1", "O"), ("6", "5", "I")]),
    ],
)
async def test_hl_levels_in_their_bsn05_order_are_accepted(acme: PartnerProfile, structure: str, levels: list) -> None:  # type: ignore[type-arg]
    data = interchange(functional_group("SH", "7", ship_notice_856(structure, levels), version="004010VICS"))
    report = await validate(data.encode(), partner=acme)
    assert report.valid, [str(issue) for issue in report.issues]
    assert [s.verdict for s in report.sets()] == ["accepted"]


async def test_hl_order_violations_for_bsn05_structures(acme: PartnerProfile) -> None:
    cases = {
        # 0001 is S-O-P-I: an item straight under its order skips the pack level.
        "0001": ([("1", "", "S"), ("2", "1", "O"), ("3", "2", "I")], [(9, 3, "the item level (I) belongs under pack (P), but its parent HL 2 is order (O)")]),
        # 0002 is S-O-I-P: a pack under the order is upside down.
        "0002": ([("1", "", "S"), ("2", "1", "O"), ("3", "2", "P"), ("4", "3", "I")], [
            (9, 3, "the pack level (P) belongs under item (I), but its parent HL 2 is order (O)"),
            (11, 3, "the item level (I) belongs under order (O) or tare (T), but its parent HL 3 is pack (P)"),
        ]),
        # 0004 is S-O-I: no pack level at all, and the shipment comes first.
        "0004": ([("1", "", "O"), ("2", "1", "I"), ("3", "2", "P")], [
            (4, 3, "the first level of structure 0004 (S-O-I) is the shipment (S), not order (O)"),
            (9, 3, "HL03 'P' is not a level of structure 0004 (S-O-I)"),
        ]),
    }  # fmt: skip
    for structure, (levels, expected) in cases.items():
        data = interchange(functional_group("SH", "7", ship_notice_856(structure, levels), version="004010VICS"))
        report = await validate(data.encode(), partner=acme)
        found = _hl_issues(report)
        assert [(position, element) for position, element, _ in found] == [(p, e) for p, e, _ in expected], (structure, found)
        for (_, _, message), (_, _, words) in zip(found, expected, strict=True):
            assert words in message, (structure, message)
        assert [s.verdict for s in report.sets()] == ["rejected"]
        (answer,) = ack_groups(await acknowledge(report, control_numbers=SequentialControlNumbers()))
        assert answer.set_codes == {"0001": ["R", "5"]}
        assert [located[:2] + located[3:] for located in answer.located] == [["HL", str(p), "8"] for p, _, _ in expected]


async def test_hl_numbering_and_parents_are_checked_in_any_set_with_hl_loops(acme: PartnerProfile) -> None:
    levels = [("1", "", "S"), ("2", "1", "O"), ("4", "2", "P"), ("5", "9", "I")]
    data = interchange(functional_group("SH", "7", ship_notice_856("0001", levels), version="004010VICS"))
    report = await validate(data.encode(), partner=acme)
    found = _hl_issues(report)
    assert [(position, element) for position, element, _ in found] == [(9, 1), (11, 2)]
    assert "HL01 is 4, HL 3 was expected" in found[0][2]
    assert "HL02 names parent '9', which is not an HL that came before this one" in found[1][2]
    # pyx12 reports the same numbering with codes no acknowledgment can carry; Crossdock's check replaces them.
    assert not any(issue.code in ("HL1", "HL2") for issue in report.issues)


async def test_ctt_totals_mismatch(acme: PartnerProfile) -> None:
    po_group = functional_group("PO", "8", purchase_order_850("0001", lines=2), purchase_order_850("0002", lines=2, ctt="3"))
    levels = [("1", "", "S"), ("2", "1", "O"), ("3", "2", "P"), ("4", "3", "I")]
    sh_group = functional_group(
        "SH", "9",
        ship_notice_856("0001", levels, st02="0003", ctt="4*6"),  # SN102 adds up to 5
        ship_notice_856("0001", levels, st02="0004", ctt="5*5"),  # four HL levels
        version="004010VICS",
    )  # fmt: skip
    invoice = transaction_set(
        "810", "0005",
        "BIG*20240102*INV-1**PO-1001", "N1*ST*JANE DOE*92*STORE1", "IT1*1*2*EA*9.5**BP*SKU-1", "TDS*1900", "CTT*2",
    )  # fmt: skip
    report = await validate(interchange(po_group, sh_group, functional_group("IN", "10", invoice)).encode(), partner=acme)

    totals = [
        (issue.st02, issue.segment_id, issue.segment_position, issue.element_position, issue.message)
        for issue in report.errors
        if issue.segment_id == "CTT"
    ]
    assert [t[:4] for t in totals] == [
        ("0002", "CTT", 8, 1),
        ("0003", "CTT", 14, 2),
        ("0004", "CTT", 14, 1),
        ("0005", "CTT", 6, 1),
    ]
    assert "CTT01 says 3 PO1 lines, the set has 2" in totals[0][4]
    assert "CTT02 hash total is 6, the SN102 quantities of the set add up to 5" in totals[1][4]
    assert "CTT01 says 5 HL levels, the set has 4" in totals[2][4]
    assert "CTT01 says 2 IT1 lines, the set has 1" in totals[3][4]
    # One finding per wrong total: the translator's own warning about it is not repeated.
    assert not any(issue.code == "count-mismatch" for issue in report.issues)
    assert {s.control_number: s.verdict for s in report.sets()} == {
        "0001": "accepted", "0002": "rejected", "0003": "rejected", "0004": "rejected", "0005": "rejected",
    }  # fmt: skip
    answers = ack_groups(await acknowledge(report, partner=acme, control_numbers=SequentialControlNumbers()))
    assert [a.ak9[0] for a in answers] == ["P", "R", "R"]
    assert answers[0].located == [["CTT", "8", "", "8"]]


async def test_846_counts_lin_items(acme: PartnerProfile) -> None:
    inventory = transaction_set(
        "846", "0001", "BIA*00*SI*REF-1*20240102", "N1*WH*ACME DALLAS*92*DC01",
        "LIN**BP*SKU-1", "QTY*33*5*EA", "LIN**BP*SKU-2", "QTY*33*7*EA", "CTT*3",
    )  # fmt: skip
    report = await validate(interchange(functional_group("IB", "3", inventory, version="004010VICS")).encode(), partner=acme)
    (total,) = [issue for issue in report.errors if issue.segment_id == "CTT"]
    assert "CTT01 says 3 LIN items, the set has 2" in total.message
