"""The small vocabulary the retail map folder is written in.

pyx12 reads one self-contained XML file per transaction set, so the same N1 or REF segment would be
spelled out dozens of times by hand.  The specification is instead written once here, in X12's own
terms (data elements with M/O/X requirement designators, segments with syntax notes, loops with
repeat counts), and ``render`` turns it into pyx12's map format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Usage = Literal["R", "S", "N"]
Requirement = Literal["M", "O", "X"]


@dataclass(frozen=True)
class DataElement:
    """One entry of the X12 data element dictionary (what ``dataele.xml`` holds)."""

    number: str
    data_type: str
    min_len: int
    max_len: int
    name: str


@dataclass(frozen=True)
class Element:
    """A simple data element at one position of a segment or composite.

    ``codes`` are enforced inline (and, on a segment's first ID element, also tell same-ID
    segments apart); ``external`` names a code list in ``codes.xml``, which is enforced without
    affecting how pyx12 matches the segment.
    """

    data_ele: str
    requirement: Requirement = "O"
    codes: tuple[str, ...] = ()
    external: str | None = None
    regex: str | None = None
    name: str | None = None

    @property
    def usage(self) -> Usage:
        return "R" if self.requirement == "M" else "S"


@dataclass(frozen=True)
class Composite:
    """A composite data structure (C001, C040 ...) at one position of a segment."""

    data_ele: str
    name: str
    requirement: Requirement
    components: tuple[Element, ...]

    @property
    def usage(self) -> Usage:
        return "R" if self.requirement == "M" else "S"


@dataclass(frozen=True)
class SegmentDef:
    """A segment as the X12 dictionary defines it, independent of the transaction using it."""

    id: str
    name: str
    elements: tuple[Element | Composite, ...]
    syntax: tuple[str, ...] = ()


@dataclass(frozen=True)
class Seg:
    """A segment placed in a transaction set: its usage, its maximum use and per-use code lists.

    ``max_use=None`` means unbounded (``>1``).  ``codes`` narrows element positions for this use
    only (``{1: ("850",)}`` on ST01), which is how a map pins ST01 or an HL level code.
    """

    id: str
    usage: Usage = "S"
    max_use: int | None = 1
    codes: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Loop:
    """A loop: its first child is the segment that opens each repetition."""

    id: str
    usage: Usage
    repeat: int | None
    children: tuple[Seg | Loop, ...]
    name: str | None = None


@dataclass(frozen=True)
class TransactionDef:
    """A transaction set body: everything between ST and SE, in X12 order."""

    id: str
    name: str
    version: Literal["4010", "5010"]
    body: tuple[Seg | Loop, ...]


def M(data_ele: str, **kwargs: object) -> Element:
    """A mandatory element (X12 designator M)."""
    return Element(data_ele, "M", **kwargs)  # type: ignore[arg-type]


def O(data_ele: str, **kwargs: object) -> Element:  # noqa: E743 - X12's own designator letter
    """An optional element (X12 designator O)."""
    return Element(data_ele, "O", **kwargs)  # type: ignore[arg-type]


def X(data_ele: str, **kwargs: object) -> Element:
    """A conditional element (X12 designator X); its condition lives in the segment's syntax."""
    return Element(data_ele, "X", **kwargs)  # type: ignore[arg-type]


def id_pairs(count: int, qualifier: str = "235", value: str = "234") -> tuple[Element, ...]:
    """``count`` conditional qualifier/value pairs, as PO1, LIN, IT1 and ACK carry product IDs."""
    out: list[Element] = []
    for _ in range(count):
        out += [X(qualifier), X(value)]
    return tuple(out)


def paired_syntax(first: int, count: int) -> tuple[str, ...]:
    """``P0607``-style notes for ``count`` consecutive element pairs starting at ``first``."""
    return tuple(f"P{first + 2 * i:02d}{first + 2 * i + 1:02d}" for i in range(count))
