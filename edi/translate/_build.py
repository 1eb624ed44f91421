"""Building outbound segments from canonical values: formats X12 expects, limits it imposes.

Canonical data that X12 cannot carry as it is (a PO number longer than BEG03 allows, an amount
with more decimals than an N2 element has) is refused with :class:`X12WriteError` naming the
element, never truncated or rounded: a partner acting on a silently changed value is worse than
a document that needs a person.  Free text that is merely long (descriptions, notes) is split
over repeated segments instead, and read back joined.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..errors import X12WriteError
from ..segments import Element, Segment

__all__ = [
    "RenderedSet",
    "segment",
    "x12_date",
    "x12_time",
    "x12_decimal",
    "x12_cents",
    "x12_quantity",
    "checked",
    "split_text",
    "gtin_qualifier",
]


@dataclass(frozen=True, slots=True)
class RenderedSet:
    """A transaction set's body (the segments between ST and SE) and what it is.

    ``render_interchange`` gives it an ST02 and wraps it in ST/SE, GS/GE and ISA/IEA.
    """

    id: str
    body: list[Segment] = field(default_factory=list)
    description: str = ""
    """What the set carries, for logs (``850 PO-1001``)."""


def segment(segment_id: str, *elements: Element | None) -> Segment:
    """A segment; ``None`` elements are written empty (and trailing empties are dropped by the writer)."""
    return Segment(segment_id, [("" if value is None else value) for value in elements])


def x12_date(value: date | datetime) -> str:
    """CCYYMMDD."""
    return value.strftime("%Y%m%d")


def x12_time(value: datetime) -> str:
    """HHMM, or HHMMSS when the seconds are not zero."""
    return value.strftime("%H%M%S") if value.second else value.strftime("%H%M")


def x12_decimal(value: Decimal, name: str, *, max_length: int = 15) -> str:
    """An R element: plain notation, no exponent, no trailing zeros after the point."""
    if not value.is_finite():
        raise X12WriteError(f"{name}: {value} is not a finite number")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    digits = len(text.replace("-", "").replace(".", ""))
    if digits > max_length:
        raise X12WriteError(f"{name}: {value} has more than the {max_length} digits X12 allows")
    return text


def x12_cents(value: Decimal, name: str, *, places: int = 2) -> str:
    """An N2 element (implied decimals): 2554.38 → ``255438``; more decimals than that are refused."""
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise X12WriteError(f"{name}: {value} has more than {places} decimals, which the element cannot carry")
    return str(int(scaled))


def x12_quantity(value: int) -> str:
    return str(value)


def checked(value: str | None, name: str, max_length: int, *, min_length: int = 1) -> str | None:
    """``value`` when it fits the element; :class:`X12WriteError` naming the element when it does not."""
    if value is None or value == "":
        return None
    if len(value) > max_length:
        raise X12WriteError(f"{name}: {value!r} is longer than the {max_length} characters the element allows")
    if len(value) < min_length:
        raise X12WriteError(f"{name}: {value!r} is shorter than the {min_length} characters the element needs")
    return value


def split_text(text: str, width: int) -> Iterator[str]:
    """Free text in pieces of at most ``width`` characters, broken at spaces where possible.

    Read back by joining the pieces with one space, so a text with single spaces between words
    survives the round trip.
    """
    words = text.split(" ")
    line = ""
    for word in words:
        while len(word) > width:
            if line:
                yield line
                line = ""
            yield word[:width]
            word = word[width:]
        candidate = f"{line} {word}" if line else word
        if len(candidate) > width:
            yield line
            line = word
        else:
            line = candidate
    if line:
        yield line


def gtin_qualifier(gtin: str, preferred: list[str]) -> str:
    """The product ID qualifier for a GTIN by its length (UP 12, EN 13 or 8, UK 14), among the partner's."""
    by_length = {12: "UP", 13: "EN", 8: "EN", 14: "UK"}
    natural = by_length.get(len(gtin))
    if natural is not None and (natural in preferred or not preferred):
        return natural
    return preferred[0] if preferred else (natural or "EN")
