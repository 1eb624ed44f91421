"""What can be wrong with inbound X12, in the vocabulary acknowledgments speak.

Every finding about a partner's file is an :class:`X12Issue` value, never an exception: a broken
file must still be acknowledged (a rejecting 997 or TA1 is the most useful ack there is), so the
reader records what it finds and keeps going.  The ``code`` of an issue is the X12 code for its
level, so an acknowledgment can be built from issues directly:

==============  =========================  ===================================================
level           code list                  goes into
==============  =========================  ===================================================
interchange     I18 interchange note code  TA105 (``000``–``031``)
group           716 group syntax error     AK905–AK909 / 999 AK905–AK909
set             718 set syntax error       AK502–AK506 / IK502–IK506
segment         720 segment syntax error   AK304 / IK304
element         723 element syntax error   AK403 / IK403
==============  =========================  ===================================================

Findings that have no X12 code (a skipped empty segment, a BOM) carry a Crossdock code written
in lowercase words (``empty-segment``); they are reported to people and never put in an ack.
pyx12's findings (converted by ``crossdock.edi.validation_pyx12``) use the same class.

Only two conditions raise: :class:`X12ReadError` when the bytes cannot be read as X12 at all
(no ISA, an ISA whose separators cannot be worked out), and :class:`X12WriteError` when Crossdock
itself is asked to write something X12 cannot carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from crossdock.core.errors import CrossdockError

if TYPE_CHECKING:
    from .envelope import Interchange

__all__ = [
    "IssueLevel",
    "Severity",
    "X12Issue",
    "InterchangeNote",
    "GroupError",
    "SetError",
    "SegmentError",
    "ElementError",
    "X12ReadError",
    "X12WriteError",
]

IssueLevel = Literal["interchange", "group", "set", "segment", "element"]
Severity = Literal["error", "warning"]

_X12_CODE = re.compile(r"\d{1,3}|I\d{1,2}")


class InterchangeNote(StrEnum):
    """TA105 interchange note codes (element I18) that Crossdock's own checks produce."""

    NO_ERROR = "000"
    CONTROL_NUMBER_MISMATCH = "001"
    STANDARD_NOT_SUPPORTED = "002"
    VERSION_NOT_SUPPORTED = "003"
    INVALID_SEGMENT_TERMINATOR = "004"
    INVALID_SENDER_QUALIFIER = "005"
    INVALID_SENDER_ID = "006"
    INVALID_RECEIVER_QUALIFIER = "007"
    INVALID_RECEIVER_ID = "008"
    UNKNOWN_RECEIVER_ID = "009"
    INVALID_DATE = "014"
    INVALID_TIME = "015"
    INVALID_STANDARDS_IDENTIFIER = "016"
    INVALID_VERSION = "017"
    INVALID_CONTROL_NUMBER = "018"
    INVALID_ACK_REQUESTED = "019"
    INVALID_TEST_INDICATOR = "020"
    INVALID_GROUP_COUNT = "021"
    INVALID_CONTROL_STRUCTURE = "022"
    PREMATURE_END_OF_FILE = "023"
    INVALID_CONTENT = "024"
    DUPLICATE_CONTROL_NUMBER = "025"
    INVALID_ELEMENT_SEPARATOR = "026"
    INVALID_COMPONENT_SEPARATOR = "027"


class GroupError(StrEnum):
    """AK905 functional group syntax error codes (element 716)."""

    NOT_SUPPORTED = "1"
    VERSION_NOT_SUPPORTED = "2"
    TRAILER_MISSING = "3"
    CONTROL_NUMBER_MISMATCH = "4"
    SET_COUNT_MISMATCH = "5"
    CONTROL_NUMBER_SYNTAX = "6"
    """Also what pyx12 reports for a GS06 repeated within the interchange (004010 has no own code)."""
    CONTROL_NUMBER_NOT_UNIQUE = "19"
    """005010 and later only."""


class SetError(StrEnum):
    """AK502 / IK502 transaction set syntax error codes (element 718)."""

    NOT_SUPPORTED = "1"
    TRAILER_MISSING = "2"
    CONTROL_NUMBER_MISMATCH = "3"
    SEGMENT_COUNT_MISMATCH = "4"
    SEGMENTS_IN_ERROR = "5"
    INVALID_SET_IDENTIFIER = "6"
    INVALID_CONTROL_NUMBER = "7"
    NOT_IN_FUNCTIONAL_GROUP = "18"
    """005010 and later only; before, a set in the wrong group is reported as 6."""
    CONTROL_NUMBER_NOT_UNIQUE = "23"


class SegmentError(StrEnum):
    """AK304 / IK304 segment syntax error codes (element 720)."""

    UNRECOGNIZED_SEGMENT_ID = "1"
    UNEXPECTED_SEGMENT = "2"
    MANDATORY_SEGMENT_MISSING = "3"
    LOOP_OVER_MAXIMUM = "4"
    SEGMENT_OVER_MAXIMUM_USE = "5"
    NOT_IN_SET = "6"
    OUT_OF_SEQUENCE = "7"
    HAS_ELEMENT_ERRORS = "8"


class ElementError(StrEnum):
    """AK403 / IK403 data element syntax error codes (element 723)."""

    MANDATORY_MISSING = "1"
    CONDITIONAL_MISSING = "2"
    TOO_MANY_ELEMENTS = "3"
    TOO_SHORT = "4"
    TOO_LONG = "5"
    INVALID_CHARACTER = "6"
    INVALID_CODE = "7"
    INVALID_DATE = "8"
    INVALID_TIME = "9"
    EXCLUSION_VIOLATED = "10"
    TOO_MANY_REPETITIONS = "12"
    TOO_MANY_COMPONENTS = "13"


@dataclass(frozen=True, slots=True)
class X12Issue:
    """One finding about an inbound interchange, located the way an acknowledgment needs it.

    ``segment_position`` is the segment's position in its transaction set counting ST as 1 (what
    AK302/IK302 report); ``segment_ordinal`` is its position in the interchange counting ISA as 1
    (pyx12's "line" on normalised text), set for every segment.  ``line`` and ``byte_offset``
    locate the segment in the file as received, for people.  ``element_position`` is 1-based
    (``REF02`` is 2) and ``component_position`` the component inside a composite.
    """

    level: IssueLevel
    code: str
    message: str
    isa13: str | None = None
    gs06: str | None = None
    st02: str | None = None
    segment_id: str | None = None
    segment_position: int | None = None
    element_position: int | None = None
    component_position: int | None = None
    repetition_position: int | None = None
    data_element: str | None = None
    """The data element reference number (AK402), when known."""
    bad_value: str | None = None
    """A copy of the bad element as received (AK404), when it helps the partner."""
    loop_id: str | None = None
    st01: str | None = None
    segment_ordinal: int | None = None
    line: int | None = None
    byte_offset: int | None = None
    severity: Severity = "error"
    context: tuple[str, str] | None = None
    """A 999 CTX business-unit context (name, value), e.g. ``("PO", "4500012345")``."""

    @property
    def in_ack(self) -> bool:
        """Whether the code is an X12 code an acknowledgment can carry (not a Crossdock-only note)."""
        return bool(_X12_CODE.fullmatch(self.code))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        """The control numbers, segment and element this issue is about, as people read them."""
        parts: list[str] = []
        if self.isa13 is not None:
            parts.append(f"ISA13={self.isa13}")
        if self.gs06 is not None:
            parts.append(f"GS06={self.gs06}")
        if self.st02 is not None:
            parts.append(f"ST02={self.st02}")
        if self.segment_id is not None or self.segment_position is not None or self.segment_ordinal is not None:
            segment = f"segment {self.segment_id or '?'}"
            if self.segment_position is not None:
                segment += f" at position {self.segment_position} in the set"
            elif self.segment_ordinal is not None:
                segment += f" at position {self.segment_ordinal} in the interchange"
            located = []
            if self.line is not None:
                located.append(f"line {self.line}")
            if self.byte_offset is not None:
                located.append(f"byte {self.byte_offset}")
            if located:
                segment += f" ({', '.join(located)})"
            parts.append(segment)
        if self.element_position is not None:
            element = f"element {self.segment_id or ''}{self.element_position:02d}"
            if self.component_position is not None:
                element += f"-{self.component_position}"
            parts.append(element)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        head = f"{self.level} {self.severity} {self.code}"
        return f"{head} [{where}]: {self.message}" if where else f"{head}: {self.message}"


class X12ReadError(CrossdockError):
    """The input cannot be read as X12 from this point on; the message names the byte and line.

    ``interchange`` holds what could be read of the interchange's ISA when it was readable, so a
    rejecting TA1 can still be sent (see ``crossdock.edi.acks.build_ta1``).
    """

    def __init__(
        self,
        message: str,
        *,
        byte_offset: int | None = None,
        line: int | None = None,
        interchange: Interchange | None = None,
        note_code: str | None = None,
    ) -> None:
        located = []
        if line is not None:
            located.append(f"line {line}")
        if byte_offset is not None:
            located.append(f"byte {byte_offset}")
        full = f"{message} (at {', '.join(located)})" if located else message
        super().__init__(full)
        self.message = full
        self.byte_offset = byte_offset
        self.line = line
        self.interchange = interchange
        self.note_code = note_code
        """The TA105 note code that describes the failure, when there is one."""


class X12WriteError(CrossdockError, ValueError):
    """Crossdock was asked to write X12 it must not send (a separator inside a value, a bad envelope field)."""
