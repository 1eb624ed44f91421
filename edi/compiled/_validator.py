"""Validating X12 against the compiled maps in one streaming pass, with pyx12's verdicts.

:class:`CompiledValidator` reads with Crossdock's streaming reader (envelope checks included),
walks each segment through its transaction map as pyx12 4.0.0 does (``x12n_document``:
``walk_tree`` for placement, counts and usage; ``segment_if.is_valid`` for elements and syntax
notes; ``X12Reader``'s HL numbering checks) and files every finding as an :class:`X12Issue` on
the live structure it concerns, so acknowledgments built from those structures include them:

* findings in a transaction set (ST to SE, and what walking GE finds missing in a group's last
  set) go on its :class:`TransactionSet`, in the AK3/AK4 (IK3/IK4) vocabulary;
* a group pyx12 has no map for gets a group issue (AK905 ``1``, or ``2`` when its GS01 is known
  under another version), and its sets are not walked;
* findings on the envelope segments themselves (ISA, GS, GE, IEA elements) go on the
  :class:`Interchange`, in the AK4 vocabulary: they count in :meth:`CompiledValidator.validate`'s
  verdict, and leave the TA1 and 997 decisions to the reader's envelope checks (which use those
  levels' own codes).

Where Crossdock's pipeline corrects pyx12 (see ``crossdock.edi.validation_pyx12``), this follows
the correction: envelope-segment errors are reported, a group without a map does not stop the
run, each interchange is checked with its own version's envelope map; segments outside any set
are left to the reader's check (one TA1 ``024`` per stretch) rather than repeated per segment.

Memory does not grow with the input: one set's walk state (counts per map node, the HL stack) and
the findings themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

from ..envelope import EnvelopeEvent, FunctionalGroup, Interchange, TransactionSet, track_envelopes
from ..errors import SegmentError, X12Issue, X12ReadError
from ..pyx12_maps import MAP_PATH
from ..reader import DEFAULT_CHUNK_SIZE, Source, iter_segments, prepare_for_pyx12
from ..segments import Segment
from ._compile import compile_maps
from ._maps import CompiledMaps, MapNode, TransactionMap
from ._rules import ElementFinding, check_segment
from ._walk import ENTER, LOST, MATCH, NOT_FOUND, plan_for

__all__ = ["CompiledValidator", "default_maps"]

logger = logging.getLogger("crossdock.edi.compiled")

_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_ISA_LOOP, _ISA = "/ISA_LOOP", "/ISA_LOOP/ISA"
_GS_LOOP, _GS, _GE = "/ISA_LOOP/GS_LOOP", "/ISA_LOOP/GS_LOOP/GS", "/ISA_LOOP/GS_LOOP/GE"
_PYX12_ISA12 = {
    **{v: "00401" for v in ("00200", "00201", "00204", "00400", "00402", "00403", "00404", "00405", "00406")},
    **{f"003{n:02d}": "00401" for n in range(0, 8)},
    **{v: "00501" for v in ("00500", "00502", "00503", "00504", "00505")},
}
"""ISA12 as the normaliser shows it to pyx12 (which reads only 00401 and 00501)."""


@cache
def default_maps(map_path: Path = MAP_PATH) -> CompiledMaps:
    """The map folder compiled once per process, each map when it is first needed."""
    return compile_maps(map_path, lazy=True)


class _Run:
    """The state of one validation pass: where the walk is, the counts, and the open structures."""

    def __init__(self, maps: CompiledMaps, hierarchy: bool) -> None:
        self.maps = maps
        self.hierarchy = hierarchy
        self.transaction: TransactionMap = maps.control("00401")
        self.counts: list[int] = self.transaction.new_counts()
        self.node: MapNode | None = None
        self.seg_count = 0
        self.component: str | None = None
        self.ic: Interchange | None = None
        self.grp: FunctionalGroup | None = None
        self.ts: TransactionSet | None = None
        self.isa13: str | None = None
        self.gs06: str | None = None
        self.st02: str | None = None
        self.st01: str | None = None
        self.isa12 = "00401"
        self.isa13_shown = ""
        self.hl_count = 0
        self.hl_stack: list[int] = []

    # -- reading ----------------------------------------------------------------------------------
    def tap(self, segments: Iterable[Segment], findings: list[X12Issue]) -> Iterator[Segment | X12Issue]:
        """Pass the reader's output on to the envelope tracker, keeping pyx12's segment count and
        checking the segments the tracker will not hand on (those outside any transaction set)."""
        in_group = in_set = False
        envelope = _ENVELOPE
        for segment in segments:
            if findings:
                yield from findings
                findings.clear()
            segment_id = segment.id
            loose = False
            if segment_id in envelope:
                if segment_id == "ST":
                    self.seg_count = 1
                    if in_group:
                        in_set = True
                    else:
                        loose = True
                elif segment_id == "SE":
                    if in_set:
                        in_set = False
                    else:
                        loose = True
                elif segment_id == "GS":
                    in_group, in_set = True, False
                elif segment_id == "GE":
                    if in_group:
                        in_group = in_set = False
                    else:
                        loose = True
                else:
                    in_group = in_set = False
            else:
                self.seg_count += 1
                loose = not in_set
            if loose:
                self.loose(segment)
            yield segment
        if findings:
            yield from findings
            findings.clear()

    # -- envelope events ----------------------------------------------------------------------------
    def event(self, kind: int, obj: object) -> None:
        if kind == EnvelopeEvent.SET_START:
            self.ts = obj  # type: ignore[assignment]
            self.st02, self.st01 = self.ts.control_number, self.ts.id  # type: ignore[union-attr]
            self.hl_count = 0
            self.hl_stack = []
        elif kind == EnvelopeEvent.SET_END:
            self.ts = None
        elif kind == EnvelopeEvent.GROUP_START:
            self.group_start(obj)  # type: ignore[arg-type]
        elif kind == EnvelopeEvent.GROUP_END:
            group: FunctionalGroup = obj  # type: ignore[assignment]
            if group.trailer is not None:
                self.group_trailer(group, group.trailer)
            self.grp, self.gs06, self.st02, self.st01 = None, None, None, None
        elif kind == EnvelopeEvent.INTERCHANGE_START:
            self.interchange_start(obj)  # type: ignore[arg-type]
        elif kind == EnvelopeEvent.INTERCHANGE_END:
            interchange: Interchange = obj  # type: ignore[assignment]
            if interchange.trailer is not None:
                self.interchange_trailer(interchange, interchange.trailer)
            self.ic, self.isa13 = None, None

    def interchange_start(self, ic: Interchange) -> None:
        self.ic, self.grp, self.ts = ic, None, None
        self.isa13, self.gs06, self.st02, self.st01 = ic.control_number, None, None, None
        self.component = ic.separators.component
        shown = _isa_as_pyx12(ic)
        self.isa12 = shown[11]
        self.isa13_shown = shown[12]
        control = self.maps.control(self.isa12)
        self.switch_to(control)
        counts, index = self.counts, control.counter_index
        lo, hi = control.node_at(_ISA_LOOP).reset  # type: ignore[union-attr]
        counts[lo:hi] = [0] * (hi - lo)
        counts[index[_ISA_LOOP]] += 1
        counts[index[_ISA]] += 1
        self.node = control.node_at(_ISA)
        self.elements(ic.isa, shown, self.node, ic.issues)

    def group_start(self, group: FunctionalGroup) -> None:
        self.grp, self.ts = group, None
        self.gs06, self.st02, self.st01 = group.control_number, None, None
        current = self.transaction
        counts, index = self.counts, current.counter_index
        gs_loop = current.node_at(_GS_LOOP)
        if gs_loop is not None:
            lo, hi = gs_loop.reset
            counts[lo:hi] = [0] * (hi - lo)
            counts[index[_GS_LOOP]] += 1
            counts[index[_GS]] += 1
        header = group.header
        found = self.maps.find(self.isa12, group.version, group.functional_id)
        if found is None:
            known = group.functional_id in self.maps.functional_ids
            group.issues.append(
                self.issue(
                    "group",
                    "2" if known else "1",
                    f"no map for this functional group: ISA12 {self.isa12}, GS01 {group.functional_id!r}, GS08 {group.version!r}"
                    " (its transaction sets are not checked against a map)",
                    header,
                    element_position=8 if known else 1,
                )
            )
            control = self.maps.control(self.isa12)
            self.switch_to(control)
            self.elements(header, header.elements, control.node_at(_GS), self.envelope_issues())  # type: ignore[arg-type]
            self.node = None
            return
        self.switch_to(found)
        self.node = found.node_at(_GS)
        self.elements(header, header.elements, self.node, self.envelope_issues())  # type: ignore[arg-type]

    def group_trailer(self, group: FunctionalGroup, trailer: Segment) -> None:
        envelope = self.envelope_issues()
        if self.node is None:  # a group without a map: check GE against the envelope map
            self.node = self.maps.control(self.isa12).node_at(_GE)
            self.elements(trailer, trailer.elements, self.node, envelope)
            return
        if group.transaction_sets:
            last = group.transaction_sets[-1]
            self.walk(trailer, last.issues, last, envelope)
            return
        before = len(envelope)
        self.walk(trailer, envelope, None, envelope)
        for index in range(before, len(envelope)):
            if envelope[index].code == SegmentError.MANDATORY_SEGMENT_MISSING and envelope[index].segment_id == "ST":
                found = envelope.pop(index)
                group.issues.append(
                    replace(
                        found,
                        level="group",
                        code="no-transaction-sets",
                        message=f"functional group {group.control_number} holds no transaction set ({found.message})",
                    )
                )
                break

    def interchange_trailer(self, ic: Interchange, trailer: Segment) -> None:
        values = list(trailer.elements)
        if len(values) > 1 and isinstance(values[1], str) and values[1].strip() == ic.control_number.strip():
            values[1] = self.isa13_shown  # the normaliser re-pads IEA02 with ISA13
        if self.node is not None:
            # Quiet: what pyx12's walk finds missing here is a GE (the reader reports it) or, in an
            # interchange holding only a TA1, a group that need not be there.
            self.walk(trailer, None, None, self.envelope_issues(), values)  # type: ignore[arg-type]

    def switch_to(self, transaction: TransactionMap) -> None:
        if transaction is not self.transaction:
            self.counts = transaction.counts_from(self.transaction, self.counts)
            self.transaction = transaction

    # -- segments ---------------------------------------------------------------------------------
    def loose(self, segment: Segment) -> None:
        """A segment outside any transaction set: walked (a TA1 belongs there), its placement left to
        the reader's envelope check (pyx12's walk wrongly wants a group before a TA1)."""
        if self.node is not None and self.ic is not None:
            self.walk(segment, None, None, self.envelope_issues())

    def segment(self, segment: Segment) -> None:
        """A segment of a transaction set, ST and SE included: the hot path."""
        if self.node is None:
            return
        ts = self.ts
        if ts is None:  # not reached: the tracker sends set segments only while a set is open
            return
        issues = ts.issues
        if segment.id == "ST":
            # What the walk into a new set finds missing is missing from the set before it.
            sets = self.grp.transaction_sets if self.grp is not None else []
            previous = sets[-2] if len(sets) > 1 else ts
            self.walk(segment, previous.issues, previous, issues)
            return
        self.walk(segment, issues, ts, issues)
        if segment.id == "HL" and self.hierarchy:
            self.hl(segment, issues)

    def walk(
        self,
        segment: Segment,
        target: list[X12Issue] | None,
        placed_in: TransactionSet | None,
        element_target: list[X12Issue],
        values: list[str] | None = None,
    ) -> None:
        """Place one segment in the map as pyx12 does, then check its elements.

        Placement findings go to ``target`` (none when it is ``None``), attributed to the set
        ``placed_in``; element findings to ``element_target``.
        """
        segment_id = segment.id
        transaction = self.transaction
        start = self.node
        assert start is not None
        qualifiers = transaction.qualifiers.get(segment_id)
        signature = None if qualifiers is None else _signature(segment.elements, qualifiers, self.component)  # type: ignore[arg-type]
        plan = start.plans.get(segment_id if signature is None else (segment_id, signature))
        if plan is None:
            plan = plan_for(transaction, start, segment_id, signature)
        quiet = target is None
        if target is None:
            target = []
        outcome = plan.outcome
        counts = self.counts
        if outcome == MATCH:
            node = plan.target
            assert node is not None
            key = node.key
            count = counts[key] + 1
            counts[key] = count
            if node.usage == "N":
                message = f"Segment {node.id} found but marked as not used"
                target.append(self.placement(placed_in, SegmentError.UNEXPECTED_SEGMENT, message, segment))
            elif count > node.max_repeat:
                message = f"Segment {segment_id} exceeded max count.  Found {count}, should have {node.max_repeat}"
                target.append(self.placement(placed_in, SegmentError.SEGMENT_OVER_MAXIMUM_USE, message, segment))
            if plan.requirements:
                for missing in plan.requirements:
                    if counts[missing.key] < 1 and missing.same_as != node.same_as and missing.pos != node.pos:
                        target.append(self.missing(placed_in, missing.segment_id, missing.message, segment))
        elif outcome == ENTER:
            node, loop = plan.target, plan.loop
            assert node is not None and loop is not None
            missing_now = [m for m in plan.requirements if counts[m.key] < 1] if plan.requirements else ()
            if loop.usage == "N":
                message = f"Loop {loop.id} found but marked as not used"
                target.append(self.placement(placed_in, SegmentError.UNEXPECTED_SEGMENT, message, segment))
            else:
                lo, hi = loop.reset
                if hi > lo:
                    counts[lo:hi] = [0] * (hi - lo)
                count = counts[loop.key] + 1
                counts[loop.key] = count
                if count > loop.max_repeat:
                    message = f"Loop {loop.id} exceeded max count.  Found {count}, should have {loop.max_repeat}"
                    target.append(self.placement(placed_in, SegmentError.LOOP_OVER_MAXIMUM, message, segment, loop_id=loop.id))
            counts[node.key] += 1
            for missing in missing_now:
                target.append(self.missing(placed_in, missing.segment_id, missing.message, segment))
        elif outcome == NOT_FOUND:
            if not quiet:
                shown = str(segment) if segment_id == "HL" else f"{segment_id}*{segment.element(1)}"
                message = f"Segment {shown} not found.  Started at {start.path}"
                target.append(self.placement(placed_in, SegmentError.UNRECOGNIZED_SEGMENT_ID, message, segment))
            return
        else:  # LOST: pyx12 stays where it was and reports nothing
            return
        self.node = node
        rule = node.rule
        assert rule is not None
        elements = values if values is not None else segment.elements
        last = elements[-1] if elements else ""
        if not last or last[-1] == self.component:  # pyx12: a segment whose every component is empty is empty
            component = self.component or " "
            if not any(value.replace(component, "") for value in elements):
                message = f'Segment "{segment_id}" is empty'
                element_target.append(self.issue("segment", SegmentError.HAS_ELEMENT_ERRORS, message, segment))
        found = check_segment(rule, elements, self.component)  # type: ignore[arg-type]
        if found:
            self.element_issues(segment, found, element_target)

    def elements(self, segment: Segment, values: list[str], node: MapNode | None, issues: list[X12Issue]) -> None:
        """Check the elements of an envelope segment pyx12 does not walk to (ISA, GS) against ``node``."""
        if node is None or node.rule is None:
            return
        found = check_segment(node.rule, values, self.component)
        if found:
            self.element_issues(segment, found, issues)

    def hl(self, segment: Segment, issues: list[X12Issue]) -> None:
        """pyx12's ``X12Reader`` HL checks: HL01 counts 1, 2, 3 ... in the set; HL02 names an HL still open."""
        self.hl_count += 1
        declared, parent_text = segment.element(1), segment.element(2)
        if self.component:  # pyx12 reads HL01 and HL02 without trailing empty components
            declared, parent_text = declared.rstrip(self.component), parent_text.rstrip(self.component)
        if _as_int(declared) != self.hl_count:
            issues.append(
                self.issue(
                    "segment",
                    SegmentError.HAS_ELEMENT_ERRORS,
                    f"HL01 is {declared!r}, but this is HL number {self.hl_count} in the set",
                    segment,
                    element_position=1,
                    bad_value=declared,
                )
            )
        if parent_text != "":
            parent = _as_int(parent_text)
            stack = self.hl_stack
            if parent not in stack:
                issues.append(
                    self.issue(
                        "segment",
                        SegmentError.HAS_ELEMENT_ERRORS,
                        f"HL02 {parent_text!r} is not an HL this one can belong to (not an open parent)",
                        segment,
                        element_position=2,
                        bad_value=parent_text,
                    )
                )
            while stack and parent != stack[-1]:
                stack.pop()
        self.hl_stack.append(self.hl_count)

    # -- findings ---------------------------------------------------------------------------------
    def envelope_issues(self) -> list[X12Issue]:
        """Where findings outside any set go: the interchange (see the module docstring)."""
        if self.ic is not None:
            return self.ic.issues
        return []

    def position(self, segment: Segment) -> int | None:
        """The segment's position as pyx12 reports it (SE: its place in the set; ISA, GS, GE, IEA: none)."""
        segment_id = segment.id
        if segment_id in _ENVELOPE:
            if segment_id == "ST":
                return 1
            if segment_id == "SE":
                return self.seg_count + 1
            return None
        return self.seg_count if self.ts is not None else None

    def issue(
        self,
        level: str,
        code: str,
        message: str,
        segment: Segment,
        *,
        segment_id: str | None = None,
        segment_position: int | None = None,
        **extra: object,
    ) -> X12Issue:
        where = segment.position
        in_set = self.ts is not None
        return X12Issue(
            level=level,  # type: ignore[arg-type]
            code=str(code),
            message=message,
            isa13=self.isa13,
            gs06=self.gs06,
            st02=self.st02 if in_set else None,
            st01=self.st01 if in_set else None,
            segment_id=segment_id or segment.id,
            segment_position=segment_position if segment_position is not None else self.position(segment),
            segment_ordinal=where.in_interchange if where is not None else None,
            line=where.line if where is not None else None,
            byte_offset=where.byte_offset if where is not None else None,
            **extra,  # type: ignore[arg-type]
        )

    def placement(
        self, placed_in: TransactionSet | None, code: str, message: str, at: Segment, *, segment_id: str | None = None, **extra: object
    ) -> X12Issue:
        """A finding of the walk, located as pyx12 locates it: in the set it concerns, at pyx12's
        running segment count (for SE that is the segment before it; for an ST, 1), under
        ``segment_id`` when it names another segment (a missing one)."""
        position = self.seg_count if placed_in is not None else None
        found = self.issue("segment", code, message, at, segment_id=segment_id, segment_position=position, **extra)
        if placed_in is not self.ts:
            st02, st01 = (placed_in.control_number, placed_in.id) if placed_in is not None else (None, None)
            found = replace(found, st02=st02, st01=st01, segment_position=position)
        return found

    def missing(self, placed_in: TransactionSet | None, segment_id: str, message: str, at: Segment) -> X12Issue:
        """pyx12 files a missing segment under its own ID at the position of the segment being read."""
        return self.placement(placed_in, SegmentError.MANDATORY_SEGMENT_MISSING, message, at, segment_id=segment_id)

    def element_issues(self, segment: Segment, found: list[ElementFinding], target: list[X12Issue]) -> None:
        for finding in found:
            target.append(
                self.issue(
                    "element",
                    finding.code,
                    finding.message,
                    segment,
                    element_position=finding.position,
                    component_position=finding.component,
                    data_element=finding.data_element,
                    bad_value=finding.bad_value,
                )
            )


def _signature(elements: list[str], qualifiers: tuple, component: str | None) -> tuple[bool, ...]:
    """Which of a segment ID's qualifier slots this segment's qualifier values fall in."""
    out = []
    for element, sub, codes in qualifiers:
        if element > len(elements):
            value: str | None = None
        else:
            raw = elements[element - 1]
            if sub is None:
                value = raw.rstrip(component) if component else raw
            else:
                parts = raw.split(component) if component else [raw]
                value = parts[sub - 1] if sub <= len(parts) else None
        out.append(value in codes)
    return tuple(out)


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _isa_as_pyx12(ic: Interchange) -> list[str]:
    """ISA01–ISA16 as the normaliser shows them to pyx12: fixed widths, mapped ISA12, ASCII."""
    bare = replace(ic, groups=[], loose_segments=[], trailer=None, issues=[])
    prepared = prepare_for_pyx12(bare)
    text = prepared.text
    return text[: -1].split(prepared.separators.element)[1:17]


class CompiledValidator:
    """X12 validation with pyx12's verdicts, compiled from a map folder, in one streaming pass.

    >>> validator = CompiledValidator()                       # doctest: +SKIP
    >>> issues = validator.validate(Path("inbound/po.x12"))   # doctest: +SKIP

    ``hierarchy`` adds pyx12's HL numbering checks (HL01 sequence, HL02 an open parent) as
    segment code ``8`` findings located at HL01/HL02; turn it off where a caller checks the
    hierarchy itself.
    """

    def __init__(self, maps: CompiledMaps | None = None, *, hierarchy: bool = True) -> None:
        self.maps = maps if maps is not None else default_maps()
        self.hierarchy = hierarchy

    def iter_events(self, source: Source, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[tuple[int, object]]:
        """The reader's envelope events (:func:`crossdock.edi.iter_envelope_events`, streamed), checked.

        Every finding is on its structure before that structure's end event is yielded, so a
        consumer can acknowledge a group at its ``GROUP_END``.  Sets' segments are not kept.
        Raises :class:`X12ReadError` where the reader does.
        """
        run = _Run(self.maps, self.hierarchy)
        findings: list[X12Issue] = []
        segments = iter_segments(source, on_issue=findings.append, chunk_size=chunk_size)
        segment_event = EnvelopeEvent.SEGMENT
        on_segment, on_event = run.segment, run.event
        for event in track_envelopes(run.tap(segments, findings), keep_segments=False):
            if event[0] == segment_event:
                on_segment(event[1])  # type: ignore[arg-type]
            else:
                on_event(*event)
            yield event

    def iter_issues(self, source: Source, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[X12Issue]:
        """Every finding, the reader's and the maps', as each group and interchange is complete.

        An input the reader cannot read on gives one last interchange-level issue with the
        reader's TA1 note code (``unreadable`` when it has none) instead of an exception.
        """
        try:
            for kind, obj in self.iter_events(source, chunk_size=chunk_size):
                if kind == EnvelopeEvent.GROUP_END:
                    yield from obj.all_issues()  # type: ignore[attr-defined]
                elif kind == EnvelopeEvent.INTERCHANGE_END:
                    yield from obj.issues  # type: ignore[attr-defined]
        except X12ReadError as exc:
            yield X12Issue(
                level="interchange",
                code=exc.note_code or "unreadable",
                message=exc.message,
                line=exc.line,
                byte_offset=exc.byte_offset,
            )

    def validate(self, source: Source) -> list[X12Issue]:
        """Every finding about ``source``, errors and warnings, in the order of the segments they concern."""
        issues = list(self.iter_issues(source))
        issues.sort(key=lambda issue: issue.byte_offset if issue.byte_offset is not None else float("inf"))
        return issues
