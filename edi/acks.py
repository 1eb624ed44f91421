"""Crossdock's own acknowledgments: 997 and 999 per functional group, TA1 per interchange.

pyx12's ack writer cannot be used as is (clock-based ISA13, the inbound GS06 reused, GS08 set to
ISA12, fixed separators, nothing at all for a group it has no map for), and acks matter most for
input that is rejected.  So acks are built here from :class:`X12Issue` values, whoever found them:
the reader's envelope checks and pyx12's validation feed the same list.

Rules followed:

* one 997/999 per inbound functional group; every set of the group gets an AK2 with its AK5/IK5;
* the ack goes back with the partner's separators (standard ones only when the partner's cannot
  be written), sender and receiver swapped, the partner's ISA12 and usage indicator (ISA15);
* GS08 is the ack's own version: ``004010`` (``004010VICS``/``UCS`` kept for those partners) or
  the inbound release for a 997, ``005010X231A1`` for a 999, never the ISA12;
* ISA13, GS06 and ST02 come from the caller (the state store's ``next_sequence``);
* issues whose code is not an X12 code (Crossdock-only notes) never appear in an ack; errors
  reject (``R``), warnings with an X12 code are reported as accepted with errors (``E``).

:func:`judge_group` gives the same decisions as data, so a pipeline translates exactly the sets
its ack accepts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal

from .envelope import KNOWN_ISA_VERSIONS, FunctionalGroup, Interchange, TransactionSet, isa_version_number, release_of
from .errors import InterchangeNote, SetError, X12Issue
from .segments import STANDARD_SEPARATORS, Element, Segment, Separators
from .writer import OutboundGroup, OutboundInterchange, OutboundSet, envelope

__all__ = [
    "AckCode",
    "SetVerdict",
    "GroupVerdict",
    "judge_group",
    "ack_version_997",
    "ACK_999_VERSION",
    "build_997",
    "build_999",
    "build_functional_ack",
    "ta1_segment",
    "build_ta1",
    "ack_separators",
]

logger = logging.getLogger("crossdock.edi.acks")

AckCode = Literal["A", "E", "P", "R"]
ACK_999_VERSION = "005010X231A1"
_MAX_CODES = 5
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")


@dataclass(frozen=True, slots=True)
class SetVerdict:
    """The acknowledgment of one transaction set (AK2…AK5 / IK5)."""

    id: str
    control_number: str
    implementation_reference: str
    code: AckCode
    set_codes: tuple[str, ...]
    segment_issues: tuple[X12Issue, ...]

    @property
    def accepted(self) -> bool:
        return self.code in ("A", "E")


@dataclass(frozen=True, slots=True)
class GroupVerdict:
    """The acknowledgment of one functional group (AK1…AK9)."""

    functional_id: str
    control_number: str
    version: str
    code: AckCode
    included: int
    received: int
    accepted: int
    group_codes: tuple[str, ...]
    sets: tuple[SetVerdict, ...] = field(default=())


def _dedupe(codes: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for code in codes:
        seen.setdefault(code, None)
    return tuple(seen)


def judge_group(
    group: FunctionalGroup, issues: Iterable[X12Issue] = (), *, include_reader_issues: bool = True
) -> GroupVerdict:
    """Accept or reject a group and each of its sets from the issues found.

    ``issues`` are findings besides the reader's own (pyx12's, a partner-specific rule's); those
    naming another GS06 are ignored, those naming an ST02 go to that set.  Interchange-level
    issues belong in a TA1 and are ignored here.  A group-level error rejects the whole group.
    Any error rejects, even one whose code is Crossdock's own; only X12 codes are written.
    """
    group_issues: list[X12Issue] = list(group.issues) if include_reader_issues else []
    per_set: list[tuple[TransactionSet, list[X12Issue]]] = [
        (ts, list(ts.issues) if include_reader_issues else []) for ts in group.transaction_sets
    ]
    by_control: dict[str, list[X12Issue]] = {}
    for ts, found in per_set:
        by_control.setdefault(ts.control_number, found)
    for issue in issues:
        if issue.gs06 is not None and issue.gs06 != group.control_number:
            continue
        if issue.level == "interchange":
            continue
        if issue.level == "group":
            group_issues.append(issue)
        elif issue.st02 is not None and issue.st02 in by_control:
            by_control[issue.st02].append(issue)
        else:
            logger.warning("issue not placed in any transaction set of group %s: %s", group.control_number, issue)
    group_codes = _dedupe(issue.code for issue in group_issues if issue.in_ack)
    group_rejected = any(issue.is_error for issue in group_issues)
    group_warned = any(issue.in_ack for issue in group_issues)

    verdicts: list[SetVerdict] = []
    for ts, found in per_set:
        reportable = [issue for issue in found if issue.in_ack]
        set_codes = [issue.code for issue in reportable if issue.level == "set"]
        located = [issue for issue in reportable if issue.level in ("segment", "element")]
        segments_in_error = located or any(
            issue.is_error and issue.level in ("segment", "element") for issue in found
        )
        if segments_in_error and SetError.SEGMENTS_IN_ERROR not in set_codes:
            set_codes.append(SetError.SEGMENTS_IN_ERROR)
        if any(issue.is_error for issue in found):
            code: AckCode = "R"
        elif reportable:
            code = "E"
        else:
            code = "A"
        located.sort(key=lambda issue: (issue.segment_position or 0, issue.element_position or 0))
        verdicts.append(
            SetVerdict(
                id=ts.id,
                control_number=ts.control_number,
                implementation_reference=ts.implementation_reference,
                code=code,
                set_codes=_dedupe(str(c) for c in set_codes),
                segment_issues=tuple(located),
            )
        )
    received = len(verdicts)
    declared = group.trailer.element(1) if group.trailer is not None else ""
    included = int(declared) if declared.isdigit() else received
    accepted = sum(1 for verdict in verdicts if verdict.accepted)
    if group_rejected:
        group_code: AckCode = "R"
        accepted = 0
    elif received and accepted == 0:
        group_code = "R"
    elif accepted < received:
        group_code = "P"
    elif group_warned or any(verdict.code == "E" for verdict in verdicts):
        group_code = "E"
    else:
        group_code = "A"
    return GroupVerdict(
        functional_id=group.functional_id,
        control_number=group.control_number,
        version=group.version,
        code=group_code,
        included=included,
        received=received,
        accepted=accepted,
        group_codes=group_codes,
        sets=tuple(verdicts),
    )


def ack_version_997(inbound_gs08: str) -> str:
    """GS08 for a 997 answering a group: its release (``004010``), industry suffix kept for VICS/UCS."""
    release = release_of(inbound_gs08)
    if release is None:
        return "004010"
    head = inbound_gs08[:6]
    suffix = inbound_gs08[6:]
    if suffix in ("VICS", "UCS") and release < 5010:
        return head + suffix
    return head


def ack_separators(interchange: Interchange) -> Separators:
    """The partner's separators, completed with a repetition character when the ISA12 needs one.

    Falls back to the standard ``* : ~ ^`` only when the partner's cannot be written (their ISA
    had colliding separators): an ack must always be producible.
    """
    partner = interchange.separators
    needs_repetition = (isa_version_number(_ack_isa_version(interchange)) or 0) >= 402
    repetition = partner.repetition
    if needs_repetition and repetition is None:
        taken = {partner.element, partner.component, partner.segment}
        repetition = next(c for c in "^{}|!" if c not in taken)
    if not needs_repetition:
        repetition = None
    chosen = Separators(partner.element, partner.component, partner.segment, repetition)
    if chosen.problems():
        return STANDARD_SEPARATORS if needs_repetition else Separators("*", ":", "~", None)
    return chosen


def _ack_isa_version(interchange: Interchange) -> str:
    return interchange.version if interchange.version in KNOWN_ISA_VERSIONS else "00401"


def _echo(value: str, separators: Separators, limit: int | None = None) -> str:
    """A partner value made safe to send back: separator characters become spaces."""
    cleaned = "".join(" " if char in separators.characters() else char for char in value)
    return cleaned[:limit] if limit else cleaned


def _ack_interchange(
    interchange: Interchange, separators: Separators, *, isa13: int | str, when: datetime, groups: Sequence[OutboundGroup]
) -> OutboundInterchange:
    return OutboundInterchange(
        sender_qualifier=_echo(interchange.receiver_qualifier, separators, 2) or "ZZ",
        sender_id=_echo(interchange.receiver_id, separators, 15),
        receiver_qualifier=_echo(interchange.sender_qualifier, separators, 2) or "ZZ",
        receiver_id=_echo(interchange.sender_id, separators, 15),
        control_number=isa13,
        version=_ack_isa_version(interchange),
        usage=interchange.usage if interchange.usage in ("P", "T") else "P",
        ack_requested=False,
        groups=groups,
        created_at=when,
    )


def _position(issue: X12Issue, release: int) -> Element:
    element = str(issue.element_position)
    component = issue.component_position
    repetition = issue.repetition_position if release >= 5010 else None
    if component is None and repetition is None:
        return element
    parts: tuple[str, ...] = (element, str(component) if component is not None else "")
    if repetition is not None:
        parts = (*parts, str(repetition))
    return parts


def _segment_id(issue: X12Issue) -> str:
    raw = (issue.segment_id or "").upper()
    if _SEGMENT_ID.fullmatch(raw):
        return raw
    cleaned = re.sub(r"[^A-Z0-9]", "", raw)[:3]
    return cleaned if len(cleaned) >= 2 and cleaned[0].isalpha() else "ZZZ"


def _located_segments(
    verdict: SetVerdict, release: int, separators: Separators, *, segment_tag: str, element_tag: str, with_context: bool
) -> list[Segment]:
    """AK3/AK4 (997) or IK3/CTX/IK4 (999) for one set's segment and element issues."""
    out: list[Segment] = []
    groups: dict[tuple[int, str], list[X12Issue]] = {}
    for issue in verdict.segment_issues:
        if issue.segment_position is None:
            continue
        groups.setdefault((issue.segment_position, _segment_id(issue)), []).append(issue)
    for (position, segment_id), found in groups.items():
        segment_level = [issue for issue in found if issue.level == "segment"]
        element_level = [issue for issue in found if issue.level == "element"]
        loop_id = next((issue.loop_id for issue in found if issue.loop_id), "") or ""
        codes = _dedupe(issue.code for issue in segment_level) or ("8",)
        if element_level and "8" not in codes and len(codes) == 1 and codes[0] in ("1", "2", "6", "7"):
            codes = (*codes, "8")
        for index, code in enumerate(codes):
            out.append(Segment(segment_tag, [segment_id, str(position), _echo(loop_id, separators, 4), code]))
            context = next((issue.context for issue in found if issue.context), None)
            if with_context and index == 0 and context:
                out.append(Segment("CTX", [(_echo(context[0], separators, 35), _echo(context[1], separators, 35))]))
            if code != "8":
                continue
            written: set[tuple[object, str]] = set()
            for issue in element_level:
                position_key = (issue.element_position, issue.component_position, issue.repetition_position)
                if issue.element_position is None or (position_key, issue.code) in written:
                    continue
                written.add((position_key, issue.code))
                out.append(
                    Segment(
                        element_tag,
                        [
                            _position(issue, release),
                            _echo(issue.data_element or "", separators, 4),
                            issue.code,
                            _echo(issue.bad_value or "", separators, 99),
                        ],
                    )
                )
    return out


def _functional_ack_body(
    verdict: GroupVerdict, *, kind: Literal["997", "999"], release: int, separators: Separators
) -> list[Segment]:
    is_999 = kind == "999"
    ak1: list[Element] = [verdict.functional_id, verdict.control_number]
    if release >= 5010:
        ak1.append(verdict.version)
    body: list[Segment] = [Segment("AK1", [_echo(value, separators) for value in ak1])]  # type: ignore[arg-type]
    for set_verdict in verdict.sets:
        ak2: list[Element] = [_echo(set_verdict.id, separators, 3), _echo(set_verdict.control_number, separators, 9)]
        if release >= 5010 and set_verdict.implementation_reference:
            ak2.append(_echo(set_verdict.implementation_reference, separators, 35))
        body.append(Segment("AK2", ak2))
        body += _located_segments(
            set_verdict,
            release,
            separators,
            segment_tag="IK3" if is_999 else "AK3",
            element_tag="IK4" if is_999 else "AK4",
            with_context=is_999,
        )
        body.append(Segment("IK5" if is_999 else "AK5", [set_verdict.code, *set_verdict.set_codes[:_MAX_CODES]]))
    body.append(
        Segment(
            "AK9",
            [
                verdict.code,
                str(verdict.included),
                str(verdict.received),
                str(verdict.accepted),
                *verdict.group_codes[:_MAX_CODES],
            ],
        )
    )
    return body


def _with_separators(segments: list[Segment], separators: Separators) -> list[Segment]:
    for segment in segments:
        segment.separators = separators
    return segments


def build_997(
    interchange: Interchange,
    group: FunctionalGroup,
    issues: Iterable[X12Issue] = (),
    *,
    isa13: int | str,
    gs06: int | str,
    st02: int | str = 1,
    when: datetime | None = None,
    version: str | None = None,
    include_reader_issues: bool = True,
) -> list[Segment]:
    """A complete interchange (ISA…IEA) holding the 997 for one inbound functional group.

    ``version`` overrides the ack's GS08 (default: :func:`ack_version_997` of the group's GS08).
    Render it with :func:`crossdock.edi.writer.render_segments` (the segments carry their separators).
    """
    verdict = judge_group(group, issues, include_reader_issues=include_reader_issues)
    ack_version = version or ack_version_997(group.version)
    release = release_of(ack_version) or 4010
    separators = ack_separators(interchange)
    moment = when or datetime.now(UTC)
    body = _functional_ack_body(verdict, kind="997", release=release, separators=separators)
    return _wrap(interchange, group, body, "997", None, ack_version, separators, isa13=isa13, gs06=gs06, st02=st02, when=moment)


def build_999(
    interchange: Interchange,
    group: FunctionalGroup,
    issues: Iterable[X12Issue] = (),
    *,
    isa13: int | str,
    gs06: int | str,
    st02: int | str = 1,
    when: datetime | None = None,
    include_reader_issues: bool = True,
) -> list[Segment]:
    """A complete interchange holding the 999 (005010X231A1) for one inbound functional group."""
    verdict = judge_group(group, issues, include_reader_issues=include_reader_issues)
    separators = ack_separators(interchange)
    moment = when or datetime.now(UTC)
    body = _functional_ack_body(verdict, kind="999", release=5010, separators=separators)
    return _wrap(
        interchange, group, body, "999", ACK_999_VERSION, ACK_999_VERSION, separators, isa13=isa13, gs06=gs06, st02=st02, when=moment
    )


def build_functional_ack(
    interchange: Interchange,
    group: FunctionalGroup,
    issues: Iterable[X12Issue] = (),
    *,
    isa13: int | str,
    gs06: int | str,
    st02: int | str = 1,
    when: datetime | None = None,
    kind: Literal["997", "999"] | None = None,
) -> list[Segment]:
    """997 or 999 for a group: ``kind`` decides, else a 999 for 005010 and later, a 997 before."""
    chosen = kind or ("999" if (group.release or 0) >= 5010 else "997")
    if chosen == "999":
        return build_999(interchange, group, issues, isa13=isa13, gs06=gs06, st02=st02, when=when)
    return build_997(interchange, group, issues, isa13=isa13, gs06=gs06, st02=st02, when=when)


def _wrap(
    interchange: Interchange,
    group: FunctionalGroup,
    body: list[Segment],
    set_id: str,
    implementation_reference: str | None,
    gs08: str,
    separators: Separators,
    *,
    isa13: int | str,
    gs06: int | str,
    st02: int | str,
    when: datetime,
) -> list[Segment]:
    outbound_group = OutboundGroup(
        functional_id="FA",
        application_sender=_echo(group.application_receiver, separators, 15) or interchange.receiver_id[:15] or "UNKNOWN",
        application_receiver=_echo(group.application_sender, separators, 15) or interchange.sender_id[:15] or "UNKNOWN",
        control_number=gs06,
        version=gs08,
        transaction_sets=[OutboundSet(set_id, st02, body, implementation_reference)],
        created_at=when,
    )
    outbound = _ack_interchange(interchange, separators, isa13=isa13, when=when, groups=[outbound_group])
    return _with_separators(envelope(outbound, separators), separators)


def _ta1_decision(interchange: Interchange) -> tuple[AckCode, str]:
    own = [issue for issue in interchange.issues if issue.level == "interchange"]
    reportable = [issue for issue in own if issue.in_ack]
    errors = [issue for issue in reportable if issue.is_error]
    if errors:
        return "R", errors[0].code
    if any(issue.is_error for issue in own):
        return "R", InterchangeNote.INVALID_CONTROL_STRUCTURE  # an error found without an X12 code of its own
    if reportable:
        return "E", reportable[0].code
    return "A", InterchangeNote.NO_ERROR


def ta1_segment(interchange: Interchange, note_code: str | None = None, *, ack_code: AckCode | None = None) -> Segment:
    """The TA1 for an inbound interchange: its ISA13, ISA09, ISA10, A/E/R and the note code.

    Without ``note_code`` the interchange's own issues decide: its first interchange-level error
    rejects (``R``; ``022`` when the error has no X12 code), a warning with an X12 code accepts
    with errors (``E``), nothing gives ``A 000``.
    """
    decided_code, decided_note = _ta1_decision(interchange)
    if note_code is not None:
        note = str(note_code)
        code = ack_code or ("A" if note == InterchangeNote.NO_ERROR else "R")
    else:
        note = decided_note
        code = ack_code or decided_code
    separators = ack_separators(interchange)
    control = interchange.control_number.strip()
    control = control.zfill(9) if control.isdigit() and len(control) <= 9 else _echo(control, separators, 9).ljust(9, "0")
    return Segment(
        "TA1",
        [control, _echo(interchange.date, separators, 6), _echo(interchange.time, separators, 4), code, note],
        separators=separators,
    )


def build_ta1(
    interchange: Interchange,
    note_code: str | None = None,
    *,
    isa13: int | str,
    when: datetime | None = None,
    ack_code: AckCode | None = None,
) -> list[Segment]:
    """A TA1 interchange (ISA, TA1, IEA with no groups) answering an inbound interchange.

    Send it when the partner asked (``interchange.ack_requested``, ISA14 = 1) or when the
    interchange was rejected at envelope level; it works for an interchange whose ISA was the
    only readable part (``X12ReadError.interchange``).
    """
    separators = ack_separators(interchange)
    moment = when or datetime.now(UTC)
    ta1 = ta1_segment(interchange, note_code, ack_code=ack_code)
    outbound = replace(
        _ack_interchange(interchange, separators, isa13=isa13, when=moment, groups=()), loose_segments=(ta1,)
    )
    return _with_separators(envelope(outbound, separators), separators)
