"""The simulated partner's own X12 handling: split what it receives, write what it sends.

Deliberately independent of ``crossdock.edi``: a simulator that read and wrote with Crossdock's own
code would agree with any mistake in it. This is the little a partner's translator does for these
documents (fixed-width ISA, separators from the ISA, envelopes with counts), nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ReceivedSet", "ReceivedGroup", "ReceivedInterchange", "split_interchanges", "write_interchange", "OutgoingSet"]

_ISA_LENGTH = 106


@dataclass
class ReceivedSet:
    id: str
    control_number: str
    segments: list[list[str]]
    """ST to SE, each segment as its elements (``segment[0]`` is the ID)."""
    problems: list[str] = field(default_factory=list)

    def body(self) -> list[list[str]]:
        return self.segments[1:-1] if self.segments and self.segments[-1][0] == "SE" else self.segments[1:]


@dataclass
class ReceivedGroup:
    functional_id: str
    control_number: str
    sets: list[ReceivedSet] = field(default_factory=list)


@dataclass
class ReceivedInterchange:
    sender: str
    receiver: str
    control_number: str
    groups: list[ReceivedGroup] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def split_interchanges(data: bytes) -> list[ReceivedInterchange]:
    """Every interchange in ``data``; a set whose SE count or control number is off carries a problem.

    The separators are read from the first ISA (element: its 4th character; terminator: its 106th).
    """
    text = data.decode("latin-1").lstrip("\ufeff\r\n\t ")
    if not text.startswith("ISA") or len(text) < _ISA_LENGTH:
        return []
    element, terminator = text[3], text[_ISA_LENGTH - 1]
    interchanges: list[list[list[str]]] = []
    for raw in text.split(terminator):
        raw = raw.strip("\r\n\t ")
        if not raw:
            continue
        segment = [value.strip() if index else value for index, value in enumerate(raw.split(element))]
        if segment[0] == "ISA":
            interchanges.append([])
        if interchanges:
            interchanges[-1].append(segment)
    return [_structure(segments) for segments in interchanges]


def _structure(segments: list[list[str]]) -> ReceivedInterchange:
    isa = segments[0]
    interchange = ReceivedInterchange(sender=isa[6].strip(), receiver=isa[8].strip(), control_number=isa[13].strip())
    group: ReceivedGroup | None = None
    current: ReceivedSet | None = None
    for segment in segments[1:]:
        tag = segment[0]
        if tag == "GS":
            group = ReceivedGroup(segment[1], segment[6])
            interchange.groups.append(group)
        elif tag == "ST" and group is not None:
            current = ReceivedSet(segment[1], segment[2], [segment])
            group.sets.append(current)
        elif tag == "SE" and current is not None:
            current.segments.append(segment)
            if not segment[1].isdigit() or int(segment[1]) != len(current.segments):
                current.problems.append(f"SE01 says {segment[1]} segments, the set has {len(current.segments)}")
            if len(segment) < 3 or segment[2] != current.control_number:
                current.problems.append("SE02 does not match ST02")
            current = None
        elif current is not None:
            current.segments.append(segment)
    if segments[-1][0] != "IEA":
        interchange.problems.append("no IEA: the interchange is truncated")
    return interchange


@dataclass
class OutgoingSet:
    id: str
    functional_id: str
    body: list[list[str]]
    description: str = ""


def _segment(elements: Sequence[str]) -> str:
    values = list(elements)
    while len(values) > 1 and values[-1] == "":
        values.pop()
    return "*".join(values) + "~"


def write_interchange(
    sets: Sequence[OutgoingSet],
    *,
    sender: tuple[str, str],
    receiver: tuple[str, str],
    group_sender: str,
    group_receiver: str,
    version: str,
    isa13: int,
    first_gs06: int,
    first_st02: int,
    when: datetime,
    broken_counts: set[int] | None = None,
) -> tuple[str, list[tuple[str, int, int, int]]]:
    """An interchange holding ``sets`` (one GS per functional ID, in order of first appearance).

    Returns the text and, per set as written, ``(GS01, GS06, ST02, index of the set in sets)``. ``broken_counts`` names sets (by
    their index in ``sets``) whose SE01 is written one too high: fault injection.
    """
    broken_counts = broken_counts or set()
    groups: dict[str, list[tuple[int, OutgoingSet]]] = {}
    for index, outgoing in enumerate(sets):
        groups.setdefault(outgoing.functional_id, []).append((index, outgoing))
    lines = [
        "ISA*00*          *00*          *"
        f"{sender[0]:<2}*{sender[1]:<15}*{receiver[0]:<2}*{receiver[1]:<15}*"
        f"{when:%y%m%d}*{when:%H%M}*U*00401*{isa13:09d}*0*P*>~"
    ]
    placed: list[tuple[str, int, int, int]] = []
    gs06, st02 = first_gs06, first_st02
    for functional_id, members in groups.items():
        lines.append(_segment(["GS", functional_id, group_sender, group_receiver, f"{when:%Y%m%d}", f"{when:%H%M}", str(gs06), "X", version]))
        for index, outgoing in members:
            control = f"{st02:04d}"
            lines.append(_segment(["ST", outgoing.id, control]))
            lines += [_segment(segment) for segment in outgoing.body]
            count = len(outgoing.body) + 2 + (1 if index in broken_counts else 0)
            lines.append(_segment(["SE", str(count), control]))
            placed.append((functional_id, gs06, st02, index))
            st02 += 1
        lines.append(_segment(["GE", str(len(members)), str(gs06)]))
        gs06 += 1
    lines.append(_segment(["IEA", str(len(groups)), f"{isa13:09d}"]))
    return "\n".join(lines) + "\n", placed
