"""Reading X12 as partners really send it, in bounded memory, and preparing it for pyx12.

Partners send latin-1 and UTF-8 bytes, BOMs, a line break after every terminator or a line
break *as* the terminator, non-printable separators, empty segments and several interchanges
(each with its own separators) in one file.  pyx12 refuses most of that, so Crossdock reads it
here first:

* bytes are decoded as latin-1, which maps every byte to one character: nothing is ever refused
  for its encoding, and a character offset is a byte offset;
* the separators come from each ISA (element: the byte after ``ISA``; component: ISA16;
  segment terminator: the character after ISA16; repetition: ISA11 from version 00402), found
  by counting element separators so an ISA with wrong padding is read too (and reported);
* line breaks and spaces after a terminator are skipped; an empty segment is skipped and reported,
  never taken as the end of the data;
* input is read in chunks (64 KB by default), so memory does not grow with the file.

Streaming design.  A huge 846 or 856 is usually one enormous transaction set, so streaming by
interchange or by set alone would not bound memory.  Three levels are offered:

* :func:`iter_segments` yields every segment with its position: flat, constant memory;
* :func:`iter_transaction_sets` yields a :class:`StreamedTransactionSet` per set, whose segments
  are an iterator consumed once (moving to the next set drains what was left), so a single
  1,000,000-segment set is processed in constant memory; the interchange and group it yields
  are live objects whose trailers, counts and issues are complete once the stream is past them;
* :func:`iter_envelope_events` yields the envelope events themselves (group ends included), for
  a consumer that acknowledges each group as soon as its GE is read.

:func:`iter_interchanges` materialises one interchange at a time (all its segments in memory):
simplest to use and what the pyx12 normaliser needs, for ordinary-sized files.

Only :class:`X12ReadError` is raised for bad input: when there is no ISA where one must be, or an
ISA's separators cannot be worked out.  Everything else is an issue on the structure it concerns.
"""

from __future__ import annotations

import io
import logging
import os
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from dataclasses import dataclass
from typing import BinaryIO

from .envelope import (
    EnvelopeEvent,
    FunctionalGroup,
    Interchange,
    TransactionSet,
    isa_version_number,
    track_envelopes,
)
from .errors import InterchangeNote, X12Issue, X12ReadError
from .segments import Element, Segment, SegmentPosition, Separators

__all__ = [
    "Source",
    "DEFAULT_CHUNK_SIZE",
    "iter_segments",
    "iter_envelope_events",
    "iter_interchanges",
    "read_interchanges",
    "iter_transaction_sets",
    "StreamedTransactionSet",
    "Pyx12Input",
    "ReplacedValue",
    "prepare_for_pyx12",
    "normalise_for_pyx12",
]

logger = logging.getLogger("crossdock.edi.reader")

Source = bytes | bytearray | memoryview | BinaryIO | os.PathLike[str]
"""Where X12 comes from: bytes, a binary file object (read, not closed) or a path."""

DEFAULT_CHUNK_SIZE = 64 * 1024

_BOM = "\xef\xbb\xbf"  # the UTF-8 byte order mark, decoded as latin-1
_FILLER_CHARS = " \t\r\n\x00\x1a\x0c"  # between interchanges: whitespace, NUL, Ctrl-Z, form feed
_FILLER = frozenset(_FILLER_CHARS)
_MAX_ISA = 512  # an ISA with bad padding is still far shorter than this
_LEAVE_SET = frozenset({"GS", "GE", "IEA", "ISA"})
_FIXED_SEPARATOR_OFFSETS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)


@contextmanager
def _open(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield io.BytesIO(bytes(source))
    elif isinstance(source, str):
        raise TypeError("pass X12 as bytes, a binary file object or a pathlib.Path, not a str")
    elif isinstance(source, os.PathLike):
        with open(source, "rb") as handle:
            yield handle
    elif hasattr(source, "read"):
        yield source
    else:
        raise TypeError(f"cannot read X12 from {type(source).__name__}")


class _Buffer:
    """Decoded input read chunk by chunk: ``text[pos:]`` is unread, ``base`` is the byte offset of ``text[0]``."""

    __slots__ = ("base", "eof", "line", "pos", "read", "size", "text")

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self.read = stream.read
        self.size = size
        self.text = ""
        self.pos = 0
        self.base = 0
        self.eof = False
        self.line = 1

    def more(self) -> bool:
        """Append the next chunk to what is unread; ``False`` at end of input."""
        chunk = self.read(self.size)
        if not chunk:
            self.eof = True
            return False
        if isinstance(chunk, str):
            raise TypeError("the X12 file object must be opened in binary mode ('rb')")
        self.text = self.text[self.pos :] + chunk.decode("latin-1")
        self.base += self.pos
        self.pos = 0
        return True

    def ensure(self, count: int) -> None:
        """Read until ``count`` characters are unread or the input ends."""
        while len(self.text) - self.pos < count and self.more():
            pass

    def skip(self, chars: frozenset[str]) -> None:
        """Move past any run of ``chars`` (counting line breaks), reading more as needed."""
        while True:
            text, pos, end = self.text, self.pos, len(self.text)
            while pos < end and text[pos] in chars:
                if text[pos] == "\n":
                    self.line += 1
                pos += 1
            self.pos = pos
            if pos < end or not self.more():
                return


def _read_isa(buf: str, pos: int, eof: bool, base: int, line: int, ordinal: int) -> tuple[Segment, int]:
    """Parse the ISA starting at ``buf[pos]``; returns it and the index just after its terminator."""

    def failure(message: str, note: str, *, fixed_width: bool = False) -> X12ReadError:
        interchange = _fixed_width_interchange(buf[pos : pos + 106], ordinal) if fixed_width else None
        return X12ReadError(message, byte_offset=base + pos, line=line, interchange=interchange, note_code=note)

    cut_short = "the input ends inside the ISA segment"
    element = buf[pos + 3] if len(buf) > pos + 3 else ""
    if not element:
        raise failure(cut_short, InterchangeNote.PREMATURE_END_OF_FILE)
    if element.isalnum() or element in " \r\n":
        raise failure(
            f"the character after ISA is {element!r}, which cannot be an element separator",
            InterchangeNote.INVALID_ELEMENT_SEPARATOR,
        )
    limit = min(len(buf), pos + _MAX_ISA)
    found = pos + 3
    for _ in range(15):
        found = buf.find(element, found + 1, limit)
        if found == -1:
            if eof and limit == len(buf):
                raise failure(cut_short, InterchangeNote.PREMATURE_END_OF_FILE)
            raise failure(
                f"the ISA segment does not have 16 elements separated by {element!r}",
                InterchangeNote.INVALID_CONTROL_STRUCTURE,
                fixed_width=True,
            )
    if found + 2 >= len(buf):
        raise failure(cut_short, InterchangeNote.PREMATURE_END_OF_FILE)
    component, terminator = buf[found + 1], buf[found + 2]
    if terminator.isalnum() or terminator == " " or terminator == element:
        raise failure(
            f"the segment terminator after ISA16 would be {terminator!r}, which cannot be a terminator"
            " (is ISA16 missing, or the ISA cut short?)",
            InterchangeNote.INVALID_SEGMENT_TERMINATOR,
            fixed_width=True,
        )
    fields = buf[pos + 4 : found].split(element)
    version = fields[11]
    repetition = None
    number = isa_version_number(version)
    if number is not None and number >= 402:
        candidate = fields[10]
        if (
            len(candidate) == 1
            and not candidate.isalnum()
            and candidate not in (" ", element, component, terminator)
        ):
            repetition = candidate
    elements: list[Element] = [*fields, component]
    separators = Separators(element=element, component=component, segment=terminator, repetition=repetition)
    position = SegmentPosition(base + pos, line, 1, None, ordinal)
    return Segment("ISA", elements, position, separators), found + 3


def _fixed_width_interchange(text: str, ordinal: int) -> Interchange | None:
    """The ISA read by its fixed columns, when its separators are unusable but it has the standard shape.

    Enough to send a rejecting TA1 for an interchange that cannot be read further.
    """
    if len(text) < 106 or text[:3] != "ISA":
        return None
    element = text[3]
    if any(text[offset] != element for offset in _FIXED_SEPARATOR_OFFSETS):
        return None
    elements: list[Element] = [text[start + 1 : end] for start, end in pairwise(_FIXED_SEPARATOR_OFFSETS)]
    elements.append(text[104])
    separators = Separators(element=element, component=text[104], segment=text[105])
    return Interchange.from_isa(Segment("ISA", elements, None, separators), separators, ordinal)


def _iter_items(stream: BinaryIO, chunk_size: int) -> Iterator[Segment | X12Issue]:
    """The tokenizer: segments in input order, with the reader's own findings between them."""
    buffer = _Buffer(stream, chunk_size)
    buffer.ensure(4)
    if buffer.text.startswith(("\xff\xfe", "\xfe\xff")):
        raise X12ReadError("the input is UTF-16 encoded; X12 must be single-byte text", byte_offset=0, line=1)
    if buffer.text.startswith(_BOM):
        buffer.pos = len(_BOM)
        yield X12Issue(
            level="interchange",
            code="byte-order-mark",
            message="the file starts with a UTF-8 byte order mark, which was skipped",
            byte_offset=0,
            line=1,
            severity="warning",
        )
    ordinal = 0
    while True:
        buffer.skip(_FILLER)  # between interchanges: whitespace and padding, then an ISA or the end
        if buffer.pos >= len(buffer.text):
            if ordinal == 0:
                raise X12ReadError(
                    "the input holds no X12 (it is empty or only whitespace)",
                    byte_offset=buffer.base + buffer.pos,
                    line=buffer.line,
                )
            return
        buffer.ensure(_MAX_ISA)
        text, pos = buffer.text, buffer.pos
        if text[pos : pos + 3] != "ISA":
            what = "the input does not start with an ISA segment" if ordinal == 0 else (
                "data after the IEA is not another ISA segment"
            )
            raise X12ReadError(f"{what}: found {text[pos : pos + 20]!r}", byte_offset=buffer.base + pos, line=buffer.line)
        ordinal += 1
        isa, after = _read_isa(text, pos, buffer.eof, buffer.base, buffer.line, ordinal)
        buffer.line += text.count("\n", pos, after)
        buffer.pos = after
        yield isa
        assert isa.separators is not None
        yield from _segments_after_isa(buffer, isa.separators, ordinal)


def _segments_after_isa(buffer: _Buffer, separators: Separators, ordinal: int) -> Iterator[Segment | X12Issue]:
    """The segments after one ISA, up to its IEA, a new ISA or the end of input.

    The hot loop of the reader: kept small and on local variables (it runs once per segment).
    """
    element, terminator = separators.element, separators.segment
    newline_terminated = terminator == "\n"
    skip = frozenset(" \t\r\n") - set(separators.characters()) | ({"\n"} if newline_terminated else set())
    index, in_set = 1, None
    while True:
        buffer.skip(skip)
        text, pos = buffer.text, buffer.pos
        if pos >= len(text):
            return  # end of input inside the interchange: the envelope tracker reports the missing IEA
        if text[pos] == terminator:
            yield _empty_segment(buffer)
            buffer.pos += 1
            continue
        found = text.find(terminator, pos)
        while found == -1 and not buffer.eof:
            searched = len(text) - pos
            buffer.more()
            text, pos = buffer.text, buffer.pos
            found = text.find(terminator, pos + searched)
        if found == -1:
            raw = text[pos:].rstrip(_FILLER_CHARS)
            after = len(text)
            if not raw:
                buffer.pos = after
                continue
            yield _missing_terminator(buffer, raw, element, terminator)
        else:
            raw = None
            after = found + 1
        if raw is None:
            if text.startswith("ISA", pos) and (found - pos == 3 or not text[pos + 3].isalnum()):
                return  # a new interchange before this one's IEA: its separators are read afresh
            segment = _cut(text, pos, found, separators, buffer.base + pos, buffer.line, index + 1, in_set, ordinal)
            lines = text.count("\n", pos, found)
        else:
            if raw.startswith("ISA") and (len(raw) == 3 or not raw[3].isalnum()):
                return
            segment = _cut(raw, 0, len(raw), separators, buffer.base + pos, buffer.line, index + 1, in_set, ordinal)
            lines = raw.count("\n")
        yield segment
        index = segment.position.in_interchange  # type: ignore[union-attr]
        in_set = None if segment.id == "SE" else segment.position.in_set  # type: ignore[union-attr]
        if newline_terminated and found != -1:
            lines += 1
        if lines:
            buffer.line += lines
        buffer.pos = after
        if segment.id == "IEA":
            return


def _cut(
    text: str, start: int, end: int, separators: Separators, offset: int, line: int, index: int, in_set: int | None, ordinal: int
) -> Segment:
    """One segment from ``text[start:end]``; a separate small function so per-segment allocations stay cheap to trace."""
    raw = text[start:end]
    if separators.segment == "\n" and raw.endswith("\r"):
        raw = raw[:-1]
    parts = raw.split(separators.element)
    segment_id = parts[0]
    del parts[0]
    if segment_id == "ST":
        in_set = 1
    elif in_set is not None:
        in_set = None if segment_id in _LEAVE_SET else in_set + 1
    return Segment(segment_id, parts, SegmentPosition(offset, line, index, in_set, ordinal), separators)  # type: ignore[arg-type]


def _empty_segment(buffer: _Buffer) -> X12Issue:
    return X12Issue(
        level="segment",
        code="empty-segment",
        message="an empty segment (two terminators in a row) was skipped",
        byte_offset=buffer.base + buffer.pos,
        line=buffer.line,
        severity="warning",
    )


def _missing_terminator(buffer: _Buffer, raw: str, element: str, terminator: str) -> X12Issue:
    return X12Issue(
        level="segment",
        code="missing-segment-terminator",
        message=f"the last segment has no terminator {terminator!r}",
        segment_id=raw.split(element, 1)[0][:3],
        byte_offset=buffer.base + buffer.pos,
        line=buffer.line,
        severity="warning",
    )


def iter_segments(
    source: Source,
    *,
    on_issue: Callable[[X12Issue], None] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Segment]:
    """Every segment of the input (envelopes included), each with its :class:`SegmentPosition`.

    The reader's own findings (skipped empty segments, a BOM, a missing final terminator) go to
    ``on_issue``, or are logged as warnings without one.  Envelope checks are not made here; see
    :func:`iter_transaction_sets` or :func:`iter_interchanges`.
    """
    with _open(source) as stream:
        for item in _iter_items(stream, chunk_size):
            if item.__class__ is Segment:
                yield item  # type: ignore[misc]
            elif on_issue is not None:
                on_issue(item)  # type: ignore[arg-type]
            else:
                logger.warning("%s", item)


def iter_envelope_events(
    source: Source, *, keep_segments: bool = False, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[tuple[int, object]]:
    """The envelope events of the input: ``(EnvelopeEvent.KIND, object)`` pairs, checked as they pass.

    ``GROUP_END`` carries a finished :class:`FunctionalGroup` (its issues complete), the moment
    to build its 997 in a streaming pipeline; ``SEGMENT`` carries each segment of a set.
    """
    with _open(source) as stream:
        yield from track_envelopes(_iter_items(stream, chunk_size), keep_segments=keep_segments)


def iter_interchanges(source: Source, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[Interchange]:
    """Each interchange of the input, complete with its groups, sets, segments and issues.

    One interchange is held in memory at a time; for huge interchanges use
    :func:`iter_transaction_sets`.  A truncated interchange is yielded too (``complete`` is
    ``False`` and it carries a TA1 ``023`` issue).
    """
    for kind, obj in iter_envelope_events(source, keep_segments=True, chunk_size=chunk_size):
        if kind == EnvelopeEvent.INTERCHANGE_END:
            yield obj  # type: ignore[misc]


def read_interchanges(source: Source) -> list[Interchange]:
    """All interchanges of a (reasonably sized) input."""
    return list(iter_interchanges(source))


class StreamedTransactionSet:
    """One transaction set of a stream: its interchange and group (live), its envelope facts, its segments once.

    Iterate it to read the segments from ST to SE; they are not kept.  Moving on to the next set
    reads past whatever was left, so SE01 and the other checks are always made; after that,
    ``transaction_set`` holds the trailer facts and issues.
    """

    __slots__ = ("_events", "_finished", "_started", "group", "interchange", "transaction_set")

    def __init__(
        self,
        interchange: Interchange,
        group: FunctionalGroup,
        transaction_set: TransactionSet,
        events: Iterator[tuple[int, object]],
    ) -> None:
        self.interchange = interchange
        self.group = group
        self.transaction_set = transaction_set
        self._events = events
        self._started = False
        self._finished = False

    @property
    def id(self) -> str:
        return self.transaction_set.id

    @property
    def control_number(self) -> str:
        return self.transaction_set.control_number

    def __iter__(self) -> Iterator[Segment]:
        if self._started:
            raise RuntimeError("the segments of a streamed transaction set can be read only once")
        self._started = True
        return self._segments()

    def _segments(self) -> Iterator[Segment]:
        segment_kind, end_kind = EnvelopeEvent.SEGMENT, EnvelopeEvent.SET_END
        for kind, obj in self._events:
            if kind == segment_kind:
                yield obj  # type: ignore[misc]
            elif kind == end_kind:
                self._finished = True
                return

    def _drain(self) -> None:
        if self._finished:
            return
        self._started = True
        for kind, _ in self._events:
            if kind == EnvelopeEvent.SET_END:
                break
        self._finished = True


def iter_transaction_sets(source: Source, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[StreamedTransactionSet]:
    """Each transaction set of the input, its segments streamed: constant memory whatever the set size.

    >>> for streamed in iter_transaction_sets(Path("huge_846.edi")):   # doctest: +SKIP
    ...     for segment in streamed:
    ...         handle(segment)
    ...     report(streamed.transaction_set.issues)
    """
    with _open(source) as stream:
        events = track_envelopes(_iter_items(stream, chunk_size), keep_segments=False)
        interchange: Interchange | None = None
        group: FunctionalGroup | None = None
        for kind, obj in events:
            if kind == EnvelopeEvent.INTERCHANGE_START:
                interchange = obj  # type: ignore[assignment]
            elif kind == EnvelopeEvent.GROUP_START:
                group = obj  # type: ignore[assignment]
            elif kind == EnvelopeEvent.SET_START:
                assert interchange is not None and group is not None
                streamed = StreamedTransactionSet(interchange, group, obj, events)  # type: ignore[arg-type]
                yield streamed
                streamed._drain()


# -- normalising for pyx12 ----------------------------------------------------------------------

_PYX12_VERSION = {
    **{v: "00401" for v in ("00200", "00201", "00204", "00400", "00402", "00403", "00404", "00405", "00406")},
    **{f"003{n:02d}": "00401" for n in range(0, 8)},
    **{v: "00501" for v in ("00500", "00502", "00503", "00504", "00505")},
}
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_CANDIDATES = {
    "element": "*|!+",
    "component": ":>\\<",
    "segment": "~'`",
    "repetition": "^{}",
}


_Value = str | list[list[str]]
"""An element on its way to pyx12: unchanged text, or repeats of components."""


@dataclass(frozen=True, slots=True)
class ReplacedValue:
    """An element whose characters were changed for pyx12; ``original`` restores it."""

    segment_ordinal: int
    segment_id: str
    element_position: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class Pyx12Input:
    """One interchange as pyx12 4.0.0 accepts it, with a record of everything that was changed.

    ``original_version`` is the partner's ISA12 (what errors and acks must report); ``version`` is
    the ISA12 pyx12 was shown.  Segment ordinals in ``text`` equal the reader's
    ``SegmentPosition.in_interchange``, so pyx12's findings map back onto the original.
    """

    text: str
    original_version: str
    version: str
    separators: Separators
    replaced_values: tuple[ReplacedValue, ...]
    notes: tuple[str, ...]

    @property
    def version_mapped(self) -> bool:
        return self.version != self.original_version


def _ascii_value(value: str) -> str:
    """Printable ASCII for a value: accents dropped where that leaves one letter, else ``?``; controls become spaces."""
    out: list[str] = []
    for char in value:
        code = ord(char)
        if 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x20 or code == 0x7F:
            out.append(" ")
        else:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
            out.append(base if len(base) == 1 and base.isprintable() else "?")
    return "".join(out)


def _interchange_segments(interchange: Interchange) -> list[Segment]:
    segments: list[Segment] = [interchange.isa, *interchange.loose_segments]
    for group in interchange.groups:
        segments.append(group.header)
        for transaction_set in group.transaction_sets:
            if transaction_set.streamed:
                raise ValueError("normalising needs an interchange read with iter_interchanges (its sets were streamed)")
            segments += transaction_set.segments
        if group.trailer is not None:
            segments.append(group.trailer)
    if interchange.trailer is not None:
        segments.append(interchange.trailer)
    segments.sort(key=lambda segment: segment.position.in_interchange if segment.position else 0)
    return segments


def prepare_for_pyx12(interchange: Interchange) -> Pyx12Input:
    """Rewrite one interchange into what pyx12 reads, recording every change.

    pyx12 needs a 106-character ISA with ISA12 00401 or 00501, ASCII text, no empty segments and
    no line breaks; it also flags trailing empty elements.  So: ISA12 is mapped (00400–00406 ->
    00401, 00500–00505 -> 00501; older ones -> 00401), the ISA is re-padded, non-ASCII and control
    characters are replaced (:class:`ReplacedValue` keeps the originals), trailing empty elements
    are dropped and separators that are not printable ASCII (or clash with the cleaned data) are
    swapped for standard ones.  The partner's version stays in ``original_version``.
    """
    segments = _interchange_segments(interchange)
    source = interchange.separators
    original_version = interchange.version
    version = _PYX12_VERSION.get(original_version, original_version)
    notes: list[str] = []
    if version != original_version:
        notes.append(f"ISA12 {original_version} shown to pyx12 as {version}; acks report {original_version}")
    component = source.component if source.component not in (source.element, source.segment) else None
    repetition = source.repetition if version == "00501" else None
    structural = {component, repetition}

    cleaned: list[tuple[Segment, str, list[_Value]]] = []
    changed: list[tuple[Segment, int, str]] = []
    data_chars: set[str] = set()
    trimmed = 0
    for segment in segments[1:]:
        values: list[_Value] = []
        for number in range(1, len(segment.elements) + 1):
            raw = segment.element(number)
            value = _split_value(raw, component, repetition)
            if isinstance(value, str):
                data_chars.update(value)
            else:
                for components in value:
                    for atom in components:
                        data_chars.update(atom)
            if value is not raw:
                changed.append((segment, number, raw))
            values.append(value)
        while values and values[-1] == "":
            values.pop()
            trimmed += 1
        segment_id = _ascii_value(segment.id)
        data_chars.update(segment_id)
        cleaned.append((segment, segment_id, values))
    data_chars -= structural

    separators = _pyx12_separators(source, version, data_chars, notes)
    isa_values = _pyx12_isa(interchange, version, separators)
    if interchange.isa_width != 106:
        notes.append(f"ISA re-padded from {interchange.isa_width} to 106 characters")

    join_element, join_component = separators.element, separators.component
    join_repetition = separators.repetition or ""
    out: list[str] = [join_element.join(["ISA", *isa_values]) + separators.segment]
    rendered: dict[tuple[int, int], str] = {}
    original_isa13 = interchange.isa.element(13).strip()
    for segment, segment_id, values in cleaned:
        texts = [
            value if isinstance(value, str) else join_repetition.join(join_component.join(parts) for parts in value)
            for value in values
        ]
        if segment_id == "IEA" and len(texts) > 1 and texts[1].strip() == original_isa13 and texts[1] != isa_values[12]:
            texts[1] = isa_values[12]  # IEA02 follows the re-padded ISA13, or pyx12 sees a mismatch that was not sent
        for index, text in enumerate(texts, start=1):
            rendered[(id(segment), index)] = text
        out.append(join_element.join([segment_id, *texts]) + separators.segment)
    replaced: list[ReplacedValue] = []
    for segment, number, raw in changed:
        replacement = rendered.get((id(segment), number), "")
        if replacement != raw:
            ordinal = segment.position.in_interchange if segment.position else 0
            replaced.append(ReplacedValue(ordinal, segment.id, number, raw, replacement))
    if replaced:
        notes.append(f"{len(replaced)} element value(s) had characters replaced (non-ASCII, control or separators)")
    if trimmed:
        notes.append(f"{trimmed} trailing empty element(s) dropped")
    return Pyx12Input(
        text="".join(out),
        original_version=original_version,
        version=version,
        separators=separators,
        replaced_values=tuple(replaced),
        notes=tuple(notes),
    )



def _clean(text: str) -> str:
    return text if text.isascii() and text.isprintable() else _ascii_value(text)


def _split_value(raw: str, component: str | None, repetition: str | None) -> _Value:
    """A value as it goes to pyx12: ``raw`` itself when nothing changes, else repeats of components, cleaned."""
    structured = (component is not None and component in raw) or (repetition is not None and repetition in raw)
    if not structured:
        return raw if raw.isascii() and raw.isprintable() else _ascii_value(raw)
    repeats = raw.split(repetition) if repetition else [raw]
    return [[_clean(atom) for atom in (repeat.split(component) if component else [repeat])] for repeat in repeats]


def _pyx12_separators(source: Separators, version: str, data_chars: set[str], notes: list[str]) -> Separators:
    """The partner's separators where pyx12 can use them, printable replacements absent from the data where not."""
    wanted = {
        "element": source.element,
        "component": source.component,
        "segment": source.segment,
        "repetition": source.repetition if version == "00501" else None,
    }
    chosen: dict[str, str | None] = {}
    for name in ("element", "component", "segment", "repetition"):
        current = wanted[name]
        taken = {value for value in chosen.values() if value}
        usable = (
            current is not None
            and len(current) == 1
            and 0x21 <= ord(current) < 0x7F
            and not current.isalnum()
            and current not in taken
            and current not in data_chars
        )
        if usable:
            chosen[name] = current
        elif name == "repetition" and version != "00501":
            chosen[name] = None
        else:
            pick = next((c for c in _CANDIDATES[name] if c not in data_chars and c not in taken), None)
            if pick is None:
                pick = next(c for c in "!#$%&'()+,-./;<=>@[]_`{|}\"" if c not in data_chars and c not in taken)
            chosen[name] = pick
            if current is not None:
                notes.append(f"{name} separator {current!r} replaced by {pick!r} for pyx12")
    return Separators(
        element=chosen["element"] or "*",
        component=chosen["component"] or ":",
        segment=chosen["segment"] or "~",
        repetition=chosen["repetition"],
    )


def _pyx12_isa(interchange: Interchange, version: str, separators: Separators) -> list[str]:
    """ISA01–ISA16 at their fixed widths, with the mapped version and the separators pyx12 is given."""
    values = [_ascii_value(interchange.isa.element(n)) for n in range(1, 17)]
    values[10] = separators.repetition if (version == "00501" and separators.repetition) else "U"
    values[11] = version
    values[15] = separators.component
    for index, width in enumerate(_ISA_WIDTHS):
        value = values[index]
        if index == 12 and value.strip().isdigit():
            value = value.strip().zfill(width)
        elif index in (1, 3, 5, 7):
            value = value.rstrip()
        values[index] = value.ljust(width) if len(value) < width else value
    return values


def normalise_for_pyx12(interchange: Interchange) -> str:
    """The text of :func:`prepare_for_pyx12` (use that to keep the record of what changed)."""
    return prepare_for_pyx12(interchange).text
