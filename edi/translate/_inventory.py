"""846 inventory inquiry/advice both ways.

Each LIN loop becomes one :class:`StockLevel`.  Quantities come from QTY segments through the
partner's qualifier lists (by default 33 available for sale, 17 on hand); every SCH in a QTY loop
is stock on its way (:class:`IncomingStock`: SCH01 units, SCH06 date, SCH11 reference), and
qualifiers listed as ``incoming`` add undated incoming stock.  The location is the LIN loop's own
N1 (warehouse, ship-from, store or reporting location), else the header's, mapped through the
partner's location codes, else the partner's own stock location.  A LIN whose quantities or
location cannot be read is withheld alone: the other items of a large report still count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import ValidationError

from crossdock.core.models import IncomingStock, SourceRef, StockLevel

from ..errors import X12WriteError
from ..partners import PartnerProfile
from ..segments import Segment
from ._build import RenderedSet, checked, segment, x12_date, x12_time
from ._context import SetContext, read_item_ids
from ._parties import PartyLoop, split_party_loops
from ._purchase_order import item_id_elements

__all__ = ["translate_846", "render_846", "LOCATION_ENTITIES"]

LOCATION_ENTITIES = frozenset({"WH", "SF", "SN", "RL"})
"""N101 codes that name where the stock is: warehouse, ship from, store, reporting location."""
_AVAILABLE_ON = "018"


def _split_846(body: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    header: list[Segment] = []
    items: list[list[Segment]] = []
    summary: list[Segment] = []
    current = header
    for seg in body:
        if seg.id == "LIN":
            items.append([seg])
            current = items[-1]
        elif seg.id == "CTT":
            current = summary
            summary.append(seg)
        else:
            current.append(seg)
    return header, items, summary


def _location(ctx: SetContext, parties: Sequence[PartyLoop]) -> tuple[bool, str | None]:
    """(named, location id): whether an N1 names a location, and where it maps (None with an issue)."""
    for party in parties:
        if party.entity in LOCATION_ENTITIES and party.code:
            location = ctx.partner.location_in(party.code)
            if location is None:
                ctx.issue(
                    party.n1,
                    f"N104 {party.code!r} is not in the partner profile's location codes (codes.locations)",
                    element=4,
                    code="unmapped-code",
                )
            return True, location
    return False, None


def translate_846(ctx: SetContext) -> tuple[list[StockLevel], str | None]:
    header, items, _ = _split_846(ctx.body)
    bia = next((s for s in header if s.id == "BIA"), None)
    if bia is None:
        ctx.missing(None, "BIA", "an 846 starts with BIA")
        return [], None
    start = ctx.error_count
    purpose = ctx.text(bia, 1)
    reference = ctx.text(bia, 3) or ctx.control_number
    day, clock = ctx.date(bia, 4), ctx.time(bia, 5)
    as_of = ctx.moment(day, clock) if day is not None else ctx.envelope_moment()
    _, header_parties = split_party_loops(header)
    header_named, header_location = _location(ctx, header_parties)
    header_failed = ctx.error_count > start
    unmapped: set[str] = set()
    levels: list[StockLevel] = []
    for item in items:
        level = _read_item(ctx, item, header_named, header_location, as_of, reference, unmapped)
        if level is not None and not header_failed:
            levels.append(level)
    return levels, purpose


def _signed(ctx: SetContext, seg: Segment, number: int) -> int | None:
    value = ctx.decimal(seg, number, "a quantity", code="bad-quantity")
    if value is None:
        return None
    if value != value.to_integral_value():
        ctx.issue(seg, f"{seg.id}{number:02d} {seg.element(number)!r} is not a whole number of units", element=number, code="bad-quantity")
        return None
    return int(value)


def _read_item(
    ctx: SetContext,
    item: list[Segment],
    header_named: bool,
    header_location: str | None,
    as_of: datetime | None,
    reference: str,
    unmapped: set[str],
) -> StockLevel | None:
    lin = item[0]
    start = ctx.error_count
    mapping = ctx.partner.mapping.quantities
    ids = read_item_ids(lin, 2, ctx.partner)
    if ids.sku is None:
        ctx.issue(lin, "no item number in LIN02–LIN31 to use as the SKU", code="missing-element")
    quantities: dict[str, int] = {}
    incoming: list[IncomingStock] = []
    current_qty: Segment | None = None
    undated: IncomingStock | None = None
    other: list[Segment] = []
    for seg in item[1:]:
        if seg.id != "SCH" and undated is not None:
            incoming.append(undated)
            undated = None
        if seg.id == "QTY":
            current_qty = seg
            qualifier = ctx.text(seg, 1) or ""
            amount = _signed(ctx, seg, 2)
            if amount is None:
                if ctx.text(seg, 2) is None:
                    ctx.issue(seg, "QTY02 (quantity) is empty", element=2, code="missing-element")
                continue
            quantities.setdefault(qualifier, amount)
            if qualifier in mapping.incoming:
                if amount < 0:
                    ctx.issue(seg, f"QTY02 {amount} cannot be stock on its way", element=2, code="bad-quantity")
                else:
                    undated = IncomingStock(quantity=amount)  # unless SCH lines follow with its dates
            known = (*mapping.available, *mapping.on_hand, *mapping.committed, *mapping.incoming)
            if qualifier not in known and qualifier not in unmapped:
                unmapped.add(qualifier)
                ctx.warn(seg, f"QTY01 {qualifier!r} is not one of the partner's quantity qualifiers; ignored", element=1)
        elif seg.id == "SCH" and current_qty is not None:
            undated = None
            units = ctx.quantity(seg, 1)
            if units is None:
                if ctx.text(seg, 1) is None:
                    ctx.issue(seg, "SCH01 (quantity) is empty", element=1, code="missing-element")
                continue
            incoming.append(IncomingStock(quantity=units, expected_date=ctx.date(seg, 6), reference=ctx.text(seg, 11)))
        else:
            current_qty = None
            other.append(seg)
    if undated is not None:
        incoming.append(undated)
    _, parties = split_party_loops(other)
    named, location = _location(ctx, parties)
    if not named:
        named, location = header_named, header_location
    if not named:
        location = ctx.partner.stock_location_id
        if location is None:
            ctx.issue(
                lin,
                "the 846 names no location (N1 WH/SF/SN/RL) and the partner profile has no stock_location_id",
                code="missing-location",
            )

    def pick(qualifiers: Sequence[str]) -> int | None:
        return next((quantities[q] for q in qualifiers if q in quantities), None)

    available, on_hand, committed = pick(mapping.available), pick(mapping.on_hand), pick(mapping.committed)
    if available is None and on_hand is None and ctx.error_count == start:
        wanted = "/".join([*mapping.available, *mapping.on_hand])
        ctx.issue(lin, f"no QTY with an available or on-hand quantity ({wanted})", code="missing-segment")
    if ctx.error_count > start or ids.sku is None or location is None:
        return None
    if committed is not None and committed < 0:
        ctx.issue(lin, f"a committed quantity cannot be negative ({committed})", code="bad-quantity")
        return None
    try:
        return StockLevel(
            sku=ids.sku,
            location_id=location,
            on_hand=on_hand,
            committed=committed or 0,
            available=available,
            incoming=incoming,
            as_of=as_of,
            source=SourceRef(system=ctx.partner.source_system, id=f"{reference}/{ids.sku}@{location}"),
        )
    except ValidationError as exc:
        ctx.refused(lin, "stock level", exc)
        return None


# -- writing --------------------------------------------------------------------------------------


def render_846(
    levels: Sequence[StockLevel],
    partner: PartnerProfile,
    *,
    reference: str | None = None,
    as_of: datetime | None = None,
) -> RenderedSet:
    """The body of an 846 reporting ``levels``.

    ``as_of`` (BIA04/05) defaults to the first level's ``as_of``; ``reference`` (BIA03) to that
    moment as ``YYYYMMDDHHMMSS``.  Undated incoming stock needs an ``incoming`` qualifier in the
    partner's quantity mapping (SCH requires a date), otherwise it is refused.
    """
    if not levels:
        raise X12WriteError("an 846 needs at least one stock level")
    moment = as_of or levels[0].as_of
    if moment is None:
        raise X12WriteError("BIA04: give as_of, or stock levels with as_of, to date the report")
    moment = moment.astimezone(partner.zone)
    mapping = partner.mapping.quantities
    reference = reference or moment.strftime("%Y%m%d%H%M%S")
    body = [segment("BIA", "00", "SI", checked(reference, "BIA03", 30), x12_date(moment), x12_time(moment))]
    locations = list(dict.fromkeys(level.location_id for level in levels))

    def location_n1(location_id: str) -> Segment:
        return segment("N1", "WH", None, "92", checked(partner.location_out(location_id), "N1*WH N104", 80, min_length=2))

    if len(locations) == 1:
        body.append(location_n1(locations[0]))
    unit = partner.unit_out("EA")
    for level in levels:
        body.append(segment("LIN", None, *item_id_elements(partner, level.sku, None, None, "LIN")))
        dated = [i for i in level.incoming if i.expected_date is not None]
        undated = [i for i in level.incoming if i.expected_date is None]
        body.append(segment("QTY", mapping.available[0], str(level.available), unit))
        for incoming in dated:
            assert incoming.expected_date is not None
            body.append(
                segment(
                    "SCH",
                    str(incoming.quantity),
                    unit,
                    None,
                    None,
                    _AVAILABLE_ON,
                    x12_date(incoming.expected_date),
                    None,
                    None,
                    None,
                    None,
                    checked(incoming.reference, "SCH11", 45),
                )
            )
        if level.on_hand is not None and mapping.on_hand:
            body.append(segment("QTY", mapping.on_hand[0], str(level.on_hand), unit))
        if level.committed and mapping.committed:
            body.append(segment("QTY", mapping.committed[0], str(level.committed), unit))
        if undated:
            if not mapping.incoming:
                raise X12WriteError(
                    f"{level.sku}: incoming stock without a date needs an 'incoming' QTY qualifier in the partner's "
                    "mapping.quantities (SCH requires a date)"
                )
            body.append(segment("QTY", mapping.incoming[0], str(sum(i.quantity for i in undated)), unit))
        if len(locations) > 1:
            body.append(location_n1(level.location_id))
    body.append(segment("CTT", str(len(levels))))
    return RenderedSet("846", body, f"846 {reference}")

