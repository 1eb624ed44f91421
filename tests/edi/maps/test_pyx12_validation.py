"""pyx12 validates retail X12 with Crossdock's maps: real partner files and generated documents
pass clean, and every kind of breakage comes back as a located issue naming the segment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crossdock.edi.validation_pyx12 import Pyx12Issue, Pyx12Result, validate_with_pyx12
from pyx12_retail_documents import BODIES, document, implementation_acknowledgment, interchange, purchase_order

SAMPLES = Path(os.environ.get("CROSSDOCK_EDI_SAMPLES", Path(__file__).resolve().parents[3].parent / "shared" / "edi-samples"))


def _sample(name: str) -> str:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"outside EDI samples not available at {SAMPLES} (shared folder absent)")
    return path.read_text(encoding="latin-1")


def _pyx12_ready(text: str) -> str:
    """Test-only stand-in for the normalising reader: pyx12 reads only ISA12 00401/00501.

    An 00400/00406 envelope becomes 00401; from 00402 on, ISA11 is a repetition separator, which
    00401 requires to be ``U``.  Newline-terminated files need nothing: ISA's last character
    declares the segment terminator, newline included.
    """
    if text[84:89] in ("00401", "00501"):
        return text
    isa11 = text[82] if text[84:89] < "00402" else "U"
    return text[:82] + isa11 + text[83:84] + "00401" + text[89:]


def _where(result: Pyx12Result) -> list[tuple[str, str | None, int | None]]:
    return [(issue.kind, issue.segment_id, issue.element_position) for issue in result.errors]


def _describe(result: Pyx12Result) -> str:
    return "\n".join(f"{i.kind} {i.code} {i.segment_id} line {i.line}: {i.message}" for i in result.errors)


VALID_SAMPLES = [
    "nodex12_850_4010VICS_tilde.edi",  # ISA12 00400, GS08 004010VICS
    "nodex12_850_4010VICS_newline_term.edi",  # same, newline as segment terminator
    "nodex12_850_petco_4010_newline_term.edi",
    "nodex12_855_4010.edi",
    "nodex12_856_4060_SOI.edi",  # ISA12 00406, GS08 004060, BSN05 0002 S/O/I
    "staedi_810_4010.edi",  # two invoices in one group
    "staedi_997_5010.edi",  # 997 acknowledging a healthcare group (AK1*HC), GS08 005010X230
    "staedi_997_5010_multi_interchange.edi",
]


@pytest.mark.parametrize("name", VALID_SAMPLES)
def test_valid_samples_validate_clean(name: str) -> None:
    result = validate_with_pyx12(_pyx12_ready(_sample(name)))
    assert result.ok, _describe(result)
    assert result.errors == [] and result.aborted is None


def test_invalid_sample_reports_errors() -> None:
    result = validate_with_pyx12(_pyx12_ready(_sample("staedi_997_5010_INVALID.edi")))
    assert not result.ok
    by_element = {(i.segment_id, i.element_position): i for i in result.errors if i.kind == "ele"}
    ak101, ak402 = by_element[("AK1", 1)], by_element[("AK4", 2)]
    assert ak101.bad_value == "HC NOT IN CODESET" and ak101.data_element == "479"
    assert {i.code for i in result.errors if i.segment_id == "AK1"} == {"5", "7"}  # too long, bad code
    assert ak402.bad_value == "66 NON NUMERIC"
    assert ak101.isa13 == "508121953" and ak101.gs06 == "000005" and ak101.st02 == "0001"
    assert (ak101.line, ak101.segment_position) == (4, 2)


def test_group_without_a_map_stops_pyx12_and_names_the_group() -> None:
    result = validate_with_pyx12(_pyx12_ready(_sample("staedi_810_850_two_groups.edi")))  # second GS is 003010
    assert not result.ok and result.aborted is not None
    (issue,) = [i for i in result.errors if i.kind == "gs"]
    assert (issue.segment_id, issue.gs06, issue.line, issue.code) == ("GS", "165", 58, "2")


def test_group_whose_gs01_does_not_pair_with_its_transaction_set_is_refused() -> None:
    text = _pyx12_ready(_sample("stedi_850_5010_dropship.edi"))  # GS01 OW (warehouse order) around an 850
    result = validate_with_pyx12(text)
    assert not result.ok
    assert [(i.kind, i.segment_id, i.code) for i in result.errors] == [("gs", "GS", "1")]
    corrected = validate_with_pyx12(text.replace("GS*OW*", "GS*PO*", 1))
    assert corrected.ok, _describe(corrected)


VARIANTS = ("4010", "vics", "5010")


@pytest.mark.parametrize(
    ("transaction_set", "variant"),
    [(ts, v) for ts in BODIES for v in VARIANTS],
    ids=[f"{ts}_{v}" for ts in BODIES for v in VARIANTS],
)
def test_synthetic_validate(transaction_set: str, variant: str) -> None:
    result = validate_with_pyx12(document(transaction_set, variant))
    assert result.ok, _describe(result)


def test_synthetic_999_validates() -> None:
    result = validate_with_pyx12(interchange("5010", "999", [implementation_acknowledgment()]))
    assert result.ok, _describe(result)


ISA_QUALIFIERS = ["01", "08", "12", "14", "16", "ZZ", "02", "20", "27", "28", "29", "30", "33"]


@pytest.mark.parametrize("qualifier", ISA_QUALIFIERS)
def test_retail_envelope_qualifiers_accepted(qualifier: str) -> None:
    result = validate_with_pyx12(
        document("850", "4010", sender_qualifier=qualifier, receiver_qualifier=qualifier)
    )
    assert result.ok, _describe(result)


@pytest.mark.parametrize(
    ("variant", "fields"),
    [
        ("4010", {"auth_qualifier": "01"}),
        ("4010", {"auth_qualifier": "03"}),
        ("4010", {"responsible_agency": "T"}),
        ("5010", {"auth_qualifier": "03", "usage": "T"}),
    ],
    ids=["ISA01_01", "ISA01_03", "GS07_T", "5010_ISA01_03_test"],
)
def test_retail_envelope_options_accepted(variant: str, fields: dict[str, str]) -> None:
    result = validate_with_pyx12(document("856", variant, **fields))
    assert result.ok, _describe(result)


def test_unknown_interchange_qualifier_is_reported_at_isa() -> None:
    result = validate_with_pyx12(document("850", "4010", sender_qualifier="99"))
    assert not result.ok
    assert _where(result) == [("ele", "ISA", 5)]
    assert result.errors[0].bad_value == "99" and result.errors[0].line == 1


def _po(*, replace: dict[str, tuple[str, ...]] | None = None, drop: str | None = None) -> list[tuple[str, ...]]:
    body = [tuple(s) for s in purchase_order("4010") if s[0] != drop]
    replace = replace or {}
    return [replace.get(s[0], s) for s in body]


BROKEN = {
    "missing_BEG": (dict(bodies=[_po(drop="BEG")]), ("seg", "BEG", None, "3")),
    "bad_code_BEG01": (
        dict(bodies=[_po(replace={"BEG": ("BEG", "99", "SA", "PO1001", "", "20240105")})]),
        ("ele", "BEG", 1, "7"),
    ),
    "too_long_BEG03": (
        dict(bodies=[_po(replace={"BEG": ("BEG", "00", "SA", "P" * 23, "", "20240105")})]),
        ("ele", "BEG", 3, "5"),
    ),
    "wrong_SE01": (dict(bodies=[_po()], se_count_adjustment=1), ("st", "SE", None, "4")),
    "syntax_N1_R0203": (
        dict(bodies=[_po(replace={"N1": ("N1", "ST")})]),
        ("seg", "N1", None, "8"),
    ),
    "bad_date_DTM02": (
        dict(bodies=[_po(replace={"DTM": ("DTM", "002", "20241345")})]),
        ("ele", "DTM", 2, "8"),
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_documents_name_the_segment(case: str) -> None:
    spec, (kind, segment_id, element_position, code) = BROKEN[case]
    kwargs = dict(spec)
    bodies = kwargs.pop("bodies")
    result = validate_with_pyx12(interchange("4010", "850", bodies, **kwargs))
    assert not result.ok
    matching = [
        i
        for i in result.errors
        if (i.kind, i.segment_id, i.element_position, i.code) == (kind, segment_id, element_position, code)
    ]
    assert matching, _describe(result)
    assert all(i.st02 == "0001" and i.gs06 == "101" and i.isa13 == "000000101" for i in matching)
    assert all(i.line is not None for i in result.errors)


def test_transaction_set_in_the_wrong_group_is_reported_not_passed() -> None:
    text = interchange("4010", "850", [BODIES["855"]("4010")]).replace("ST*850*", "ST*855*")
    result = validate_with_pyx12(text)
    assert not result.ok
    st01 = result.errors[0]
    assert (st01.kind, st01.segment_id, st01.element_position, st01.bad_value) == ("ele", "ST", 1, "855")


def test_segment_outside_any_transaction_set_is_reported() -> None:
    text = document("850", "4010").replace("~\nST*850", "~\nREF*ZZ*STRAY~\nST*850", 1)
    result = validate_with_pyx12(text)
    assert not result.ok
    assert [(i.kind, i.segment_id, i.line) for i in result.errors] == [("seg", "REF", 3)]


def test_856_hierarchy_with_an_unknown_level_or_parent_names_the_hl() -> None:
    body = BODIES["856"]("4010")
    unknown_level = [s if tuple(s[:2]) != ("HL", "4") else ("HL", "4", "3", "X") for s in body]
    orphan = [s if tuple(s[:2]) != ("HL", "4") else ("HL", "4", "9", "I") for s in body]
    level_result = validate_with_pyx12(interchange("4010", "856", [unknown_level]))
    parent_result = validate_with_pyx12(interchange("4010", "856", [orphan]))
    assert ("seg", "HL", None) in _where(level_result)
    assert [(i.segment_id, i.code) for i in parent_result.errors] == [("HL", "HL2")]


def test_pyx12_ack_is_returned_for_comparison() -> None:
    result = validate_with_pyx12(document("850", "vics"))
    assert result.ok
    assert "AK1*PO*101" in result.pyx12_ack and "AK9*A*1*1*1" in result.pyx12_ack


def test_interchange_pyx12_cannot_read_is_reported_not_raised() -> None:
    text = document("850", "4010").replace("*00401*", "*00400*", 1)
    result = validate_with_pyx12(text)
    assert not result.ok and result.aborted
    assert result.errors == [
        Pyx12Issue(kind="isa", code="unreadable", message=result.aborted, segment_id="ISA", line=1)
    ]


PARTNER_STYLE_850 = [
    ("BEG", "00", "NE", "PO77", "", "20240105", "CT1", "AD"),
    ("CUR", "BY", "USD"),
    ("REF", "DP", "038", "DEPT"),
    ("REF", "ZZ", "", "NOTE ONLY"),
    ("PER", "IC", "JOHN", "TE", "5551234", "EM", "a@b.com"),
    ("FOB", "CC", "OR", "ORIGIN"),
    ("CTP", "RS", "RES", "19.99"),
    ("SAC", "A", "C310", "", "", "1000", "", "", "", "", "", "", "", "", "", "DISCOUNT"),
    ("ITD", "14", "3", "2", "", "45", "", "46"),
    ("DTM", "002", "20240115", "1200", "ET"),
    ("DTM", "007", "", "", "", "D8", "20240110"),
    ("PKG", "S", "35", "VI", "BX"),
    ("TD1", "CTN25", "10", "", "", "", "G", "100", "LB"),
    ("TD5", "B", "2", "FDEG", "M", "FEDEX GROUND"),
    ("TD5", "", "", "", "ZZ", "FHD"),
    ("N9", "ZZ", "GIFT"),
    ("MSG", "HAPPY BIRTHDAY"),
    ("N1", "ST", "", "92", "0012"),
    ("N2", "ATTN RECEIVING"),
    ("N3", "1 MAIN", "SUITE 2"),
    ("N4", "TORONTO", "ON", "M5V1A1", "CA"),
    ("PER", "RE", "JANE"),
    ("PO1", "1", "12", "EA", "9.99", "PE", "UP", "012345678905", "VN", "SKU-1", "BP", "B1", "IN", "I1",
     "SK", "S1", "CB", "C1", "EN", "1234567890123", "PI", "P1", "MG", "M1", "IZ", "XL"),
    ("CTP", "", "UCP", "5.25", "1", "EA"),
    ("PID", "F", "08", "", "", "DESC"),
    ("PID", "S", "", "VI", "FL"),
    ("PO4", "1", "6", "EA", "CTN25", "G", "10", "LB", "1.5", "CF", "12", "10", "8", "IN"),
    ("REF", "PD", "PROMO1"),
    ("SAC", "C", "H090", "VI", "ABCD", "1500"),
    ("SDQ", "EA", "92", "0012", "6"),
    ("DTM", "010", "20240120"),
    ("TXI", "ST", "1.23"),
    ("SCH", "10", "EA", "", "", "002", "20240101"),
    ("N1", "ST", "STORE", "92", "0013"),
    ("CTT", "1", "12"),
    ("AMT", "TT", "119.88"),
]


def test_partner_style_850_using_every_optional_element_it_needs_validates() -> None:
    """Full-width PO1 (ten ID pairs), composites in CTP, both DTM forms, a foreign address."""
    result = validate_with_pyx12(interchange("4010", "850", [PARTNER_STYLE_850]))
    assert result.ok, _describe(result)


def test_004010_group_inside_a_00501_interchange_validates() -> None:
    text = document("856", "5010").replace("*005010~", "*004010~", 1)
    assert "*00501*" in text and "*X*004010~" in text
    result = validate_with_pyx12(text)
    assert result.ok, _describe(result)
