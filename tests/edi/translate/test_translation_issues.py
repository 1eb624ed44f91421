"""Bad partner data gives issues that name the segment, its position and the element: never a traceback."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock.edi.partners import PartnerProfile
from translate_support import only_result, x12

PO = "BEG*00*SA*P-1**20260214\nCUR*BY*USD\nN1*ST*Someone\nN4*Dallas*TX*75001*US\nPO1*1*5*EA*9.99*PE*SK*SKU-1\nCTT*1"
ACK = "BAK*00*AC*P-1*20260214\nPO1*1*5*EA*9.99*PE*SK*SKU-1\nACK*IA*5"
ASN = "BSN*00*A-1*20260214*1200*0004\nHL*1**S\nDTM*011*20260214\nHL*2*1*O\nPRF*P-1\nHL*3*2*I\nLIN*1*SK*SKU-1\nSN1*1*5*EA"
STOCK = "BIA*00*SI*R-1*20260214\nN1*WH**92*DC01\nLIN**SK*SKU-1\nQTY*33*5"
INVOICE = "BIG*20260214*I-1**P-1\nIT1*1*5*EA*2*PE*SK*SKU-1\nTDS*1000"
FA = "AK1*PO*17\nAK2*850*0001\nAK5*A\nAK9*A*1*1*1"

CASES = [
    # (set, body, bad segment text, replacement, segment id, position in set, element, message start)
    ("850", PO, "PO1*1*5*", "PO1*1*abc*", "PO1", 6, 2, "PO1 at segment 6: PO102 'abc' is not a quantity"),
    ("850", PO, "PO1*1*5*", "PO1*1*1.5*", "PO1", 6, 2, "PO1 at segment 6: PO102 '1.5' is not a whole number of units"),
    ("850", PO, "*9.99*", "*9,99*", "PO1", 6, 4, "PO1 at segment 6: PO104 '9,99' is not a unit price"),
    ("850", PO, "**20260214", "**20261399", "BEG", 2, 5, "BEG at segment 2: BEG05 '20261399' is not a date (CCYYMMDD)"),
    ("850", PO, "CUR*BY*USD", "CUR*BY*XYZ", "CUR", 3, 2, "CUR at segment 3: CUR02 'XYZ' is not an ISO 4217 currency"),
    ("850", PO, "75001*US", "75001*ZZZ", "N4", 5, 4, "N4 at segment 5: N404 'ZZZ' is not an ISO country code"),
    ("855", ACK, "ACK*IA*5", "ACK*IA*-1", "ACK", 4, 2, "ACK at segment 4: ACK02 '-1' is not a positive quantity"),
    ("856", ASN, "SN1*1*5*EA", "SN1*1*five*EA", "SN1", 9, 2, "SN1 at segment 9: SN102 'five' is not a quantity"),
    ("856", ASN, "DTM*011*20260214", "DTM*011*2026-02-14", "DTM", 4, 2, "DTM at segment 4: DTM02 '2026-02-14' is not a date"),
    ("846", STOCK, "QTY*33*5", "QTY*33*lots", "QTY", 5, 2, "QTY at segment 5: QTY02 'lots' is not a quantity"),
    ("810", INVOICE, "IT1*1*5*", "IT1*1**", "IT1", 3, 2, "IT1 at segment 3: IT102 (quantity invoiced) is empty"),
    ("997", FA, "AK9*A*", "AK9*Z*", "AK9", 5, 1, "AK9 at segment 5: AK901 'Z' is not a group acknowledgment code"),
]


@pytest.mark.parametrize(
    ("set_id", "body", "good", "bad", "segment_id", "position", "element", "message"),
    CASES,
    ids=[f"{case[0]}-{case[4]}{case[6]:02d}-{case[3]}" for case in CASES],
)
def test_bad_values_give_issues_naming_segment_and_element(
    partners: dict[str, PartnerProfile],
    set_id: str,
    body: str,
    good: str,
    bad: str,
    segment_id: str,
    position: int,
    element: int,
    message: str,
) -> None:
    partner = PartnerProfile.anonymous("ZZ", "PARTNER").model_copy(update={"codes": partners["acme-dropship"].codes})
    assert good in body
    clean = only_result(x12(set_id, body), partner)
    assert clean.ok and clean.documents, [str(i) for i in clean.issues]
    result = only_result(x12(set_id, body.replace(good, bad, 1)), partner)
    assert result.documents == []
    (error,) = result.errors
    assert (error.segment_id, error.segment_position, error.element_position) == (segment_id, position, element)
    assert error.message.startswith(message)
    assert (error.isa13, error.gs06, error.st02, error.st01) == ("000000001", "1", "0001", set_id)
    assert error.bad_value is not None and error.bad_value in bad
    assert not error.in_ack, "translation problems are not X12 syntax errors and never go into a 997"
    assert f"element {segment_id}{element:02d}" in str(error)


def test_a_set_without_its_beginning_segment_is_an_issue_not_an_exception() -> None:
    result = only_result(x12("850", "REF*DP*038"))
    assert result.documents == []
    assert [(e.code, e.message) for e in result.errors] == [("missing-segment", "no BEG segment (an 850 starts with BEG)")]


def test_a_set_crossdock_does_not_translate_is_reported() -> None:
    result = only_result(x12("940", "W05*N*123", gs01="OW"))
    assert [e.code for e in result.errors] == ["not-translated"]


def test_one_bad_line_withholds_the_whole_purchase_order() -> None:
    body = PO.replace("CTT*1", "PO1*2*x*EA*1*PE*SK*SKU-2\nCTT*2")
    result = only_result(x12("850", body))
    assert result.documents == []  # a partial PO would order less than the partner asked for
    assert [e.segment_position for e in result.errors] == [7]


BODIES = {"850": PO, "855": ACK, "856": ASN, "846": STOCK, "810": INVOICE, "997": FA}
_JUNK = st.text("0123456789-.+ EAZ:/", max_size=12) | st.sampled_from(["", "99999999999999", "00000000", "20261340", "-1", "1E5"])


@settings(max_examples=int(os.environ.get("CROSSDOCK_GARBLE_EXAMPLES", "150")), deadline=None)
@given(data=st.data())
def test_any_garbled_element_gives_issues_never_an_exception(data: st.DataObject) -> None:
    set_id = data.draw(st.sampled_from(sorted(BODIES)))
    segments = [line.split("*") for line in BODIES[set_id].splitlines()]
    for _ in range(data.draw(st.integers(1, 4))):
        segment = data.draw(st.sampled_from(segments))
        index = data.draw(st.integers(1, max(len(segment) - 1, 1)))
        while len(segment) <= index:
            segment.append("")
        segment[index] = data.draw(_JUNK)
    body = "\n".join("*".join(segment).rstrip("*") for segment in segments)
    result = only_result(x12(set_id, body))
    assert not [issue for issue in result.issues if issue.code == "internal-error"], [str(i) for i in result.issues]
    assert all(issue.segment_id is not None or issue.level == "set" for issue in result.issues)
    if result.documents:
        assert not result.errors or set_id in ("846", "856")  # only those withhold item by item
