"""How files reach pyx12: streamed through a spooled file, unmapped groups set aside, memory flat."""

from __future__ import annotations

import io
import random
import tracemalloc
from pathlib import Path

import pytest

import crossdock.edi.pipeline._pyx12_feed as feed
from crossdock.edi import X12ReadError, prepare_for_pyx12, read_interchanges
from crossdock.edi.pipeline import acknowledge, check_source, validate
from crossdock.edi.pipeline._pyx12_pass import Pyx12Pass
from crossdock.edi.pipeline._read_pass import ReadPass
from crossdock.edi.translate import SequentialControlNumbers
from crossdock.edi.validation_pyx12 import Pyx12Result
from pipeline_support import functional_group, interchange, purchase_order_850, transaction_set


def _spooled_texts(data: bytes, monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """What the pipeline gives pyx12 for each interchange (by ordinal)."""
    texts: dict[int, str] = {}
    original = feed.Pyx12Spool.run

    def capture(self: feed.Pyx12Spool, map_path: Path = feed.MAP_PATH) -> Pyx12Result:
        texts[len(texts) + 1] = self.text()
        return original(self, map_path)

    monkeypatch.setattr(feed.Pyx12Spool, "run", capture)
    first = ReadPass(None, False, None)
    first.run(data)
    Pyx12Pass(first.work).run(data)
    return texts


_ODD_FILES = {
    "bom, crlf after each terminator": b"\xef\xbb\xbf" + interchange(functional_group("PO", "1", purchase_order_850())).replace("~", "~\r\n").encode(),
    "control characters as separators": interchange(functional_group("PO", "1", purchase_order_850()))
    .replace("*", "\x1d").replace("~", "\x1c").replace(">", "\x1f").encode(),
    "latin-1 and utf-8 letters in the data": interchange(functional_group("PO", "1", purchase_order_850()))
    .replace("JANE DOE", "JOSÉ MÜLLER").encode("utf-8").replace(b"1 MAIN ST", "1 RUE DE L'\xc9GLISE".encode("latin-1")),
    "isa padded wrong": interchange(functional_group("PO", "1", purchase_order_850())).replace("CROSSDOCKMERCH ", "CROSSDOCKMERCH", 1).encode(),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(_ODD_FILES))
def test_pyx12_is_shown_exactly_what_prepare_for_pyx12_writes(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _ODD_FILES[name]
    texts = _spooled_texts(data, monkeypatch)
    (ic,) = read_interchanges(data)
    assert texts == {1: prepare_for_pyx12(ic).text}


def test_the_samples_reach_pyx12_as_prepare_for_pyx12_writes_them(edi_samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(edi_samples_dir.glob("*.edi")):
        data = path.read_bytes()
        texts = _spooled_texts(data, monkeypatch)
        for ic in read_interchanges(data):
            if all(feed.map_for_group(ic, group) for group in ic.groups):
                assert texts[ic.ordinal] == prepare_for_pyx12(ic).text, path.name


async def test_a_group_without_a_map_does_not_hide_the_errors_of_the_others(edi_samples_dir: Path) -> None:
    data = (edi_samples_dir / "staedi_810_850_two_groups.edi").read_bytes()
    broken_810 = data.replace(b"IT1**9*CA*12.34**UA*002840066666", b"IT1**9*CAXX*12.34**UA*002840066666", 1)
    report = await validate(broken_810)
    by_group = {group.control_number: group for group in report.groups()}
    assert not by_group["165"].mapped and by_group["165"].verdict == "rejected"
    (too_long,) = [
        r.issue for r in report.all_issues() if r.source == "pyx12" and r.issue.segment_id == "IT1"
    ]
    assert (too_long.gs06, too_long.st02, too_long.segment_position, too_long.element_position, too_long.code) == (
        "1", "000000001", 22, 3, "5",
    )  # fmt: skip
    assert (too_long.line, too_long.byte_offset) == (24, 719)  # located in the file as received
    assert [s.verdict for s in by_group["1"].sets] == ["rejected", "accepted"]


def test_a_large_interchange_reaches_pyx12_from_disk_not_memory() -> None:
    ic = read_interchanges(interchange(functional_group("PO", "1", purchase_order_850())).encode())[0]
    census = feed.CharacterCensus()
    plan = feed.plan_for(ic, census)
    assert plan is not None
    spool = feed.Pyx12Spool(plan, memory_limit=4096)
    try:
        for n in range(200):
            spool.add(read_interchanges(interchange(functional_group("PO", "1", purchase_order_850())).encode())[0].groups[0].header)
        assert spool.file._rolled  # type: ignore[attr-defined]  # past its memory limit the spool is a temporary file
    finally:
        spool.close()


def _inventory_file(sets: int, items: int) -> bytes:
    bodies = []
    for number in range(1, sets + 1):
        body = ["BIA*00*SI*REF-1*20240102", "N1*WH*ACME DALLAS*92*DC01"]
        for item in range(items):
            body += [f"LIN**BP*SKU-{item:06d}", f"QTY*33*{item % 50}*EA"]
        body.append(f"CTT*{items}")
        bodies.append(transaction_set("846", f"{number:04d}", *body))
    return interchange(functional_group("IB", "1", *bodies, version="004010VICS")).encode()


def test_memory_does_not_grow_with_the_size_of_the_interchange(monkeypatch: pytest.MonkeyPatch) -> None:
    """One 846 set of 1,000 and one of 5,000 items cost the same: nothing is materialised.

    pyx12 itself is left out (stubbed) to keep the test fast; it streams its input (measured on
    this machine: 20,000 and 60,000 segments peak at 2.6 and 3.3 MB).  Translation is limited to
    sets of 500 segments here, so the sets are read, checked and spooled without being held.
    """
    monkeypatch.setattr(feed, "run_pyx12", lambda stream, map_path=feed.MAP_PATH: Pyx12Result(ok=True, errors=[]))
    peaks = []
    for items in (1_000, 5_000):
        data = _inventory_file(1, items)
        tracemalloc.start()
        try:
            report = check_source(data, max_translated_set_segments=500)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert [s.verdict for s in report.sets()] == ["accepted"]
    materialised = len(read_interchanges(_inventory_file(1, 4_000))[0].groups[0].transaction_sets[0].segments) * 600
    assert peaks[1] - peaks[0] < materialised / 4, (peaks, materialised)


async def test_a_file_that_is_not_x12_cannot_be_validated(tmp_path: Path) -> None:
    with pytest.raises(X12ReadError, match="does not start with an ISA"):
        await validate(b"Dear supplier, please find our order attached.")
    with pytest.raises(FileNotFoundError):
        await validate(tmp_path / "missing.edi")


async def test_garbage_after_an_interchange_is_reported_and_what_came_before_is_validated() -> None:
    data = interchange(functional_group("PO", "1", purchase_order_850())) + "\nthis is not X12"
    report = await validate(data.encode())
    assert report.read_error is not None and "not another ISA" in report.read_error
    assert [s.verdict for s in report.sets()] == ["accepted"]
    assert not report.valid


async def test_a_stream_that_cannot_seek_is_read_through_a_spooled_copy() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = interchange(functional_group("PO", "1", purchase_order_850()))
    report = await validate(Pipe(data.encode()))  # type: ignore[arg-type]
    assert report.valid and report.source == "<stream>"


async def test_an_envelope_that_makes_pyx12_crash_is_still_reported_and_acknowledged() -> None:
    # pyx12 4.0.0 raises ValueError on a GE01 that is not a number (int("1T")); the reader found why.
    data = interchange(functional_group("PO", "1", purchase_order_850())).replace("GE*1*1~", "GE*1T*1~")
    report = await validate(data.encode())
    codes = {(issue.level, issue.code) for issue in report.errors}
    assert {("group", "5"), ("interchange", "not-validated")} <= codes
    assert [group.verdict for group in report.groups()] == ["rejected"]
    ack = await acknowledge(report, control_numbers=SequentialControlNumbers())
    assert "AK9*R*" in ack and "TA1*000000101*240102*1030*R*022" in ack


async def test_mangled_samples_never_give_a_traceback(edi_samples_dir: Path) -> None:
    """Bytes changed, inserted, cut and repeated at random (fixed seed): a report or X12ReadError, nothing else."""
    rng = random.Random(20240102)
    samples = [path.read_bytes() for path in sorted(edi_samples_dir.glob("*.edi"))]
    alphabet = b"*~>:^\n\r\x00ISAGEST0123456789 Z\xe9"
    for _ in range(25):
        data = bytearray(rng.choice(samples))
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data)) if data else 0
            roll = rng.random()
            if roll < 0.4 and data:
                data[at] = rng.choice(alphabet)
            elif roll < 0.6:
                data[at:at] = bytes([rng.choice(alphabet)])
            elif roll < 0.8:
                del data[at : at + rng.randint(1, 20)]
            else:
                start = rng.randrange(len(data)) if data else 0
                data[at:at] = data[start : start + rng.randint(1, 40)]
        try:
            report = await validate(bytes(data))
        except X12ReadError:
            continue
        await acknowledge(report, control_numbers=SequentialControlNumbers())
        report.to_dict()


def test_parsed_maps_reused_between_runs_give_the_same_findings_as_fresh_ones(edi_samples_dir: Path) -> None:
    broken = (edi_samples_dir / "staedi_810_4010.edi").read_bytes().replace(b"IT1**13*CA", b"IT1**1X3*CAXX", 1)
    files = [path.read_bytes() for path in sorted(edi_samples_dir.glob("*.edi"))] + [broken]
    compared = 0
    for data in files:
        for ic in read_interchanges(data):
            if not all(feed.map_for_group(ic, group) for group in ic.groups):
                continue
            text = prepare_for_pyx12(ic).text
            fresh = feed.run_pyx12(io.StringIO(text), reuse_maps=False)
            assert feed.run_pyx12(io.StringIO(text)) == fresh
            assert feed.run_pyx12(io.StringIO(text)) == fresh
            compared += 1
    assert compared == 12
