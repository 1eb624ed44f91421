"""Passes 2 and 3 over an inbound file: pyx12 on each interchange, then where its findings are.

Pass 2 writes each interchange, normalised, to a spooled file pyx12 reads (see
:mod:`._pyx12_feed`), leaving out the groups Crossdock has no map for (pass 1 reported them) so
the others are still validated.  Pass 3 runs only when pyx12 found something: pyx12 knows a
segment's ordinal, people want its line and byte.  Then pyx12's findings join the report: those
the reader already made are dropped, HL numbering is left to Crossdock's HL check (pyx12's codes
for it cannot go into an acknowledgment), and findings about envelope segments go to their group
or interchange.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import X12Issue, X12ReadError
from ..reader import Source, iter_segments
from ..segments import Segment
from ._pyx12_feed import Pyx12Spool, to_x12_issue
from ._read_pass import InterchangeWork
from ._report import GroupReport, InterchangeReport, IssueSource, ReportedIssue, SetReport

__all__ = ["Pyx12Pass", "locate_pyx12_findings", "merge_pyx12_findings", "merge_reader_findings"]

_SUPERSEDED_PYX12_CODES = frozenset({"HL1", "HL2"})


def _ignore(_: X12Issue) -> None:
    """The reader's own findings were collected in pass 1."""


class Pyx12Pass:
    """Pass 2: write each interchange to its spool and let pyx12 read it."""

    def __init__(self, work: list[InterchangeWork]) -> None:
        self.work = {item.report.interchange.ordinal: item for item in work if item.report.readable}
        self._spool: Pyx12Spool | None = None
        self._item: InterchangeWork | None = None
        self._group_index = 0
        self._in_group = False
        self._in_set = False

    def run(self, source: Source) -> None:
        try:
            for segment in iter_segments(source, on_issue=_ignore):
                self._on_segment(segment)
        except X12ReadError:
            self._discard()  # pass 1 reported it; what was open cannot be validated
            return
        self._finish()

    def _on_segment(self, segment: Segment) -> None:
        seg_id = segment.id
        if seg_id == "ISA":
            self._finish()
            ordinal = segment.position.interchange if segment.position else 0
            item = self.work.get(ordinal)
            if item is not None and item.plan is not None:
                self._item, self._spool = item, Pyx12Spool(item.plan)
                self._group_index, self._in_group, self._in_set = 0, False, False
            return
        spool = self._spool
        if spool is None:
            return
        if seg_id == "IEA":
            spool.add(segment)
            self._finish()
        elif seg_id == "GS":
            self._in_group, self._in_set = True, False
            groups = self._item.report.groups if self._item else []
            mapped = self._group_index < len(groups) and groups[self._group_index].mapped
            self._group_index += 1
            spool.start_group(segment, mapped)
        elif seg_id == "GE":
            if self._in_group:
                spool.end_group(segment)
                self._in_group = self._in_set = False
        elif seg_id == "ST":
            if self._in_group:
                self._in_set = True
                spool.add(segment)
        elif seg_id == "SE":
            if self._in_set:
                spool.add(segment)
                self._in_set = False
        elif self._in_set:
            spool.add(segment)

    def _finish(self) -> None:
        spool, item = self._spool, self._item
        self._spool = self._item = None
        if spool is None or item is None:
            return
        try:
            if spool.groups_written:
                result = spool.run()
                interchange = item.report.interchange
                item.pyx12_issues = [to_x12_issue(found, interchange, spool.ordinals) for found in result.errors]
        finally:
            spool.close()

    def _discard(self) -> None:
        if self._spool is not None:
            self._spool.close()
        self._spool = self._item = None


def locate_pyx12_findings(source: Source, work: list[InterchangeWork]) -> None:
    """Give pyx12's findings the line and byte of their segment (pyx12 only knows ordinals)."""
    wanted: dict[tuple[int, int], None] = {}
    for item in work:
        ordinal = item.report.interchange.ordinal
        for issue in item.pyx12_issues:
            if issue.segment_ordinal is not None:
                wanted[(ordinal, issue.segment_ordinal)] = None
    if not wanted:
        return
    found: dict[tuple[int, int], tuple[int, int]] = {}
    try:
        for segment in iter_segments(source, on_issue=_ignore):
            position = segment.position
            if position is None:
                continue
            key = (position.interchange, position.in_interchange)
            if key in wanted:
                found[key] = (position.line, position.byte_offset)
                if len(found) == len(wanted):
                    break
    except X12ReadError:
        pass
    for item in work:
        ordinal = item.report.interchange.ordinal
        located: list[X12Issue] = []
        for issue in item.pyx12_issues:
            where = found.get((ordinal, issue.segment_ordinal or -1))
            located.append(replace(issue, line=where[0], byte_offset=where[1]) if where else issue)
        item.pyx12_issues = located


def _relevel(issue: X12Issue) -> X12Issue:
    """A finding about an envelope segment (no set to place it in) goes to its group or interchange.

    Its element code means nothing at those levels, so it is kept in a Crossdock code
    (``envelope-8``): still an error, never written into an acknowledgment as a wrong X12 code.
    """
    if issue.level not in ("segment", "element") or issue.st02 is not None:
        return issue
    level = "group" if issue.gs06 is not None and issue.segment_id not in ("ISA", "IEA") else "interchange"
    return replace(issue, level=level, code=f"envelope-{issue.code}")  # type: ignore[arg-type]


def _issue_key(issue: X12Issue) -> tuple[object, ...]:
    """What makes two findings the same finding: level, code, control numbers, and where in the set."""
    key: tuple[object, ...] = (issue.level, issue.code, issue.gs06, issue.st02)
    if issue.level in ("segment", "element"):
        key += (issue.segment_position, issue.element_position)
    return key


def _reader_keys(report: InterchangeReport) -> set[tuple[object, ...]]:
    return {_issue_key(reported.issue) for reported in report.all_issues() if reported.source == "reader"}


def _find_group(report: InterchangeReport, issue: X12Issue) -> GroupReport | None:
    candidates = [group for group in report.groups if group.control_number == issue.gs06]
    if len(candidates) > 1 and issue.segment_ordinal is not None:
        for group in candidates:
            position = group.group.header.position
            trailer = group.group.trailer
            start = position.in_interchange if position else 0
            end = trailer.position.in_interchange if trailer is not None and trailer.position else 1 << 62
            if start <= issue.segment_ordinal <= end:
                return group
    return candidates[0] if candidates else None


def _find_set(group: GroupReport, issue: X12Issue) -> SetReport | None:
    candidates = [s for s in group.sets if s.control_number == issue.st02]
    if len(candidates) > 1 and issue.segment_ordinal is not None:
        for candidate in candidates:
            if (candidate.first_ordinal or 0) <= issue.segment_ordinal <= (candidate.last_ordinal or 1 << 62):
                return candidate
    return candidates[0] if candidates else None


def _place(report: InterchangeReport, issue: X12Issue, source: IssueSource) -> None:
    group = _find_group(report, issue) if issue.gs06 is not None else None
    if issue.level == "interchange" or group is None:
        report.issues.append(ReportedIssue(issue, source))
        return
    if issue.level == "group":
        group.issues.append(ReportedIssue(issue, source))
        return
    target = _find_set(group, issue)
    if target is None:
        group.issues.append(ReportedIssue(replace(issue, level="group", code=f"envelope-{issue.code}"), source))
        return
    target.issues.append(ReportedIssue(replace(issue, st01=issue.st01 or target.id), source))


def merge_pyx12_findings(item: InterchangeWork) -> None:
    report = item.report
    known = _reader_keys(report)
    for issue in item.pyx12_issues:
        if issue.code in _SUPERSEDED_PYX12_CODES:
            continue
        if _issue_key(issue) in known:
            continue  # the reader's envelope checks found it first
        _place(report, _relevel(issue), "pyx12")


def merge_reader_findings(report: InterchangeReport) -> None:
    """The reader's interchange and group findings (set findings were taken as each set ended)."""
    interchange = report.interchange
    report.issues[:0] = [ReportedIssue(issue, "reader") for issue in interchange.issues]
    for group in report.groups:
        group.issues[:0] = [ReportedIssue(issue, "reader") for issue in group.group.issues]
