"""Feeding pyx12 one interchange at a time through a spooled temporary file, in bounded memory.

``prepare_for_pyx12`` + ``validate_with_pyx12`` need the interchange materialised (every segment
as an object: ~650 bytes a segment, a 1,000,000-segment 846 is well over half a gigabyte) and its
normalised text as one string.  pyx12 itself streams from a file object, so here the same
normalisation is written segment by segment to a :class:`tempfile.SpooledTemporaryFile` (memory up
to 8 MB, disk beyond) and pyx12 reads that file.  The text written is the text
``prepare_for_pyx12`` produces (same version mapping, ISA padding, ASCII cleaning, trailing empty
elements dropped, same separator choice), built from the reader's own normalising helpers; the
specification tests compare the two on every sample.

Two things differ on purpose:

* a functional group Crossdock has no map for is left out (pyx12 would stop the whole run at its
  GS, losing every other group's findings) and IEA01 counts the groups that remain; the group is
  reported by the pipeline as not supported;
* segments outside any transaction set (reported by the reader) are left out too.

So segment ordinals in the spool can differ from the interchange's: :class:`OrdinalMap` keeps
the few points where they diverge and maps pyx12's findings back.

The separator choice needs to know which characters the data uses, before the first segment is
written; the pipeline gathers that in its first pass (:class:`CharacterCensus`).
"""

from __future__ import annotations

import bisect
import io
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyx12.errors
import pyx12.map_if
import pyx12.params
import pyx12.rawx12file
import pyx12.x12n_document

from .. import reader as _reader
from ..envelope import FunctionalGroup, Interchange
from ..errors import GroupError, X12Issue
from ..pyx12_maps import MAP_PATH, find_map, registered_transactions
from ..segments import Segment, Separators
from ..validation_pyx12 import Pyx12Issue, Pyx12Result
from ..validation_pyx12 import _issues_from_report as _pyx12_report_issues  # noqa: PLC2701 - see run_pyx12
from ..validation_pyx12 import _RunObserver  # noqa: PLC2701 - see run_pyx12
from ._source import SPOOL_MEMORY_LIMIT

__all__ = [
    "CharacterCensus",
    "Pyx12Plan",
    "plan_for",
    "pyx12_version",
    "map_for_group",
    "unmapped_group_issue",
    "OrdinalMap",
    "Pyx12Spool",
    "run_pyx12",
    "to_x12_issue",
]

PYX12_VERSIONS = frozenset({"00401", "00501"})


def pyx12_version(isa12: str) -> str:
    """The ISA12 pyx12 is shown for the partner's (00400–00406 as 00401, 00500–00505 as 00501)."""
    return _reader._PYX12_VERSION.get(isa12, isa12)


def map_for_group(interchange: Interchange, group: FunctionalGroup, map_path: Path = MAP_PATH) -> str | None:
    """The map pyx12 would use for the group, or ``None`` when it would stop at the group's GS."""
    version = pyx12_version(interchange.version)
    if version not in PYX12_VERSIONS:
        return None
    return find_map(version, group.version, group.functional_id, map_path)


def unmapped_group_issue(interchange: Interchange, group: FunctionalGroup, map_path: Path = MAP_PATH) -> X12Issue:
    """AK905 ``1`` (this functional group is not supported) or ``2`` (not in this version), on the GS."""
    version = pyx12_version(interchange.version)
    known_fic = any(entry.fic == group.functional_id for entry in registered_transactions(map_path))
    code = GroupError.VERSION_NOT_SUPPORTED if known_fic else GroupError.NOT_SUPPORTED
    why = (
        f"version {group.version!r} of GS01 {group.functional_id!r} groups is not supported"
        if known_fic
        else f"GS01 {group.functional_id!r} groups are not supported"
    )
    position = group.header.position
    return X12Issue(
        level="group",
        code=str(code),
        message=f"Crossdock has no validation map for this group ({why}; ISA12 {interchange.version} read as {version}): "
        "the group was not validated and is rejected",
        isa13=interchange.control_number,
        gs06=group.control_number,
        segment_id="GS",
        segment_ordinal=position.in_interchange if position else None,
        line=position.line if position else None,
        byte_offset=position.byte_offset if position else None,
        element_position=8 if known_fic else 1,
        bad_value=group.version if known_fic else group.functional_id,
    )


class CharacterCensus:
    """The characters an interchange's data uses: what the pyx12 separators must avoid."""

    __slots__ = ("_chars",)

    def __init__(self) -> None:
        self._chars: set[str] = set()

    def add(self, segment: Segment) -> None:
        chars = self._chars
        chars.update(segment.id)
        for element in segment.elements:
            chars.update(element if isinstance(element, str) else "".join(element))

    def data_characters(self, structural: Iterable[str | None]) -> set[str]:
        """As ``prepare_for_pyx12`` counts them: cleaned to ASCII, without the characters that split values."""
        split = {char for char in structural if char}
        cleaned = set(_reader._ascii_value("".join(sorted(self._chars - split))))
        return cleaned - split


@dataclass(frozen=True, slots=True)
class Pyx12Plan:
    """How one interchange is shown to pyx12: version, separators, the re-padded ISA."""

    version: str
    separators: Separators
    split_component: str | None
    split_repetition: str | None
    isa_values: tuple[str, ...]
    original_isa13: str
    notes: tuple[str, ...]

    @property
    def isa_text(self) -> str:
        return self.separators.element.join(["ISA", *self.isa_values]) + self.separators.segment


def plan_for(interchange: Interchange, census: CharacterCensus) -> Pyx12Plan | None:
    """What ``prepare_for_pyx12`` would decide for the interchange; ``None`` when pyx12 cannot read its version."""
    source = interchange.separators
    original = interchange.version
    version = pyx12_version(original)
    if version not in PYX12_VERSIONS:
        return None
    notes: list[str] = []
    if version != original:
        notes.append(f"ISA12 {original} shown to pyx12 as {version}; acks report {original}")
    component = source.component if source.component not in (source.element, source.segment) else None
    repetition = source.repetition if version == "00501" else None
    data_chars = census.data_characters((component, repetition))
    separators = _reader._pyx12_separators(source, version, data_chars, notes)
    isa_values = _reader._pyx12_isa(interchange, version, separators)
    if interchange.isa_width != 106:
        notes.append(f"ISA re-padded from {interchange.isa_width} to 106 characters")
    return Pyx12Plan(
        version=version,
        separators=separators,
        split_component=component,
        split_repetition=repetition,
        isa_values=tuple(isa_values),
        original_isa13=interchange.isa.element(13).strip(),
        notes=tuple(notes),
    )


@dataclass(slots=True)
class OrdinalMap:
    """Spool ordinal -> interchange ordinal, stored only where the two diverge (skipped segments)."""

    _starts: list[int] = field(default_factory=lambda: [1])
    _shifts: list[int] = field(default_factory=lambda: [0])

    def note(self, spool_ordinal: int, original_ordinal: int) -> None:
        shift = original_ordinal - spool_ordinal
        if shift != self._shifts[-1]:
            self._starts.append(spool_ordinal)
            self._shifts.append(shift)

    def original(self, spool_ordinal: int | None) -> int | None:
        if spool_ordinal is None:
            return None
        index = bisect.bisect_right(self._starts, spool_ordinal) - 1
        return spool_ordinal + self._shifts[max(index, 0)]


class Pyx12Spool:
    """One interchange's normalised text, written segment by segment to a spooled temporary file."""

    def __init__(self, plan: Pyx12Plan, *, memory_limit: int = SPOOL_MEMORY_LIMIT) -> None:
        self.plan = plan
        self.file: tempfile.SpooledTemporaryFile[str] = tempfile.SpooledTemporaryFile(
            max_size=memory_limit, mode="w+", encoding="latin-1", newline=""
        )
        self.ordinals = OrdinalMap()
        self.written = 0
        self.groups_written = 0
        self.groups_skipped = 0
        self._skipping = False
        seps = plan.separators
        self._element, self._terminator = seps.element, seps.segment
        self._component, self._repetition = seps.component, seps.repetition or ""
        self._write(plan.isa_text, 1)

    def _write(self, text: str, original_ordinal: int) -> None:
        self.written += 1
        self.ordinals.note(self.written, original_ordinal)
        self.file.write(text)

    def start_group(self, gs: Segment, mapped: bool) -> None:
        self._skipping = not mapped
        if mapped:
            self.groups_written += 1
            self.add(gs)
        else:
            self.groups_skipped += 1

    def end_group(self, ge: Segment) -> None:
        self.add(ge)
        self._skipping = False

    def add(self, segment: Segment) -> None:
        """Write one segment (not the ISA) as ``prepare_for_pyx12`` writes it; skipped inside an unmapped group."""
        if self._skipping:
            return
        plan = self.plan
        component, repetition = plan.split_component, plan.split_repetition
        texts: list[str] = []
        for number in range(1, len(segment.elements) + 1):
            value = _reader._split_value(segment.element(number), component, repetition)
            texts.append(
                value if isinstance(value, str) else self._repetition.join(self._component.join(parts) for parts in value)
            )
        while texts and texts[-1] == "":
            texts.pop()
        segment_id = _reader._ascii_value(segment.id)
        if segment_id == "IEA":
            padded_isa13 = plan.isa_values[12]
            if len(texts) > 1 and texts[1].strip() == plan.original_isa13 and texts[1] != padded_isa13:
                texts[1] = padded_isa13
            if self.groups_skipped and texts:
                texts[0] = str(self.groups_written)
        ordinal = segment.position.in_interchange if segment.position else self.written + 1
        self._write(self._element.join([segment_id, *texts]) + self._terminator, ordinal)

    def text(self) -> str:
        """Everything written (for tests and small interchanges)."""
        self.file.seek(0)
        return self.file.read()

    def run(self, map_path: Path = MAP_PATH) -> Pyx12Result:
        self.file.seek(0)
        return run_pyx12(self.file, map_path=map_path)

    def close(self) -> None:
        self.file.close()


_load_map_file = pyx12.map_if.load_map_file
_loaded_maps: dict[tuple[str, str | None], Any] = {}
_maps_lock = threading.Lock()
_runs_using_cache = 0


def _cached_load_map_file(map_file: str, param: Any, map_path: str | None = None) -> Any:
    """pyx12's map loader, remembering each parsed map: parsing is ~90 % of validating a small file.

    pyx12 never changes a map while it walks one (its loop counters live in a separate
    ``nodeCounter``), so one parsed map serves every run; the specification tests compare cached
    and fresh findings on every sample.
    """
    key = (map_file, map_path)
    with _maps_lock:
        found = _loaded_maps.get(key)
    if found is None:
        found = _load_map_file(map_file, param, map_path)
        with _maps_lock:
            found = _loaded_maps.setdefault(key, found)
    return found


@contextmanager
def _parsed_maps_reused() -> Iterator[None]:
    """Let pyx12 use the cached loader for the length of a run (pyx12 offers no way to pass maps in)."""
    global _runs_using_cache
    with _maps_lock:
        _runs_using_cache += 1
        pyx12.map_if.load_map_file = _cached_load_map_file
    try:
        yield
    finally:
        with _maps_lock:
            _runs_using_cache -= 1
            if _runs_using_cache == 0:
                pyx12.map_if.load_map_file = _load_map_file


def run_pyx12(stream: TextIO, *, map_path: Path = MAP_PATH, reuse_maps: bool = True) -> Pyx12Result:
    """Validate a normalised interchange read from ``stream`` with pyx12 and the retail maps.

    ``crossdock.edi.validation_pyx12.validate_with_pyx12`` does this for a string only; reading a
    file object needs the same run with another input, so its private observer and report reader
    are reused here rather than copied (they are the parts that make pyx12's findings complete).
    pyx12's own 997 is not written.  ``reuse_maps`` keeps parsed maps between runs.  A group without a map never reaches pyx12 here, so a
    "Map not found" stop means the spool and the maps disagree: it is reported, not raised.
    """
    try:
        pyx12.rawx12file.RawX12File(stream)
    except pyx12.errors.X12Error as exc:
        issue = Pyx12Issue(kind="isa", code="unreadable", message=str(exc), segment_id="ISA", line=1)
        return Pyx12Result(ok=False, errors=[issue], aborted=str(exc))
    stream.seek(0)
    observer = _RunObserver()
    report = io.StringIO()
    aborted: str | None = None
    stop: list[Pyx12Issue] = []
    reader_ok = False
    try:
        with _parsed_maps_reused() if reuse_maps else _nothing():
            reader_ok = pyx12.x12n_document.x12n_document(
                pyx12.params.ParamsBase(), stream, None, None, None, report, map_path=str(map_path), callback=observer
            )
    except pyx12.errors.EngineError as exc:
        if not str(exc).startswith("Map not found"):
            raise
        aborted = str(exc)
        stop.append(
            Pyx12Issue(kind="gs", code=str(GroupError.NOT_SUPPORTED), message=f"No map for this functional group: {exc}",
                       segment_id="GS", line=observer.last_line + 1, isa13=observer.isa13, gs06=observer.gs06)
        )  # fmt: skip
    except pyx12.errors.X12Error as exc:
        aborted = str(exc)
        stop.append(Pyx12Issue(kind="isa", code="unreadable", message=aborted, segment_id="ISA", line=observer.last_line + 1))
    except Exception as exc:  # noqa: BLE001 - pyx12 4.0.0 crashes on some malformed envelopes (int("1T") for GE01)
        aborted = f"{type(exc).__name__}: {exc}"
        stop.append(
            Pyx12Issue(
                kind="isa", code="not-validated", isa13=observer.isa13,
                message=f"pyx12 stopped ({aborted}): the interchange could not be fully validated and is rejected",
            )
        )  # fmt: skip
    filed = _pyx12_report_issues(report.getvalue())
    issues = filed + observer.issues + observer.unfiled(filed) + stop
    issues.sort(key=lambda issue: issue.line if issue.line is not None else 0)
    if not reader_ok and not issues:
        issues.append(Pyx12Issue(kind="isa", code="invalid", message="pyx12 rejected the interchange without a located error"))
    return Pyx12Result(ok=reader_ok and not issues, errors=issues, aborted=aborted)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


_LEVELS = {"isa": "interchange", "gs": "group", "st": "set", "seg": "segment", "ele": "element"}


def to_x12_issue(found: Pyx12Issue, interchange: Interchange, ordinals: OrdinalMap | None = None) -> X12Issue:
    """A pyx12 finding in Crossdock's terms, with the partner's ISA13 and the segment's ordinal in the interchange."""
    ordinal = ordinals.original(found.line) if ordinals is not None else found.line
    return X12Issue(
        level=_LEVELS[found.kind],  # type: ignore[arg-type]
        code=found.code,
        message=found.message,
        isa13=interchange.control_number,
        gs06=found.gs06,
        st02=found.st02,
        segment_id=found.segment_id,
        segment_position=found.segment_position,
        element_position=found.element_position,
        component_position=found.subelement_position,
        data_element=found.data_element,
        bad_value=found.bad_value,
        segment_ordinal=ordinal,
    )
