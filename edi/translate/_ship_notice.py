"""856 advance ship notices both ways.

Reading builds the HL tree from HL01/HL02 whatever BSN05 says (0001 S/O/P/I, 0002 S/O/I/P, 0004
S/O/I, tare levels, or no BSN05 at all), then makes one :class:`Shipment` per order level (O):

* shipment facts come from the order's S ancestor (and the header): DTM*011 shipped, TD5 carrier
  and service, REF*CN (else BM) tracking, N1*SF ship-from (through the partner's location codes),
  N1*ST ship-to; an order level's own REF*CN and N1*ST take precedence;
* PRF01 is the order (purchase order) number;
* every item level (I) adds its SN102 to the shipment line of its LIN01 line and SKU, and is placed
  in a package: the pack levels (P, else T) below it (0002, with their own SN1 quantities), or a
  MAN*GM on the item itself (0004), or the pack level above it (0001);
* packages are told apart by SSCC (MAN*GM), else tracking number (MAN*CP, REF*CN), else by level,
  so the same carton named under two items is one package.

Writing produces one 856 for shipments that left together (same carrier, service, ship date and
location): one S level, one O level per shipment, packs and items in the partner's structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pydantic import ValidationError

from crossdock.core.models import Address, Carrier, OrderRef, Package, Shipment, ShipmentLine, SourceRef
from crossdock.core.models.product import Weight, WeightUnit
from crossdock.core.models.shipment import sscc_check_digit_ok

from ..errors import X12WriteError
from ..partners import PartnerProfile, StructureCode
from ..segments import Segment
from ._build import RenderedSet, checked, segment, x12_date, x12_decimal, x12_time
from ._context import SetContext, read_item_ids
from ._parties import address_segments, read_address, split_party_loops
from ._purchase_order import carrier_segment, item_id_elements, read_carrier

__all__ = ["translate_856", "render_856", "WEIGHT_UNITS"]

WEIGHT_UNITS: dict[str, WeightUnit] = {"LB": WeightUnit.LB, "KG": WeightUnit.KG, "OZ": WeightUnit.OZ, "GR": WeightUnit.G}
_WEIGHT_UNITS_OUT = {unit: code for code, unit in WEIGHT_UNITS.items()}
_LEVELS = frozenset("SOTPI")
_PACK_LEVELS = ("P", "T")


@dataclass(slots=True, eq=False)
class _Node:
    """One HL level and the segments that follow it up to the next HL."""

    hl: Segment
    id: str
    parent_id: str | None
    level: str
    segments: list[Segment] = field(default_factory=list)
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)

    def first(self, segment_id: str) -> Segment | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def all(self, segment_id: str) -> list[Segment]:
        return [s for s in self.segments if s.id == segment_id]

    def ancestors(self) -> list[_Node]:
        found, node = [], self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found

    def descendants(self) -> list[_Node]:
        found: list[_Node] = []
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            found.append(node)
            stack += reversed(node.children)
        return found


@dataclass(slots=True)
class _PackFacts:
    sscc: str | None = None
    tracking: str | None = None
    weight: Weight | None = None

    @property
    def key(self) -> tuple[str, str] | None:
        if self.sscc:
            return ("sscc", self.sscc)
        if self.tracking:
            return ("tracking", self.tracking)
        return None


@dataclass(slots=True)
class _PackBuilder:
    facts: _PackFacts
    lines: dict[tuple[str | None, str], int] = field(default_factory=dict)

    def add(self, line_id: str | None, sku: str, quantity: int) -> None:
        self.lines[(line_id, sku)] = self.lines.get((line_id, sku), 0) + quantity


@dataclass(slots=True)
class _ShipmentFacts:
    shipped_at: datetime | None
    scac: str | None
    service: str | None
    tracking: str | None
    ship_from: str | None
    ship_to: Address | None
    failed: bool


def _build_tree(ctx: SetContext, body: Sequence[Segment]) -> tuple[list[Segment], list[_Node], list[Segment]]:
    header: list[Segment] = []
    nodes: list[_Node] = []
    summary: list[Segment] = []
    by_id: dict[str, _Node] = {}
    current: list[Segment] = header
    for seg in body:
        if seg.id == "HL":
            node = _Node(seg, seg.element(1).strip(), seg.element(2).strip() or None, seg.element(3).strip())
            if not node.id:
                ctx.issue(seg, "HL01 (hierarchical ID) is empty", element=1, code="missing-element")
            elif node.id in by_id:
                ctx.issue(seg, f"HL01 {node.id!r} is used by an earlier HL too", element=1, code="bad-hierarchy")
            if node.level not in _LEVELS:
                ctx.warn(seg, f"HL03 {node.level!r} is not a level Crossdock reads (S, O, T, P, I); its segments are ignored", element=3)
            if node.parent_id is not None:
                parent = by_id.get(node.parent_id)
                if parent is None:
                    ctx.issue(seg, f"HL02 {node.parent_id!r} names no earlier HL", element=2, code="bad-hierarchy")
                else:
                    node.parent = parent
                    parent.children.append(node)
            by_id.setdefault(node.id, node)
            nodes.append(node)
            current = node.segments
        elif seg.id == "CTT":
            current = summary
            summary.append(seg)
        else:
            current.append(seg)
    return header, nodes, summary


def _pack_facts(ctx: SetContext, node: _Node) -> _PackFacts:
    facts = _PackFacts()
    for man in node.all("MAN"):
        for number in (1, 4):
            qualifier, value = ctx.text(man, number), ctx.text(man, number + 1)
            if value is None:
                continue
            if qualifier == "GM" and facts.sscc is None:
                code = value[2:] if len(value) == 20 and value.startswith("00") else value
                if sscc_check_digit_ok(code):
                    facts.sscc = code
                else:
                    ctx.issue(
                        man,
                        f"{man.id}{number + 1:02d} {value!r} is not a valid SSCC-18 (18 digits with a GS1 check digit)",
                        element=number + 1,
                        code="bad-sscc",
                    )
            elif qualifier == "CP" and facts.tracking is None:
                facts.tracking = value
    for ref in node.all("REF"):
        if ctx.text(ref, 1) == "CN" and facts.tracking is None:
            facts.tracking = ctx.text(ref, 2)
    td1 = next((s for s in node.all("TD1") if ctx.text(s, 7)), None)
    if td1 is not None:
        value = ctx.decimal(td1, 7, "a weight")
        unit = WEIGHT_UNITS.get(ctx.text(td1, 8) or "")
        if value is not None and unit is None:
            ctx.warn(td1, f"TD108 {ctx.text(td1, 8)!r} is not a weight unit Crossdock reads; the weight is ignored", element=8)
        elif value is not None and value >= 0:
            facts.weight = Weight(value=value, unit=unit)
    return facts


def _dates(ctx: SetContext, segments: Sequence[Segment], qualifier: str) -> datetime | None:
    for dtm in segments:
        if dtm.id == "DTM" and ctx.text(dtm, 1) == qualifier:
            day = ctx.date(dtm, 2)
            clock = ctx.time(dtm, 3)
            if day is not None:
                return ctx.moment(day, clock)
    return None


def _tracking(ctx: SetContext, segments: Sequence[Segment]) -> str | None:
    refs = {ctx.text(s, 1): ctx.text(s, 2) for s in reversed(segments) if s.id == "REF"}
    return refs.get("CN") or refs.get("BM")


def _shipment_facts(ctx: SetContext, bsn: Segment, header: Sequence[Segment], s_node: _Node | None) -> _ShipmentFacts:
    start = ctx.error_count
    segments = [*header, *(s_node.segments if s_node is not None else [])]
    shipped_at = _dates(ctx, segments, "011")
    has_ship_date = any(s.id == "DTM" and ctx.text(s, 1) == "011" for s in segments)
    if shipped_at is None and not has_ship_date:
        day, clock = ctx.date(bsn, 3), ctx.time(bsn, 4)
        if day is not None:
            shipped_at = ctx.moment(day, clock)
            ctx.warn(bsn, "no DTM*011 (shipped); the ship notice's date BSN03 is used as the ship date", element=3, code="assumed")
        else:
            ctx.issue(bsn, "no DTM*011 (shipped) and no BSN03 date: the ship date is unknown", code="missing-segment")
    scac, service = read_carrier(ctx, [s for s in segments if s.id == "TD5"])
    rest, parties = split_party_loops(s_node.segments if s_node is not None else [])
    ship_from = ship_to = None
    for party in parties:
        if party.entity == "SF" and ship_from is None and party.code:
            ship_from = ctx.partner.location_in(party.code)
            if ship_from is None:
                ctx.warn(
                    party.n1,
                    f"N104 {party.code!r} is not in the partner profile's location codes; "
                    "the partner's own location is used",
                    element=4,
                    code="unmapped-code",
                )
        elif party.entity == "ST" and ship_to is None:
            ship_to = read_address(ctx, party)
    return _ShipmentFacts(
        shipped_at=shipped_at,
        scac=scac,
        service=service,
        tracking=_tracking(ctx, rest),
        ship_from=ship_from or ctx.partner.stock_location_id,
        ship_to=ship_to,
        failed=ctx.error_count > start,
    )


def _check_ctt(ctx: SetContext, ctt: Segment | None, nodes: Sequence[_Node]) -> None:
    if ctt is None:
        return
    declared = ctx.text(ctt, 1)
    if declared is not None and (not declared.isdigit() or int(declared) != len(nodes)):
        ctx.warn(ctt, f"CTT01 says {declared!r} HL levels, the set has {len(nodes)}", element=1, code="count-mismatch")
    hash_total = ctx.decimal(ctt, 2, "a hash total")
    if hash_total is None:
        return
    total = Decimal(0)
    for node in nodes:
        for sn1 in node.all("SN1"):
            value = sn1.element(2).strip()
            try:
                total += Decimal(value) if value else 0
            except ArithmeticError:
                return
    if hash_total != total:
        ctx.warn(ctt, f"CTT02 hash total {hash_total} differs from the sum of SN102 ({total})", element=2, code="count-mismatch")


def translate_856(ctx: SetContext) -> tuple[list[Shipment], str | None]:
    header, nodes, summary = _build_tree(ctx, ctx.body)
    bsn = next((s for s in header if s.id == "BSN"), None)
    if bsn is None:
        ctx.missing(None, "BSN", "an 856 starts with BSN")
        return [], None
    purpose = ctx.text(bsn, 1)
    shipment_number = ctx.text(bsn, 2) or ctx.control_number
    tree_failed = ctx.error_count > 0
    orders = [node for node in nodes if node.level == "O"]
    if not orders:
        ctx.issue(bsn, "the ship notice has no order level (HL03 'O')", code="missing-segment")
    _check_ctt(ctx, next((s for s in summary if s.id == "CTT"), None), nodes)
    facts_by_s: dict[int, _ShipmentFacts] = {}
    shipments: list[Shipment] = []
    for order in orders:
        s_node = next((a for a in order.ancestors() if a.level == "S"), None)
        key = id(s_node)
        if key not in facts_by_s:
            facts_by_s[key] = _shipment_facts(ctx, bsn, header, s_node)
        shipment = _read_order(ctx, order, facts_by_s[key], shipment_number)
        if shipment is not None and not tree_failed:
            shipments.append(shipment)
    return shipments, purpose


def _read_order(ctx: SetContext, order: _Node, facts: _ShipmentFacts, shipment_number: str) -> Shipment | None:
    start = ctx.error_count
    prf = order.first("PRF")
    number = ctx.text(prf, 1) if prf is not None else None
    if number is None:
        ctx.issue(order.hl, "the order level has no PRF01 (purchase order number)", code="missing-segment")
    rest, parties = split_party_loops(order.segments)
    ship_to = facts.ship_to
    for party in parties:
        if party.entity == "ST":
            ship_to = read_address(ctx, party)
            break
    tracking = _tracking(ctx, rest) or facts.tracking

    lines: dict[tuple[str | None, str], int] = {}
    packs: dict[object, _PackBuilder] = {}
    pack_of_node: dict[int, _PackBuilder] = {}

    def pack_for(node: _Node | None, facts_source: _Node) -> _PackBuilder:
        if node is not None and id(node) in pack_of_node:
            return pack_of_node[id(node)]
        pack_facts = _pack_facts(ctx, facts_source)
        key = pack_facts.key or ("node", id(node if node is not None else facts_source))
        builder = packs.get(key)
        if builder is None:
            builder = packs[key] = _PackBuilder(pack_facts)
        if node is not None:
            pack_of_node[id(node)] = builder
        return builder

    descendants = order.descendants()
    for node in descendants:
        if node.level in _PACK_LEVELS:
            pack_for(node, node)
    for node in descendants:
        if node.level != "I":
            continue
        lin, sn1 = node.first("LIN"), node.first("SN1")
        if lin is None:
            ctx.issue(node.hl, "the item level has no LIN", code="missing-segment")
            continue
        ids = read_item_ids(lin, 2, ctx.partner)
        if ids.sku is None:
            ctx.issue(lin, "no item number in LIN02–LIN31 to use as the SKU", code="missing-element")
            continue
        line_id = ctx.text(lin, 1) or (ctx.text(sn1, 1) if sn1 is not None else None)
        quantity = ctx.quantity(sn1, 2) if sn1 is not None else None
        pack_children = [child for child in node.children if child.level in _PACK_LEVELS]
        child_quantities = [ctx.quantity(c.first("SN1"), 2) if c.first("SN1") else None for c in pack_children]
        if quantity is None:
            if sn1 is not None and ctx.text(sn1, 2) is not None:
                continue
            if pack_children and all(q is not None for q in child_quantities):
                quantity = sum(q for q in child_quantities if q is not None)
            else:
                ctx.issue(node.hl, "the item level has no SN102 (units shipped)", code="missing-segment")
                continue
        lines[(line_id, ids.sku)] = lines.get((line_id, ids.sku), 0) + quantity
        if pack_children:
            for child, child_quantity in zip(pack_children, child_quantities, strict=True):
                if child_quantity is None and len(pack_children) == 1:
                    child_quantity = quantity
                if child_quantity is None:
                    ctx.warn(child.hl, "the pack level under an item has no SN1 quantity; its contents are unknown")
                    pack_for(child, child)
                    continue
                pack_for(child, child).add(line_id, ids.sku, child_quantity)
        elif node.first("MAN") is not None:
            pack_for(None, node).add(line_id, ids.sku, quantity)
        else:
            holder = next((a for a in node.ancestors() if a.level == "P"), None) or next(
                (a for a in node.ancestors() if a.level == "T"), None
            )
            if holder is not None and holder is not order and order in holder.ancestors():
                pack_for(holder, holder).add(line_id, ids.sku, quantity)
    if not lines and ctx.error_count == start:
        ctx.issue(order.hl, "the order level has no item levels (HL03 'I') with units under it", code="missing-segment")
    if ctx.error_count > start or facts.failed or number is None or facts.shipped_at is None:
        return None
    try:
        return Shipment(
            source=SourceRef(system=ctx.partner.source_system, id=f"{shipment_number}/{number}"),
            order=OrderRef(number=number),
            lines=[ShipmentLine(line_id=line_id, sku=sku, quantity=qty) for (line_id, sku), qty in lines.items() if qty > 0],
            packages=[
                Package(
                    sscc=pack.facts.sscc,
                    tracking_number=pack.facts.tracking,
                    weight=pack.facts.weight,
                    lines=[ShipmentLine(line_id=line_id, sku=sku, quantity=qty) for (line_id, sku), qty in pack.lines.items() if qty > 0],
                )
                for pack in packs.values()
            ],
            carrier=Carrier(scac=facts.scac) if facts.scac else None,
            service=facts.service,
            tracking_number=tracking,
            shipped_at=facts.shipped_at,
            ship_from_location_id=facts.ship_from,
            ship_to=ship_to,
        )
    except ValidationError as exc:
        ctx.refused(order.hl, "shipment", exc)
        return None


# -- writing --------------------------------------------------------------------------------------


class _Hierarchy:
    """HL numbering and the SN102 hash total while an 856 is written."""

    def __init__(self) -> None:
        self.body: list[Segment] = []
        self.count = 0
        self.hash_total = 0

    def level(self, code: str, parent: int | None, segments: Sequence[Segment | None] = ()) -> int:
        self.count += 1
        number = self.count
        self.body.append(segment("HL", str(number), str(parent) if parent else None, code, "0"))  # HL04 set by finish()
        for seg in segments:
            if seg is not None:
                self.body.append(seg)
                if seg.id == "SN1":
                    self.hash_total += int(seg.element(2))
        return number

    def finish(self) -> None:
        """Set HL04 (child code): 1 when a later level names this one as parent, else 0."""
        hl_segments = [s for s in self.body if s.id == "HL"]
        parents = {s.element(2) for s in hl_segments}
        for hl in hl_segments:
            hl.elements[3] = "1" if hl.element(1) in parents else "0"


def _line_segments(partner: PartnerProfile, line_id: str | None, sku: str, quantity: int) -> list[Segment]:
    return [
        segment("LIN", checked(line_id, "LIN01", 20), *item_id_elements(partner, sku, None, None, "LIN")),
        segment("SN1", checked(line_id, "SN101", 20), str(quantity), partner.unit_out("EA")),
    ]


def _pack_segments(package: Package) -> list[Segment]:
    found: list[Segment] = []
    if package.weight is not None:
        found.append(
            segment(
                "TD1",
                "CTN25",
                "1",
                None,
                None,
                None,
                "G",
                x12_decimal(package.weight.value, "TD107", max_length=10),
                _WEIGHT_UNITS_OUT[package.weight.unit],
            )
        )
    if package.sscc:
        found.append(segment("MAN", "GM", package.sscc))
    if package.tracking_number:
        found.append(segment("MAN", "CP", checked(package.tracking_number, "MAN02 (CP)", 48)))
    return found


def _aggregate(lines: Sequence[ShipmentLine]) -> dict[tuple[str | None, str], int]:
    totals: dict[tuple[str | None, str], int] = {}
    for line in lines:
        totals[(line.line_id, line.sku)] = totals.get((line.line_id, line.sku), 0) + line.quantity
    return totals


def _same(values: Sequence[object], what: str) -> object:
    distinct = []
    for value in values:
        if value not in distinct:
            distinct.append(value)
    if len(distinct) > 1:
        raise X12WriteError(f"shipments in one 856 must share their {what}; render them as separate ship notices")
    return distinct[0] if distinct else None


def render_856(
    shipments: Sequence[Shipment],
    partner: PartnerProfile,
    *,
    shipment_id: str | None = None,
    structure: StructureCode | None = None,
) -> RenderedSet:
    """One 856 for shipments that left together, in the partner's BSN05 structure (or ``structure``).

    ``shipment_id`` (BSN02) defaults to the first shipment's source ID, else its order number.
    """
    if not shipments:
        raise X12WriteError("an 856 needs at least one shipment")
    structure = structure or partner.ship_notice.structure
    zone = partner.zone
    shipped_at = _same([s.shipped_at.astimezone(zone) for s in shipments], "ship date and time")
    assert isinstance(shipped_at, datetime)
    scac = _same([s.carrier.scac if s.carrier else None for s in shipments], "carrier")
    service = _same([s.service for s in shipments], "service")
    ship_from = _same([s.ship_from_location_id for s in shipments], "ship-from location")
    first = shipments[0]
    number = shipment_id or (first.source.id if first.source else None) or first.order.number or first.order.canonical_id
    trackings = {s.tracking_number for s in shipments}
    common_tracking = first.tracking_number if len(trackings) == 1 else None
    ship_tos = [s.ship_to for s in shipments]
    common_ship_to = first.ship_to if all(a == first.ship_to for a in ship_tos) else None

    tree = _Hierarchy()
    header = [
        segment("BSN", "00", checked(number, "BSN02", 30, min_length=2), x12_date(shipped_at), x12_time(shipped_at), structure)
    ]
    s_segments: list[Segment | None] = [
        carrier_segment(partner, scac if isinstance(scac, str) else None, service if isinstance(service, str) else None),
        segment("REF", "CN", checked(common_tracking, "REF02 (CN)", 30)) if common_tracking else None,
        segment("DTM", "011", x12_date(shipped_at), x12_time(shipped_at)),
    ]
    if isinstance(ship_from, str):
        s_segments.append(segment("N1", "SF", None, "92", checked(partner.location_out(ship_from), "N1*SF N104", 80, min_length=2)))
    if common_ship_to is not None:
        s_segments += address_segments("ST", common_ship_to, release=partner.release)
    s_level = tree.level("S", None, s_segments)
    for shipment in shipments:
        order_number = shipment.order.number or (shipment.order.source.id if shipment.order.source else shipment.order.canonical_id)
        o_segments: list[Segment | None] = [segment("PRF", checked(order_number, "PRF01", 22))]
        if common_tracking is None and shipment.tracking_number:
            o_segments.append(segment("REF", "CN", checked(shipment.tracking_number, "REF02 (CN)", 30)))
        if common_ship_to is None and shipment.ship_to is not None:
            o_segments += address_segments("ST", shipment.ship_to, release=partner.release)
        o_level = tree.level("O", s_level, o_segments)
        _write_items(tree, partner, shipment, o_level, structure)
    tree.finish()
    body = header + tree.body + [segment("CTT", str(tree.count), str(tree.hash_total))]
    return RenderedSet("856", body, f"856 {number}")


def _write_items(tree: _Hierarchy, partner: PartnerProfile, shipment: Shipment, o_level: int, structure: str) -> None:
    totals = _aggregate(shipment.lines)
    packed: dict[tuple[str | None, str], int] = {}
    for package in shipment.packages:
        for key, quantity in _aggregate(package.lines).items():
            packed[key] = packed.get(key, 0) + quantity
    loose: dict[tuple[str | None, str], int] = {}
    for key, quantity in {**{k: 0 for k in packed}, **totals}.items():
        remaining = quantity - packed.get(key, 0)
        if remaining < 0:
            raise X12WriteError(
                f"shipment of order {shipment.order.number}: packages hold {packed[key]} of {key[1]} "
                f"(line {key[0]}) but its lines ship only {quantity}"
            )
        if remaining:
            loose[key] = remaining
    if structure == "0001":
        for package in shipment.packages:
            p_level = tree.level("P", o_level, _pack_segments(package))
            for (line_id, sku), quantity in _aggregate(package.lines).items():
                tree.level("I", p_level, _line_segments(partner, line_id, sku, quantity))
        for (line_id, sku), quantity in loose.items():
            tree.level("I", o_level, _line_segments(partner, line_id, sku, quantity))
    elif structure == "0002":
        for package in shipment.packages:
            if len(_aggregate(package.lines)) > 1 and not (package.sscc or package.tracking_number):
                raise X12WriteError(
                    "structure 0002 names a carton under each item it holds: a package with several items needs an SSCC "
                    "or tracking number to be recognised as one carton"
                )
        for key, quantity in totals.items():
            i_level = tree.level("I", o_level, _line_segments(partner, key[0], key[1], quantity))
            for package in shipment.packages:
                in_pack = _aggregate(package.lines).get(key)
                if in_pack:
                    quantity_in_pack = _line_segments(partner, key[0], key[1], in_pack)[1]
                    tree.level("P", i_level, [quantity_in_pack, *_pack_segments(package)])
        for package in shipment.packages:
            if not package.lines:
                tree.level("P", o_level, _pack_segments(package))
    else:
        for package in shipment.packages:
            if not package.lines:
                raise X12WriteError("structure 0004 has no pack level: an empty package cannot be sent")
            if not (package.sscc or package.tracking_number):
                raise X12WriteError("structure 0004 marks cartons on items: every package needs an SSCC or tracking number")
            marks = [s for s in _pack_segments(package) if s.id == "MAN"]
            for (line_id, sku), quantity in _aggregate(package.lines).items():
                tree.level("I", o_level, [*_line_segments(partner, line_id, sku, quantity), *marks])
        for (line_id, sku), quantity in loose.items():
            tree.level("I", o_level, _line_segments(partner, line_id, sku, quantity))

