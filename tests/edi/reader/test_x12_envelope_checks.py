"""Envelope promises (counts, control numbers, versions, pairings) are checked and reported as X12 codes."""

from __future__ import annotations

import pytest
from x12_reader_helpers import PURCHASE_ORDER, isa, segments, x12

from crossdock.edi import X12ReadError, build_ta1, read_interchanges


def _found(data: bytes) -> set[tuple[str, str, str | None]]:
    return {
        (issue.level, issue.code, issue.segment_id)
        for interchange in read_interchanges(data)
        for issue in interchange.all_issues()
        if issue.is_error
    }


def test_a_correct_interchange_has_no_findings() -> None:
    [interchange] = read_interchanges(x12())

    assert interchange.all_issues() == []
    assert interchange.isa_width == 106
    assert (interchange.sender_id, interchange.receiver_id, interchange.version) == ("SENDER", "RECEIVER", "00401")


def test_envelope_count_mismatches_are_issues() -> None:
    data = x12().replace(b"SE*5*0001", b"SE*6*0001").replace(b"GE*1*1", b"GE*2*1").replace(b"IEA*1*", b"IEA*3*")

    [interchange] = read_interchanges(data)

    assert _found(data) == {("set", "4", "SE"), ("group", "5", "GE"), ("interchange", "021", "IEA")}
    se_issue = interchange.groups[0].transaction_sets[0].issues[0]
    assert (se_issue.element_position, se_issue.bad_value, se_issue.segment_position) == (1, "6", 5)
    assert "SE01 says '6' segments, the set has 5" in se_issue.message


def test_control_number_mismatches_are_issues() -> None:
    data = x12().replace(b"SE*5*0001", b"SE*5*0002").replace(b"GE*1*1", b"GE*1*9").replace(b"IEA*1*000000001", b"IEA*1*000000002")

    assert _found(data) == {("set", "3", "SE"), ("group", "4", "GE"), ("interchange", "001", "IEA")}


def test_gs01_st01_mismatch() -> None:
    in_4010 = x12(segments([("IN", "004010", [("850", PURCHASE_ORDER)])]))
    in_5010 = x12(segments([("SH", "005010", [("850", PURCHASE_ORDER)])], version="00501", repetition="^"))
    matching = x12(
        segments(
            [
                ("PO", "004010", [("850", PURCHASE_ORDER)]),
                ("PR", "004010", [("855", ["BAK*00*AC*PO-1*20240102"])]),
                ("SH", "004010", [("856", ["BSN*00*S1*20240102*1200"])]),
                ("IB", "004010", [("846", ["BIA*00*SI*INV1*20240102"])]),
                ("IN", "004010", [("810", ["BIG*20240102*INV1"])]),
                ("FA", "004010", [("997", ["AK1*PO*1", "AK9*A*1*1*1"])]),
                ("FA", "005010", [("999", ["AK1*PO*1*005010", "AK9*A*1*1*1"])]),
            ]
        )
    )

    assert _found(in_4010) == {("set", "6", "ST")}
    assert _found(in_5010) == {("set", "18", "ST")}
    assert _found(matching) == set()
    [issue] = read_interchanges(in_4010)[0].all_issues()
    assert "a 850 transaction set cannot be in a GS01 'IN' functional group; a 850 belongs in a PO group" in issue.message


def test_duplicate_control_numbers_in_file() -> None:
    two_sets = [("PO", "004010", [("850", PURCHASE_ORDER), ("850", PURCHASE_ORDER)])]
    same_st02 = x12(segments(two_sets)).replace(b"ST*850*0002", b"ST*850*0001").replace(b"SE*5*0002", b"SE*5*0001")
    two_groups = segments([("PO", "004010", [("850", PURCHASE_ORDER)])] * 2)
    same_gs06 = x12(two_groups).replace(b"*2*X*004010", b"*1*X*004010").replace(b"GE*1*2", b"GE*1*1")
    same_isa13 = x12(segments(control=7), segments(control=7))

    assert _found(same_st02) == {("set", "23", "ST")}
    assert _found(same_gs06) == {("group", "6", "GS")}
    assert _found(same_isa13) == {("interchange", "025", "ISA")}
    second = read_interchanges(same_isa13)[1]
    assert [issue.code for issue in second.issues] == ["025"] and second.ordinal == 2


def test_truncated_file_is_a_clean_error() -> None:
    data = x12()
    cut_in_set = data[: data.index(b"CTT")]

    [interchange] = read_interchanges(cut_in_set)

    assert not interchange.complete
    assert _found(cut_in_set) == {("set", "2", None), ("group", "3", None), ("interchange", "023", None)}
    assert "has no IEA: the input ended (truncated file?)" in str(interchange.issues[-1])
    assert "ISA13=000000001" in str(interchange.issues[-1])
    with pytest.raises(X12ReadError, match=r"ends inside the ISA segment \(at line 1, byte 0\)"):
        read_interchanges(data[:90])


def test_interchange_cut_short_by_the_next_isa_is_reported_and_the_next_one_read() -> None:
    first = segments(control=1)[:-3]  # no SE, GE, IEA
    data = x12(first, segments(control=2, element="|"))

    interchanges = read_interchanges(data)

    assert [(ic.control_number, ic.complete) for ic in interchanges] == [("000000001", False), ("000000002", True)]
    assert {(issue.level, issue.code) for issue in interchanges[0].all_issues()} == {
        ("set", "2"),
        ("group", "3"),
        ("interchange", "023"),
    }
    assert interchanges[1].all_issues() == []


def test_isa_that_is_not_fixed_width_is_read_and_reported() -> None:
    short_isa = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240102*1200*U*00401*000000001*0*P*>"
    data = x12([short_isa, *segments()[1:]])

    [interchange] = read_interchanges(data)

    assert (interchange.sender_id, interchange.receiver_id, interchange.control_number) == ("SENDER", "RECEIVER", "000000001")
    [issue] = interchange.all_issues()
    assert (issue.level, issue.code, issue.severity) == ("interchange", "022", "warning")
    assert "not the fixed 106" in issue.message


def test_unknown_isa12_is_reported() -> None:
    assert _found(x12(segments(version="00999"))) == {("interchange", "017", "ISA")}
    assert _found(x12(segments(version="00406", repetition="^"))) == set()


def test_separator_collisions() -> None:
    component_is_element = x12(segments(component="*"))
    assert _found(component_is_element) == {("interchange", "027", "ISA")}

    terminator_is_a_letter = isa() + "G" + "S*PO*A*B*20240102*1200*1*X*004010~"
    with pytest.raises(X12ReadError, match="cannot be a terminator") as caught:
        read_interchanges(terminator_is_a_letter.encode())
    assert caught.value.note_code == "004"
    assert caught.value.interchange is not None and caught.value.interchange.control_number == "000000001"

    ta1 = build_ta1(caught.value.interchange, caught.value.note_code, isa13=9)
    assert str(ta1[1]) == "TA1*000000001*240102*1200*R*004"

    with pytest.raises(X12ReadError, match="cannot be an element separator"):
        read_interchanges(b"ISAX00X          X00")


def test_segment_outside_a_set_is_reported() -> None:
    data = x12(segments()).replace(b"ST*850", b"REF*ZZ*STRAY~ST*850", 1)

    [interchange] = read_interchanges(data)

    [issue] = interchange.all_issues()
    assert (issue.level, issue.code, issue.segment_id) == ("interchange", "024", "REF")
    assert [segment.id for segment in interchange.loose_segments] == ["REF"]


def test_ta1_inside_an_interchange_is_accepted_where_it_belongs() -> None:
    data = x12(segments()).replace(b"GS*PO", b"TA1*000000123*240101*1200*A*000~GS*PO", 1)

    [interchange] = read_interchanges(data)

    assert interchange.all_issues() == []
    assert [segment.id for segment in interchange.loose_segments] == ["TA1"]


def test_unrecognised_segment_id_is_a_segment_issue() -> None:
    data = x12(segments([("PO", "004010", [("850", ["BEG*00*SA*PO-1**20240102", "po1*1*2*EA", "CTT*1"])])]))

    [interchange] = read_interchanges(data)

    [issue] = interchange.all_issues()
    assert (issue.level, issue.code, issue.segment_id, issue.segment_position) == ("segment", "1", "po1", 3)


def test_issue_text_names_control_numbers_segment_and_element() -> None:
    data = x12(line_break="\n").replace(b"SE*5*0001", b"SE*5*0009")

    [issue] = read_interchanges(data)[0].all_issues()

    assert str(issue) == (
        "set error 3 [ISA13=000000001, GS06=1, ST02=0001, segment SE at position 5 in the set "
        f"(line 7, byte {data.index(b'SE*5')}), element SE02]: SE02 '0009' does not match ST02 '0001'"
    )
