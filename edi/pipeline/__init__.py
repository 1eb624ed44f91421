"""crossdock.edi.pipeline: validate inbound X12, acknowledge it, and track what partners acknowledge of ours.

* :func:`validate` reads a file (streaming) through the reader's envelope checks, pyx12 with
  Crossdock's retail maps, Crossdock's own checks (duplicate ISA13 across files, HL hierarchy,
  CTT totals) and translation, and returns a :class:`ValidationReport` with verdicts per
  interchange, group and set.  :func:`translate_file` does the same and keeps the documents.
* :func:`acknowledge` turns a report into the 997/999 (and TA1) to send back, with control
  numbers from the state store.
* :func:`record_outbound`, :func:`match_inbound_ack` and :func:`overdue` keep track of the
  acknowledgments partners owe us.
"""

from ._acknowledge import ControlNumbersFor, acknowledge, acknowledge_interchange, functional_ack_kind
from ._checks import HL_STRUCTURES, LINE_ITEM_SEGMENT, SetChecks
from ._report import (
    GroupReport,
    InterchangeReport,
    IssueSource,
    ReportedIssue,
    SetReport,
    ValidationReport,
    Verdict,
)
from ._tracking import (
    ACK_ERROR_FLOW,
    ACK_ERROR_JOB,
    SentGroup,
    acknowledgements_in,
    awaiting_acks,
    match_inbound_ack,
    overdue,
    record_outbound,
)
from ._read_pass import Partners
from ._validate import (
    DEFAULT_MAX_TRANSLATED_SET_SEGMENTS,
    ISA13_SCOPE,
    check_duplicates,
    check_source,
    translate_file,
    validate,
)

__all__ = [
    # validating
    "validate",
    "translate_file",
    "check_source",
    "check_duplicates",
    "Partners",
    "ValidationReport",
    "InterchangeReport",
    "GroupReport",
    "SetReport",
    "ReportedIssue",
    "IssueSource",
    "Verdict",
    "SetChecks",
    "HL_STRUCTURES",
    "LINE_ITEM_SEGMENT",
    "DEFAULT_MAX_TRANSLATED_SET_SEGMENTS",
    "ISA13_SCOPE",
    # acknowledging
    "acknowledge",
    "acknowledge_interchange",
    "functional_ack_kind",
    "ControlNumbersFor",
    # tracking
    "record_outbound",
    "match_inbound_ack",
    "overdue",
    "awaiting_acks",
    "acknowledgements_in",
    "SentGroup",
    "ACK_ERROR_JOB",
    "ACK_ERROR_FLOW",
]
