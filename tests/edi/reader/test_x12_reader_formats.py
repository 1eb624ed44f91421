"""The reader takes X12 the way partners really write it: encodings, line breaks, odd separators."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from x12_reader_helpers import PURCHASE_ORDER, segments, x12

from crossdock.edi import X12Issue, X12ReadError, iter_interchanges, iter_segments, read_interchanges


def _texts(data: bytes, **kwargs: object) -> list[str]:
    return [str(segment) for segment in iter_segments(data, **kwargs)]  # type: ignore[arg-type]


def test_bom_crlf_and_newline_terminated_files_read_the_same() -> None:
    plain = x12()
    variants = {
        "bom": b"\xef\xbb\xbf" + plain,
        "crlf after terminator": x12(line_break="\r\n"),
        "lf after terminator": x12(line_break="\n"),
        "newline as terminator": x12(terminator="\n"),
        "crlf as terminator": x12(terminator="\r\n"),
        "leading blank lines": b"\r\n\r\n  " + plain,
        "trailing padding": plain + b"\r\n\x00\x00\x1a",
    }
    expected = [[str(s) for s in ts.segments] for ts in read_interchanges(plain)[0].groups[0].transaction_sets]

    for name, data in variants.items():
        [interchange] = read_interchanges(data)
        got = [[str(s) for s in ts.segments] for ts in interchange.groups[0].transaction_sets]
        assert got == expected, name
        assert [issue for issue in interchange.all_issues() if issue.is_error] == [], name

    [with_bom] = read_interchanges(variants["bom"])
    assert [issue.code for issue in with_bom.issues] == ["byte-order-mark"]


def test_latin1_bytes_are_read_not_refused() -> None:
    body = ["BEG*00*SA*PO-1**20240102", "N1*ST*Müller Gärtnerei*92*1", "N1*BT*Café Crème*92*2"]
    latin1 = x12(segments([("PO", "004010", [("850", body)])]))
    utf8 = "~".join(segments([("PO", "004010", [("850", body)])])).encode("utf-8") + b"~"

    [from_latin1] = read_interchanges(latin1)
    [from_utf8] = read_interchanges(utf8)

    assert from_latin1.groups[0].transaction_sets[0].segments[2].element(2) == "Müller Gärtnerei"
    # UTF-8 arrives as its bytes, one character each: nothing is refused, nothing is lost.
    assert from_utf8.groups[0].transaction_sets[0].segments[2].element(2).encode("latin-1").decode("utf-8") == "Müller Gärtnerei"
    assert from_latin1.all_issues() == [] and from_utf8.all_issues() == []


def test_nonprintable_separators() -> None:
    body = ["BEG*00*SA*PO-1**20240102", "PO1*1*2*EA*9.5**VN*WIDGET", "REF*ZZ*A^B^C", "PID*F****BLUE*WIDGET"]
    interchange_segments = segments(
        [("PO", "004030", [("850", body)])], version="00403", element="\x1d", component="\x1f", repetition="\x1e"
    )
    data = x12(interchange_segments, terminator="\x1c")

    [interchange] = read_interchanges(data)

    separators = interchange.separators
    assert (separators.element, separators.component, separators.segment, separators.repetition) == ("\x1d", "\x1f", "\x1c", "\x1e")
    ts = interchange.groups[0].transaction_sets[0]
    assert [segment.id for segment in ts.segments] == ["ST", "BEG", "PO1", "REF", "PID", "SE"]
    assert interchange.all_issues() == []


def test_composites_and_repetitions_are_split_on_demand() -> None:
    body = ["BEG*00*SA*PO-1**20240102", "REF*ZZ*A>1^B>2", "CTT*1"]
    [interchange] = read_interchanges(x12(segments([("PO", "004030", [("850", body)])], version="00403", repetition="^")))

    ref = interchange.groups[0].transaction_sets[0].segments[2]

    assert ref.element(2) == "A>1^B>2"
    assert ref.repetitions(2) == ["A>1", "B>2"]
    assert ref.components(2) == ["A", "1^B", "2"]
    assert interchange.separators.repetition == "^"


def test_isa11_is_not_a_repetition_separator_before_00402() -> None:
    [interchange] = read_interchanges(x12(segments(repetition="U")))
    [with_caret] = read_interchanges(x12(segments(repetition="^", version="00401")))

    assert interchange.separators.repetition is None
    assert with_caret.separators.repetition is None


def test_empty_segment_is_reported_not_a_silent_stop() -> None:
    data = x12().replace(b"PO1*", b"~~PO1*", 1)

    [interchange] = read_interchanges(data)

    ts = interchange.groups[0].transaction_sets[0]
    assert [segment.id for segment in ts.segments] == ["ST", "BEG", "PO1", "CTT", "SE"]
    assert interchange.complete and ts.complete
    empty = [issue for issue in ts.issues if issue.code == "empty-segment"]
    assert len(empty) == 2 and all(issue.severity == "warning" and not issue.in_ack for issue in empty)
    assert empty[0].st02 == "0001" and empty[0].byte_offset == data.index(b"~~PO1")
    assert not any(issue.is_error for issue in interchange.all_issues())


def test_several_interchanges_with_different_separators_in_one_file() -> None:
    first = segments(control=1)
    second = segments(control=2, element="|", component="\\")
    data = x12(first) + b"\r\n" + x12(second, terminator="\n")

    interchanges = read_interchanges(data)

    assert [ic.control_number for ic in interchanges] == ["000000001", "000000002"]
    assert [ic.separators.element for ic in interchanges] == ["*", "|"]
    assert [ic.separators.segment for ic in interchanges] == ["~", "\n"]
    assert [len(ic.groups[0].transaction_sets[0].segments) for ic in interchanges] == [5, 5]
    assert [issue for ic in interchanges for issue in ic.all_issues()] == []


def test_positions_name_byte_line_and_place_in_set() -> None:
    data = x12(line_break="\r\n")

    found = list(iter_segments(data))

    po1 = next(segment for segment in found if segment.id == "PO1")
    assert po1.position is not None
    assert po1.position.byte_offset == data.index(b"PO1*")
    assert po1.position.line == 5
    assert po1.position.in_interchange == 5
    assert po1.position.in_set == 3
    assert po1.position.interchange == 1
    assert [segment.position.in_set for segment in found if segment.position] == [None, None, 1, 2, 3, 4, 5, None, None]


def test_missing_final_terminator_is_read_with_a_warning() -> None:
    data = x12().rstrip(b"~")

    [interchange] = read_interchanges(data)

    assert interchange.complete
    assert [issue.code for issue in interchange.all_issues()] == ["missing-segment-terminator"]


def test_chunk_boundaries_do_not_matter() -> None:
    data = x12(segments(control=1), segments(control=2), line_break="\r\n").replace(b"PO1", b"~\r\nPO1", 1)
    whole = _texts(data, on_issue=lambda issue: None)

    for chunk_size in (1, 2, 3, 5, 7, 64, 105, 106, 107):
        issues: list[X12Issue] = []
        assert _texts(data, chunk_size=chunk_size, on_issue=issues.append) == whole, chunk_size
        assert [issue.code for issue in issues] == ["empty-segment"]


def test_sources_bytes_path_and_binary_file_read_alike(tmp_path: Path) -> None:
    data = x12()
    path = tmp_path / "in.edi"
    path.write_bytes(data)

    with path.open("rb") as handle:
        from_handle = _texts(handle)  # type: ignore[arg-type]

    assert _texts(data) == _texts(bytearray(data)) == _texts(path) == from_handle == _texts(io.BytesIO(data))  # type: ignore[arg-type]


def test_text_sources_are_refused_with_a_clear_type_error(tmp_path: Path) -> None:
    path = tmp_path / "in.edi"
    path.write_bytes(x12())

    with pytest.raises(TypeError, match=r"bytes, a binary file object or a pathlib\.Path"):
        list(iter_segments(str(path)))  # type: ignore[arg-type]
    with path.open("r") as handle, pytest.raises(TypeError, match="binary mode"):
        list(iter_segments(handle))  # type: ignore[arg-type]


def test_input_that_is_not_x12_raises_a_read_error_naming_the_position() -> None:
    cases = {
        b"": "holds no X12",
        b"  \r\n": "holds no X12",
        b"UNA:+.? 'UNB+UNOA:1'": "does not start with an ISA segment",
        x12() + b"garbage after the end": "data after the IEA is not another ISA",
        x12()[:50]: "ends inside the ISA",
        b"ISA*00*  ~": "ends inside the ISA",
        b"\xff\xfeI\x00S\x00A\x00": "UTF-16",
    }
    for data, message in cases.items():
        with pytest.raises(X12ReadError, match=message) as caught:
            read_interchanges(data)
        assert "byte" in str(caught.value), data


def test_interchanges_before_a_read_error_are_still_yielded() -> None:
    data = x12(segments(control=1)) + b"\r\nNOT X12 AT ALL"
    got = []

    with pytest.raises(X12ReadError, match=r"line 2, byte \d+"):
        for interchange in iter_interchanges(data):
            got.append(interchange)

    assert [interchange.control_number for interchange in got] == ["000000001"]


def test_a_purchase_order_body_survives_reading_unchanged() -> None:
    [interchange] = read_interchanges(x12())

    assert [str(segment) for segment in interchange.groups[0].transaction_sets[0].body] == PURCHASE_ORDER
