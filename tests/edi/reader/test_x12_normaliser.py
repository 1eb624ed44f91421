"""What pyx12 is shown: its narrow input format, with every change recorded so acks report the truth."""

from __future__ import annotations

import io

import pyx12.x12file
from x12_reader_helpers import segments, x12

from crossdock.edi import normalise_for_pyx12, prepare_for_pyx12, read_interchanges


def _pyx12_reads(text: str) -> list[str]:
    reader = pyx12.x12file.X12Reader(io.StringIO(text))
    ids = [segment.get_seg_id() for segment in reader]
    assert reader.pop_errors() == []
    return ids


def test_retail_versions_are_mapped_and_the_real_one_remembered() -> None:
    for original, shown in [("00400", "00401"), ("00403", "00401"), ("00406", "00401"), ("00502", "00501"), ("00501", "00501")]:
        [interchange] = read_interchanges(x12(segments(version=original, repetition="^")))

        prepared = prepare_for_pyx12(interchange)

        assert (prepared.original_version, prepared.version) == (original, shown)
        assert prepared.version_mapped == (original != shown)
        assert prepared.text[84:89] == shown
        assert prepared.text[82] == ("^" if shown == "00501" else "U")
        assert interchange.version == original  # the reader's model is never rewritten
        _pyx12_reads(prepared.text)


def test_text_becomes_ascii_and_the_originals_are_recorded() -> None:
    body = ["BEG*00*SA*PO-1**20240102", "N1*ST*Müller Gärtnerei\x07*92*1", "CTT*1"]
    [interchange] = read_interchanges(x12(segments([("PO", "004010", [("850", body)])])))

    prepared = prepare_for_pyx12(interchange)

    assert prepared.text.isascii()
    assert "N1*ST*Muller Gartnerei *92*1~" in prepared.text
    [replaced] = prepared.replaced_values
    assert (replaced.segment_id, replaced.element_position, replaced.original) == ("N1", 2, "Müller Gärtnerei\x07")
    assert replaced.segment_ordinal == 5
    assert _pyx12_reads(prepared.text)[4] == "N1"


def test_isa_is_repadded_and_line_breaks_empty_segments_and_trailing_separators_go() -> None:
    short_isa = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240102*1200*U*00401*1*0*P*>"
    body = ["BEG*00*SA*PO-1**20240102**", "CTT*1"]
    interchange_segments = [short_isa, *segments([("PO", "004010", [("850", body)])])[1:]]
    data = x12(interchange_segments, line_break="\r\n").replace(b"CTT", b"~\r\n~CTT").replace(b"IEA*1*000000001", b"IEA*1*1")

    [interchange] = read_interchanges(data)
    prepared = prepare_for_pyx12(interchange)

    text = prepared.text
    assert text.index("~") == 105
    assert text[:106] == (
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240102*1200*U*00401*000000001*0*P*>~"
    )
    assert "\r" not in text and "\n" not in text and "~~" not in text
    assert "BEG*00*SA*PO-1**20240102~" in text
    assert any("re-padded" in note for note in prepared.notes)
    assert any("trailing empty" in note for note in prepared.notes)
    assert _pyx12_reads(text) == ["ISA", "GS", "ST", "BEG", "CTT", "SE", "GE", "IEA"]


def test_newline_and_nonprintable_separators_are_swapped_for_printable_ones() -> None:
    body = ["BEG*00*SA*PO-1**20240102", "REF*ZZ*A\x1fB", "CTT*1"]
    data = x12(segments([("PO", "004010", [("850", body)])], element="\x1d", component="\x1f"), terminator="\n")
    [interchange] = read_interchanges(data)

    prepared = prepare_for_pyx12(interchange)

    assert (prepared.separators.element, prepared.separators.component, prepared.separators.segment) == ("*", ":", "~")
    assert "REF*ZZ*A:B~" in prepared.text
    assert _pyx12_reads(prepared.text)[4] == "REF"


def test_separators_that_appear_in_the_data_are_not_chosen() -> None:
    body = ["BEG*00*SA*PO-1**20240102", "MSG*ask for ~ and : please", "CTT*1"]
    data = x12(segments([("PO", "004010", [("850", body)])], element="\x1d", component="\x1f"), terminator="\x1c")
    [interchange] = read_interchanges(data)

    prepared = prepare_for_pyx12(interchange)

    chosen = prepared.separators
    assert not {chosen.element, chosen.component, chosen.segment} & set("ask for ~ and : please")
    assert _pyx12_reads(prepared.text)[4] == "MSG"


def test_normalise_for_pyx12_is_the_text_of_prepare() -> None:
    [interchange] = read_interchanges(x12())

    assert normalise_for_pyx12(interchange) == prepare_for_pyx12(interchange).text == x12().decode()
