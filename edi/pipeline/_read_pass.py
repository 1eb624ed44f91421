"""Pass 1 over an inbound file: envelope events, Crossdock's own checks and translation, one set at a time.

The streaming reader's envelope events carry its envelope checks; each set's segments go through
:class:`~._checks.SetChecks` (HL hierarchy, CTT totals) and, as the set ends, through the
translator, which needs the whole set as a list: the one thing held in proportion to a set's
size, so sets longer than ``max_translated`` segments are checked but not translated.  The
characters each interchange uses are counted for pass 2 (:class:`~._pyx12_feed.CharacterCensus`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..envelope import EnvelopeEvent, FunctionalGroup, Interchange, TransactionSet
from ..errors import InterchangeNote, X12Issue, X12ReadError
from ..partners import PartnerProfile, partner_for_interchange
from ..reader import Source, iter_envelope_events
from ..segments import Segment
from ..translate import TranslationResult, translate_set
from ._checks import SetChecks
from ._pyx12_feed import CharacterCensus, Pyx12Plan, map_for_group, plan_for, unmapped_group_issue
from ._report import GroupReport, InterchangeReport, ReportedIssue, SetReport

__all__ = ["Partners", "InterchangeWork", "ReadPass", "partner_for"]

logger = logging.getLogger("crossdock.edi.pipeline")

Partners = PartnerProfile | Mapping[str, PartnerProfile] | Iterable[PartnerProfile] | None
"""One profile (every interchange is from it), profiles to match on each ISA's sender, or none."""


def partner_for(partners: Partners, interchange: Interchange) -> PartnerProfile | None:
    if partners is None:
        return None
    if isinstance(partners, PartnerProfile):
        return partners
    candidates = list(partners.values()) if isinstance(partners, Mapping) else list(partners)
    return partner_for_interchange(candidates, interchange)


@dataclass(slots=True)
class InterchangeWork:
    """What the passes gather about one interchange."""

    report: InterchangeReport
    census: CharacterCensus = field(default_factory=CharacterCensus)
    plan: Pyx12Plan | None = None
    pyx12_issues: list[X12Issue] = field(default_factory=list)


class ReadPass:
    """Pass 1 over the envelope events."""

    def __init__(self, partners: Partners, keep_documents: bool, max_translated: int | None) -> None:
        self.partners = partners
        self.keep_documents = keep_documents
        self.max_translated = max_translated
        self.work: list[InterchangeWork] = []
        self.read_error: str | None = None
        self._ic: InterchangeWork | None = None
        self._ic_open = False
        self._group: GroupReport | None = None
        self._set: SetReport | None = None
        self._checks: SetChecks | None = None
        self._buffer: list[Segment] | None = None

    def run(self, source: Source) -> None:
        try:
            for kind, obj in iter_envelope_events(source, keep_segments=False):
                self._on_event(kind, obj)
        except X12ReadError as exc:
            self._on_read_error(exc)

    def _on_event(self, kind: int, obj: object) -> None:
        if kind == EnvelopeEvent.SEGMENT:
            segment: Segment = obj  # type: ignore[assignment]
            assert self._ic is not None and self._checks is not None
            self._ic.census.add(segment)
            self._checks.feed(segment)
            if self._buffer is not None:
                self._buffer.append(segment)
                if self.max_translated is not None and len(self._buffer) > self.max_translated:
                    self._buffer = None
            if segment.id == "SE" and self._set is not None and segment.position is not None:
                self._set.last_ordinal = segment.position.in_interchange
        elif kind == EnvelopeEvent.SET_START:
            self._start_set(obj)  # type: ignore[arg-type]
        elif kind == EnvelopeEvent.SET_END:
            self._end_set(obj)  # type: ignore[arg-type]
        elif kind == EnvelopeEvent.GROUP_START:
            group: FunctionalGroup = obj  # type: ignore[assignment]
            assert self._ic is not None
            self._ic.census.add(group.header)
            report = GroupReport(group=group, mapped=map_for_group(self._ic.report.interchange, group) is not None)
            if not report.mapped:
                report.issues.append(ReportedIssue(unmapped_group_issue(self._ic.report.interchange, group), "crossdock"))
            self._ic.report.groups.append(report)
            self._group = report
        elif kind == EnvelopeEvent.GROUP_END:
            group = obj  # type: ignore[assignment]
            assert self._ic is not None
            if group.trailer is not None:
                self._ic.census.add(group.trailer)
            self._group = None
        elif kind == EnvelopeEvent.INTERCHANGE_START:
            interchange: Interchange = obj  # type: ignore[assignment]
            report = InterchangeReport(interchange=interchange, partner=partner_for(self.partners, interchange))
            self._ic = InterchangeWork(report)
            self._ic_open = True
            self.work.append(self._ic)
        elif kind == EnvelopeEvent.INTERCHANGE_END:
            interchange = obj  # type: ignore[assignment]
            assert self._ic is not None
            if interchange.trailer is not None:
                self._ic.census.add(interchange.trailer)
            self._ic.plan = plan_for(interchange, self._ic.census)
            if self._ic.plan is not None:
                self._ic.report.notes.extend(self._ic.plan.notes)
            self._ic_open = False

    def _start_set(self, transaction_set: TransactionSet) -> None:
        assert self._ic is not None and self._group is not None
        self._set = SetReport(
            id=transaction_set.id,
            control_number=transaction_set.control_number,
            first_ordinal=transaction_set.position.in_interchange if transaction_set.position else None,
        )
        self._group.sets.append(self._set)
        self._checks = SetChecks(transaction_set, self._group.group, self._ic.report.interchange)
        self._buffer = []

    def _end_set(self, transaction_set: TransactionSet) -> None:
        assert self._ic is not None and self._group is not None and self._set is not None and self._checks is not None
        report, checks = self._set, self._checks
        report.issues += [ReportedIssue(issue, "reader") for issue in transaction_set.issues]
        own = checks.finish()
        report.issues += [ReportedIssue(issue, "crossdock") for issue in own]
        buffer, self._buffer = self._buffer, None
        if buffer is None:
            report.issues.append(ReportedIssue(self._too_large(transaction_set), "translation"))
        else:
            result = self._translate(transaction_set, buffer)
            located = {(issue.segment_position, issue.element_position) for issue in own}
            for issue in result.issues:
                if issue.code == "count-mismatch" and (issue.segment_position, issue.element_position) in located:
                    continue  # the same control total, already an error from Crossdock's own check
                report.issues.append(ReportedIssue(issue, "translation"))
            report.document_count = len(result.documents)
            report.translated = result.ok
            if self.keep_documents:
                report.documents = list(result.documents)
        self._set = None
        self._checks = None

    def _translate(self, transaction_set: TransactionSet, segments: list[Segment]) -> TranslationResult:
        assert self._ic is not None and self._group is not None
        interchange, group = self._ic.report.interchange, self._group.group
        complete = replace(transaction_set, segments=segments, streamed=False)
        try:
            return translate_set(complete, interchange=interchange, group=group, partner=self._ic.report.partner)
        except Exception as exc:  # noqa: BLE001 - one set's translator failure must not stop the file
            logger.exception("translating %s %s failed", transaction_set.id, transaction_set.control_number)
            result = TranslationResult(set_id=transaction_set.id, control_number=transaction_set.control_number, partner_id="")
            result.issues.append(
                X12Issue(
                    level="set", code="internal-error", message=f"internal error while translating: {type(exc).__name__}: {exc}",
                    isa13=interchange.control_number, gs06=group.control_number, st02=transaction_set.control_number,
                    st01=transaction_set.id,
                )
            )  # fmt: skip
            return result

    def _too_large(self, transaction_set: TransactionSet) -> X12Issue:
        assert self._ic is not None and self._group is not None
        return X12Issue(
            level="set",
            code="not-translated-too-large",
            message=f"the set has more than {self.max_translated} segments: it was validated but not translated "
            "(translating holds a whole set in memory)",
            isa13=self._ic.report.interchange.control_number,
            gs06=self._group.group.control_number,
            st02=transaction_set.control_number,
            st01=transaction_set.id,
            severity="warning",
        )

    def _on_read_error(self, exc: X12ReadError) -> None:
        """The input stopped being X12: report where, on the open interchange and as a file-level error."""
        self.read_error = exc.message
        if self._ic is not None and self._ic_open:
            ic = self._ic.report.interchange
            self._ic.report.issues.append(
                ReportedIssue(
                    X12Issue(
                        level="interchange",
                        code=str(InterchangeNote.PREMATURE_END_OF_FILE),
                        message=f"the interchange could not be read to its end: {exc.message}",
                        isa13=ic.control_number,
                        byte_offset=exc.byte_offset,
                        line=exc.line,
                    ),
                    "reader",
                )
            )
            self._ic_open = False
        broken = exc.interchange
        if broken is not None:
            note = exc.note_code or str(InterchangeNote.INVALID_CONTROL_STRUCTURE)
            report = InterchangeReport(interchange=broken, partner=partner_for(self.partners, broken), readable=False)
            report.issues.append(
                ReportedIssue(
                    X12Issue(
                        level="interchange", code=note, message=exc.message, isa13=broken.control_number,
                        segment_id="ISA", byte_offset=exc.byte_offset, line=exc.line,
                    ),
                    "reader",
                )
            )  # fmt: skip
            self.work.append(InterchangeWork(report))
        if not self.work:
            raise exc
