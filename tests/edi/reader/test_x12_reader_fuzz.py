"""Whatever bytes arrive, the reader either reads them or raises its own clean X12ReadError.

Mutated and truncated copies of real files must never produce another exception, neither while
reading nor while checking envelopes, normalising for pyx12 or building the acks for them.
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from x12_reader_helpers import SAMPLE_FILES, segments, x12

from crossdock.edi import (
    X12ReadError,
    build_997,
    build_999,
    build_ta1,
    prepare_for_pyx12,
    read_interchanges,
    render_segments,
)

ORIGINALS = [path.read_bytes() for path in SAMPLE_FILES] + [
    x12(),
    x12(segments(control=1), segments(control=2, element="|"), line_break="\r\n"),
]
WHEN = datetime(2024, 1, 2, 3, 4)
INTERESTING_BYTES = b"*~:^>|\r\n\x00\x1c\x1d\x1eISAGSTEQ0123456789 \xe9\xff"

mutation = st.tuples(
    st.sampled_from(["replace", "insert", "delete"]),
    st.floats(min_value=0, max_value=1, exclude_max=True),
    st.one_of(st.sampled_from(list(INTERESTING_BYTES)), st.integers(0, 255)),
)


def _mutate(data: bytes, mutations: list[tuple[str, float, int]], cut: float | None) -> bytes:
    buffer = bytearray(data)
    for kind, where, value in mutations:
        index = int(where * len(buffer)) if buffer else 0
        if kind == "replace" and buffer:
            buffer[index] = value
        elif kind == "insert":
            buffer.insert(index, value)
        elif kind == "delete" and buffer:
            del buffer[index]
    if cut is not None:
        del buffer[int(cut * len(buffer)) :]
    return bytes(buffer)


def _read_check_and_acknowledge(data: bytes) -> None:
    try:
        interchanges = read_interchanges(data)
    except X12ReadError as error:
        assert "byte" in str(error)
        if error.interchange is not None:
            render_segments(build_ta1(error.interchange, error.note_code, isa13=1, when=WHEN))
        return
    for interchange in interchanges:
        for issue in interchange.all_issues():
            str(issue)
        prepare_for_pyx12(interchange)
        render_segments(build_ta1(interchange, isa13=1, when=WHEN))
        for group in interchange.groups:
            render_segments(build_997(interchange, group, isa13=1, gs06=1, when=WHEN))
            render_segments(build_999(interchange, group, isa13=1, gs06=1, when=WHEN))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    original=st.sampled_from(ORIGINALS),
    mutations=st.lists(mutation, min_size=1, max_size=6),
)
def test_mutated_files_raise_nothing_but_x12_read_error(original: bytes, mutations: list[tuple[str, float, int]]) -> None:
    _read_check_and_acknowledge(_mutate(original, mutations, None))


@settings(max_examples=150, deadline=None)
@given(original=st.sampled_from(ORIGINALS), cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_truncated_files_raise_nothing_but_x12_read_error(original: bytes, cut: float) -> None:
    _read_check_and_acknowledge(_mutate(original, [], cut))


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_raise_nothing_but_x12_read_error(data: bytes) -> None:
    _read_check_and_acknowledge(data)
