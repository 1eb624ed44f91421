"""Filing one validated inbound file: accepted sets' documents staged per stream, the rest as problems.

:func:`crossdock.edi.pipeline.validate` decides (reader envelope checks, pyx12, Crossdock's checks;
its report is what our 997 says). This module then reads the file once more, streaming, and for
each set in the report's order:

* a set the 997 **rejects** gives no documents: a problem record with its issues takes its place;
* an **accepted** set is translated (one set in memory at a time) and its documents are staged for
  the stream that reads their kind; the partner's own 997s are kept aside to settle our groups; a
  document translation had to withhold (an SSCC with a bad check digit, an unknown location) is
  Crossdock's problem, not the partner's, so the 997 accepts the set and a problem record is staged
  for what was withheld.

A problem record's payload is not a canonical document: the runner parks it in the error queue
(stage ``map``) with the file name, the control numbers and every issue, for an operator.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from crossdock.core.models import OrderAcknowledgement, Shipment, StockLevel
from crossdock.edi import X12Issue, X12ReadError, iter_transaction_sets
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.pipeline import GroupReport, InterchangeReport, SetReport, ValidationReport
from crossdock.edi.translate import FunctionalAcknowledgement, TranslatedDocument, translate_set

from ._spool import SpoolStaging

__all__ = ["STREAM_OF_SET", "PROBLEM", "FileReading", "stage_inbound_file", "problem_record"]

STREAM_OF_SET: dict[str, str] = {"856": "shipments", "855": "acknowledgements", "846": "stock"}
"""Which stream reads the documents of each transaction set; 997s close our own loop instead."""

PROBLEM = "problem"
"""The payload key of a record that is not a document but the reason one is missing (see ``problem_record``)."""

_MAX_ISSUES = 50


@dataclass
class FileReading:
    """What became of one inbound file's parts."""

    functional_acks: list[FunctionalAcknowledgement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Parts the partner must send again (rejected, unreadable): the file is failed with these as its reason."""
    withheld: list[str] = field(default_factory=list)
    """Documents Crossdock could not translate from accepted sets: parked, the file still archived."""


def problem_record(key: str, problem: str, meta: dict[str, Any], issues: list[X12Issue] | None = None) -> dict[str, Any]:
    """A spool record standing for a document that could not be made: it reaches the error queue."""
    payload: dict[str, Any] = {PROBLEM: problem, **{k: v for k, v in meta.items() if v is not None}}
    if issues:
        payload["issues"] = [str(issue) for issue in issues[:_MAX_ISSUES]]
        if len(issues) > _MAX_ISSUES:
            payload["issues"].append(f"… and {len(issues) - _MAX_ISSUES} more")
    return {"key": key, "payload": payload, "meta": meta}


def _placed(document: TranslatedDocument, location_id: str | None) -> TranslatedDocument:
    """The document with the connection's ``location_id`` (when configured) as the partner's location."""
    if location_id is None:
        return document
    if isinstance(document, StockLevel):
        return document.model_copy(update={"location_id": location_id})
    if isinstance(document, Shipment):
        return document.model_copy(update={"ship_from_location_id": location_id})
    return document


def _document_record(document: TranslatedDocument, partner_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    payload = document.model_dump(mode="json")
    if isinstance(document, Shipment):
        po = document.order.number or ""
        number = document.source.id.removesuffix(f"/{po}") if document.source is not None else meta.get("st02", "")
        return {"key": f"{partner_id}:{number}:{po}", "payload": payload, "meta": {**meta, "po": po, "shipment_number": number}}
    if isinstance(document, OrderAcknowledgement):
        return {"key": f"{partner_id}:{document.purchase_order_number}", "payload": payload, "meta": meta}
    if isinstance(document, StockLevel):
        return {"key": document.key, "payload": payload, "meta": meta}
    kind = type(document).__name__
    problem = f"the partner sent a {kind} ({meta.get('set')}), which the partner connector has no stream for"
    return {
        "key": f"{partner_id}:{meta.get('set')}:{meta.get('isa13')}:{meta.get('st02')}",
        "payload": {PROBLEM: problem, **meta, "document": payload},
        "meta": meta,
    }


def _set_meta(file_meta: dict[str, Any], interchange: InterchangeReport, group: GroupReport, report: SetReport) -> dict[str, Any]:
    return {**file_meta, "isa13": interchange.control_number, "gs06": group.control_number, "set": report.id, "st02": report.control_number}


def _where(interchange: InterchangeReport, group: GroupReport, report: SetReport) -> str:
    return f"{report.id} {report.control_number} (group {group.functional_id} {group.control_number}, interchange {interchange.control_number})"


def _summary(issues: list[X12Issue], fallback: str) -> str:
    errors = [issue for issue in issues if issue.is_error] or issues
    return "; ".join(issue.message for issue in errors[:3]) or fallback


def stage_inbound_file(
    data: bytes,
    report: ValidationReport | None,
    *,
    profile: PartnerProfile,
    staging: SpoolStaging,
    streams: Collection[str],
    problem_stream: str,
    file_meta: dict[str, Any],
    location_id: str | None = None,
    unreadable: X12ReadError | None = None,
) -> FileReading:
    """Stage what ``data`` holds for the streams, following ``report``'s verdicts (see the module docstring).

    ``report`` is ``None`` when nothing at all could be read as X12 (``unreadable`` says why).
    ``location_id``, when given, is where everything the partner reports is (846 quantities, 856
    ship-from), whatever location codes its documents name.
    """
    reading = FileReading()
    file_key = f"{profile.id}:{file_meta['file']}"
    if report is None:
        problem = f"the file cannot be read as X12: {unreadable}"
        reading.problems.append(problem)
        staging.write(problem_stream, 0, [problem_record(file_key, problem, file_meta)])
        return reading

    expected = [(ic, group, s) for ic in report.interchanges if ic.readable for group in ic.groups for s in group.sets]
    ordinal = 0
    try:
        for streamed in iter_transaction_sets(data):
            if ordinal >= len(expected):
                break
            interchange, group, set_report = expected[ordinal]
            ordinal += 1
            if (streamed.id, streamed.control_number, streamed.group.control_number) != (
                set_report.id, set_report.control_number, group.control_number,
            ):  # fmt: skip
                raise RuntimeError(f"the file changed between validating and filing it (at {_where(interchange, group, set_report)})")
            _file_set(streamed, interchange, group, set_report, ordinal, reading, profile, staging, streams, problem_stream, file_meta, location_id)
    except X12ReadError:
        pass  # the report has the read error; everything before it was filed
    for interchange in report.interchanges:
        if not interchange.readable:
            issues = [r.issue for r in interchange.issues]
            problem = f"interchange {interchange.control_number} cannot be read: {_summary(issues, 'its separators cannot be worked out')}"
            reading.problems.append(problem)
            meta = {**file_meta, "isa13": interchange.control_number}
            staging.write(problem_stream, 0, [problem_record(f"{file_key}:{interchange.control_number}", problem, meta, issues)])
    if report.read_error is not None:
        problem = f"the file cannot be read past a point: {report.read_error}"
        reading.problems.append(problem)
        staging.write(problem_stream, 999_999, [problem_record(f"{file_key}:rest", problem, file_meta)])
    return reading


def _file_set(
    streamed: Any,
    interchange: InterchangeReport,
    group: GroupReport,
    set_report: SetReport,
    ordinal: int,
    reading: FileReading,
    profile: PartnerProfile,
    staging: SpoolStaging,
    streams: Collection[str],
    problem_stream: str,
    file_meta: dict[str, Any],
    location_id: str | None,
) -> None:
    stream = STREAM_OF_SET.get(set_report.id)
    target = stream if stream in streams else (problem_stream if stream is None else None)
    meta = _set_meta(file_meta, interchange, group, set_report)
    key = f"{profile.id}:{set_report.id}:{interchange.control_number}:{set_report.control_number}"
    if not set_report.accepted:
        issues = [r.issue for r in (*interchange.issues, *group.issues, *set_report.issues)]
        problem = f"{_where(interchange, group, set_report)} rejected: {_summary(issues, 'its group was rejected')}"
        reading.problems.append(problem)
        if target is not None:  # a kind this connection does not read: the failed file says enough
            staging.write(target, ordinal, [problem_record(key, problem, meta, issues)])
        return
    result = translate_set(streamed, partner=profile)
    records = []
    for document in result.documents:
        if isinstance(document, FunctionalAcknowledgement):
            reading.functional_acks.append(document)
        else:
            records.append(_document_record(_placed(document, location_id), profile.id, meta))
    if result.errors:
        problem = f"{_where(interchange, group, set_report)}: Crossdock could not translate all of it: {_summary(result.errors, '')}"
        reading.withheld.append(problem)
        records.append(problem_record(f"{key}:withheld", problem, meta, result.errors))
    if records and target is not None:
        staging.write(target, ordinal, records)
