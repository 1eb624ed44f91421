"""Acknowledging a validated file: a 997 or 999 per inbound group, a TA1 where one is due.

One acknowledgment interchange answers each inbound interchange: our ISA (sender and receiver
swapped, the partner's separators and ISA12), a TA1 when the partner asked for one (ISA14 = 1) or
the envelope was rejected, then one FA group per inbound group, rejected ones included, each
holding its 997/999.  An interchange of which only the ISA could be read gets the TA1 alone.

Control numbers come from ``control_numbers`` (the state store's sequences in production:
committed before they are handed out, so a crash can leave a gap but never a reuse).  The verdicts
are the report's: the same issues go into :func:`crossdock.edi.acks.judge_group` here and there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from ..acks import build_997, build_999, build_ta1, ta1_segment
from ..errors import X12WriteError
from ..partners import PartnerProfile
from ..segments import Segment
from ..translate import ControlNumbers
from ..writer import format_isa13, render_segments
from ._report import GroupReport, InterchangeReport, ValidationReport
from ._verdicts import ack_issues

__all__ = ["acknowledge", "acknowledge_interchange", "ControlNumbersFor", "functional_ack_kind"]

ControlNumbersFor = Callable[[PartnerProfile | None, InterchangeReport], ControlNumbers]
"""Chooses the control-number source per interchange (when one file holds several partners' interchanges)."""


def functional_ack_kind(group: GroupReport, partner: PartnerProfile | None) -> Literal["997", "999"]:
    """997 or 999: the partner's choice for 005010 groups (some answer 997 even there), a 997 before 005010."""
    release = group.group.release or 0
    if release < 5010:
        return "997"
    if partner is not None:
        return partner.acknowledgements.functional
    return "999"


def _ta1_due(report: InterchangeReport, partner: PartnerProfile | None) -> bool:
    if report.rejected or not report.readable:
        return True
    asked = report.interchange.ack_requested
    return asked and (partner is None or partner.acknowledgements.ta1_when_requested)


async def acknowledge_interchange(
    report: InterchangeReport,
    *,
    partner: PartnerProfile | None,
    control_numbers: ControlNumbers,
    when: datetime | None = None,
    acknowledge_acks: bool = True,
) -> str:
    """The acknowledgment interchange answering one inbound interchange (``""`` when none is due)."""
    interchange = report.interchange
    moment = when or datetime.now(UTC)
    groups = [g for g in report.groups if acknowledge_acks or g.functional_id != "FA"] if report.readable else []
    ta1_due = _ta1_due(report, partner)
    if not groups and not ta1_due:
        return ""
    isa13 = await control_numbers.next_isa13()
    line_breaks = bool(partner and partner.separators.line_breaks)
    if not groups:
        segments = build_ta1(interchange, report.ta1_note, isa13=isa13, when=moment, ack_code=report.ta1_code)
        return render_segments(segments, line_breaks=line_breaks)
    built: list[list[Segment]] = []
    for group in groups:
        gs06 = await control_numbers.next_gs06()
        st02 = await control_numbers.next_st02()
        build = build_999 if functional_ack_kind(group, partner) == "999" else build_997
        built.append(build(interchange, group.group, ack_issues(group), isa13=isa13, gs06=gs06, st02=st02, when=moment))
    isa = built[0][0]
    separators = isa.separators
    if separators is None:
        raise X12WriteError("the acknowledgment's ISA carries no separators")
    segments = [isa]
    if ta1_due:
        segments.append(ta1_segment(interchange, report.ta1_note, ack_code=report.ta1_code))
    for group_segments in built:
        segments += group_segments[1:-1]  # GS … GE of each acknowledgment
    segments.append(Segment("IEA", [str(len(built)), format_isa13(isa13)], separators=separators))
    return render_segments(segments, separators, line_breaks=line_breaks)


async def acknowledge(
    report: ValidationReport,
    *,
    partner: PartnerProfile | None = None,
    control_numbers: ControlNumbers | ControlNumbersFor,
    when: datetime | None = None,
    acknowledge_acks: bool = True,
) -> str:
    """Acknowledgments for every interchange of a validated file, as X12 text (one interchange each).

    ``partner`` overrides the profile the report matched for each interchange (its choice of 997
    or 999 for 005010 groups, whether it wants TA1s, line breaks).  ``control_numbers`` is one
    source for all, or a function choosing one per interchange.  ``acknowledge_acks=False`` leaves
    out answers to inbound 997/999 groups (X12 practice: an ack is not acknowledged); by default
    every group gets one.
    """
    texts: list[str] = []
    for interchange_report in report.interchanges:
        profile = partner or interchange_report.partner
        numbers = (
            control_numbers
            if isinstance(control_numbers, ControlNumbers)
            else control_numbers(profile, interchange_report)
        )
        text = await acknowledge_interchange(
            interchange_report, partner=profile, control_numbers=numbers, when=when, acknowledge_acks=acknowledge_acks
        )
        if text:
            texts.append(text)
    return "\n".join(texts)
