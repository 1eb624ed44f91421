"""The decisions on a validated interchange: what its TA1 says, and each group's and set's acknowledgment.

An interchange rejected at envelope level (a broken trailer, a duplicate ISA13 …) rejects its
groups too: none of them is to be processed.  :func:`ack_issues` is what both the report and the
acknowledgment builder weigh, so an ack always says what the report says.
"""

from __future__ import annotations

from ..acks import judge_group
from ..errors import InterchangeNote, X12Issue
from ._report import GroupReport, InterchangeReport, ReportedIssue, verdict_of

__all__ = ["decide", "ack_issues", "INTERCHANGE_REJECTED"]

INTERCHANGE_REJECTED = "interchange-rejected"


def _ta1_decision(report: InterchangeReport) -> tuple[str, str]:
    own = [reported.issue for reported in report.issues if reported.issue.level == "interchange"]
    coded_errors = [issue for issue in own if issue.is_error and issue.in_ack]
    if coded_errors:
        return "R", coded_errors[0].code
    if any(issue.is_error for issue in own):
        return "R", str(InterchangeNote.INVALID_CONTROL_STRUCTURE)
    coded = [issue for issue in own if issue.in_ack]
    if coded:
        return "E", coded[0].code
    return "A", str(InterchangeNote.NO_ERROR)


def ack_issues(group: GroupReport) -> list[X12Issue]:
    """The findings an acknowledgment weighs besides the reader's own: pyx12's and Crossdock's checks.

    Translation issues are left out on purpose (see :mod:`._report`).  :func:`decide` and the
    acknowledgment builder both use this, so an ack always says what the report says.
    """
    extra = [r.issue for r in group.issues if r.source != "reader"]
    for set_report in group.sets:
        extra += [r.issue for r in set_report.issues if r.source in ("pyx12", "crossdock")]
    return extra


def decide(report: InterchangeReport) -> None:
    """Set the verdicts of an interchange, its groups and sets from the issues it holds (repeatable)."""
    code, note = _ta1_decision(report)
    report.ta1_code, report.ta1_note = code, note  # type: ignore[assignment]
    report.verdict = verdict_of(code)
    reason = next((r.issue for r in report.issues if r.issue.level == "interchange" and r.issue.is_error), None)
    for group in report.groups:
        group.issues = [r for r in group.issues if r.issue.code != INTERCHANGE_REJECTED]
        if reason is not None:
            group.issues.append(
                ReportedIssue(
                    X12Issue(
                        level="group",
                        code=INTERCHANGE_REJECTED,
                        message=f"the interchange was rejected ({reason.message}): none of its groups is processed",
                        isa13=report.interchange.control_number,
                        gs06=group.control_number,
                    ),
                    "crossdock",
                )
            )
        verdict = judge_group(group.group, ack_issues(group))
        group.ack = verdict
        group.verdict = verdict_of(verdict.code)
        for set_report, set_verdict in zip(group.sets, verdict.sets, strict=False):
            set_report.ack_code = set_verdict.code
            set_report.verdict = "rejected" if verdict.code == "R" else verdict_of(set_verdict.code)
