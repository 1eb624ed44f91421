"""Acknowledgments: one 997/999 per inbound group, TA1 per interchange, built from issues whoever found them."""

from __future__ import annotations

from pathlib import Path

import pytest
from x12_ack_helpers import WHEN, inbound, read_one, sample_params, texts

from crossdock.edi import (
    Separators,
    X12Issue,
    build_997,
    build_999,
    build_functional_ack,
    build_ta1,
    judge_group,
    read_interchanges,
    render_segments,
)


def _body(ack: list) -> list[str]:
    """The ack's transaction set, from ST to SE."""
    lines = texts(ack)
    start = next(i for i, line in enumerate(lines) if line.startswith("ST"))
    end = next(i for i, line in enumerate(lines) if line.startswith("SE"))
    return lines[start : end + 1]


def _pyx12_issues(group_id: str = "77") -> list[X12Issue]:
    """Findings as the pyx12 validation would hand them over: an element and a segment problem."""
    return [
        X12Issue(
            level="element",
            code="7",
            message="(XX) is not a valid code for Unit or Basis for Measurement Code (PO103)",
            isa13="000004321",
            gs06=group_id,
            st02="0001",
            segment_id="PO1",
            segment_position=3,
            element_position=3,
            data_element="355",
            bad_value="XX",
        ),
        X12Issue(
            level="segment",
            code="3",
            message="Mandatory segment CTT missing",
            gs06=group_id,
            st02="0001",
            segment_id="CTT",
            segment_position=4,
            loop_id="CTT",
        ),
    ]


def test_997_accepts_clean_group() -> None:
    interchange = read_one(inbound(sets=2))

    ack = build_997(interchange, interchange.groups[0], isa13=1001, gs06=55, st02=9, when=WHEN)

    assert texts(ack) == [
        "ISA*00*          *00*          *12*CROSSDOCK      *ZZ*PARTNER        *240304*0506*U*00401*000001001*0*P*>",
        "GS*FA*CROSSDOCKAPP*PARTNERAPP*20240304*0506*55*X*004010",
        "ST*997*0009",
        "AK1*PO*77",
        "AK2*850*0001",
        "AK5*A",
        "AK2*850*0002",
        "AK5*A",
        "AK9*A*2*2*2",
        "SE*8*0009",
        "GE*1*55",
        "IEA*1*000001001",
    ]
    assert read_one(render_segments(ack).encode()).all_issues() == []


def test_997_rejects_group_with_errors_and_names_segment() -> None:
    data = inbound().replace(b"SE*5*0001", b"SE*4*0001")
    interchange = read_one(data)

    ack = build_997(interchange, interchange.groups[0], _pyx12_issues(), isa13=1002, gs06=56, when=WHEN)

    assert _body(ack) == [
        "ST*997*0001",
        "AK1*PO*77",
        "AK2*850*0001",
        "AK3*PO1*3**8",
        "AK4*3*355*7*XX",
        "AK3*CTT*4*CTT*3",
        "AK5*R*4*5",
        "AK9*R*1*1*0",
        "SE*9*0001",
    ]


def test_partially_accepted_group() -> None:
    interchange = read_one(inbound(sets=3).replace(b"SE*5*0002", b"SE*5*0999"))

    verdict = judge_group(interchange.groups[0])
    ack = build_997(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)

    assert [(item.control_number, item.code, item.set_codes) for item in verdict.sets] == [
        ("0001", "A", ()),
        ("0002", "R", ("3",)),
        ("0003", "A", ()),
    ]
    assert "AK5*R*3" in _body(ack) and "AK9*P*3*3*2" in _body(ack)


def test_group_level_error_rejects_the_whole_group() -> None:
    interchange = read_one(inbound(sets=2).replace(b"GE*2*77", b"GE*3*77"))

    ack = build_997(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)

    assert _body(ack)[-2] == "AK9*R*3*2*0*5"
    assert _body(ack).count("AK5*A") == 2  # the sets themselves were fine


def test_999_for_5010() -> None:
    interchange = read_one(inbound(version="00501", gs08="005010"))
    issues = _pyx12_issues()
    issues[0] = X12Issue(
        level="element",
        code="7",
        message="bad unit",
        gs06="77",
        st02="0001",
        segment_id="PO1",
        segment_position=3,
        element_position=3,
        component_position=None,
        repetition_position=2,
        data_element="355",
        bad_value="XX",
        context=("PO", "PO-1"),
    )

    ack = build_999(interchange, interchange.groups[0], issues, isa13=2001, gs06=3, when=WHEN)

    lines = texts(ack)
    assert lines[0][84:89] == "00501" and lines[0][82] == "^"
    assert lines[1] == "GS*FA*CROSSDOCKAPP*PARTNERAPP*20240304*0506*3*X*005010X231A1"
    assert _body(ack) == [
        "ST*999*0001*005010X231A1",
        "AK1*PO*77*005010",
        "AK2*850*0001",
        "IK3*PO1*3**8",
        "CTX*PO>PO-1",
        "IK4*3>>2*355*7*XX",
        "IK3*CTT*4*CTT*3",
        "IK5*R*5",
        "AK9*R*1*1*0",
        "SE*10*0001",
    ]
    assert build_functional_ack(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)[2].id == "ST"
    assert str(build_functional_ack(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)[2]) == (
        "ST*999*0001*005010X231A1"
    )


def test_997_for_a_5010_group_carries_the_5010_elements() -> None:
    interchange = read_one(inbound(version="00501", gs08="005010"))

    ack = build_997(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)

    assert _body(ack)[:2] == ["ST*997*0001", "AK1*PO*77*005010"]
    assert texts(ack)[1].endswith("*X*005010")


def test_ta1_when_requested() -> None:
    requested = read_one(inbound(ack_requested=True))
    broken = read_one(inbound(ack_requested=True).replace(b"IEA*1*000004321", b"IEA*1*000004322"))

    accepted = build_ta1(requested, isa13=3001, when=WHEN)
    rejected = build_ta1(broken, isa13=3002, when=WHEN)

    assert requested.ack_requested
    assert texts(accepted) == [
        "ISA*00*          *00*          *12*CROSSDOCK      *ZZ*PARTNER        *240304*0506*U*00401*000003001*0*P*>",
        "TA1*000004321*240102*1200*A*000",
        "IEA*0*000003001",
    ]
    assert texts(rejected)[1] == "TA1*000004321*240102*1200*R*001"
    assert read_one(render_segments(accepted).encode()).all_issues() == []
    assert texts(build_ta1(requested, "024", isa13=1, when=WHEN))[1].endswith("*R*024")


def test_ta1_decision_follows_interchange_findings() -> None:
    padded_wrong = read_one(inbound().replace(b"*ZZ*PARTNER        *", b"*ZZ*PARTNER*", 1))
    unreadable_for_pyx12 = read_one(inbound())
    unreadable_for_pyx12.issues.append(X12Issue(level="interchange", code="unreadable", message="pyx12 stopped"))

    assert texts(build_ta1(padded_wrong, isa13=1, when=WHEN))[1].endswith("*E*022")
    assert texts(build_ta1(unreadable_for_pyx12, isa13=1, when=WHEN))[1].endswith("*R*022")


def test_ack_uses_partner_separators() -> None:
    partner = Separators(element="|", component="\\", segment="\n", repetition="}")
    interchange = read_one(inbound(version="00403", gs08="004030", separators=partner))

    rendered = render_segments(build_997(interchange, interchange.groups[0], isa13=7, gs06=7, when=WHEN))

    assert rendered.startswith("ISA|00|          |00|          |12|CROSSDOCK      |ZZ|PARTNER        |240304|0506|}|00403|")
    assert rendered[105] == "\n" and rendered[104] == "\\"
    assert "\nAK1|PO|77\n" in rendered and "*" not in rendered and "~" not in rendered
    assert read_one(rendered.encode()).separators == partner


def test_nonprintable_partner_separators_are_kept_in_the_ack() -> None:
    partner = Separators(element="\x1d", component="\x1f", segment="\x1c", repetition=None)
    interchange = read_one(inbound(separators=partner))

    rendered = render_segments(build_997(interchange, interchange.groups[0], isa13=7, gs06=7, when=WHEN))

    assert "AK1\x1dPO\x1d77\x1c" in rendered


def test_ack_gs08_is_the_acks_own_version_never_isa12() -> None:
    cases = [
        ("00400", "004010VICS", "004010VICS"),
        ("00401", "004010", "004010"),
        ("00406", "004060", "004060"),
        ("00501", "005010", "005010"),
        ("00501", "005010X222A1", "005010"),
    ]
    for isa12, gs08, expected in cases:
        interchange = read_one(inbound(version=isa12, gs08=gs08))

        ack = build_997(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)

        assert texts(ack)[1].endswith(f"*X*{expected}"), gs08
        assert texts(ack)[0][84:89] == isa12  # the partner's control version, as sent


def test_acks_are_built_for_rejected_truncated_input() -> None:
    data = inbound()
    interchange = read_one(data[: data.index(b"CTT")])

    ack = build_997(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)
    ta1 = build_ta1(interchange, isa13=2, when=WHEN)

    assert _body(ack)[2:] == ["AK2*850*0001", "AK5*R*2", "AK9*R*1*1*0*3", "SE*6*0001"]
    assert texts(ta1)[1].endswith("*R*023")


def test_warnings_accept_with_errors_and_crossdock_notes_stay_out_of_acks() -> None:
    interchange = read_one(inbound().replace(b"PO1*", b"~PO1*"))  # an empty segment: a Crossdock note
    warning = X12Issue(level="segment", code="7", message="late", gs06="77", st02="0001", segment_id="PO1",
                       segment_position=3, severity="warning")

    quiet = build_997(interchange, interchange.groups[0], isa13=1, gs06=1, when=WHEN)
    noted = build_997(interchange, interchange.groups[0], [warning], isa13=1, gs06=1, when=WHEN)

    assert [issue.code for issue in interchange.all_issues()] == ["empty-segment"]
    assert _body(quiet)[3:5] == ["AK5*A", "AK9*A*1*1*1"]
    assert _body(noted)[3:6] == ["AK3*PO1*3**7", "AK5*E*5", "AK9*E*1*1*1"]


def test_issues_for_other_groups_are_not_mixed_in() -> None:
    interchange = read_one(inbound())

    ack = build_997(interchange, interchange.groups[0], _pyx12_issues(group_id="78"), isa13=1, gs06=1, when=WHEN)

    assert "AK5*A" in _body(ack)


@pytest.mark.parametrize("path", sample_params())
def test_every_sample_gets_a_functional_ack(path: Path) -> None:
    for number, interchange in enumerate(read_interchanges(path), start=1):
        for group in interchange.groups:
            ack = build_functional_ack(interchange, group, isa13=number, gs06=1, when=WHEN)

            [read_back] = read_interchanges(render_segments(ack).encode("latin-1"))
            assert read_back.all_issues() == []
            body = _body(ack)
            assert body[1].split(interchange.separators.element)[1:3] == [group.functional_id, group.control_number]
            assert sum(line.startswith("AK2") for line in body) == len(group.transaction_sets)
            assert (read_back.sender_id, read_back.receiver_id) == (interchange.receiver_id[:15], interchange.sender_id[:15])


def test_pyx12_accepts_our_997_and_999_with_errors_in_them() -> None:
    validation = pytest.importorskip("crossdock.edi.validation_pyx12")
    from crossdock.edi import normalise_for_pyx12

    for version, gs08, builder in (("00401", "004010", build_997), ("00501", "005010", build_999)):
        interchange = read_one(inbound(version=version, gs08=gs08).replace(b"SE*5*0001", b"SE*4*0001"))
        ack = builder(interchange, interchange.groups[0], _pyx12_issues(), isa13=1, gs06=1, when=WHEN)

        result = validation.validate_with_pyx12(normalise_for_pyx12(read_one(render_segments(ack).encode())))

        assert result.ok, (version, result.errors)
