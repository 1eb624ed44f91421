"""Run pyx12's full X12 validation with Crossdock's retail maps and return its findings as data.

Input must already be what pyx12 reads (ISA12 00401/00501, a 106-character ISA, ASCII): the
normalising reader prepares it.  pyx12 keeps its error tree inside ``x12n_document``; this module
takes the tree through pyx12's JSON error visitor (``fd_json``) and adds what the tree misses,
observed through pyx12's per-segment validation callback:

- element and syntax errors on the envelope segments themselves (ISA, GS, ST, SE, GE, IEA), which
  pyx12 stores on loop nodes the visitor does not walk; they are re-checked with the map node
  pyx12 used;
- segments pyx12 could not place while no transaction set was open (a stray segment after GS, an
  ST the map does not recognise): pyx12 drops those errors and may even call the stream valid.

pyx12 stops outright at a functional group it has no map for (or an unreadable ISA); the result
then carries ``aborted`` and the issue that stopped it, and findings for earlier groups are lost
because pyx12 writes its report only at the end of a run.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

import pyx12.errors
import pyx12.params
import pyx12.rawx12file
import pyx12.x12n_document

from .pyx12_maps import MAP_PATH, RegisteredTransaction, registered_transactions

__all__ = ["Pyx12Issue", "Pyx12IssueKind", "Pyx12Result", "validate_with_pyx12"]

Pyx12IssueKind = Literal["isa", "gs", "st", "seg", "ele"]

_ENVELOPE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
_ISA_ERROR_SEGMENT = {"025": "ISA"}  # duplicate ISA13; every other interchange error is found at IEA
_GS_ERROR_SEGMENT = {"6": "GS"}  # duplicate GS06; the rest (counts, control numbers) at GE
_ST_ERROR_SEGMENT = {"1": "ST", "6": "ST", "7": "ST", "23": "ST"}  # as pyx12's error_handler splits them
_SEGMENT_HAS_ELEMENT_ERRORS = "8"
_SEGMENT_NOT_FOUND = "1"


class Pyx12Issue(BaseModel):
    """One finding, located the way an acknowledgment needs it.

    ``line`` is the 1-based ordinal of the segment in the interchange stream; ``segment_position``
    counts from ST = 1 within the transaction set (AK302/IK302).  ``code`` is pyx12's code for the
    level: ISA/TA1 note codes, AK905 codes for groups, AK502 codes for transaction sets, AK304
    codes for segments (pyx12 adds HL1/HL2/SEG1) and AK403 codes for elements.
    """

    model_config = ConfigDict(frozen=True)

    kind: Pyx12IssueKind
    code: str
    message: str
    segment_id: str | None = None
    segment_position: int | None = None
    line: int | None = None
    element_position: int | None = None
    subelement_position: int | None = None
    data_element: str | None = None
    bad_value: str | None = None
    isa13: str | None = None
    gs06: str | None = None
    st02: str | None = None


class Pyx12Result(BaseModel):
    """pyx12's verdict on one stream: ``ok`` only when pyx12 found nothing at all."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    errors: list[Pyx12Issue]
    pyx12_ack: str = ""
    """The 997/999 pyx12 wrote, for comparison only: Crossdock writes its own acknowledgments."""
    aborted: str | None = None
    """Why pyx12 stopped before the end of the stream, if it did."""


class _RunObserver:
    """pyx12 validation callback, called after every segment with the map node pyx12 settled on.

    Re-checks envelope segments, and remembers segments the map walk did not place (pyx12 then
    hands back the previous node), so errors pyx12 could not file are still reported.
    """

    def __init__(self) -> None:
        self.issues: list[Pyx12Issue] = []
        self.unplaced: list[Pyx12Issue] = []
        self.last_line = 0
        self.isa13: str | None = None
        self.gs06: str | None = None
        self.st02: str | None = None

    def __call__(self, seg: Any, src: Any, node: Any, valid: bool) -> None:
        self.last_line = src.get_cur_line()
        seg_id = seg.get_seg_id()
        if seg_id == "ISA":
            self.isa13, self.gs06, self.st02 = seg.get_value("ISA13"), None, None
        elif seg_id == "GS":
            self.gs06, self.st02 = seg.get_value("GS06"), None
        elif seg_id == "ST":
            self.st02 = seg.get_value("ST02")
        if node is None or getattr(node, "id", None) != seg_id:
            self.unplaced.append(self._unplaced(seg, src))
        elif seg_id in _ENVELOPE_SEGMENTS:
            _, errors = node.is_valid_errors(seg)
            position = {"ST": 1, "SE": src.get_seg_count() + 1}.get(seg_id)
            self.issues += [self._issue(seg_id, position, error) for error in errors]
        if seg_id == "SE":
            self.st02 = None
        elif seg_id == "GE":
            self.gs06 = None
        elif seg_id == "IEA":
            self.isa13 = None

    def _unplaced(self, seg: Any, src: Any) -> Pyx12Issue:
        seg_id = seg.get_seg_id()
        return Pyx12Issue(
            kind="seg",
            code=_SEGMENT_NOT_FOUND,
            message=f"Segment {seg_id} is not allowed here by the map",
            segment_id=seg_id,
            segment_position=src.get_seg_count() if self.st02 is not None else None,
            line=self.last_line,
            isa13=self.isa13,
            gs06=self.gs06,
            st02=self.st02,
        )

    def unfiled(self, filed: list[Pyx12Issue]) -> list[Pyx12Issue]:
        """Unplaced segments pyx12 kept no error for (its tree had no open transaction set)."""
        located = {issue.line for issue in filed if issue.kind in ("seg", "ele")}
        return [issue for issue in self.unplaced if issue.line not in located]

    def _issue(self, seg_id: str, position: int | None, error: Any) -> Pyx12Issue:
        common = dict(
            segment_id=seg_id,
            segment_position=position,
            line=self.last_line,
            isa13=self.isa13,
            gs06=self.gs06,
            st02=self.st02,
            bad_value=error.err_val,
        )
        map_node = error.map_node
        if map_node is None:  # too many elements, syntax rule, missing composite
            return Pyx12Issue(
                kind="seg",
                code=_SEGMENT_HAS_ELEMENT_ERRORS,
                message=error.err_str,
                element_position=_as_int(error.refdes),
                **common,
            )
        in_composite = map_node.parent is not None and map_node.parent.is_composite()
        return Pyx12Issue(
            kind="ele",
            code=error.err_cde,
            message=error.err_str,
            element_position=map_node.parent.seq if in_composite else map_node.seq,
            subelement_position=map_node.seq if in_composite else None,
            data_element=map_node.data_ele,
            **common,
        )


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _issues_from_report(report: str) -> list[Pyx12Issue]:
    """Flatten pyx12's JSON error tree (interchange > group > transaction > segment > element)."""
    if not report:
        return []
    issues: list[Pyx12Issue] = []
    for interchange in json.loads(report)["interchanges"]:
        isa13 = interchange["isa_trn_set_id"]
        for error in interchange["errors"]:
            issues.append(
                Pyx12Issue(
                    kind="isa",
                    code=error["err_cde"],
                    message=error["err_str"],
                    segment_id=_ISA_ERROR_SEGMENT.get(error["err_cde"], "IEA"),
                    line=interchange["cur_line"],
                    isa13=isa13,
                )
            )
        for group in interchange["groups"]:
            gs06 = group["gs_control_num"]
            for error in group["errors"]:
                issues.append(
                    Pyx12Issue(
                        kind="gs",
                        code=error["err_cde"],
                        message=error["err_str"],
                        segment_id=_GS_ERROR_SEGMENT.get(error["err_cde"], "GE"),
                        line=group["cur_line"],
                        isa13=isa13,
                        gs06=gs06,
                    )
                )
            for transaction in group["transactions"]:
                issues += _transaction_issues(transaction, isa13, gs06)
    return issues


def _transaction_issues(transaction: dict[str, Any], isa13: str | None, gs06: str | None) -> list[Pyx12Issue]:
    st02 = transaction["trn_set_control_num"]
    issues = [
        Pyx12Issue(
            kind="st",
            code=error["err_cde"],
            message=error["err_str"],
            segment_id=_ST_ERROR_SEGMENT.get(error["err_cde"], "SE"),
            line=transaction["cur_line"],
            isa13=isa13,
            gs06=gs06,
            st02=st02,
        )
        for error in transaction["errors"]
    ]
    for segment in transaction["segments"]:
        where = dict(
            segment_id=segment["seg_id"],
            segment_position=segment["seg_count"],
            line=segment["cur_line"],
            isa13=isa13,
            gs06=gs06,
            st02=st02,
        )
        for error in segment["errors"]:
            issues.append(
                Pyx12Issue(kind="seg", code=error["err_cde"], message=error["err_str"], bad_value=error["err_val"], **where)
            )
        for element in segment["elements"]:
            for error in element["errors"]:
                issues.append(
                    Pyx12Issue(
                        kind="ele",
                        code=error["err_cde"],
                        message=error["err_str"],
                        bad_value=error["err_val"],
                        element_position=element["ele_pos"],
                        subelement_position=element["subele_pos"],
                        data_element=element["ele_ref_num"],
                        **where,
                    )
                )
    return issues


def _segment_at(text: str, line: int) -> list[str]:
    """Elements of the ``line``-th segment (1-based), split with the separators the ISA declares."""
    terminator, separator = text[105], text[3]
    for index, raw in enumerate(text.split(terminator), start=1):
        if index == line:
            return raw.lstrip("\r\n").split(separator)
    return []


def _unmapped_group_issue(text: str, line: int, isa13: str | None, message: str,
                          registrations: list[RegisteredTransaction]) -> Pyx12Issue:
    """The GS pyx12 stopped at: AK905 1 (group not supported) or 2 (version not supported)."""
    elements = _segment_at(text, line)
    fic = elements[1] if len(elements) > 1 else ""
    gs06 = elements[6] if len(elements) > 6 else None
    known_fic = any(r.fic == fic for r in registrations)
    return Pyx12Issue(
        kind="gs",
        code="2" if known_fic else "1",
        message=f"No map for this functional group: {message}",
        segment_id="GS",
        line=line,
        isa13=isa13,
        gs06=gs06,
    )


def validate_with_pyx12(text: str, *, map_path: Path | None = None) -> Pyx12Result:
    """Validate one X12 stream with pyx12 4.0.0 and the retail map folder.

    Every finding is returned, in stream order, and nothing is raised for bad partner data (pyx12
    also logs each finding on its ``pyx12`` loggers).  A broken map folder (an ``EngineError``
    other than a missing map) raises: that is a defect in Crossdock, not in the partner's file.
    """
    folder = map_path or MAP_PATH
    try:
        pyx12.rawx12file.RawX12File(io.StringIO(text))
    except pyx12.errors.X12Error as exc:
        issue = Pyx12Issue(kind="isa", code="unreadable", message=str(exc), segment_id="ISA", line=1)
        return Pyx12Result(ok=False, errors=[issue], aborted=str(exc))

    observer = _RunObserver()
    ack, report = io.StringIO(), io.StringIO()
    aborted: str | None = None
    stop_issue: list[Pyx12Issue] = []
    reader_ok = False
    try:
        reader_ok = pyx12.x12n_document.x12n_document(
            pyx12.params.ParamsBase(),
            io.StringIO(text),
            ack,
            None,
            None,
            report,
            map_path=str(folder),
            callback=observer,
        )
    except pyx12.errors.EngineError as exc:
        if not str(exc).startswith("Map not found"):
            raise
        aborted = str(exc)
        stop_issue.append(
            _unmapped_group_issue(text, observer.last_line + 1, observer.isa13, aborted, registered_transactions(folder))
        )
    except pyx12.errors.X12Error as exc:
        aborted = str(exc)
        stop_issue.append(
            Pyx12Issue(kind="isa", code="unreadable", message=aborted, segment_id="ISA", line=observer.last_line + 1)
        )

    filed = _issues_from_report(report.getvalue())
    issues = filed + observer.issues + observer.unfiled(filed) + stop_issue
    issues.sort(key=lambda issue: issue.line if issue.line is not None else 0)
    if not reader_ok and not issues:
        issues.append(Pyx12Issue(kind="isa", code="invalid", message="pyx12 rejected the stream without a located error"))
    return Pyx12Result(ok=reader_ok and not issues, errors=issues, pyx12_ack=ack.getvalue(), aborted=aborted)
