"""Huge files stream in flat memory, even when the whole file is a single transaction set."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from x12_reader_helpers import PURCHASE_ORDER, segments, x12

from crossdock.edi import (
    EnvelopeEvent,
    FunctionalGroup,
    build_997,
    iter_envelope_events,
    iter_transaction_sets,
    render_segments,
)


def _huge_inventory_lines(segment_count: int) -> Iterator[bytes]:
    """One 846 of ``segment_count`` segments in all (a full-catalogue stock feed), CRLF after each."""
    yield b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240102*1200*U*00401*000000001*0*P*>~\r\n"
    yield b"GS*IB*SENDER*RECEIVER*20240102*1200*1*X*004010~\r\nST*846*0001~\r\nBIA*00*SI*INV1*20240102~\r\n"
    items = (segment_count - 8) // 2
    for number in range(items):
        yield b"LIN**SK*SKU%08d~\r\nQTY*33*%d*EA~\r\n" % (number, number % 1000)
    yield b"CTT*%d~\r\nSE*%d*0001~\r\nGE*1*1~\r\nIEA*1*000000001~\r\n" % (items, items * 2 + 4)


def test_huge_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    segment_count = 200_000
    path = tmp_path / "huge_846.edi"
    with path.open("wb") as out:
        out.writelines(_huge_inventory_lines(segment_count))
    assert path.stat().st_size > 3_500_000

    tracemalloc.start()
    try:
        read = sets_streamed = 0
        for streamed in iter_transaction_sets(path):
            sets_streamed += 1
            read += sum(1 for _ in streamed)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert read == segment_count - 4  # everything from ST to SE
    assert sets_streamed == len(streamed.group.transaction_sets) == 1
    assert streamed.transaction_set.segment_count == segment_count - 4
    assert streamed.transaction_set.issues == [] and streamed.interchange.all_issues() == []
    assert streamed.interchange.complete
    assert peak < 2_000_000, f"peak traced memory {peak} bytes for a {path.stat().st_size}-byte file"


def test_streamed_set_is_read_once_and_unread_segments_are_still_checked() -> None:
    two_sets = segments([("PO", "004010", [("850", PURCHASE_ORDER), ("850", PURCHASE_ORDER)])])
    data = x12(two_sets).replace(b"SE*5*0001", b"SE*9*0001")

    streamed = list(iter_transaction_sets(data))  # neither set's segments were read by the caller

    assert [item.control_number for item in streamed] == ["0001", "0002"]
    assert [issue.code for issue in streamed[0].transaction_set.issues] == ["4"]
    assert streamed[0].transaction_set.segments == [] and streamed[0].transaction_set.streamed
    with pytest.raises(RuntimeError, match="only once"):
        iter(streamed[0])
        iter(streamed[0])


def test_streamed_sets_yield_their_segments_in_order() -> None:
    got = [[segment.id for segment in streamed] for streamed in iter_transaction_sets(x12())]

    assert got == [["ST", "BEG", "PO1", "CTT", "SE"]]


def test_group_end_event_carries_the_finished_group_for_a_streaming_ack() -> None:
    data = x12(segments([("PO", "004010", [("850", PURCHASE_ORDER)]), ("PO", "004010", [("850", PURCHASE_ORDER)])]))
    acks: list[str] = []
    interchange = None

    for kind, obj in iter_envelope_events(data):
        if kind == EnvelopeEvent.INTERCHANGE_START:
            interchange = obj
        elif kind == EnvelopeEvent.GROUP_END:
            assert isinstance(obj, FunctionalGroup) and obj.complete
            ack = build_997(interchange, obj, isa13=100 + len(acks), gs06=1, when=None)  # type: ignore[arg-type]
            acks.append(render_segments(ack))

    assert len(acks) == 2
    assert all("AK9*A*1*1*1~" in ack for ack in acks)
    assert "AK1*PO*1~" in acks[0] and "AK1*PO*2~" in acks[1]
