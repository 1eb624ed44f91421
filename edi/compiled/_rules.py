"""What one segment's elements must hold, compiled from a map into flat rules, and the check itself.

The rules restate pyx12 4.0.0's ``segment_if`` / ``composite_if`` / ``element_if`` validation
(``map_if/_segment.py`` and friends) in the order pyx12 applies it, so findings carry the same
AK4/IK4 codes: 1 mandatory element missing, 2 conditional (syntax rule), 3 too many elements or
components, 4 too short, 5 too long, 6 invalid character (also a simple element holding a
composite), 7 invalid code, 8 invalid date, 9 invalid time, 10 exclusion (syntax ``E``) or an
element the map marks as not used.

Two pyx12 defects are not copied: a composite with more components than the map defines makes
pyx12 raise ``IndexError`` (here: one code-3 finding), and pyx12 files segment-wide findings
(syntax rules, too many elements, a missing mandatory composite) without their element, as a
bare segment code 8; here they keep the element they concern.

Per element, everything that can be worked out in advance is: ``accepted`` holds the values known
to pass every check (a code list's codes, filtered through the length and character checks), so
the usual qualifier costs one set lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ._values import DATE_TYPES, TIME_TYPE, as_pyx12_text

__all__ = [
    "ElementFinding",
    "ElementRule",
    "CompositeRule",
    "SyntaxRule",
    "SegmentRule",
    "check_segment",
    "REMEMBERED",
]


class ElementFinding(NamedTuple):
    """One element-level finding: an AK4/IK4 code at an element (and component) of a segment.

    ``data_element`` is ``None`` for findings about the segment's shape rather than one data
    element's value (a syntax rule, too many elements), which pyx12 reports as segment code 8.
    """

    code: str
    position: int
    component: int | None
    data_element: str | None
    bad_value: str | None
    message: str


@dataclass(slots=True, eq=False)
class ElementRule:
    """A simple data element at one position of a segment or composite, with everything precomputed."""

    position: int
    """Its element position in the segment (a composite's position for a component)."""
    component: int | None
    """Its position inside the composite, ``None`` for an element of the segment itself."""
    refdes: str
    data_element: str
    name: str
    usage: str
    required: bool
    """Whether an empty value is an error (pyx12 forgives a composite's first component when the composite is optional)."""
    data_type: str
    min_len: int
    max_len: int
    codes: frozenset[str] | None
    """Every valid code (inline and from ``codes.xml``), ``None`` when any value will do."""
    inline_codes: tuple[str, ...]
    """The map's own code list in its order: pyx12 tells same-ID segments apart by these alone."""
    regex: re.Pattern[str] | None
    type_ok: Callable[[str], bool] | None
    quick: Callable[[str], bool] | None = None
    """True only of printable-ASCII values that pass every check (see ``_values.quick_pass``)."""
    accepted: set[str] = field(default_factory=set)
    """Values known to pass every check: the codes that do, then (up to :data:`REMEMBERED`) values seen passing."""
    empty_findings: tuple[ElementFinding, ...] = ()

    def __post_init__(self) -> None:
        if self.required:
            self.empty_findings = (self._finding("1", None, f'Mandatory data element "{self.name}" ({self.refdes}) is missing'),)
        if self.codes:
            self.accepted = {code for code in self.codes if not self.check_text(code)}
        if self.codes is not None or self.regex is not None or self.usage == "N":
            self.quick = None  # a code list or pattern has the last word

    def _finding(self, code: str, bad_value: str | None, message: str) -> ElementFinding:
        return ElementFinding(code, self.position, self.component, self.data_element, bad_value, message)

    def check(self, raw: str, component_separator: str | None) -> list[ElementFinding] | tuple[ElementFinding, ...]:
        """Findings for the value as received (``raw``): empty, a composite where none belongs, or its text."""
        if not raw:
            return self.empty_findings
        if component_separator is not None and component_separator in raw:
            return [self._finding("6", raw, f'Data element "{self.name}" ({self.refdes}) is an invalid composite')]
        return self.check_text(raw if raw.isascii() and raw.isprintable() else as_pyx12_text(raw), raw)

    def check_text(self, value: str, shown: str | None = None) -> list[ElementFinding]:
        """Findings for a non-empty printable-ASCII value, in pyx12's order (length, spaces, code, type, regex)."""
        shown = value if shown is None else shown
        name, refdes = self.name, self.refdes
        if self.usage == "N":
            return [self._finding("10", None, f'Data element "{name}" ({refdes}) is marked as Not Used')]
        found: list[ElementFinding] = []
        data_type = self.data_type
        measured = len(value)
        if data_type == "R" or data_type[:1] == "N":
            measured -= value.count("-") + value.count(".")
        element = f'Data element "{name}" ({refdes})'
        if measured < self.min_len:
            found.append(self._finding("4", shown, f'{element} is too short: len("{shown}") = {measured} < {self.min_len} (min_len)'))
        if measured > self.max_len:
            found.append(self._finding("5", shown, f'{element} is too long: len("{shown}") = {measured} > {self.max_len} (max_len)'))
        if data_type in ("AN", "ID") and value[-1] == " " and len(value.rstrip()) >= self.min_len:
            found.append(self._finding("6", shown, f"{element} has unnecessary trailing spaces. ({shown})"))
        if self.codes is not None and value not in self.codes:
            found.append(self._finding("7", shown, f"({shown}) is not a valid code for {name} ({refdes})"))
        if self.type_ok is not None and not self.type_ok(value):
            if data_type in DATE_TYPES:
                found.append(self._finding("8", shown, f"{element} contains an invalid date ({shown})"))
            elif data_type == TIME_TYPE:
                found.append(self._finding("9", shown, f"{element} contains an invalid time ({shown})"))
            else:
                found.append(self._finding("6", shown, f"{element} is type {data_type}, contains an invalid character({shown})"))
        if self.regex is not None and not self.regex.search(value):
            pattern = self.regex.pattern
            found.append(
                self._finding("7", shown, f'Data element "{name}" with a value of ({shown}) failed to match the regular expression "{pattern}"')
            )
        return found


@dataclass(slots=True, eq=False)
class CompositeRule:
    """A composite data structure at one position of a segment: its usage and its components."""

    position: int
    refdes: str
    data_element: str
    name: str
    usage: str
    components: tuple[ElementRule, ...]
    accepted: set[str] = field(default_factory=set)
    """Always empty: a composite's value is checked component by component."""
    quick: None = None
    empty_findings: tuple[ElementFinding, ...] = ()

    def __post_init__(self) -> None:
        if self.usage == "R":
            self.empty_findings = (self._shape("1", None, f'Mandatory composite "{self.name}" ({self.refdes}) is missing'),)

    def _shape(self, code: str, bad_value: str | None, message: str) -> ElementFinding:
        return ElementFinding(code, self.position, None, None, bad_value, message)

    def check(self, raw: str, component_separator: str | None) -> list[ElementFinding] | tuple[ElementFinding, ...]:
        """Findings for the composite as received, components split on the interchange's separator."""
        if not raw:
            return self.empty_findings
        parts = raw.split(component_separator) if component_separator else [raw]
        if not any(parts):
            return self.empty_findings
        if self.usage == "N":
            return [self._shape("5", raw, f'Composite "{self.name}" ({self.refdes}) is marked as Not Used')]
        components = self.components
        found: list[ElementFinding] = []
        if len(parts) > len(components):
            found.append(self._shape("3", raw, f'Too many sub-elements in composite "{self.name}" ({self.refdes})'))
        for index, component in enumerate(components):
            part = parts[index] if index < len(parts) else ""
            if not part:
                found += component.empty_findings
            elif part not in component.accepted or component_separator in part:
                found += component.check_text(part if part.isascii() and part.isprintable() else as_pyx12_text(part), part)
        return found


class SyntaxRule(NamedTuple):
    """An X12 syntax note (``P0304``): its kind, the element positions it names and its finding."""

    kind: str
    positions: tuple[int, ...]
    finding: ElementFinding


def syntax_rule(segment_id: str, kind: str, positions: Sequence[int]) -> SyntaxRule:
    """A syntax note with the message pyx12 gives when it is broken."""
    names = [f"{segment_id}{p:02d}" for p in positions]

    def listed(items: list[str]) -> str:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]

    label = kind + "".join(f"{p:02d}" for p in positions)
    if kind == "P":
        message = f"Syntax Error ({label}): If any of {listed(names)} is present, then all are required"
    elif kind == "R":
        message = f"Syntax Error ({label}): At least one element is required"
    elif kind == "E":
        message = f"Syntax Error ({label}): At most one of {listed(names)} may be present"
    elif kind == "C":
        verb = "are" if len(names) > 2 else "is"
        message = f"Syntax Error ({label}): If {names[0]} is present, then {listed(names[1:])} {verb} required"
    else:
        message = f"Syntax Error ({label}): If {names[0]} is present, then at least one of {listed(names[1:])} is required"
    code = "10" if kind == "E" else "2"
    return SyntaxRule(kind, tuple(positions), ElementFinding(code, positions[0], None, None, None, message))


@dataclass(slots=True, eq=False)
class SegmentRule:
    """Everything one segment node of a map checks in a segment's elements."""

    id: str
    name: str
    items: tuple[ElementRule | CompositeRule, ...]
    syntax: tuple[SyntaxRule, ...]
    split_components: bool = True
    """False for ISA, whose elements pyx12 never splits (ISA16 *is* the component separator)."""
    missing_from: tuple[tuple[ElementFinding, ...], ...] = ()
    """``missing_from[k]``: the findings when the segment ends after ``k`` elements."""
    syntax_outcomes: dict[tuple[bool, ...], list[ElementFinding]] = field(default_factory=dict)
    """Syntax findings by which elements are present (the notes depend on nothing else)."""

    def __post_init__(self) -> None:
        tails: list[tuple[ElementFinding, ...]] = [()]
        for item in reversed(self.items):
            tails.append(tuple(item.empty_findings) + tails[-1])
        self.missing_from = tuple(reversed(tails))


REMEMBERED = 1024
"""How many passing values each element rule (and outcomes each segment's syntax notes) remembers:
repeats (units, dates, qualifiers) then cost a set lookup, and memory stays bounded."""


def _syntax_findings(rule: SegmentRule, present: tuple[bool, ...]) -> list[ElementFinding]:
    count = len(present)
    found: list[ElementFinding] = []
    for syntax in rule.syntax:
        positions = syntax.positions
        kind = syntax.kind
        if kind == "C" or kind == "L":
            first = positions[0]
            if first > count or not present[first - 1]:
                continue
            hits = sum(1 for p in positions[1:] if p <= count and present[p - 1])
            broken = hits != len(positions) - 1 if kind == "C" else hits == 0
        else:
            hits = sum(1 for p in positions if p <= count and present[p - 1])
            if kind == "P":
                broken = 0 < hits < len(positions)
            elif kind == "R":
                broken = hits == 0
            else:
                broken = hits > 1
        if broken:
            found.append(syntax.finding)
    return found


def check_segment(rule: SegmentRule, elements: list[str], component_separator: str | None) -> list[ElementFinding] | None:
    """Every element finding for one segment, ``None`` when there is none (the usual case).

    Trailing empty elements are ignored, as they are once the normaliser has dropped them.
    """
    count = len(elements)
    while count and not elements[count - 1]:
        count -= 1
    separator = component_separator if rule.split_components else None
    guard = separator if separator is not None else "\x00"
    items = rule.items
    defined = len(items)
    found: list[ElementFinding] | None = None
    plain = True  # every value so far passed a fast path, so none holds a component separator
    if count > defined:
        found = [
            ElementFinding(
                "3",
                defined + 1,
                None,
                None,
                elements[defined],
                f'Too many elements in segment "{rule.name}" ({rule.id}). Has {count}, should have {defined}',
            )
        ]
        checked = defined
        plain = False
    else:
        checked = count
    for index in range(checked):
        value = elements[index]
        item = items[index]
        if not value:
            more = item.empty_findings
        elif value in item.accepted and guard not in value:
            continue
        elif (quick := item.quick) is not None and quick(value) and guard not in value and value.isascii() and value.isprintable():
            continue
        else:
            plain = False
            more = item.check(value, separator)
            if not more:
                if item.__class__ is ElementRule and len(item.accepted) < REMEMBERED:
                    item.accepted.add(value)
                continue
        if more:
            if found is None:
                found = list(more)
            else:
                found += more
    if checked < defined:
        tail = rule.missing_from[checked]
        if tail:
            if found is None:
                found = list(tail)
            else:
                found += tail
    if rule.syntax:
        if separator is None or plain:
            present = tuple(map(bool, elements[:count]))
        else:
            present = tuple([value != "" and value.rstrip(separator) != "" for value in elements[:count]])
        outcomes = rule.syntax_outcomes
        broken = outcomes.get(present)
        if broken is None:
            broken = _syntax_findings(rule, present)
            if len(outcomes) < REMEMBERED:
                outcomes[present] = broken
        if broken:
            if found is None:
                found = list(broken)
            else:
                found += broken
    return found
