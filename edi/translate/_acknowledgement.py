"""855 purchase order acknowledgments both ways.

BAK02 gives the header status: RJ/RD reject; AC (with changes) and AE (exceptions only) accept
with changes; AD/AK/AT/AP accept, unless a line says otherwise (a partner that sends ``AD`` with a
rejected line did change the order, and the lines carry the detail).  Each ACK in a PO1 loop
becomes one :class:`AcknowledgementLine` (``IA`` accepted; ``IR``/``ID``/``R*`` rejected;
``IB``/``BP`` backordered; ``IC``/``IQ``/``IP``/``DR``/``IS``… changed) with ACK02 as its
quantity and ACK05, else the line's DTM or SCH date, as the expected ship date.  A PO1 without
ACK takes its status from the header and its quantity from PO102.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import ValidationError

from crossdock.core.models import (
    AcknowledgementLine,
    AcknowledgementStatus,
    LineAcknowledgementStatus,
    Money,
    OrderAcknowledgement,
    SourceRef,
)

from ..errors import X12WriteError
from ..partners import PartnerProfile
from ..segments import Segment
from ._build import RenderedSet, checked, segment, x12_date, x12_decimal
from ._context import SetContext, read_item_ids
from ._purchase_order import item_id_elements

__all__ = ["translate_855", "render_855", "LINE_STATUS_CODES", "HEADER_STATUS_CODES"]

HEADER_STATUS_CODES: dict[str, AcknowledgementStatus] = {
    "AC": AcknowledgementStatus.ACCEPTED_WITH_CHANGES,
    "AE": AcknowledgementStatus.ACCEPTED_WITH_CHANGES,
    "AD": AcknowledgementStatus.ACCEPTED,
    "AK": AcknowledgementStatus.ACCEPTED,
    "AT": AcknowledgementStatus.ACCEPTED,
    "AP": AcknowledgementStatus.ACCEPTED,
    "RD": AcknowledgementStatus.REJECTED,
    "RJ": AcknowledgementStatus.REJECTED,
    "RF": AcknowledgementStatus.REJECTED,
}
"""BAK02 (element 587) codes Crossdock reads."""

_ACCEPTED, _REJECTED = LineAcknowledgementStatus.ACCEPTED, LineAcknowledgementStatus.REJECTED
_BACKORDERED, _CHANGED = LineAcknowledgementStatus.BACKORDERED, LineAcknowledgementStatus.CHANGED

LINE_STATUS_CODES: dict[str, LineAcknowledgementStatus] = {
    "IA": _ACCEPTED,
    "AC": _ACCEPTED,
    "IR": _REJECTED,
    "ID": _REJECTED,
    **{f"R{n}": _REJECTED for n in range(1, 9)},
    "IB": _BACKORDERED,
    "BP": _BACKORDERED,
    "IW": _BACKORDERED,
    "IH": _BACKORDERED,
    "IC": _CHANGED,
    "IQ": _CHANGED,
    "IP": _CHANGED,
    "IS": _CHANGED,
    "IF": _CHANGED,
    "IE": _CHANGED,
    "DR": _CHANGED,
    "SP": _CHANGED,
}
"""ACK01 (element 668) codes Crossdock reads."""

_LINE_STATUS_OUT = {_ACCEPTED: "IA", _REJECTED: "IR", _BACKORDERED: "IB", _CHANGED: "IC"}
_SHIP_DATE_QUALIFIERS = ("068", "067", "010", "011", "017", "002")
"""Line DTM qualifiers read as the expected ship date: current schedule ship first."""


def _split_855(body: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    header: list[Segment] = []
    lines: list[list[Segment]] = []
    summary: list[Segment] = []
    current = header
    for seg in body:
        if seg.id == "PO1":
            lines.append([seg])
            current = lines[-1]
        elif seg.id == "CTT":
            current = summary
            summary.append(seg)
        else:
            current.append(seg)
    return header, lines, summary


def translate_855(ctx: SetContext) -> tuple[list[OrderAcknowledgement], str | None]:
    header, loops, _ = _split_855(ctx.body)
    bak = next((s for s in header if s.id == "BAK"), None)
    if bak is None:
        ctx.missing(None, "BAK", "an 855 starts with BAK")
        return [], None
    start_errors = ctx.error_count
    purpose = ctx.text(bak, 1)
    number = ctx.required(bak, 3, "purchase order number")
    type_code = ctx.text(bak, 2)
    status = HEADER_STATUS_CODES.get(type_code or "")
    if status is None:
        ctx.issue(
            bak, f"BAK02 {type_code!r} is not an acknowledgment type Crossdock reads", element=2, code="unknown-code"
        )
    acknowledged_on = ctx.date(bak, 9) or ctx.date(bak, 4)
    acknowledged_at = ctx.moment(acknowledged_on) if acknowledged_on else ctx.envelope_moment()
    if acknowledged_at is None:
        ctx.issue(bak, "BAK09 and BAK04 hold no date to date the acknowledgment by", element=4, code="missing-element")
    currency = ctx.currency(next((s for s in header if s.id == "CUR"), None)) or ctx.partner.defaults.currency

    lines: list[AcknowledgementLine] = []
    for ordinal, loop in enumerate(loops, start=1):
        lines += _read_line(ctx, loop, ordinal, currency, status)
    if ctx.error_count > start_errors or number is None or status is None or acknowledged_at is None:
        return [], purpose
    if status is AcknowledgementStatus.ACCEPTED and any(line.status is not _ACCEPTED for line in lines):
        status = AcknowledgementStatus.ACCEPTED_WITH_CHANGES
    try:
        ack = OrderAcknowledgement(
            source=SourceRef(system=ctx.partner.source_system, id=number),
            purchase_order_number=number,
            partner_id=ctx.partner.id,
            status=status,
            acknowledged_at=acknowledged_at,
            lines=lines,
        )
    except ValidationError as exc:
        ctx.refused(bak, "order acknowledgement", exc)
        return [], purpose
    return [ack], purpose


def _read_line(
    ctx: SetContext,
    loop: list[Segment],
    ordinal: int,
    currency: str,
    header_status: AcknowledgementStatus | None,
) -> list[AcknowledgementLine]:
    po1 = loop[0]
    line_number = ctx.text(po1, 1) or str(ordinal)
    ordered = ctx.quantity(po1, 2)
    price = ctx.decimal(po1, 4, "a unit price")
    ids = read_item_ids(po1, 6, ctx.partner)
    unit_cost = Money(amount=price, currency=currency) if price is not None else None
    line_date = _line_ship_date(ctx, loop)
    acks = [s for s in loop if s.id == "ACK"]
    found: list[AcknowledgementLine] = []
    if not acks:
        if header_status is None:
            return []
        if ordered is None:
            ctx.issue(po1, "PO102 is empty and the line has no ACK to give its quantity", element=2, code="missing-element")
            return []
        status = _REJECTED if header_status is AcknowledgementStatus.REJECTED else _ACCEPTED
        try:
            found.append(
                AcknowledgementLine(
                    line_number=line_number,
                    sku=ids.sku,
                    status=status,
                    quantity=ordered,
                    unit_cost=unit_cost,
                    expected_ship_date=line_date,
                )
            )
        except ValidationError as exc:
            ctx.refused(po1, "acknowledgement line", exc)
        return found
    for ack in acks:
        code = ctx.text(ack, 1)
        status = LINE_STATUS_CODES.get(code or "")
        if status is None:
            ctx.issue(ack, f"ACK01 {code!r} is not a line status Crossdock reads", element=1, code="unknown-code")
            continue
        quantity = ctx.quantity(ack, 2)
        if quantity is None:
            if ctx.text(ack, 2) is not None:
                continue
            if ordered is None:
                ctx.issue(ack, "ACK02 and PO102 are both empty: the line has no quantity", element=2, code="missing-element")
                continue
            quantity = 0 if status is _REJECTED else ordered
        ack_date = ctx.date(ack, 5) if ctx.text(ack, 4) in (None, *_SHIP_DATE_QUALIFIERS) else None
        try:
            found.append(
                AcknowledgementLine(
                    line_number=line_number,
                    sku=ids.sku,
                    status=status,
                    quantity=quantity,
                    unit_cost=unit_cost,
                    expected_ship_date=ack_date or line_date,
                )
            )
        except ValidationError as exc:
            ctx.refused(ack, "acknowledgement line", exc)
    return found


def _line_ship_date(ctx: SetContext, loop: Sequence[Segment]) -> date | None:
    dates: dict[str, date] = {}
    for dtm in (s for s in loop if s.id == "DTM"):
        qualifier, day = ctx.text(dtm, 1), ctx.date(dtm, 2)
        if qualifier and day is not None:
            dates.setdefault(qualifier, day)
    for qualifier in _SHIP_DATE_QUALIFIERS:
        if qualifier in dates:
            return dates[qualifier]
    sch = next((s for s in loop if s.id == "SCH"), None)
    return ctx.date(sch, 6) if sch is not None else None


# -- writing --------------------------------------------------------------------------------------


def render_855(ack: OrderAcknowledgement, partner: PartnerProfile) -> RenderedSet:
    """The body of an 855 for ``ack``: BAK, then per line number a PO1 with one ACK per canonical line."""
    has_lines = bool(ack.lines)
    code = {
        AcknowledgementStatus.ACCEPTED: "AD" if has_lines else "AK",
        AcknowledgementStatus.ACCEPTED_WITH_CHANGES: "AC",
        AcknowledgementStatus.REJECTED: "RD" if has_lines else "RJ",
    }[ack.status]
    day = x12_date(ack.acknowledged_at.astimezone(partner.zone))
    number = checked(ack.purchase_order_number, "BAK03", 22)
    body: list[Segment] = [segment("BAK", "00", code, number, day, None, None, None, None, day)]
    currencies = {line.unit_cost.currency for line in ack.lines if line.unit_cost is not None}
    if len(currencies) > 1:
        raise X12WriteError(f"855 for {ack.purchase_order_number}: lines are priced in {sorted(currencies)}, one CUR cannot say that")
    if currencies:
        body.append(segment("CUR", "SE", currencies.pop()))
    groups: dict[str, list[AcknowledgementLine]] = {}
    for line in ack.lines:
        groups.setdefault(line.line_number, []).append(line)
    for line_number, lines in groups.items():
        first = lines[0]
        price = x12_decimal(first.unit_cost.amount, "PO104", max_length=17) if first.unit_cost is not None else None
        body.append(
            segment(
                "PO1",
                checked(line_number, "PO101", 20),
                str(sum(line.quantity for line in lines)),
                partner.unit_out("EA"),
                price,
                "PE" if price is not None else None,
                *item_id_elements(partner, first.sku, None, None, "PO1"),
            )
        )
        for line in lines:
            shipped = x12_date(line.expected_ship_date) if line.expected_ship_date else None
            body.append(
                segment(
                    "ACK",
                    _LINE_STATUS_OUT[line.status],
                    str(line.quantity),
                    partner.unit_out("EA"),
                    "068" if shipped else None,
                    shipped,
                )
            )
    if groups:
        body.append(segment("CTT", str(len(groups)), str(sum(line.quantity for line in ack.lines))))
    return RenderedSet("855", body, f"855 {ack.purchase_order_number}")
