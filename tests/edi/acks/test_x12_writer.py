"""Writing X12: fixed-width ISA, computed counts, caller's control numbers, and no separator ever inside a value."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime

import pytest
from x12_ack_helpers import PARTNER, inbound, purchase_order, read_one

from crossdock.edi import (
    STANDARD_SEPARATORS,
    OutboundGroup,
    OutboundInterchange,
    OutboundSet,
    Segment,
    Separators,
    X12WriteError,
    X12Writer,
    envelope,
    iter_interchange_segments,
    render_interchange,
)
from crossdock.edi.writer import format_isa13, format_st02


def _interchange(**changes: object) -> OutboundInterchange:
    base = dict(
        sender_qualifier="ZZ",
        sender_id="CROSSDOCK",
        receiver_qualifier="12",
        receiver_id="5551234567",
        control_number=42,
        created_at=datetime(2024, 3, 4, 5, 6),
        groups=[
            OutboundGroup("PO", "CROSSDOCK", "PARTNER", 9, "004010", [OutboundSet("850", 1, purchase_order())]),
        ],
    )
    base.update(changes)
    return OutboundInterchange(**base)  # type: ignore[arg-type]


def test_writer_refuses_separator_inside_value() -> None:
    writer = X12Writer(STANDARD_SEPARATORS)

    with pytest.raises(X12WriteError, match=r"N102 value 'ACME\*TOOLS' contains the separator '\*'"):
        writer.format_segment(Segment("N1", ["ST", "ACME*TOOLS"]))
    with pytest.raises(X12WriteError, match=r"MSG01 value 'see~below' contains the separator '~'"):
        writer.format_segment(Segment("MSG", ["see~below"]))
    with pytest.raises(X12WriteError, match=r"REF02 value 'A\^B'"):
        writer.format_segment(Segment("REF", ["ZZ", "A^B"]))
    with pytest.raises(X12WriteError, match=r"AK401-2 value '1:2'"):
        writer.format_segment(Segment("AK4", [("3", "1:2"), "", "7"]))
    with pytest.raises(X12WriteError, match="N102 value"):
        render_interchange(
            _interchange(groups=[OutboundGroup("PO", "A", "B", 1, "004010", [OutboundSet("850", 1, [Segment("N1", ["ST", "A*B"])])])]),
            STANDARD_SEPARATORS,
        )


def test_interchange_has_fixed_width_isa_computed_counts_and_the_callers_control_numbers() -> None:
    text = render_interchange(_interchange(), PARTNER, line_breaks=True)
    lines = text.splitlines()

    assert lines[0] == "ISA*00*          *00*          *ZZ*CROSSDOCK      *12*5551234567     *240304*0506*U*00401*000000042*0*P*>~"
    assert len(lines[0]) == 106
    assert lines[1] == "GS*PO*CROSSDOCK*PARTNER*20240304*0506*9*X*004010~"
    assert lines[2] == "ST*850*0001~"
    assert lines[-3:] == ["SE*5*0001~", "GE*1*9~", "IEA*1*000000042~"]
    assert lines[3] == "BEG*00*SA*PO-1**20240102~"  # inner empty element kept, trailing ones dropped


def test_written_interchanges_read_back_without_findings() -> None:
    for separators in (PARTNER, Separators("\x1d", "\x1f", "\x1c", "\x1e"), Separators("|", "\\", "\n", "^")):
        for version in ("00401", "00403", "00501"):
            interchange = read_one(render_interchange(_interchange(version=version), separators).encode("latin-1"))

            assert interchange.all_issues() == [], (separators, version)
            assert interchange.control_number == "000000042" and interchange.version == version
            assert interchange.separators.repetition == (separators.repetition if version != "00401" else None)


def test_repetition_separator_is_isa11_from_00402_and_u_before() -> None:
    assert render_interchange(_interchange(version="00403"), PARTNER)[82] == "^"
    assert render_interchange(_interchange(version="00401"), PARTNER)[82] == "U"
    with pytest.raises(X12WriteError, match="needs a repetition separator"):
        render_interchange(_interchange(version="00501"), Separators("*", ":", "~", None))


def test_writer_never_invents_or_bends_control_numbers() -> None:
    assert (format_isa13(7), format_isa13("000000007"), format_st02(7), format_st02("A1234")) == (
        "000000007",
        "000000007",
        "0007",
        "A1234",
    )
    for bad in (0, 1_000_000_000, "12a"):
        with pytest.raises(X12WriteError, match="ISA13"):
            format_isa13(bad)
    with pytest.raises(X12WriteError, match="GS06"):
        envelope(_interchange(groups=[OutboundGroup("PO", "A", "B", 0, "004010", [])]), PARTNER)
    with pytest.raises(X12WriteError, match="ST02"):
        format_st02("123")


def test_unusable_separators_and_misfit_envelope_fields_are_refused() -> None:
    with pytest.raises(X12WriteError, match="both"):
        X12Writer(Separators("*", "*", "~", None))
    with pytest.raises(X12WriteError, match="letter, digit or space"):
        X12Writer(Separators("*", ":", "A", None))
    with pytest.raises(X12WriteError, match="ISA06 'A-SENDER-ID-THAT-IS-TOO-LONG'"):
        envelope(_interchange(sender_id="A-SENDER-ID-THAT-IS-TOO-LONG"), PARTNER)
    with pytest.raises(X12WriteError, match="envelope segment SE"):
        envelope(
            _interchange(groups=[OutboundGroup("PO", "A", "B", 1, "004010", [OutboundSet("850", 1, [Segment("SE", ["1", "0001"])])])]),
            PARTNER,
        )


def test_a_huge_outbound_set_is_written_from_a_generator_one_segment_at_a_time() -> None:
    def stock_lines(count: int) -> Iterator[Segment]:
        yield Segment("BIA", ["00", "SI", "INV1", "20240304"])
        for number in range(count):
            yield Segment("LIN", ["", "SK", f"SKU{number:06d}"])
            yield Segment("QTY", ["33", str(number % 50), "EA"])

    outbound = _interchange(groups=[OutboundGroup("IB", "A", "B", 3, "004010", [OutboundSet("846", 12, stock_lines(5_000))])])
    out = io.StringIO()

    written = X12Writer(PARTNER).write(iter_interchange_segments(outbound, PARTNER), out)

    assert written == 10_001 + 6
    assert out.getvalue().endswith("SE*10003*0012~GE*1*3~IEA*1*000000042~")
    assert read_one(out.getvalue().encode()).all_issues() == []


def test_inbound_helper_documents_are_clean() -> None:
    assert read_one(inbound(sets=3)).all_issues() == []
