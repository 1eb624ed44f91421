"""Segments and separators: the smallest units the reader produces and the writer consumes.

A read segment keeps its elements as the raw strings between element separators; composites and
repetitions are split only when asked (``components``, ``repetitions``), because most elements
of most segments are never looked at twice and splitting them all would double the reader's cost.
A segment built for writing may hold a composite as a tuple of components; the writer joins it
with whatever component separator the output uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Separators", "SegmentPosition", "Segment", "Element", "STANDARD_SEPARATORS"]

Element = str | tuple[str, ...]
"""An element value: a string, or for segments built in code a composite as its components."""


@dataclass(frozen=True, slots=True)
class Separators:
    """The four delimiters of an interchange, as its ISA declares them.

    ``repetition`` is ``None`` before version 00402 (ISA11 is then the ``U`` standards identifier)
    or when ISA11 holds no usable character.  Reading never refuses odd separators (non-printable
    ones are common); :meth:`problems` says what makes them unsafe, for checks and for the writer.
    """

    element: str = "*"
    component: str = ":"
    segment: str = "~"
    repetition: str | None = None

    def characters(self) -> tuple[str, ...]:
        """Every separator character in use."""
        chars = (self.element, self.component, self.segment)
        return (*chars, self.repetition) if self.repetition else chars

    def problems(self) -> list[str]:
        """Why these separators cannot be used to write X12 (empty when they can)."""
        named = [("element", self.element), ("component", self.component), ("segment", self.segment)]
        if self.repetition is not None:
            named.append(("repetition", self.repetition))
        found: list[str] = []
        for name, char in named:
            if len(char) != 1:
                found.append(f"the {name} separator {char!r} is not one character")
            elif char.isalnum() or char == " ":
                found.append(f"the {name} separator {char!r} is a letter, digit or space")
        for index, (name, char) in enumerate(named):
            for other_name, other in named[index + 1 :]:
                if char == other:
                    found.append(f"the {name} and {other_name} separators are both {char!r}")
        return found


STANDARD_SEPARATORS = Separators(element="*", component=":", segment="~", repetition="^")
"""The separators most partners use (``*``, ``:``, ``~``, ``^``)."""


class SegmentPosition(NamedTuple):
    """Where a segment was read.

    ``byte_offset`` is from the start of the input (a BOM counts); ``line`` is the 1-based text
    line the segment starts on (useful when the partner puts line breaks between segments);
    ``in_interchange`` counts ISA as 1; ``in_set`` counts ST as 1 (AK302) and is ``None`` outside
    a transaction set; ``interchange`` is the 1-based ordinal of the interchange in the input.
    """

    byte_offset: int
    line: int
    in_interchange: int
    in_set: int | None
    interchange: int


@dataclass(slots=True)
class Segment:
    """One segment: its ID and its elements, ``elements[0]`` being the first element (``XX01``)."""

    id: str
    elements: list[Element]
    position: SegmentPosition | None = None
    separators: Separators | None = None

    def element(self, number: int) -> str:
        """Element ``number`` (1-based, as X12 counts: ``element(2)`` of ``REF`` is REF02), ``""`` when absent."""
        if number < 1 or number > len(self.elements):
            return ""
        value = self.elements[number - 1]
        if isinstance(value, tuple):
            component = self.separators.component if self.separators else ":"
            return component.join(value)
        return value

    def components(self, number: int) -> list[str]:
        """The components of composite element ``number`` (a simple element gives one component)."""
        if number < 1 or number > len(self.elements):
            return []
        value = self.elements[number - 1]
        if isinstance(value, tuple):
            return list(value)
        if self.separators is None or not self.separators.component:
            return [value]
        return value.split(self.separators.component)

    def repetitions(self, number: int) -> list[str]:
        """The repeats of element ``number`` (one item when the interchange has no repetition separator)."""
        value = self.element(number)
        if not value:
            return []
        repetition = self.separators.repetition if self.separators else None
        return value.split(repetition) if repetition else [value]

    def __str__(self) -> str:
        separator = self.separators.element if self.separators else "*"
        return separator.join([self.id, *(self.element(i) for i in range(1, len(self.elements) + 1))])
