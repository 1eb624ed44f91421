"""What validating a file found: verdicts per interchange, group and set, every issue, and counts.

The report keeps the reader's live :class:`Interchange` and :class:`FunctionalGroup` objects
(streamed: envelope facts only, never segments), because acknowledging needs exactly those; so a
report costs memory in proportion to the number of sets and issues, not to the size of the file.

Verdicts are the acknowledgment's own decisions (:func:`crossdock.edi.acks.judge_group`): a set
is ``accepted``, ``accepted with errors`` or ``rejected``; a group can also be ``partially
accepted`` (X12's ``P``: some of its sets rejected).  Translation problems are *not* part of the
verdicts: a 997 answers for syntax, and a document Crossdock cannot translate is Crossdock's
problem to park, not a reason to tell the partner its transmission was broken.  They count against
:attr:`ValidationReport.valid` all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..acks import AckCode, GroupVerdict
from ..envelope import FunctionalGroup, Interchange
from ..errors import X12Issue
from ..partners import PartnerProfile
from ..translate import TranslatedDocument

__all__ = [
    "Verdict",
    "IssueSource",
    "ReportedIssue",
    "SetReport",
    "GroupReport",
    "InterchangeReport",
    "ValidationReport",
    "verdict_of",
]

Verdict = Literal["accepted", "accepted with errors", "partially accepted", "rejected"]
IssueSource = Literal["reader", "pyx12", "crossdock", "translation"]

_VERDICTS: dict[str, Verdict] = {"A": "accepted", "E": "accepted with errors", "P": "partially accepted", "R": "rejected"}


def verdict_of(code: AckCode | str) -> Verdict:
    """The verdict an acknowledgment code stands for (``A``, ``E``, ``P``, ``R``)."""
    return _VERDICTS.get(code, "rejected")


@dataclass(frozen=True, slots=True)
class ReportedIssue:
    """An issue and which check found it (the reader's envelope checks, pyx12, Crossdock's own, translation)."""

    issue: X12Issue
    source: IssueSource

    def to_dict(self) -> dict[str, Any]:
        data = {key: value for key, value in asdict(self.issue).items() if value is not None}
        data["source"] = self.source
        data["text"] = str(self.issue)
        return data


@dataclass(slots=True)
class SetReport:
    """One transaction set: its verdict, its issues, and what translating it gave."""

    id: str
    control_number: str
    verdict: Verdict = "accepted"
    ack_code: AckCode = "A"
    """The set's own AK5/IK5 code; a set in a rejected group is ``rejected`` whatever this says."""
    issues: list[ReportedIssue] = field(default_factory=list)
    document_count: int = 0
    documents: list[TranslatedDocument] = field(default_factory=list)
    """Kept only when asked (``keep_documents``); ``document_count`` is always set."""
    translated: bool = False
    """Translation ran and withheld nothing (no translation errors)."""
    first_ordinal: int | None = None
    last_ordinal: int | None = None
    """Where the set lies in its interchange (segment ordinals, ISA = 1): places pyx12's findings."""

    @property
    def accepted(self) -> bool:
        """Accepted (possibly with errors) and in a group that was not rejected as a whole."""
        return self.verdict in ("accepted", "accepted with errors")

    @property
    def errors(self) -> list[X12Issue]:
        return [reported.issue for reported in self.issues if reported.issue.is_error]

    def to_dict(self, *, with_documents: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "control_number": self.control_number,
            "verdict": self.verdict,
            "ack_code": self.ack_code,
            "translated": self.translated,
            "documents": self.document_count,
            "issues": [reported.to_dict() for reported in self.issues],
        }
        if with_documents:
            data["documents"] = [document.model_dump(mode="json") for document in self.documents]
        return data


@dataclass(slots=True)
class GroupReport:
    """One functional group: the acknowledgment's verdict on it and on each of its sets."""

    group: FunctionalGroup
    sets: list[SetReport] = field(default_factory=list)
    issues: list[ReportedIssue] = field(default_factory=list)
    """Group-level issues (the sets hold their own)."""
    mapped: bool = True
    """Whether Crossdock has a validation map for the group (GS01, GS08); an unmapped group is rejected."""
    verdict: Verdict = "accepted"
    ack: GroupVerdict | None = None

    @property
    def functional_id(self) -> str:
        return self.group.functional_id

    @property
    def control_number(self) -> str:
        return self.group.control_number

    @property
    def version(self) -> str:
        return self.group.version

    def all_issues(self) -> Iterator[ReportedIssue]:
        yield from self.issues
        for set_report in self.sets:
            yield from set_report.issues

    def to_dict(self, *, with_documents: bool = False) -> dict[str, Any]:
        return {
            "functional_id": self.functional_id,
            "control_number": self.control_number,
            "version": self.version,
            "mapped": self.mapped,
            "verdict": self.verdict,
            "ack_code": self.ack.code if self.ack else None,
            "issues": [reported.to_dict() for reported in self.issues],
            "sets": [set_report.to_dict(with_documents=with_documents) for set_report in self.sets],
        }


@dataclass(slots=True)
class InterchangeReport:
    """One interchange: its envelope verdict (what a TA1 would say), its groups, and who sent it.

    ``readable`` is ``False`` for an interchange of which only the ISA could be read (broken
    separators): it has no groups, and only a TA1 can answer it.
    """

    interchange: Interchange
    partner: PartnerProfile | None = None
    groups: list[GroupReport] = field(default_factory=list)
    issues: list[ReportedIssue] = field(default_factory=list)
    """Interchange-level issues (groups and sets hold their own)."""
    readable: bool = True
    verdict: Verdict = "accepted"
    ta1_code: AckCode = "A"
    ta1_note: str = "000"
    notes: list[str] = field(default_factory=list)
    """What was changed to show the interchange to pyx12 (version mapped, separators replaced …)."""

    @property
    def control_number(self) -> str:
        return self.interchange.control_number

    @property
    def rejected(self) -> bool:
        return self.ta1_code == "R"

    def all_issues(self) -> Iterator[ReportedIssue]:
        yield from self.issues
        for group in self.groups:
            yield from group.all_issues()

    def to_dict(self, *, with_documents: bool = False) -> dict[str, Any]:
        ic = self.interchange
        return {
            "control_number": ic.control_number,
            "sender": f"{ic.sender_qualifier}/{ic.sender_id}",
            "receiver": f"{ic.receiver_qualifier}/{ic.receiver_id}",
            "version": ic.version,
            "partner": self.partner.id if self.partner else None,
            "readable": self.readable,
            "verdict": self.verdict,
            "ta1": {"code": self.ta1_code, "note": self.ta1_note},
            "notes": list(self.notes),
            "issues": [reported.to_dict() for reported in self.issues],
            "groups": [group.to_dict(with_documents=with_documents) for group in self.groups],
        }


@dataclass(slots=True)
class ValidationReport:
    """Everything validating one file found.

    ``read_error`` is set when the input stopped being readable X12 part-way (garbage after an
    IEA, an ISA whose separators cannot be worked out); what was read before it is reported as usual.
    """

    source: str
    interchanges: list[InterchangeReport] = field(default_factory=list)
    read_error: str | None = None

    def all_issues(self) -> Iterator[ReportedIssue]:
        for interchange in self.interchanges:
            yield from interchange.all_issues()

    @property
    def issues(self) -> list[X12Issue]:
        return [reported.issue for reported in self.all_issues()]

    @property
    def errors(self) -> list[X12Issue]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[X12Issue]:
        return [issue for issue in self.issues if not issue.is_error]

    def groups(self) -> Iterator[GroupReport]:
        for interchange in self.interchanges:
            yield from interchange.groups

    def sets(self) -> Iterator[SetReport]:
        for group in self.groups():
            yield from group.sets

    @property
    def valid(self) -> bool:
        """Readable to the end, and no error anywhere (envelope, syntax, Crossdock's checks, translation)."""
        return self.read_error is None and bool(self.interchanges) and not self.errors

    def counts(self) -> dict[str, int]:
        sets = list(self.sets())
        groups = list(self.groups())
        return {
            "interchanges": len(self.interchanges),
            "interchanges_rejected": sum(1 for ic in self.interchanges if ic.rejected),
            "groups": len(groups),
            "groups_rejected": sum(1 for group in groups if group.verdict == "rejected"),
            "sets": len(sets),
            "sets_accepted": sum(1 for s in sets if s.accepted),
            "sets_rejected": sum(1 for s in sets if not s.accepted),
            "documents": sum(s.document_count for s in sets),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def to_dict(self, *, with_documents: bool = False) -> dict[str, Any]:
        return {
            "source": self.source,
            "valid": self.valid,
            "read_error": self.read_error,
            "counts": self.counts(),
            "interchanges": [ic.to_dict(with_documents=with_documents) for ic in self.interchanges],
        }
