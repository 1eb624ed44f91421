"""Writing X12: segments to text with given separators, and envelopes around transaction sets.

The writer never invents control numbers: ISA13, GS06 and ST02 come from the caller, who takes
them from the state store's ``next_sequence`` so they survive restarts and never repeat.  It
computes what must be computed (SE01, GE01, IEA01, the fixed-width ISA) and refuses values X12
cannot carry: a value containing one of the interchange's separators would silently change the
structure for the partner, so it is an :class:`X12WriteError` naming the segment and element.

Bodies may be any iterable, so a huge outbound set (a full-catalogue 846) is written in bounded
memory: :func:`iter_interchange_segments` counts segments while it yields them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TextIO

from .errors import X12WriteError
from .segments import Element, Segment, Separators

__all__ = [
    "X12Writer",
    "OutboundInterchange",
    "OutboundGroup",
    "OutboundSet",
    "isa_segment",
    "gs_segment",
    "format_isa13",
    "format_gs06",
    "format_st02",
    "iter_interchange_segments",
    "envelope",
    "render_interchange",
    "render_segments",
]

ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
"""Fixed widths of ISA01..ISA16; with the ID, 16 separators and the terminator: 106 characters."""


class X12Writer:
    """Renders segments with one set of separators.

    ``line_breaks`` puts a ``\\n`` after each segment terminator (readable files; most partners
    accept it, some VANs do not).  Trailing empty elements are dropped, as X12 requires.
    """

    def __init__(self, separators: Separators, *, line_breaks: bool = False) -> None:
        problems = separators.problems()
        if problems:
            raise X12WriteError("cannot write with these separators: " + "; ".join(problems))
        self.separators = separators
        self.line_breaks = line_breaks
        self._terminator = separators.segment + ("\n" if line_breaks and separators.segment not in "\r\n" else "")
        self._forbidden = frozenset(separators.characters())

    def format_segment(self, segment: Segment) -> str:
        """One segment with its terminator; raises :class:`X12WriteError` for a value holding a separator."""
        return self.format(segment.id, segment.elements) + self._terminator

    def format(self, segment_id: str, elements: Sequence[Element]) -> str:
        """A segment's text without the terminator."""
        seps = self.separators
        if not segment_id or any(char in self._forbidden for char in segment_id):
            raise X12WriteError(f"segment ID {segment_id!r} is empty or contains a separator")
        parts = [segment_id]
        is_isa = segment_id == "ISA"
        for number, value in enumerate(elements, start=1):
            if is_isa and number in (11, 16):
                parts.append(value if isinstance(value, str) else "".join(value))
                continue
            if isinstance(value, tuple):
                for index, component in enumerate(value, start=1):
                    self._check(segment_id, number, component, index)
                parts.append(seps.component.join(value).rstrip(seps.component))
            else:
                self._check(segment_id, number, value, None)
                parts.append(value)
        if not is_isa:
            while len(parts) > 1 and parts[-1] == "":
                parts.pop()
        return seps.element.join(parts)

    def _check(self, segment_id: str, number: int, value: str, component: int | None) -> None:
        if not isinstance(value, str):
            raise X12WriteError(f"{segment_id}{number:02d} must be text, got {type(value).__name__}")
        clash = next((char for char in value if char in self._forbidden), None)
        if clash is not None:
            where = f"{segment_id}{number:02d}" + (f"-{component}" if component else "")
            raise X12WriteError(
                f"{where} value {value!r} contains the separator {clash!r}; "
                "X12 has no escaping, so the value must be cleaned or the separators changed"
            )

    def render(self, segments: Iterable[Segment]) -> str:
        return "".join(self.format_segment(segment) for segment in segments)

    def write(self, segments: Iterable[Segment], out: TextIO) -> int:
        """Write segments one at a time (bounded memory); returns how many were written."""
        count = 0
        for segment in segments:
            out.write(self.format_segment(segment))
            count += 1
        return count


@dataclass(frozen=True, slots=True)
class OutboundSet:
    """A transaction set to send: its ID, the caller's ST02 and its body (without ST and SE)."""

    id: str
    control_number: int | str
    body: Iterable[Segment]
    implementation_reference: str | None = None


@dataclass(frozen=True, slots=True)
class OutboundGroup:
    """A functional group to send; ``control_number`` (GS06) comes from the caller."""

    functional_id: str
    application_sender: str
    application_receiver: str
    control_number: int | str
    version: str
    transaction_sets: Sequence[OutboundSet] = ()
    agency: str = "X"
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboundInterchange:
    """An interchange to send; ``control_number`` (ISA13) comes from the caller.

    ``version`` is ISA12; from 00402 on ISA11 carries the separators' repetition character.
    ``created_at`` defaults to now (UTC) when left out.
    """

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: int | str
    version: str = "00401"
    usage: str = "P"
    ack_requested: bool = False
    groups: Sequence[OutboundGroup] = ()
    created_at: datetime | None = None
    authorization_qualifier: str = "00"
    authorization: str = ""
    security_qualifier: str = "00"
    security: str = ""
    loose_segments: Sequence[Segment] = field(default=())
    """Segments placed after the ISA and before the first GS (a TA1)."""


def format_isa13(control_number: int | str) -> str:
    """ISA13 as nine digits."""
    text = str(control_number)
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise X12WriteError(f"ISA13 control number {control_number!r} is not 1 to 999999999")
    return text.zfill(9)


def format_gs06(control_number: int | str) -> str:
    """GS06 as 1 to 9 digits (kept as given when the caller already formatted it)."""
    text = str(control_number)
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise X12WriteError(f"GS06 control number {control_number!r} is not 1 to 999999999")
    return text


def format_st02(control_number: int | str) -> str:
    """ST02 as 4 to 9 characters (integers are zero-padded to four digits)."""
    text = f"{control_number:04d}" if isinstance(control_number, int) else str(control_number)
    if not 4 <= len(text) <= 9:
        raise X12WriteError(f"ST02 control number {control_number!r} is not 4 to 9 characters")
    return text


def _fixed(name: str, value: str, width: int, *, pad: str = " ") -> str:
    if len(value) > width:
        raise X12WriteError(f"{name} {value!r} is longer than its fixed {width} characters")
    return value.ljust(width, pad)


def isa_segment(interchange: OutboundInterchange, separators: Separators) -> Segment:
    """The fixed-width ISA (106 characters with its terminator)."""
    when = interchange.created_at or datetime.now(UTC)
    version = interchange.version
    if not (len(version) == 5 and version.isdigit()):
        raise X12WriteError(f"ISA12 version {version!r} is not five digits")
    if int(version) >= 402:
        if separators.repetition is None:
            raise X12WriteError(f"ISA12 {version} needs a repetition separator for ISA11")
        isa11 = separators.repetition
    else:
        isa11 = "U"
    elements: list[Element] = [
        _fixed("ISA01", interchange.authorization_qualifier, 2),
        _fixed("ISA02", interchange.authorization, 10),
        _fixed("ISA03", interchange.security_qualifier, 2),
        _fixed("ISA04", interchange.security, 10),
        _fixed("ISA05", interchange.sender_qualifier, 2),
        _fixed("ISA06", interchange.sender_id, 15),
        _fixed("ISA07", interchange.receiver_qualifier, 2),
        _fixed("ISA08", interchange.receiver_id, 15),
        when.strftime("%y%m%d"),
        when.strftime("%H%M"),
        isa11,
        version,
        format_isa13(interchange.control_number),
        "1" if interchange.ack_requested else "0",
        _fixed("ISA15", interchange.usage, 1),
        separators.component,
    ]
    return Segment("ISA", elements, separators=separators)


def gs_segment(group: OutboundGroup, when: datetime | None = None) -> Segment:
    """GS with CCYYMMDD date and HHMM time."""
    moment = group.created_at or when or datetime.now(UTC)
    return Segment(
        "GS",
        [
            group.functional_id,
            group.application_sender,
            group.application_receiver,
            moment.strftime("%Y%m%d"),
            moment.strftime("%H%M"),
            format_gs06(group.control_number),
            group.agency,
            group.version,
        ],
    )


def _set_segments(transaction_set: OutboundSet) -> Iterator[Segment]:
    st02 = format_st02(transaction_set.control_number)
    st: list[Element] = [transaction_set.id, st02]
    if transaction_set.implementation_reference:
        st.append(transaction_set.implementation_reference)
    yield Segment("ST", st)
    count = 1
    for segment in transaction_set.body:
        if segment.id in ("ST", "SE", "GS", "GE", "ISA", "IEA"):
            raise X12WriteError(f"the body of set {transaction_set.id} {st02} contains an envelope segment {segment.id}")
        count += 1
        yield segment
    yield Segment("SE", [str(count + 1), st02])


def iter_interchange_segments(interchange: OutboundInterchange, separators: Separators) -> Iterator[Segment]:
    """ISA, each group's GS, sets (ST…SE with SE01 counted), GE, then IEA, one segment at a time."""
    when = interchange.created_at or datetime.now(UTC)
    if interchange.created_at is None:
        interchange = _with_time(interchange, when)
    yield isa_segment(interchange, separators)
    yield from interchange.loose_segments
    for group in interchange.groups:
        yield gs_segment(group, when)
        sets = 0
        for transaction_set in group.transaction_sets:
            sets += 1
            yield from _set_segments(transaction_set)
        yield Segment("GE", [str(sets), format_gs06(group.control_number)])
    yield Segment("IEA", [str(len(interchange.groups)), format_isa13(interchange.control_number)])


def _with_time(interchange: OutboundInterchange, when: datetime) -> OutboundInterchange:
    return replace(interchange, created_at=when)


def envelope(interchange: OutboundInterchange, separators: Separators) -> list[Segment]:
    """The whole interchange as a list of segments (see :func:`iter_interchange_segments` for streaming)."""
    return list(iter_interchange_segments(interchange, separators))


def render_interchange(interchange: OutboundInterchange, separators: Separators, *, line_breaks: bool = False) -> str:
    """The interchange as text, ready to send."""
    writer = X12Writer(separators, line_breaks=line_breaks)
    return writer.render(iter_interchange_segments(interchange, separators))


def render_segments(
    segments: Sequence[Segment], separators: Separators | None = None, *, line_breaks: bool = False
) -> str:
    """Render built segments; without ``separators``, those the first segment (the ISA) was built with."""
    chosen = separators or (segments[0].separators if segments else None)
    if chosen is None:
        raise X12WriteError("no separators given and the first segment carries none")
    return X12Writer(chosen, line_breaks=line_breaks).render(segments)
