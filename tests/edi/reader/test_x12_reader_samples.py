"""Every outside sample (other EDI projects' files, byte for byte) is read, checked and normalised."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import pyx12.errors
import pyx12.x12file
from x12_reader_helpers import SAMPLES_DIR, requires_samples, sample_params

from crossdock.edi import (
    X12Issue,
    iter_interchanges,
    iter_transaction_sets,
    normalise_for_pyx12,
    prepare_for_pyx12,
    read_interchanges,
)

# Per file: per interchange, per group, (GS01, [ST01 of each set]).
EXPECTED_STRUCTURE: dict[str, list[list[tuple[str, list[str]]]]] = {
    "nodex12_850_4010VICS_newline_term.edi": [[("PO", ["850"])]],
    "nodex12_850_4010VICS_tilde.edi": [[("PO", ["850"])]],
    "nodex12_850_petco_4010_newline_term.edi": [[("PO", ["850"])]],
    "nodex12_855_4010.edi": [[("PR", ["855"])]],
    "nodex12_856_4060_SOI.edi": [[("SH", ["856"])]],
    "staedi_810_4010.edi": [[("IN", ["810", "810"])]],
    "staedi_810_850_two_groups.edi": [[("IN", ["810", "810"]), ("PO", ["850"])]],
    "staedi_997_5010.edi": [[("FA", ["997"])]],
    "staedi_997_5010_INVALID.edi": [[("FA", ["997"])]],
    "staedi_997_5010_multi_interchange.edi": [[("FA", ["997"])]] * 3,
    "stedi_850_5010_dropship.edi": [[("OW", ["850"])]],
}

# What Crossdock's own envelope checks find: (level, code) per file; none for the others.
EXPECTED_FINDINGS: dict[str, set[tuple[str, str]]] = {
    # A real mistake in that demo file: GS01 OW is the 940 group, an 850 belongs in PO.
    "stedi_850_5010_dropship.edi": {("set", "18"), ("interchange", "repetition-separator-unusable")},
}


@pytest.mark.parametrize("path", sample_params())
def test_every_sample_reads_without_a_traceback(path: Path) -> None:
    interchanges = read_interchanges(path)

    assert interchanges
    assert all(interchange.complete for interchange in interchanges)


@pytest.mark.parametrize("path", sample_params())
def test_samples_have_the_expected_interchanges_groups_and_sets(path: Path) -> None:
    structure = [
        [(group.functional_id, [ts.id for ts in group.transaction_sets]) for group in interchange.groups]
        for interchange in read_interchanges(path)
    ]

    assert structure == EXPECTED_STRUCTURE[path.name]


@pytest.mark.parametrize("path", sample_params())
def test_sample_envelope_findings(path: Path) -> None:
    found = {(issue.level, issue.code) for interchange in read_interchanges(path) for issue in interchange.all_issues()}

    assert found == EXPECTED_FINDINGS.get(path.name, set())


@pytest.mark.parametrize("path", sample_params())
def test_every_sample_normalises_to_text_pyx12_reads_without_envelope_errors(path: Path) -> None:
    for interchange in read_interchanges(path):
        prepared = prepare_for_pyx12(interchange)
        text = prepared.text

        assert text == normalise_for_pyx12(interchange)
        assert text.isascii() and "\n" not in text and "\r" not in text
        assert text.index(prepared.separators.segment) == 105
        reader = pyx12.x12file.X12Reader(io.StringIO(text))
        read = [segment.get_seg_id() for segment in reader]
        assert read[0] == "ISA" and read[-1] == "IEA"
        assert reader.pop_errors() == []


@pytest.mark.parametrize("path", sample_params())
def test_streamed_and_materialised_reads_agree(path: Path) -> None:
    materialised = [
        [str(segment) for segment in ts.segments]
        for interchange in iter_interchanges(path)
        for group in interchange.groups
        for ts in group.transaction_sets
    ]
    streamed = [[str(segment) for segment in streamed_set] for streamed_set in iter_transaction_sets(path)]

    assert streamed == materialised


@requires_samples
def test_the_deliberately_invalid_997_gives_issues_naming_the_segment() -> None:
    """Element errors are pyx12's to find; they arrive as X12Issues naming segment and element."""
    validation = pytest.importorskip("crossdock.edi.validation_pyx12")
    [interchange] = read_interchanges(SAMPLES_DIR / "staedi_997_5010_INVALID.edi")
    result = validation.validate_with_pyx12(normalise_for_pyx12(interchange))
    levels = {"isa": "interchange", "gs": "group", "st": "set", "seg": "segment", "ele": "element"}
    issues = [
        X12Issue(
            level=levels[found.kind],
            code=found.code,
            message=found.message,
            isa13=found.isa13,
            gs06=found.gs06,
            st02=found.st02,
            segment_id=found.segment_id,
            segment_position=found.segment_position,
            element_position=found.element_position,
            data_element=found.data_element,
            bad_value=found.bad_value,
        )
        for found in result.errors
    ]

    texts = [str(issue) for issue in issues]
    assert any("segment AK1 at position 2 in the set" in text and "element AK101" in text for text in texts)
    assert any("segment AK4 at position 5 in the set" in text and "element AK402" in text for text in texts)
    assert all("ISA13=508121953" in text and "GS06=000005" in text and "ST02=0001" in text for text in texts)


@requires_samples
def test_a_deliberately_broken_sample_gives_issues_naming_the_segment() -> None:
    data = (SAMPLES_DIR / "nodex12_855_4010.edi").read_bytes().replace(b"SE*26*0005", b"SE*25*0005")

    [interchange] = read_interchanges(data)

    [issue] = interchange.all_issues()
    assert (issue.level, issue.code, issue.segment_id, issue.segment_position, issue.element_position) == ("set", "4", "SE", 26, 1)
    assert "segment SE at position 26 in the set (line 28" in str(issue)
    assert "ISA13=000000005" in str(issue) and "GS06=5" in str(issue) and "ST02=0005" in str(issue)


def test_pyx12_refuses_what_the_normaliser_fixes() -> None:
    """Why the normaliser exists: pyx12 4.0.0 refuses retail ISA12 versions outright."""
    with pytest.raises(pyx12.errors.X12Error):
        pyx12.x12file.X12Reader(io.StringIO("ISA*00*          *00*          *ZZ*A              *ZZ*B              *240102*1200*U*00400*000000001*0*P*>~"))
