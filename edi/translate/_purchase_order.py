"""850 purchase orders both ways.

Read: BEG (purpose, type: DS is a dropship PO, SA/NE and others standard; number; date), CUR,
REF (the customer order behind a dropship PO), PER (buyer contact), DTM (ship by: 038 ship no
later, 010 requested ship, 002 delivery requested, 106 required by; 001 cancel after), TD5
(carrier, service), N9/MSG (note), N1 loops (ST ship-to, BT bill-to, BY buyer), PO1 loops
(line number, quantity, unit, price, item IDs per the partner's qualifier lists, PID
description, line REF) and CTT (checked).  Partner data the canonical PO has no place for (FOB,
ITD terms, PO4 packing, SAC charges) is read past.

Written: the same subset, in the partner's qualifiers and units.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from pydantic import ValidationError

from crossdock.core.models import (
    Address,
    Contact,
    Money,
    OrderRef,
    PurchaseOrder,
    PurchaseOrderKind,
    PurchaseOrderLine,
    SourceRef,
)

from ..errors import X12WriteError
from ..partners import PartnerProfile
from ..segments import Segment
from ._build import RenderedSet, checked, gtin_qualifier, segment, split_text, x12_date, x12_decimal
from ._context import SetContext, read_item_ids
from ._parties import PartyLoop, address_segments, per_segment, read_address, read_contact, split_party_loops

__all__ = ["translate_850", "render_850", "SHIP_BY_QUALIFIERS", "read_note", "note_segments", "read_carrier"]

SHIP_BY_QUALIFIERS = ("038", "010", "002", "106")
"""DTM01 qualifiers read as the ship-by date, most specific first."""
CANCEL_AFTER_QUALIFIER = "001"
_BUYER_ENTITIES = ("BY", "OB")
_MSG_WIDTH = 264
_PID_WIDTH = 80


def _split_850(body: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    header: list[Segment] = []
    lines: list[list[Segment]] = []
    summary: list[Segment] = []
    current = header
    for seg in body:
        if seg.id == "PO1":
            lines.append([seg])
            current = lines[-1]
        elif seg.id in ("CTT", "AMT") and (seg.id == "CTT" or current is summary):
            summary.append(seg)
            current = summary
        else:
            current.append(seg)
    return header, lines, summary


def read_note(ctx: SetContext, segments: Sequence[Segment]) -> str | None:
    """MSG texts as one note: a MSG whose MSG02 is ``LC`` continues the line before it."""
    lines: list[str] = []
    for msg in (s for s in segments if s.id == "MSG"):
        text = msg.element(1).strip()
        if not text:
            continue
        if msg.element(2).strip() == "LC" and lines:
            lines[-1] += " " + text
        else:
            lines.append(text)
    return "\n".join(lines) or None


def note_segments(note: str | None) -> list[Segment]:
    """N9*L1 and MSG lines for a note (continuations marked ``LC``)."""
    if not note:
        return []
    found = [segment("N9", "L1", "NOTE")]
    for line in note.splitlines():
        for index, piece in enumerate(split_text(line.strip(), _MSG_WIDTH)):
            found.append(segment("MSG", piece, "LC" if index else None))
    return found if len(found) > 1 else []


def read_carrier(ctx: SetContext, td5s: Sequence[Segment]) -> tuple[str | None, str | None]:
    """(SCAC, service) from TD5 segments: TD503 with TD502 ``2`` (SCAC) or a code the partner maps;
    the service from TD512 (service level code), else TD505 (routing)."""
    scac = service = None
    for td5 in td5s:
        code = ctx.text(td5, 3)
        if code and scac is None:
            qualifier = ctx.text(td5, 2)
            if qualifier == "2":
                scac = ctx.partner.carrier_in(code)
            else:
                scac = ctx.partner.codes.carriers.get(code)
            if scac is None:
                ctx.warn(
                    td5,
                    f"TD503 {code!r} (qualifier TD502 {qualifier!r}) is not a SCAC the partner profile's carrier list maps; "
                    "the carrier is left unknown",
                    element=3,
                    code="unmapped-code",
                )
        if service is None:
            service = ctx.text(td5, 12) or ctx.text(td5, 5)
    return scac, service


def _first(segments: Sequence[Segment], segment_id: str) -> Segment | None:
    return next((s for s in segments if s.id == segment_id), None)


def _dates(ctx: SetContext, segments: Sequence[Segment]) -> dict[str, date]:
    found: dict[str, date] = {}
    for dtm in (s for s in segments if s.id == "DTM"):
        qualifier = ctx.text(dtm, 1)
        day = ctx.date(dtm, 2)
        if qualifier and day is not None:
            found.setdefault(qualifier, day)
    return found


def _check_ctt(ctx: SetContext, ctt: Segment | None, count: int, quantities: Sequence[int | None]) -> None:
    if ctt is None:
        return
    declared = ctx.text(ctt, 1)
    if declared is not None and (not declared.isdigit() or int(declared) != count):
        ctx.warn(ctt, f"CTT01 says {declared!r} line items, the set has {count}", element=1, code="count-mismatch")
    hash_total = ctx.decimal(ctt, 2, "a hash total")
    if hash_total is not None and None not in quantities and hash_total != sum(q for q in quantities if q is not None):
        ctx.warn(
            ctt,
            f"CTT02 hash total {hash_total} differs from the sum of the quantities ({sum(q or 0 for q in quantities)})",
            element=2,
            code="count-mismatch",
        )


def translate_850(ctx: SetContext) -> tuple[list[PurchaseOrder], str | None]:
    """The set as one :class:`PurchaseOrder` (or none, with issues); and BEG01, its purpose code."""
    header, line_loops, summary = _split_850(ctx.body)
    beg = _first(header, "BEG")
    if beg is None:
        ctx.missing(None, "BEG", "an 850 starts with BEG")
        return [], None
    purpose = ctx.text(beg, 1)
    start_errors = ctx.error_count
    partner = ctx.partner

    number = ctx.required(beg, 3, "purchase order number")
    type_code = ctx.text(beg, 2)
    kind = PurchaseOrderKind.DROPSHIP if type_code == "DS" else PurchaseOrderKind.STANDARD
    if type_code not in (None, "DS", "SA", "NE"):
        ctx.warn(beg, f"BEG02 {type_code!r} is read as a standard purchase order", element=2, code="assumed")
    ordered_on = ctx.date(beg, 5)
    ordered_at = ctx.moment(ordered_on) if ordered_on is not None else None
    if ordered_at is None and not ctx.text(beg, 5):
        ordered_at = ctx.envelope_moment()
        ctx.warn(beg, "BEG05 (purchase order date) is empty; the group's date is used", element=5, code="assumed")

    rest, parties = split_party_loops(header)
    currency = ctx.currency(_first(rest, "CUR")) or partner.defaults.currency
    order_ref = None
    note = read_note(ctx, rest)
    for ref in (s for s in rest if s.id == "REF"):
        qualifier, value = ctx.text(ref, 1), ctx.text(ref, 2)
        if qualifier == partner.mapping.customer_order_reference and value and order_ref is None:
            order_ref = OrderRef(number=value)
        elif qualifier == "ZZ" and note is None:
            note = ctx.text(ref, 3) or value
    dates = _dates(ctx, rest)
    ship_by = next((dates[q] for q in SHIP_BY_QUALIFIERS if q in dates), None)
    cancel_after = dates.get(CANCEL_AFTER_QUALIFIER)
    scac, service = read_carrier(ctx, [s for s in rest if s.id == "TD5"])

    ship_to = bill_to = None
    buyer_loop: PartyLoop | None = None
    for party in parties:
        if party.entity == "ST" and ship_to is None:
            ship_to = read_address(ctx, party)
        elif party.entity == "BT" and bill_to is None:
            bill_to = read_address(ctx, party)
        elif party.entity in _BUYER_ENTITIES and buyer_loop is None:
            buyer_loop = party
    header_per = _first(rest, "PER")
    buyer_per = (buyer_loop.first("PER") if buyer_loop else None) or header_per
    buyer = read_contact(ctx, buyer_loop, buyer_per)

    lines: list[PurchaseOrderLine] = []
    quantities: list[int | None] = []
    for ordinal, loop in enumerate(line_loops, start=1):
        line, quantity = _read_line(ctx, loop, ordinal, currency)
        quantities.append(quantity)
        if line is not None:
            lines.append(line)
    if not line_loops:
        ctx.missing(beg, "PO1", "a purchase order needs at least one line")
    _check_ctt(ctx, _first(summary, "CTT"), len(line_loops), quantities)

    if ctx.error_count > start_errors or number is None or ordered_at is None:
        return [], purpose
    try:
        po = PurchaseOrder(
            source=SourceRef(system=partner.source_system, id=number),
            number=number,
            kind=kind,
            partner_id=partner.id,
            order=order_ref,
            ordered_at=ordered_at,
            currency=currency,
            ship_to=ship_to,
            bill_to=bill_to,
            buyer=buyer,
            lines=lines,
            ship_by=ship_by,
            cancel_after=cancel_after,
            carrier_scac=scac,
            service_level=service,
            note=note,
        )
    except ValidationError as exc:
        ctx.refused(beg, "purchase order", exc)
        return [], purpose
    return [po], purpose


def _read_line(
    ctx: SetContext, loop: list[Segment], ordinal: int, currency: str
) -> tuple[PurchaseOrderLine | None, int | None]:
    po1 = loop[0]
    start_errors = ctx.error_count
    partner = ctx.partner
    line_number = ctx.text(po1, 1) or str(ordinal)
    quantity = ctx.quantity(po1, 2, allow_zero=False)
    if quantity is None and not ctx.text(po1, 2):
        ctx.issue(po1, "PO102 (quantity ordered) is empty", element=2, code="missing-element")
    unit = partner.unit_in(ctx.text(po1, 3) or "EA")
    price = ctx.decimal(po1, 4, "a unit price")
    ids = read_item_ids(po1, 6, partner)
    if ids.sku is None:
        ctx.issue(po1, "no item number in PO106–PO125 to use as the SKU", code="missing-element")
    descriptions = [ctx.text(pid, 5) for pid in loop if pid.id == "PID" and ctx.text(pid, 1) in ("F", None)]
    description = " ".join(d for d in descriptions if d) or ids.description
    order_line_id = None
    for ref in (s for s in loop if s.id == "REF"):
        if ctx.text(ref, 1) == partner.mapping.order_line_reference:
            order_line_id = ctx.text(ref, 2)
    if ctx.error_count > start_errors or ids.sku is None or quantity is None:
        return None, quantity
    try:
        line = PurchaseOrderLine(
            line_number=line_number,
            sku=ids.sku,
            vendor_sku=ids.partner_item,
            gtin=ids.gtin,
            description=description,
            quantity=quantity,
            unit_of_measure=unit,
            unit_cost=Money(amount=price, currency=currency) if price is not None else None,
            order_line_id=order_line_id,
        )
    except ValidationError as exc:
        ctx.refused(po1, "purchase order line", exc)
        return None, quantity
    return line, quantity


# -- writing --------------------------------------------------------------------------------------


def item_id_elements(
    partner: PartnerProfile, sku: str | None, partner_item: str | None, gtin: str | None, element: str
) -> list[str | None]:
    """Qualifier/ID pairs for a line: the merchant SKU, the partner's item number, the GTIN."""
    ids = partner.mapping.item_ids
    pairs: list[str | None] = []
    if sku:
        pairs += [ids.sku[0], checked(sku, f"{element} ({ids.sku[0]})", 48)]
    if partner_item and ids.partner_item:
        pairs += [ids.partner_item[0], checked(partner_item, f"{element} ({ids.partner_item[0]})", 48)]
    if gtin:
        qualifier = gtin_qualifier(gtin, ids.gtin)
        pairs += [qualifier, checked(gtin, f"{element} ({qualifier})", 48)]
    return pairs


def description_segments(description: str | None) -> list[Segment]:
    if not description:
        return []
    return [segment("PID", "F", None, None, None, piece) for piece in split_text(description, _PID_WIDTH)]


def carrier_segment(partner: PartnerProfile, scac: str | None, service: str | None) -> Segment | None:
    if not (scac or service):
        return None
    code = partner.carrier_out(scac) if scac else None
    return segment("TD5", None, "2" if code else None, code, None, checked(service, "TD505", 35))


def render_850(po: PurchaseOrder, partner: PartnerProfile) -> RenderedSet:
    """The body of an 850 for ``po`` in the partner's codes."""
    zone = partner.zone
    body: list[Segment] = [
        segment(
            "BEG",
            "00",
            "DS" if po.kind is PurchaseOrderKind.DROPSHIP else "SA",
            checked(po.number, "BEG03", 22),
            None,
            x12_date(po.ordered_at.astimezone(zone)),
        )
    ]
    currency = po.currency or partner.defaults.currency
    if po.currency:
        body.append(segment("CUR", "BY", po.currency))
    if po.order is not None:
        number = po.order.number or (po.order.source.id if po.order.source else None) or po.order.canonical_id
        ref_width = 50 if partner.release >= 5010 else 30
        body.append(segment("REF", partner.mapping.customer_order_reference, checked(number, "REF02 (customer order)", ref_width)))
    buyer: Contact | None = po.buyer
    if buyer is not None:
        per = per_segment("BD", checked(buyer.name, "PER02", 60), buyer.phone, buyer.email)
        if per is not None:
            body.append(per)
    if po.ship_by is not None:
        body.append(segment("DTM", "010", x12_date(po.ship_by)))
    if po.cancel_after is not None:
        body.append(segment("DTM", CANCEL_AFTER_QUALIFIER, x12_date(po.cancel_after)))
    td5 = carrier_segment(partner, po.carrier_scac, po.service_level)
    if td5 is not None:
        body.append(td5)
    body += note_segments(po.note)
    for entity, address in (("ST", po.ship_to), ("BT", po.bill_to)):
        if address is not None:
            body += _party(entity, address, partner)
    if buyer is not None and (buyer.company or buyer.external_id):
        body.append(
            segment(
                "N1",
                "BY",
                checked(buyer.company, "N1*BY N102", 60),
                "92" if buyer.external_id else None,
                checked(buyer.external_id, "N1*BY N104", 80, min_length=2),
            )
        )
    total = Decimal(0)
    priced = True
    for line in po.lines:
        if line.unit_cost is not None and line.unit_cost.currency != currency:
            raise X12WriteError(f"PO104 of line {line.line_number}: {line.unit_cost.currency} differs from the PO's {currency}")
        price = x12_decimal(line.unit_cost.amount, "PO104", max_length=17) if line.unit_cost is not None else None
        body.append(
            segment(
                "PO1",
                checked(line.line_number, "PO101", 20),
                str(line.quantity),
                partner.unit_out(line.unit_of_measure),
                price,
                "PE" if price is not None else None,
                *item_id_elements(partner, line.sku, line.vendor_sku, line.gtin, "PO1"),
            )
        )
        body += description_segments(line.description)
        if line.order_line_id:
            body.append(segment("REF", partner.mapping.order_line_reference, checked(line.order_line_id, "REF02 (order line)", 30)))
        if line.unit_cost is None:
            priced = False
        else:
            total += line.unit_cost.amount * line.quantity
    body.append(segment("CTT", str(len(po.lines)), str(sum(line.quantity for line in po.lines))))
    if priced:
        body.append(segment("AMT", "TT", x12_decimal(total, "AMT02", max_length=18)))
    return RenderedSet("850", body, f"850 {po.number}")


def _party(entity: str, address: Address, partner: PartnerProfile) -> list[Segment]:
    return address_segments(entity, address, release=partner.release)
