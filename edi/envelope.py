"""Interchanges, functional groups and transaction sets, and the envelope checks Crossdock makes itself.

The reader turns bytes into segments; :func:`track_envelopes` turns segments into this structure
while checking what the envelopes promise (counts, control numbers, versions, the GS01/ST01 pair,
uniqueness within the file) and recording every broken promise as an :class:`X12Issue` on the
object it concerns.  It is a single pass over the segments that holds one set at a time, so the
same code serves the materialising reader and the streaming one.

The objects are *live* while a stream is read: a group's trailer, issues and set list are
complete once the stream has moved past its GE.  In streaming mode a :class:`TransactionSet`
keeps only its envelope facts (``segments`` stays empty), which is what keeps a huge file's
memory flat: a group of N sets costs N small records, never its segments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import IntEnum

from .errors import GroupError, InterchangeNote, SegmentError, SetError, X12Issue
from .segments import Segment, SegmentPosition, Separators

__all__ = [
    "Interchange",
    "FunctionalGroup",
    "TransactionSet",
    "KNOWN_ISA_VERSIONS",
    "FUNCTIONAL_GROUP_OF_SET",
    "release_of",
    "isa_version_number",
    "track_envelopes",
    "EnvelopeEvent",
]

ENVELOPE_SEGMENT_IDS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})

KNOWN_ISA_VERSIONS = frozenset(
    ["00200", "00201", "00204"]
    + [f"003{n:02d}" for n in range(0, 8)]
    + [f"004{n:02d}" for n in range(0, 7)]
    + [f"005{n:02d}" for n in range(0, 6)]
    + [f"006{n:02d}" for n in range(0, 6)]
    + [f"007{n:02d}" for n in range(0, 7)]
    + ["00800", "00801"]
)
"""ISA12 values X12 has published; anything else is reported as an unknown version (TA1 017)."""

FUNCTIONAL_GROUP_OF_SET: dict[str, str] = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "846": "IB",
    "810": "IN",
    "997": "FA",
    "999": "FA",
    "860": "PC",
    "865": "CA",
    "940": "OW",
    "945": "SW",
    "943": "AR",
    "944": "RE",
    "204": "SM",
    "210": "IM",
    "214": "QM",
    "990": "GF",
    "820": "RA",
    "830": "PS",
    "832": "SC",
    "864": "TX",
    "824": "AG",
}
"""The GS01 functional identifier each transaction set belongs in (X12 element 479)."""

_SETS_OF_GROUP: dict[str, frozenset[str]] = {}
for _set_id, _group_id in FUNCTIONAL_GROUP_OF_SET.items():
    _SETS_OF_GROUP[_group_id] = _SETS_OF_GROUP.get(_group_id, frozenset()) | {_set_id}

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_DIGITS = re.compile(r"\d+")


def release_of(gs08: str) -> int | None:
    """The numeric release of a GS08 version code: ``004010VICS`` -> 4010, ``005010X231A1`` -> 5010."""
    head = gs08[:6]
    return int(head) if len(head) == 6 and head.isdigit() else None


def isa_version_number(isa12: str) -> int | None:
    """ISA12 as a number (``00401`` -> 401), ``None`` when it is not five digits."""
    return int(isa12) if len(isa12) == 5 and isa12.isdigit() else None


@dataclass(slots=True, eq=False)
class TransactionSet:
    """One ST…SE transaction set.

    ``segments`` holds every segment from ST to SE as read (materialising reader); it stays empty
    when the set was streamed (``streamed``), the envelope facts remaining.  ``segment_count`` is
    what Crossdock counted (ST and SE included, as SE01 counts); ``declared_segment_count`` is SE01.
    """

    id: str
    control_number: str
    implementation_reference: str
    position: SegmentPosition | None
    segments: list[Segment] = field(default_factory=list)
    segment_count: int = 0
    declared_segment_count: str | None = None
    trailer_control_number: str | None = None
    complete: bool = False
    streamed: bool = False
    issues: list[X12Issue] = field(default_factory=list)

    @property
    def body(self) -> list[Segment]:
        """The segments between ST and SE."""
        start = 1 if self.segments and self.segments[0].id == "ST" else 0
        end = -1 if self.complete and self.segments and self.segments[-1].id == "SE" else None
        return self.segments[start:end]

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue in self.issues)


@dataclass(slots=True, eq=False)
class FunctionalGroup:
    """One GS…GE functional group and the sets read inside it."""

    functional_id: str
    application_sender: str
    application_receiver: str
    date: str
    time: str
    control_number: str
    agency: str
    version: str
    header: Segment
    transaction_sets: list[TransactionSet] = field(default_factory=list)
    trailer: Segment | None = None
    issues: list[X12Issue] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.trailer is not None

    @property
    def release(self) -> int | None:
        """GS08's numeric release (4010, 5010), which decides 997 vs 999 layouts."""
        return release_of(self.version)

    def all_issues(self) -> list[X12Issue]:
        """The group's issues followed by those of its sets, in reading order."""
        found = list(self.issues)
        for transaction_set in self.transaction_sets:
            found += transaction_set.issues
        return found

    @classmethod
    def from_gs(cls, segment: Segment) -> FunctionalGroup:
        value = segment.element
        return cls(
            functional_id=value(1),
            application_sender=value(2),
            application_receiver=value(3),
            date=value(4),
            time=value(5),
            control_number=value(6),
            agency=value(7),
            version=value(8),
            header=segment,
        )


@dataclass(slots=True, eq=False)
class Interchange:
    """One ISA…IEA interchange: the ISA's fields (IDs without their padding), groups and findings.

    ``version`` is the ISA12 the partner sent, always; normalising for pyx12 maps it on a copy.
    ``loose_segments`` are segments read outside any transaction set (a TA1, or stray data that
    is also reported as an issue); they are kept only by the materialising reader.
    """

    isa: Segment
    separators: Separators
    authorization_qualifier: str
    authorization: str
    security_qualifier: str
    security: str
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str
    time: str
    standards_id: str
    version: str
    control_number: str
    ack_requested_code: str
    usage: str
    ordinal: int = 1
    groups: list[FunctionalGroup] = field(default_factory=list)
    loose_segments: list[Segment] = field(default_factory=list)
    trailer: Segment | None = None
    issues: list[X12Issue] = field(default_factory=list)

    @property
    def ack_requested(self) -> bool:
        """ISA14 = 1: the partner wants a TA1 for this interchange."""
        return self.ack_requested_code == "1"

    @property
    def complete(self) -> bool:
        """Whether the IEA was read (a truncated file leaves it ``False``)."""
        return self.trailer is not None

    @property
    def isa_width(self) -> int:
        """Characters from ``I`` of ISA up to and including the segment terminator (106 when fixed width)."""
        return 3 + len(self.isa.elements) + sum(len(self.isa.element(n)) for n in range(1, len(self.isa.elements) + 1)) + 1

    @property
    def version_number(self) -> int | None:
        return isa_version_number(self.version)

    def all_issues(self) -> list[X12Issue]:
        """Every finding in the interchange: its own, then each group's and set's."""
        found = list(self.issues)
        for group in self.groups:
            found += group.all_issues()
        return found

    def issues_at(self, level: str) -> list[X12Issue]:
        return [issue for issue in self.all_issues() if issue.level == level]

    @classmethod
    def from_isa(cls, segment: Segment, separators: Separators, ordinal: int = 1) -> Interchange:
        value = segment.element
        return cls(
            isa=segment,
            separators=separators,
            authorization_qualifier=value(1),
            authorization=value(2).rstrip(),
            security_qualifier=value(3),
            security=value(4).rstrip(),
            sender_qualifier=value(5).strip(),
            sender_id=value(6).strip(),
            receiver_qualifier=value(7).strip(),
            receiver_id=value(8).strip(),
            date=value(9),
            time=value(10),
            standards_id=value(11),
            version=value(12),
            control_number=value(13),
            ack_requested_code=value(14),
            usage=value(15),
            ordinal=ordinal,
        )


class EnvelopeEvent(IntEnum):
    """Kinds of events :func:`track_envelopes` yields, as ``(kind, object)`` pairs."""

    INTERCHANGE_START = 0
    GROUP_START = 1
    SET_START = 2
    SEGMENT = 3
    SET_END = 4
    GROUP_END = 5
    INTERCHANGE_END = 6


_EV = EnvelopeEvent


class _Tracker:
    """The state of one pass: the open interchange, group and set, and what must stay unique."""

    def __init__(self, keep_segments: bool) -> None:
        self.keep = keep_segments
        self.ic: Interchange | None = None
        self.grp: FunctionalGroup | None = None
        self.ts: TransactionSet | None = None
        self.seen_isa13: set[str] = set()
        self.seen_gs06: set[str] = set()
        self.seen_st02: set[str] = set()
        self.pending: list[X12Issue] = []
        self.loose_reported = False
        self.id_ok: dict[str, bool] = {}

    # -- issues ---------------------------------------------------------------------------------
    def trailer_issues(
        self,
        level: str,
        segment: Segment,
        *,
        actual: int,
        counted: str,
        count_code: str,
        header: str,
        control_number: str | None,
        control_code: str,
    ) -> list[X12Issue]:
        """The two checks every trailer (IEA, GE, SE) makes: its count (element 1) against what the
        envelope held, and its control number (element 2) against the header's (``header``)."""
        count, control = segment.element(1), segment.element(2)
        found = []
        if not (count.isdigit() and int(count) == actual):
            message = f"{segment.id}01 says {count!r} {counted.format(actual)}"
            found.append(self.issue(level, count_code, message, segment, element=1))
        if control != control_number:
            message = f"{segment.id}02 {control!r} does not match {header} {control_number!r}"
            found.append(self.issue(level, control_code, message, segment, element=2))
        return found

    def issue(
        self,
        level: str,
        code: str,
        message: str,
        segment: Segment | None = None,
        *,
        element: int | None = None,
        severity: str = "error",
        **extra: object,
    ) -> X12Issue:
        position = segment.position if segment is not None else None
        return X12Issue(
            level=level,  # type: ignore[arg-type]
            code=str(code),
            message=message,
            isa13=self.ic.control_number if self.ic else None,
            gs06=self.grp.control_number if self.grp else None,
            st02=self.ts.control_number if self.ts else None,
            st01=self.ts.id if self.ts else None,
            segment_id=segment.id if segment is not None else None,
            segment_position=position.in_set if position is not None else None,
            segment_ordinal=position.in_interchange if position is not None else None,
            line=position.line if position is not None else None,
            byte_offset=position.byte_offset if position is not None else None,
            element_position=element,
            bad_value=segment.element(element) if (segment is not None and element) else None,
            severity=severity,  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )

    def attach(self, issue: X12Issue) -> None:
        """File an issue under the most specific open structure, completing its control numbers."""
        context = replace(
            issue,
            isa13=issue.isa13 if issue.isa13 is not None else (self.ic.control_number if self.ic else None),
            gs06=issue.gs06 if issue.gs06 is not None else (self.grp.control_number if self.grp else None),
            st02=issue.st02 if issue.st02 is not None else (self.ts.control_number if self.ts else None),
            st01=issue.st01 if issue.st01 is not None else (self.ts.id if self.ts else None),
        )
        if self.ts is not None:
            self.ts.issues.append(context)
        elif self.grp is not None:
            self.grp.issues.append(context)
        elif self.ic is not None:
            self.ic.issues.append(context)
        else:
            self.pending.append(context)

    # -- closing --------------------------------------------------------------------------------
    def close_set(self, trailer: Segment | None, at: Segment | None) -> Iterator[tuple[int, object]]:
        ts = self.ts
        assert ts is not None
        if trailer is None:
            ts.issues.append(
                self.issue(
                    "set",
                    SetError.TRAILER_MISSING,
                    f"transaction set {ts.id} {ts.control_number} has no SE"
                    + (f": {at.id} came first" if at is not None else ": the input ended"),
                    at,
                )
            )
        self.ts = None
        yield (_EV.SET_END, ts)

    def close_group(self, trailer: Segment | None, at: Segment | None) -> Iterator[tuple[int, object]]:
        grp = self.grp
        assert grp is not None
        if trailer is None:
            grp.issues.append(
                self.issue(
                    "group",
                    GroupError.TRAILER_MISSING,
                    f"functional group {grp.functional_id} {grp.control_number} has no GE"
                    + (f": {at.id} came first" if at is not None else ": the input ended"),
                    at,
                )
            )
        self.grp = None
        self.seen_st02 = set()
        yield (_EV.GROUP_END, grp)

    def close_interchange(self, at: Segment | None) -> Iterator[tuple[int, object]]:
        if self.ts is not None:
            yield from self.close_set(None, at)
        if self.grp is not None:
            yield from self.close_group(None, at)
        ic = self.ic
        if ic is None:
            return
        if ic.trailer is None:
            ic.issues.append(
                self.issue(
                    "interchange",
                    InterchangeNote.PREMATURE_END_OF_FILE,
                    f"interchange {ic.control_number} has no IEA"
                    + (": another ISA started" if at is not None else ": the input ended (truncated file?)"),
                    at,
                )
            )
        self.ic = None
        self.seen_gs06 = set()
        yield (_EV.INTERCHANGE_END, ic)

    # -- segments -------------------------------------------------------------------------------
    def on_isa(self, segment: Segment) -> Iterator[tuple[int, object]]:
        if self.ic is not None:
            yield from self.close_interchange(segment)
        separators = segment.separators or Separators()
        ordinal = segment.position.interchange if segment.position else 1
        ic = Interchange.from_isa(segment, separators, ordinal)
        self.ic = ic
        self.loose_reported = False
        for pending in self.pending:
            ic.issues.append(replace(pending, isa13=ic.control_number))
        self.pending = []
        for found in self.check_isa(ic, segment):
            ic.issues.append(found)
        if ic.control_number in self.seen_isa13:
            ic.issues.append(
                self.issue(
                    "interchange",
                    InterchangeNote.DUPLICATE_CONTROL_NUMBER,
                    f"ISA13 {ic.control_number} was already used by an earlier interchange in this file",
                    segment,
                    element=13,
                )
            )
        self.seen_isa13.add(ic.control_number)
        yield (_EV.INTERCHANGE_START, ic)

    def check_isa(self, ic: Interchange, isa: Segment) -> Iterator[X12Issue]:
        width = ic.isa_width
        if width != 106:
            yield self.issue(
                "interchange",
                InterchangeNote.INVALID_CONTROL_STRUCTURE,
                f"the ISA is {width} characters long, not the fixed 106 (padding of its fields is wrong)",
                isa,
                severity="warning",
            )
        if ic.version not in KNOWN_ISA_VERSIONS:
            yield self.issue(
                "interchange", InterchangeNote.INVALID_VERSION, f"ISA12 {ic.version!r} is not a known X12 version", isa, element=12
            )
        if not (len(ic.control_number) == 9 and ic.control_number.isdigit()):
            yield self.issue(
                "interchange",
                InterchangeNote.INVALID_CONTROL_NUMBER,
                f"ISA13 {ic.control_number!r} is not nine digits",
                isa,
                element=13,
            )
        if ic.ack_requested_code not in ("0", "1"):
            yield self.issue(
                "interchange",
                InterchangeNote.INVALID_ACK_REQUESTED,
                f"ISA14 {ic.ack_requested_code!r} is neither 0 nor 1",
                isa,
                element=14,
                severity="warning",
            )
        if ic.usage not in ("P", "T", "I"):
            yield self.issue(
                "interchange",
                InterchangeNote.INVALID_TEST_INDICATOR,
                f"ISA15 {ic.usage!r} is not P, T or I",
                isa,
                element=15,
                severity="warning",
            )
        if not (len(ic.date) == 6 and ic.date.isdigit() and 1 <= int(ic.date[2:4]) <= 12 and 1 <= int(ic.date[4:]) <= 31):
            yield self.issue(
                "interchange", InterchangeNote.INVALID_DATE, f"ISA09 {ic.date!r} is not a YYMMDD date", isa, element=9, severity="warning"
            )
        if not (len(ic.time) == 4 and ic.time.isdigit() and int(ic.time[:2]) < 24 and int(ic.time[2:]) < 60):
            yield self.issue(
                "interchange", InterchangeNote.INVALID_TIME, f"ISA10 {ic.time!r} is not an HHMM time", isa, element=10, severity="warning"
            )
        separators = ic.separators
        component = isa.element(16)
        if component.isalnum() or component == " " or component in (separators.element, separators.segment):
            yield self.issue(
                "interchange",
                InterchangeNote.INVALID_COMPONENT_SEPARATOR,
                f"ISA16 component separator {component!r} is a letter, digit or space, or collides with another separator",
                isa,
                element=16,
            )
        number = ic.version_number
        if number is not None and number >= 402 and separators.repetition is None:
            yield self.issue(
                "interchange",
                "repetition-separator-unusable",
                f"ISA11 {ic.standards_id!r} cannot be the repetition separator of version {ic.version}: repeats are not split",
                isa,
                element=11,
                severity="warning",
            )

    def on_iea(self, segment: Segment) -> Iterator[tuple[int, object]]:
        if self.ts is not None:
            yield from self.close_set(None, segment)
        if self.grp is not None:
            yield from self.close_group(None, segment)
        ic = self.ic
        assert ic is not None
        ic.trailer = segment
        ic.issues += self.trailer_issues(
            "interchange", segment, actual=len(ic.groups), counted="functional groups, the interchange has {}",
            count_code=InterchangeNote.INVALID_GROUP_COUNT, header="ISA13", control_number=ic.control_number,
            control_code=InterchangeNote.CONTROL_NUMBER_MISMATCH,
        )  # fmt: skip
        yield from self.close_interchange(segment)

    def on_gs(self, segment: Segment) -> Iterator[tuple[int, object]]:
        if self.ts is not None:
            yield from self.close_set(None, segment)
        if self.grp is not None:
            yield from self.close_group(None, segment)
        ic = self.ic
        assert ic is not None
        grp = FunctionalGroup.from_gs(segment)
        self.grp = grp
        self.loose_reported = False
        ic.groups.append(grp)
        control = grp.control_number
        if not (1 <= len(control) <= 9 and control.isdigit()):
            grp.issues.append(
                self.issue("group", GroupError.CONTROL_NUMBER_SYNTAX, f"GS06 {control!r} is not 1 to 9 digits", segment, element=6)
            )
        if control in self.seen_gs06:
            code = GroupError.CONTROL_NUMBER_NOT_UNIQUE if (grp.release or 0) >= 5010 else GroupError.CONTROL_NUMBER_SYNTAX
            grp.issues.append(
                self.issue(
                    "group", code, f"GS06 {control!r} was already used by an earlier group in this interchange", segment, element=6
                )
            )
        self.seen_gs06.add(control)
        if not grp.version:
            grp.issues.append(self.issue("group", GroupError.VERSION_NOT_SUPPORTED, "GS08 (version) is empty", segment, element=8))
        yield (_EV.GROUP_START, grp)

    def on_ge(self, segment: Segment) -> Iterator[tuple[int, object]]:
        if self.ts is not None:
            yield from self.close_set(None, segment)
        grp = self.grp
        if grp is None:
            yield from self.on_loose(segment)
            return
        grp.trailer = segment
        grp.issues += self.trailer_issues(
            "group", segment, actual=len(grp.transaction_sets), counted="transaction sets, the group has {}",
            count_code=GroupError.SET_COUNT_MISMATCH, header="GS06", control_number=grp.control_number,
            control_code=GroupError.CONTROL_NUMBER_MISMATCH,
        )  # fmt: skip
        yield from self.close_group(segment, None)

    def on_st(self, segment: Segment) -> Iterator[tuple[int, object]]:
        if self.ts is not None:
            yield from self.close_set(None, segment)
        grp = self.grp
        if grp is None:
            yield from self.on_loose(segment)
            return
        ts = TransactionSet(
            id=segment.element(1),
            control_number=segment.element(2),
            implementation_reference=segment.element(3),
            position=segment.position,
            streamed=not self.keep,
        )
        self.ts = ts
        self.loose_reported = False
        grp.transaction_sets.append(ts)
        ts.segment_count = 1
        if self.keep:
            ts.segments.append(segment)
        if not (len(ts.id) == 3 and ts.id.isdigit()):
            ts.issues.append(
                self.issue("set", SetError.INVALID_SET_IDENTIFIER, f"ST01 {ts.id!r} is not a transaction set identifier", segment, element=1)
            )
        else:
            expected_group = FUNCTIONAL_GROUP_OF_SET.get(ts.id)
            allowed = _SETS_OF_GROUP.get(grp.functional_id)
            if (expected_group is not None and expected_group != grp.functional_id) or (
                allowed is not None and ts.id not in allowed
            ):
                code = SetError.NOT_IN_FUNCTIONAL_GROUP if (grp.release or 0) >= 5010 else SetError.INVALID_SET_IDENTIFIER
                belongs = f"; a {ts.id} belongs in a {expected_group} group" if expected_group else ""
                ts.issues.append(
                    self.issue(
                        "set",
                        code,
                        f"a {ts.id} transaction set cannot be in a GS01 {grp.functional_id!r} functional group{belongs}",
                        segment,
                        element=1,
                    )
                )
        if not (4 <= len(ts.control_number) <= 9):
            ts.issues.append(
                self.issue(
                    "set", SetError.INVALID_CONTROL_NUMBER, f"ST02 {ts.control_number!r} is not 4 to 9 characters", segment, element=2
                )
            )
        if ts.control_number in self.seen_st02:
            ts.issues.append(
                self.issue(
                    "set",
                    SetError.CONTROL_NUMBER_NOT_UNIQUE,
                    f"ST02 {ts.control_number!r} was already used by an earlier set in this group",
                    segment,
                    element=2,
                )
            )
        self.seen_st02.add(ts.control_number)
        yield (_EV.SET_START, ts)
        yield (_EV.SEGMENT, segment)

    def on_se(self, segment: Segment) -> Iterator[tuple[int, object]]:
        ts = self.ts
        if ts is None:
            yield from self.on_loose(segment)
            return
        ts.segment_count += 1
        if self.keep:
            ts.segments.append(segment)
        yield (_EV.SEGMENT, segment)
        count, control = segment.element(1), segment.element(2)
        ts.declared_segment_count = count
        ts.trailer_control_number = control
        ts.complete = True
        ts.issues += self.trailer_issues(
            "set", segment, actual=ts.segment_count, counted="segments, the set has {} (ST and SE included)",
            count_code=SetError.SEGMENT_COUNT_MISMATCH, header="ST02", control_number=ts.control_number,
            control_code=SetError.CONTROL_NUMBER_MISMATCH,
        )  # fmt: skip
        yield from self.close_set(segment, None)

    def on_loose(self, segment: Segment) -> tuple[()]:
        """A segment outside any transaction set: a TA1 is fine there, anything else is misplaced."""
        ic = self.ic
        assert ic is not None
        if self.keep:
            ic.loose_segments.append(segment)
        if (segment.id == "TA1" and self.grp is None) or self.loose_reported:
            return ()
        self.loose_reported = True
        where = f"between sets of group {self.grp.control_number}" if self.grp is not None else "outside any functional group"
        ic.issues.append(
            self.issue(
                "interchange",
                InterchangeNote.INVALID_CONTENT,
                f"segment {segment.id} is {where}, not inside a transaction set",
                segment,
            )
        )
        return ()

    def check_segment_id(self, segment: Segment) -> None:
        seg_id = segment.id
        ok = self.id_ok.get(seg_id)
        if ok is None:
            ok = bool(_SEGMENT_ID.fullmatch(seg_id))
            if len(self.id_ok) < 4096:
                self.id_ok[seg_id] = ok
        if not ok:
            assert self.ts is not None
            self.ts.issues.append(
                self.issue("segment", SegmentError.UNRECOGNIZED_SEGMENT_ID, f"{seg_id!r} is not a segment identifier", segment)
            )


def track_envelopes(
    items: Iterable[Segment | X12Issue], *, keep_segments: bool = True
) -> Iterator[tuple[int, object]]:
    """Turn the reader's segments (and its own findings) into envelope events, checking as it goes.

    Yields ``(EnvelopeEvent.<KIND>, object)``: interchange, group and set starts and ends, and
    every segment of a set (ST and SE included) as ``SEGMENT``.  With ``keep_segments`` the sets'
    ``segments`` lists are filled; without, nothing proportional to a set's size is kept.
    """
    tracker = _Tracker(keep_segments)
    keep = keep_segments
    handlers = {
        "ISA": tracker.on_isa,
        "IEA": tracker.on_iea,
        "GS": tracker.on_gs,
        "GE": tracker.on_ge,
        "ST": tracker.on_st,
        "SE": tracker.on_se,
    }
    segment_event = _EV.SEGMENT
    for item in items:
        if item.__class__ is not Segment:
            tracker.attach(item)  # type: ignore[arg-type]
            continue
        segment: Segment = item  # type: ignore[assignment]
        handler = handlers.get(segment.id)
        if handler is not None:
            yield from handler(segment)
            continue
        ts = tracker.ts
        if ts is not None:
            ts.segment_count += 1
            if keep:
                ts.segments.append(segment)
            if not tracker.id_ok.get(segment.id, False):
                tracker.check_segment_id(segment)
            yield (segment_event, segment)
        elif tracker.ic is not None:
            yield from tracker.on_loose(segment)
    yield from tracker.close_interchange(None)
