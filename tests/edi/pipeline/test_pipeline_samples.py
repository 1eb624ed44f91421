"""The EDI acceptance test: every file other projects wrote is validated, translated and acknowledged.

The expected verdicts were read off each file (see /work/shared/edi-samples and its SOURCES.tsv):
valid files translate and get an accepting acknowledgment; broken ones get errors that name the
segment and a rejecting acknowledgment; none gives a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from crossdock.edi.pipeline import acknowledge, translate_file, validate
from crossdock.edi.translate import SequentialControlNumbers
from pipeline_support import ack_groups


@dataclass(frozen=True)
class Expected:
    valid: bool
    sets: tuple[tuple[str, str, str, str, str], ...]
    """(ISA13, GS06, ST01, ST02, verdict) for every set, in file order."""
    groups: tuple[tuple[str, str], ...]
    """(GS06, verdict) for every group."""
    errors: tuple[tuple[str, str, str, str], ...] = ()
    """(level, code, segment, words of the message) that must be among the errors."""


_VICS_850 = Expected(True, (("000003438", "1421", "850", "000000010", "accepted"),), (("1421", "accepted"),))
_997_ACCEPTING = (("000005", "accepted"),)

EXPECTED: dict[str, Expected] = {
    "nodex12_850_4010VICS_newline_term.edi": _VICS_850,
    "nodex12_850_4010VICS_tilde.edi": _VICS_850,
    "nodex12_850_petco_4010_newline_term.edi": Expected(
        True, (("010001398", "10000774", "850", "8830", "accepted"),), (("10000774", "accepted"),)
    ),
    "nodex12_855_4010.edi": Expected(True, (("000000005", "5", "855", "0005", "accepted"),), (("5", "accepted"),)),
    # ISA12 00406 (pyx12 refuses it: shown as 00401), GS08 004060, BSN05 0002 with S-O-I-I levels.
    "nodex12_856_4060_SOI.edi": Expected(True, (("000000049", "49", "856", "0008", "accepted"),), (("49", "accepted"),)),
    "staedi_810_4010.edi": Expected(
        True,
        (("000000020", "1", "810", "000000001", "accepted"), ("000000020", "1", "810", "000000002", "accepted")),
        (("1", "accepted"),),
    ),
    # The 810 group is validated and accepted although the 003010 PO group after it has no map.
    "staedi_810_850_two_groups.edi": Expected(
        False,
        (
            ("000000020", "1", "810", "000000001", "accepted"),
            ("000000020", "1", "810", "000000002", "accepted"),
            ("000000020", "165", "850", "000191240", "rejected"),
        ),
        (("1", "accepted"), ("165", "rejected")),
        errors=(("group", "2", "GS", "no validation map"),),
    ),
    "staedi_997_5010.edi": Expected(True, (("508121953", "000005", "997", "0001", "accepted"),), _997_ACCEPTING),
    "staedi_997_5010_INVALID.edi": Expected(
        False,
        (("508121953", "000005", "997", "0001", "rejected"),),
        (("000005", "rejected"),),
        errors=(
            ("element", "5", "AK1", "AK101"),
            ("element", "7", "AK1", "not a valid code"),
            ("element", "5", "AK4", "AK402"),
            ("element", "6", "AK4", "invalid character"),
        ),
    ),
    "staedi_997_5010_multi_interchange.edi": Expected(
        True,
        tuple((f"00000000{n}", "000005", "997", "0001", "accepted") for n in (1, 2, 3)),
        _997_ACCEPTING * 3,
    ),
    # An 850 sent in a GS01 "OW" (warehouse shipping order) group: no map for OW, and the wrong group for an 850.
    "stedi_850_5010_dropship.edi": Expected(
        False,
        (("000000057", "000000057", "850", "000000057", "rejected"),),
        (("000000057", "rejected"),),
        errors=(("set", "18", "ST", "belongs in a PO group"), ("group", "1", "GS", "no validation map")),
    ),
}


def test_every_shared_sample_has_an_expected_verdict(edi_samples_dir: Path) -> None:
    on_disk = sorted(path.name for path in edi_samples_dir.glob("*.edi"))
    assert on_disk, "no samples found"
    assert sorted(EXPECTED) == on_disk


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_sample_gets_its_verdict_translation_and_acknowledgment(edi_samples_dir: Path, name: str) -> None:
    expected = EXPECTED[name]
    report = await translate_file(edi_samples_dir / name)

    assert [
        (ic.control_number, group.control_number, s.id, s.control_number, s.verdict)
        for ic in report.interchanges
        for group in ic.groups
        for s in group.sets
    ] == list(expected.sets)
    assert [(g.control_number, g.verdict) for g in report.groups()] == list(expected.groups)
    assert report.valid is expected.valid, [str(issue) for issue in report.errors]
    assert all(ic.verdict == "accepted" for ic in report.interchanges)

    if expected.valid:
        for set_report in report.sets():
            assert set_report.translated and set_report.document_count >= 1 and set_report.documents
    for level, code, segment, words in expected.errors:
        assert any(
            issue.level == level and issue.code == code and issue.segment_id == segment and words in issue.message
            for issue in report.errors
        ), (level, code, segment, words, [str(issue) for issue in report.errors])
    for issue in report.errors:
        assert issue.segment_id is not None, str(issue)  # every error names its segment
        assert issue.isa13 is not None and issue.gs06 is not None, str(issue)

    ack = await acknowledge(report, control_numbers=SequentialControlNumbers())
    answered = ack_groups(ack)
    assert [(a.answered_functional_id, a.answered_gs06) for a in answered] == [
        (g.functional_id, g.control_number) for g in report.groups()
    ]  # a functional acknowledgment for every inbound group, rejected ones too
    for answer, group in zip(answered, report.groups(), strict=True):
        assert group.ack is not None and answer.ak9[0] == group.ack.code
        assert answer.ak9[0] == ("A" if group.verdict == "accepted" else "R")
        assert answer.set_id == ("999" if (group.group.release or 0) >= 5010 else "997")


async def test_acknowledgments_of_the_samples_are_valid_x12_themselves(edi_samples_dir: Path) -> None:
    for name in ("nodex12_850_4010VICS_newline_term.edi", "staedi_997_5010_INVALID.edi", "stedi_850_5010_dropship.edi"):
        report = await validate(edi_samples_dir / name)
        ack = await acknowledge(report, control_numbers=SequentialControlNumbers(start=40))
        again = await validate(ack.encode("latin-1"))
        assert [group.verdict for group in again.groups()] == ["accepted"], [str(i) for i in again.errors]


async def test_rejecting_acknowledgment_names_the_bad_segments(edi_samples_dir: Path) -> None:
    report = await validate(edi_samples_dir / "staedi_997_5010_INVALID.edi")
    (answer,) = ack_groups(await acknowledge(report, control_numbers=SequentialControlNumbers()))
    assert answer.set_codes == {"0001": ["R", "5"]}
    assert [located[:2] for located in answer.located] == [["AK1", "2"], ["AK4", "5"]]
