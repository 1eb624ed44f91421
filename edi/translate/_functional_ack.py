"""997 and 999 from a partner: which of our groups and sets it accepted, and what it found wrong.

This is what closes the loop on outbound documents: each :class:`FunctionalAcknowledgement` names
the group (AK102 = the GS06 we sent) and, per set, the ST02 and its verdict, so the sets we sent
can be marked accepted or rejected, and sets never acknowledged within the partner's window
reported overdue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crossdock.core.models import SourceRef

from ..segments import Segment
from ._context import SetContext

__all__ = [
    "AcknowledgedElement",
    "AcknowledgedSegment",
    "SetAcknowledgement",
    "FunctionalAcknowledgement",
    "translate_functional_ack",
]

SetAckCode = Literal["A", "E", "M", "R", "W", "X"]
GroupAckCode = Literal["A", "E", "M", "P", "R", "W", "X"]
_ACCEPTING = frozenset({"A", "E"})
_FUNCTIONAL_ID = re.compile(r"[A-Z]{2}")
_DIGITS = re.compile(r"\d{1,9}")
_ELEMENT_REFERENCE = re.compile(r"\d{1,4}")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AcknowledgedElement(_Record):
    """An AK4/IK4: an element the partner found wrong."""

    position: int | None = None
    component_position: int | None = None
    repetition_position: int | None = None
    data_element: str | None = None
    code: str
    bad_value: str | None = None


class AcknowledgedSegment(_Record):
    """An AK3/IK3: a segment the partner found wrong, with its element findings."""

    segment_id: str
    position: int | None = None
    loop_id: str | None = None
    code: str | None = None
    elements: list[AcknowledgedElement] = Field(default_factory=list)


class SetAcknowledgement(_Record):
    """AK2…AK5 (IK5): the verdict on one of our transaction sets."""

    set_id: str
    control_number: str
    implementation_reference: str | None = None
    status: SetAckCode
    error_codes: list[str] = Field(default_factory=list)
    segments: list[AcknowledgedSegment] = Field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Accepted, possibly with errors noted (``A`` or ``E``)."""
        return self.status in _ACCEPTING


class FunctionalAcknowledgement(_Record):
    """A partner's 997 or 999 about one of our functional groups."""

    source: SourceRef | None = None
    partner_id: str
    set_id: Literal["997", "999"]
    functional_id: str
    """AK101: the GS01 of the group acknowledged (PO, SH …)."""
    group_control_number: str
    """AK102: the GS06 we sent."""
    version: str | None = None
    """AK103 (005010 on): the GS08 of the group acknowledged."""
    status: GroupAckCode
    sets_included: int | None = None
    sets_received: int | None = None
    sets_accepted: int | None = None
    error_codes: list[str] = Field(default_factory=list)
    sets: list[SetAcknowledgement] = Field(default_factory=list)
    acknowledged_at: datetime | None = None

    @property
    def accepted(self) -> bool:
        """The group as a whole was accepted (``A`` or ``E``); ``P`` means look at each set."""
        return self.status in _ACCEPTING

    def set_status(self, control_number: str) -> SetAcknowledgement | None:
        """The verdict on the set we sent with ST02 ``control_number``, when the ack lists it."""
        return next((s for s in self.sets if s.control_number == control_number), None)


def _codes(ctx: SetContext, seg: Segment, first: int, last: int) -> list[str]:
    return [code for n in range(first, last + 1) if (code := ctx.text(seg, n))]


def _int(ctx: SetContext, seg: Segment, number: int) -> int | None:
    value = ctx.text(seg, number)
    if value is None:
        return None
    if not value.isdigit():
        ctx.issue(seg, f"{seg.id}{number:02d} {value!r} is not a count", element=number, code="bad-number")
        return None
    return int(value)


def _element(ctx: SetContext, seg: Segment) -> AcknowledgedElement | None:
    """AK4 (004010: AK401 position[-component], AK402 reference, AK403 code, AK404 copy) or IK4."""
    parts = seg.components(1)
    position = component = repetition = None
    for index, part in enumerate(parts[:3]):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            ctx.issue(seg, f"{seg.id}01 {seg.element(1)!r} is not an element position", element=1, code="bad-number")
            return None
        if index == 0:
            position = int(part)
        elif index == 1:
            component = int(part)
        else:
            repetition = int(part)
    reference = ctx.text(seg, 2)
    if reference is not None and not _ELEMENT_REFERENCE.fullmatch(reference):
        ctx.issue(seg, f"{seg.id}02 {reference!r} is not a data element reference number", element=2, code="bad-code")
        return None
    code = ctx.text(seg, 3)
    if code is None:
        ctx.issue(seg, f"{seg.id}03 (element syntax error code) is empty", element=3, code="missing-element")
        return None
    return AcknowledgedElement(
        position=position,
        component_position=component,
        repetition_position=repetition,
        data_element=reference,
        code=code,
        bad_value=ctx.text(seg, 4),
    )


def _sets(ctx: SetContext, body: Sequence[Segment]) -> list[SetAcknowledgement]:
    found: list[SetAcknowledgement] = []
    ak2: Segment | None = None
    segments: list[AcknowledgedSegment] = []
    elements: list[AcknowledgedElement] = []
    current_segment: Segment | None = None

    def close_segment() -> None:
        nonlocal current_segment, elements
        if current_segment is not None:
            segments.append(
                AcknowledgedSegment(
                    segment_id=ctx.text(current_segment, 1) or "",
                    position=_int(ctx, current_segment, 2),
                    loop_id=ctx.text(current_segment, 3),
                    code=ctx.text(current_segment, 4),
                    elements=elements,
                )
            )
        current_segment, elements = None, []

    for seg in body:
        if seg.id == "AK2":
            close_segment()
            if ak2 is not None:
                ctx.issue(ak2, "AK2 has no AK5/IK5 verdict", code="missing-segment")
            ak2, segments = seg, []
        elif seg.id in ("AK3", "IK3"):
            close_segment()
            current_segment = seg
            if ctx.text(seg, 1) is None:
                ctx.issue(seg, f"{seg.id}01 (segment ID) is empty", element=1, code="missing-element")
        elif seg.id in ("AK4", "IK4"):
            element = _element(ctx, seg)
            if element is not None:
                elements.append(element)
        elif seg.id in ("AK5", "IK5"):
            close_segment()
            if ak2 is None:
                ctx.issue(seg, f"{seg.id} without an AK2 before it", code="missing-segment")
                continue
            status = ctx.text(seg, 1)
            if status not in ("A", "E", "M", "R", "W", "X"):
                ctx.issue(seg, f"{seg.id}01 {status!r} is not a set acknowledgment code", element=1, code="bad-code")
                ak2 = None
                continue
            set_id = ctx.required(ak2, 1, "transaction set identifier")
            control = ctx.required(ak2, 2, "transaction set control number")
            if set_id and control:
                found.append(
                    SetAcknowledgement(
                        set_id=set_id,
                        control_number=control,
                        implementation_reference=ctx.text(ak2, 3),
                        status=status,  # type: ignore[arg-type]
                        error_codes=_codes(ctx, seg, 2, 6),
                        segments=segments,
                    )
                )
            ak2, segments = None, []
    if ak2 is not None:
        ctx.issue(ak2, "AK2 has no AK5/IK5 verdict", code="missing-segment")
    return found


def translate_functional_ack(ctx: SetContext) -> list[FunctionalAcknowledgement]:
    body = ctx.body
    ak1 = next((s for s in body if s.id == "AK1"), None)
    ak9 = next((s for s in body if s.id == "AK9"), None)
    if ak1 is None:
        ctx.missing(None, "AK1", f"a {ctx.set_id} starts with AK1")
        return []
    start = ctx.error_count
    functional_id = ctx.text(ak1, 1)
    if functional_id is None or not _FUNCTIONAL_ID.fullmatch(functional_id):
        ctx.issue(ak1, f"AK101 {ak1.element(1)!r} is not a functional identifier code (two letters)", element=1, code="bad-code")
    control = ctx.text(ak1, 2)
    if control is None or not _DIGITS.fullmatch(control):
        ctx.issue(ak1, f"AK102 {ak1.element(2)!r} is not a group control number", element=2, code="bad-code")
    sets = _sets(ctx, body)
    status = None
    counts: list[int | None] = [None, None, None]
    if ak9 is None:
        ctx.missing(ak1, "AK9", "the group verdict")
    else:
        status = ctx.text(ak9, 1)
        if status not in ("A", "E", "M", "P", "R", "W", "X"):
            ctx.issue(ak9, f"AK901 {status!r} is not a group acknowledgment code", element=1, code="bad-code")
        counts = [_int(ctx, ak9, n) for n in (2, 3, 4)]
    if ctx.error_count > start or functional_id is None or control is None or ak9 is None:
        return []
    return [
        FunctionalAcknowledgement(
            source=SourceRef(system=ctx.partner.source_system, id=f"{ctx.set_id}/{ctx.control_number}"),
            partner_id=ctx.partner.id,
            set_id=ctx.set_id,  # type: ignore[arg-type]
            functional_id=functional_id,
            group_control_number=control,
            version=ctx.text(ak1, 3),
            status=status,  # type: ignore[arg-type]
            sets_included=counts[0],
            sets_received=counts[1],
            sets_accepted=counts[2],
            error_codes=_codes(ctx, ak9, 5, 9),
            sets=sets,
            acknowledged_at=ctx.envelope_moment(),
        )
    ]
