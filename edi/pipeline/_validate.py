"""Validating an inbound file: the reader's envelope checks, pyx12, Crossdock's own checks, translation.

The file is read in passes, each streaming, so memory follows the number of sets and findings,
never the size of the file:

1. **read** (:mod:`._read_pass`): envelope events and checks, HL and CTT checks, translation,
   and the characters each interchange uses;
2. **pyx12** (:mod:`._pyx12_pass`): each interchange written, normalised, to a spooled temporary
   file that pyx12 reads; groups without a map set aside so the others are still validated;
3. **locate**: only when pyx12 found something, a quick read for the line and byte of each finding.

Then the decisions (:mod:`._verdicts`) and, with a state store, the duplicate-ISA13 check.

What stays O(size): translation holds one transaction set's segments (the translator reads a set
as a list); sets longer than ``max_translated_set_segments`` are validated but not translated.
Memory for issues grows with the number of findings.  The source must be readable more than once
(a stream that cannot seek is copied to a spooled file first).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from ..errors import InterchangeNote, X12Issue
from ..reader import Source
from ._pyx12_pass import Pyx12Pass, locate_pyx12_findings, merge_pyx12_findings, merge_reader_findings
from ._read_pass import Partners, ReadPass
from ._report import ReportedIssue, ValidationReport
from ._source import rereadable, source_name
from ._verdicts import decide

__all__ = [
    "RememberStore",
    "validate",
    "translate_file",
    "check_source",
    "check_duplicates",
    "DEFAULT_MAX_TRANSLATED_SET_SEGMENTS",
    "ISA13_SCOPE",
]

DEFAULT_MAX_TRANSLATED_SET_SEGMENTS = 200_000
"""Sets longer than this are validated but not translated by :func:`validate` (about 130 MB held)."""

ISA13_SCOPE = "edi-isa13"
"""The state store's remembered-keys scope for interchange control numbers already received."""


class RememberStore(Protocol):
    """The part of the state store the duplicate-ISA13 check needs."""

    async def remember(self, scope: str, key: str) -> bool: ...


def check_source(
    source: Source,
    *,
    partner: Partners = None,
    keep_documents: bool = False,
    max_translated_set_segments: int | None = DEFAULT_MAX_TRANSLATED_SET_SEGMENTS,
) -> ValidationReport:
    """Everything :func:`validate` does except the state-store check, synchronously (CPU-bound work).

    Raises :class:`X12ReadError` only when nothing at all could be read as X12 (no ISA at the
    start, not even an ISA with broken separators); ``FileNotFoundError`` for a missing path.
    """
    report = ValidationReport(source=source_name(source))
    with rereadable(source) as again:
        first = ReadPass(partner, keep_documents, max_translated_set_segments)
        first.run(again())
        report.read_error = first.read_error
        Pyx12Pass(first.work).run(again())
        locate_pyx12_findings(again(), first.work)
    for item in first.work:
        if item.report.readable:
            merge_reader_findings(item.report)
            merge_pyx12_findings(item)
        decide(item.report)
        report.interchanges.append(item.report)
    return report


async def check_duplicates(report: ValidationReport, store: RememberStore) -> None:
    """Report an ISA13 this sender already used in an earlier file, and remember the new ones.

    ``remember`` records as it checks, so the first file to bring an ISA13 passes and every later
    one is reported: validating the same file twice reports the duplicate the second time.
    Interchanges rejected at envelope level are not remembered (they were not processed, so the
    partner may send them again under the same number), nor are duplicates within the file
    (the reader reports those).
    """
    for interchange_report in report.interchanges:
        if not interchange_report.readable or interchange_report.rejected:
            continue
        ic = interchange_report.interchange
        key = f"{ic.sender_qualifier}:{ic.sender_id}:{ic.control_number}"
        if await store.remember(ISA13_SCOPE, key):
            continue
        if any(r.issue.code == InterchangeNote.DUPLICATE_CONTROL_NUMBER for r in interchange_report.issues):
            continue
        position = ic.isa.position
        interchange_report.issues.append(
            ReportedIssue(
                X12Issue(
                    level="interchange",
                    code=str(InterchangeNote.DUPLICATE_CONTROL_NUMBER),
                    message=f"ISA13 {ic.control_number} from {ic.sender_qualifier}/{ic.sender_id} was already received "
                    "in an earlier interchange: this one is a duplicate and is not processed again",
                    isa13=ic.control_number,
                    segment_id="ISA",
                    segment_ordinal=1,
                    element_position=13,
                    bad_value=ic.control_number,
                    line=position.line if position else None,
                    byte_offset=position.byte_offset if position else None,
                ),
                "crossdock",
            )
        )
        decide(interchange_report)


async def validate(
    source: Source,
    *,
    partner: Partners = None,
    store: RememberStore | None = None,
    keep_documents: bool = False,
    max_translated_set_segments: int | None = DEFAULT_MAX_TRANSLATED_SET_SEGMENTS,
) -> ValidationReport:
    """Validate an inbound X12 file and report verdicts, issues and counts.

    ``partner``: the sender's profile, or profiles to pick from by each ISA's sender and receiver
    (translation uses it; without one, defaults).  ``store``: when given, an ISA13 the same sender
    used before is reported as a duplicate (and each new one remembered); without it, nothing is
    recorded anywhere.  The reading, pyx12 and translation work runs in a worker thread.
    """
    report = await asyncio.to_thread(
        check_source,
        source,
        partner=partner,
        keep_documents=keep_documents,
        max_translated_set_segments=max_translated_set_segments,
    )
    if store is not None:
        await check_duplicates(report, store)
    return report


async def translate_file(
    source: Source, *, partner: Partners = None, store: RememberStore | None = None
) -> ValidationReport:
    """:func:`validate`, keeping every document translated (each set's ``documents``), whatever its size."""
    return await validate(source, partner=partner, store=store, keep_documents=True, max_translated_set_segments=None)
