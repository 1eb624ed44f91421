"""What every inbound translator needs: the partner, the envelope, and element readers that report.

A translator reads elements through :class:`SetContext`; a value that cannot be read becomes an
:class:`X12Issue` naming the segment (and its position in the set, ST = 1) and the element, and
the reader returns ``None``.  Translators count errors around a unit of work (a PO, one 856 order,
one 846 item) and withhold that unit when any were found: a document is either translated from
everything its partner sent, or not at all, never quietly partial.

Codes used on translation issues are Crossdock's own words (``bad-quantity``), so they are never
mistaken for X12 syntax codes and never end up in a 997.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from crossdock.core.models._codes import CURRENCY_CODES

from ..envelope import FunctionalGroup, Interchange
from ..errors import X12Issue
from ..partners import PartnerProfile
from ..segments import Segment
from ._countries import country_alpha2

__all__ = [
    "SetContext",
    "ItemIds",
    "read_item_ids",
    "parse_x12_date",
    "parse_x12_time",
    "KNOWN_ITEM_ID_QUALIFIERS",
    "DESCRIPTION_QUALIFIERS",
]

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")

KNOWN_ITEM_ID_QUALIFIERS = (
    "SK", "BP", "IN", "CB", "VP", "VN", "VC", "VA", "MG", "MF", "PI", "PN", "SN", "UP", "EN", "UK", "UA", "UI", "UN", "ND",
)  # fmt: skip
"""Product ID qualifiers (element 235) that name an item, in the order a stand-in SKU is taken from."""

DESCRIPTION_QUALIFIERS = frozenset({"PD"})
"""Pairs whose value is a description, not an identifier."""


@dataclass(slots=True)
class ItemIds:
    """The item numbers of a PO1/LIN/IT1/SLN line, resolved through the partner's qualifier lists."""

    sku: str | None
    partner_item: str | None
    gtin: str | None
    description: str | None
    pairs: list[tuple[str, str]]


def read_item_ids(segment: Segment, first: int, partner: PartnerProfile) -> ItemIds:
    """Qualifier/ID pairs starting at element ``first`` (PO106, LIN02, IT106), resolved."""
    pairs: list[tuple[str, str]] = []
    number = first
    while number < len(segment.elements):
        qualifier, value = segment.element(number).strip(), segment.element(number + 1).strip()
        if qualifier and value:
            pairs.append((qualifier, value))
        number += 2
    found = {}
    for qualifier, value in pairs:
        found.setdefault(qualifier, value)
    ids = partner.mapping.item_ids

    def first_of(qualifiers: Iterable[str]) -> str | None:
        return next((found[q] for q in qualifiers if q in found), None)

    partner_item = first_of(ids.partner_item)
    gtin = first_of(ids.gtin)
    sku = first_of(ids.sku) or partner_item or gtin or first_of(KNOWN_ITEM_ID_QUALIFIERS)
    description = first_of(DESCRIPTION_QUALIFIERS)
    return ItemIds(sku=sku, partner_item=partner_item, gtin=gtin, description=description, pairs=pairs)


class SetContext:
    """One transaction set being translated: its partner and envelope, and the issues found so far."""

    def __init__(
        self,
        *,
        partner: PartnerProfile,
        set_id: str,
        control_number: str,
        body: Sequence[Segment],
        interchange: Interchange | None,
        group: FunctionalGroup | None,
    ) -> None:
        self.partner = partner
        self.set_id = set_id
        self.control_number = control_number
        self.body = body
        self.interchange = interchange
        self.group = group
        self.issues: list[X12Issue] = []
        self.error_count = 0
        self._positions = {id(segment): index + 2 for index, segment in enumerate(body)}
        self.zone = partner.zone
        self.release = group.release if group is not None else None

    # -- issues ---------------------------------------------------------------------------------
    def position(self, segment: Segment | None) -> int | None:
        """The segment's position in its set, ST counting as 1 (what AK302 reports)."""
        if segment is None:
            return None
        if segment.position is not None and segment.position.in_set is not None:
            return segment.position.in_set
        return self._positions.get(id(segment))

    def issue(
        self,
        segment: Segment | None,
        message: str,
        *,
        element: int | None = None,
        code: str = "untranslatable",
        severity: str = "error",
    ) -> X12Issue:
        """Record a problem; the message is prefixed with where it is (``PO1 at segment 14: …``)."""
        where = ""
        position = self.position(segment)
        if segment is not None:
            where = f"{segment.id} at segment {position}: " if position is not None else f"{segment.id}: "
        located = segment.position if segment is not None else None
        found = X12Issue(
            level="element" if element is not None else ("segment" if segment is not None else "set"),
            code=code,
            message=where + message,
            isa13=self.interchange.control_number if self.interchange is not None else None,
            gs06=self.group.control_number if self.group is not None else None,
            st02=self.control_number,
            st01=self.set_id,
            segment_id=segment.id if segment is not None else None,
            segment_position=position,
            element_position=element,
            bad_value=segment.element(element) if (segment is not None and element) else None,
            segment_ordinal=located.in_interchange if located is not None else None,
            line=located.line if located is not None else None,
            byte_offset=located.byte_offset if located is not None else None,
            severity=severity,  # type: ignore[arg-type]
        )
        self.issues.append(found)
        if found.is_error:
            self.error_count += 1
        return found

    def warn(self, segment: Segment | None, message: str, *, element: int | None = None, code: str = "ignored") -> None:
        self.issue(segment, message, element=element, code=code, severity="warning")

    def refused(self, segment: Segment | None, what: str, error: ValidationError) -> None:
        """The canonical model refused what was read (one issue per pydantic error)."""
        for detail in error.errors(include_url=False, include_input=False, include_context=False):
            field = ".".join(str(part) for part in detail["loc"]) or what
            message = detail["msg"].removeprefix("Value error, ")
            self.issue(segment, f"the {what} cannot be built: {field}: {message}", code="refused-by-model")

    def missing(self, anchor: Segment | None, segment_id: str, why: str = "") -> None:
        self.issue(anchor, f"no {segment_id} segment" + (f" ({why})" if why else ""), code="missing-segment")

    # -- element readers ------------------------------------------------------------------------
    @staticmethod
    def name(segment: Segment, number: int) -> str:
        return f"{segment.id}{number:02d}"

    def text(self, segment: Segment | None, number: int) -> str | None:
        """The element's text, stripped; ``None`` when absent or blank."""
        if segment is None:
            return None
        value = segment.element(number).strip()
        return value or None

    def required(self, segment: Segment, number: int, what: str) -> str | None:
        value = self.text(segment, number)
        if value is None:
            self.issue(segment, f"{self.name(segment, number)} ({what}) is empty", element=number, code="missing-element")
        return value

    def decimal(
        self, segment: Segment | None, number: int, what: str = "a number", *, code: str = "bad-number"
    ) -> Decimal | None:
        """An R (decimal) element; ``"9.25"``, ``"-3"``, ``".5"``."""
        value = self.text(segment, number)
        if value is None or segment is None:
            return None
        if not _DECIMAL.fullmatch(value):
            self.issue(segment, f"{self.name(segment, number)} {value!r} is not {what}", element=number, code=code)
            return None
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            self.issue(segment, f"{self.name(segment, number)} {value!r} is not {what}", element=number, code=code)
            return None

    def implied(self, segment: Segment | None, number: int, places: int = 2) -> Decimal | None:
        """An N2-type element (implied decimals): ``TDS*255438`` is 2554.38."""
        value = self.text(segment, number)
        if value is None or segment is None:
            return None
        if not _INTEGER.fullmatch(value):
            self.issue(
                segment,
                f"{self.name(segment, number)} {value!r} is not an amount with {places} implied decimals (digits only)",
                element=number,
                code="bad-amount",
            )
            return None
        return Decimal(int(value)).scaleb(-places)

    def quantity(self, segment: Segment | None, number: int, *, allow_zero: bool = True) -> int | None:
        """A count of units: a decimal that must be a whole, non-negative number."""
        value = self.text(segment, number)
        if value is None or segment is None:
            return None
        name = self.name(segment, number)
        if not _DECIMAL.fullmatch(value):
            self.issue(segment, f"{name} {value!r} is not a quantity", element=number, code="bad-quantity")
            return None
        amount = Decimal(value)
        if amount != amount.to_integral_value():
            self.issue(segment, f"{name} {value!r} is not a whole number of units", element=number, code="bad-quantity")
            return None
        if amount < 0 or (amount == 0 and not allow_zero):
            self.issue(segment, f"{name} {value!r} is not a positive quantity", element=number, code="bad-quantity")
            return None
        return int(amount)

    def date(self, segment: Segment | None, number: int) -> date | None:
        """CCYYMMDD, or YYMMDD as releases before 004010 write it (years 00–49 are 20xx)."""
        value = self.text(segment, number)
        if value is None or segment is None:
            return None
        parsed = parse_x12_date(value)
        if parsed is None:
            self.issue(
                segment, f"{self.name(segment, number)} {value!r} is not a date (CCYYMMDD)", element=number, code="bad-date"
            )
        return parsed

    def time(self, segment: Segment | None, number: int) -> time | None:
        """HHMM, HHMMSS or HHMMSSd..; ``None`` (with an issue) when it is not a time."""
        value = self.text(segment, number)
        if value is None or segment is None:
            return None
        parsed = parse_x12_time(value)
        if parsed is None:
            self.issue(segment, f"{self.name(segment, number)} {value!r} is not a time (HHMM)", element=number, code="bad-time")
        return parsed

    def moment(self, day: date, clock: time | None = None) -> datetime:
        """A date (and time) from this partner, as an aware timestamp in the partner's zone."""
        return datetime.combine(day, clock or time(0), tzinfo=self.zone)

    def envelope_moment(self) -> datetime | None:
        """When the group (else the interchange) was created, per its GS04/GS05 (ISA09/ISA10)."""
        if self.group is not None:
            day, clock = parse_x12_date(self.group.date), parse_x12_time(self.group.time)
            if day is not None:
                return self.moment(day, clock)
        if self.interchange is not None:
            day, clock = parse_x12_date(self.interchange.date), parse_x12_time(self.interchange.time)
            if day is not None:
                return self.moment(day, clock)
        return None

    def currency(self, segment: Segment | None, number: int = 2) -> str | None:
        value = self.text(segment, number)
        if value is None or segment is None:
            return None
        if value.upper() not in CURRENCY_CODES:
            self.issue(
                segment, f"{self.name(segment, number)} {value!r} is not an ISO 4217 currency", element=number, code="bad-code"
            )
            return None
        return value.upper()

    def country(self, segment: Segment, number: int) -> str | None:
        """An N4 country: alpha-2 or alpha-3, the partner's default when blank."""
        value = self.text(segment, number)
        if value is None:
            return self.partner.defaults.country
        code = country_alpha2(value)
        if code is None:
            self.issue(segment, f"{self.name(segment, number)} {value!r} is not an ISO country code", element=number, code="bad-code")
        return code


def parse_x12_date(value: str) -> date | None:
    value = value.strip()
    if not value.isdigit() or len(value) not in (6, 8):
        return None
    if len(value) == 6:
        year = int(value[:2])
        value = f"{2000 + year if year < 50 else 1900 + year}{value[2:]}"
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def parse_x12_time(value: str) -> time | None:
    value = value.strip()
    if not value.isdigit() or len(value) not in (4, 6, 7, 8):
        return None
    try:
        hour, minute = int(value[:2]), int(value[2:4])
        second = int(value[4:6]) if len(value) >= 6 else 0
        fraction = value[6:]
        micro = int(fraction.ljust(6, "0")) if fraction else 0
        return time(hour, minute, second, micro)
    except ValueError:
        return None
