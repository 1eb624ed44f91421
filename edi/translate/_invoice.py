"""810 invoices both ways.

Read: BIG (date, number, PO number, BIG08 purpose), CUR, REF (customer order), N1 (BT bill-to,
RI/RE remit-to), ITD (terms text ITD12; due date ITD06, else invoice date plus ITD07 net days),
IT1 loops (line, quantity, unit, unit price, item IDs, PID), TDS (the total, in cents: TDS01 has
two implied decimals), TXI and SAC*C*H850 (tax), SAC*C*D240 (freight), SAC*A (allowances), CTT.
A total that disagrees with the lines and charges is reported as a warning and kept as the
partner stated it: the invoice is what it says, disputes are for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from pydantic import ValidationError

from crossdock.core.models import Invoice, InvoiceLine, Money, OrderRef, SourceRef

from ..errors import X12WriteError
from ..partners import PartnerProfile
from ..segments import Segment
from ._build import RenderedSet, checked, segment, x12_cents, x12_date, x12_decimal
from ._context import SetContext, read_item_ids
from ._parties import address_segments, read_address, split_party_loops
from ._purchase_order import description_segments, item_id_elements

__all__ = ["translate_810", "render_810", "FREIGHT_CODES", "TAX_CODES"]

FREIGHT_CODES = frozenset({"D240", "G830"})
"""SAC02 charge codes read as shipping: freight, shipping and handling."""
TAX_CODES = frozenset({"H850", "H750", "H770"})
"""SAC02 charge codes read as tax."""
_REMIT_ENTITIES = ("RI", "RE")


def _split_810(body: Sequence[Segment]) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    header: list[Segment] = []
    lines: list[list[Segment]] = []
    summary: list[Segment] = []
    current = header
    for seg in body:
        if seg.id == "IT1":
            lines.append([seg])
            current = lines[-1]
        elif seg.id == "TDS":
            current = summary
            summary.append(seg)
        else:
            current.append(seg)
    return header, lines, summary


def translate_810(ctx: SetContext) -> tuple[list[Invoice], str | None]:
    header, line_loops, summary = _split_810(ctx.body)
    big = next((s for s in header if s.id == "BIG"), None)
    if big is None:
        ctx.missing(None, "BIG", "an 810 starts with BIG")
        return [], None
    start = ctx.error_count
    partner = ctx.partner
    purpose = ctx.text(big, 8)
    invoice_date = ctx.date(big, 1)
    if invoice_date is None and ctx.text(big, 1) is None:
        ctx.issue(big, "BIG01 (invoice date) is empty", element=1, code="missing-element")
    number = ctx.required(big, 2, "invoice number")
    po_number = ctx.text(big, 4)
    rest, parties = split_party_loops(header)
    currency = ctx.currency(next((s for s in rest if s.id == "CUR"), None)) or partner.defaults.currency
    order = None
    for ref in (s for s in rest if s.id == "REF"):
        if ctx.text(ref, 1) == partner.mapping.customer_order_reference and ctx.text(ref, 2) and order is None:
            order = OrderRef(number=ctx.text(ref, 2))
    bill_to = remit_to = None
    for party in parties:
        if party.entity == "BT" and bill_to is None:
            bill_to = read_address(ctx, party)
        elif party.entity in _REMIT_ENTITIES and remit_to is None:
            remit_to = read_address(ctx, party)
    terms, due_date = None, None
    itd = next((s for s in rest if s.id == "ITD"), None)
    if itd is not None:
        terms = ctx.text(itd, 12)
        due_date = ctx.date(itd, 6)
        net_days = ctx.quantity(itd, 7)
        if due_date is None and net_days is not None and invoice_date is not None:
            if net_days > 3660:
                ctx.issue(itd, f"ITD07 {net_days} is not a usable number of net days", element=7, code="bad-number")
            else:
                due_date = invoice_date + timedelta(days=net_days)

    lines: list[InvoiceLine] = []
    line_total = Decimal(0)
    for ordinal, loop in enumerate(line_loops, start=1):
        line = _read_line(ctx, loop, ordinal, currency)
        if line is not None:
            lines.append(line)
            line_total += line.unit_price.amount * line.quantity
    if not line_loops:
        ctx.missing(big, "IT1", "an invoice needs at least one line")

    tds = next((s for s in summary if s.id == "TDS"), None)
    total = ctx.implied(tds, 1) if tds is not None else None
    if tds is None:
        ctx.missing(big, "TDS", "the invoice total is mandatory")
    elif total is None and ctx.text(tds, 1) is None:
        ctx.issue(tds, "TDS01 (total invoice amount) is empty", element=1, code="missing-element")
    shipping = tax = allowances = other = Decimal(0)
    has_shipping = has_tax = has_allowances = False
    for seg in summary:
        if seg.id == "TXI":
            amount = ctx.decimal(seg, 2, "a tax amount")
            if amount is not None:
                tax += amount
                has_tax = True
        elif seg.id == "SAC":
            indicator, code, amount = ctx.text(seg, 1), ctx.text(seg, 2), ctx.implied(seg, 5)
            if amount is None:
                continue
            if indicator == "A":
                allowances += amount
                has_allowances = True
            elif code in FREIGHT_CODES:
                shipping += amount
                has_shipping = True
            elif code in TAX_CODES:
                tax += amount
                has_tax = True
            else:
                other += amount
                ctx.warn(seg, f"SAC02 charge {code!r} is neither freight nor tax; it counts in the total only", element=2)
        elif seg.id == "CTT":
            declared = ctx.text(seg, 1)
            if declared is not None and (not declared.isdigit() or int(declared) != len(line_loops)):
                ctx.warn(seg, f"CTT01 says {declared!r} line items, the set has {len(line_loops)}", element=1, code="count-mismatch")
    if total is not None and len(lines) == len(line_loops):
        expected = line_total + shipping + tax + other - allowances
        if expected != total:
            ctx.warn(
                tds,
                f"TDS01 total {total} differs from lines plus charges less allowances ({expected}); the stated total is kept",
                element=1,
                code="total-mismatch",
            )
    if ctx.error_count > start or number is None or invoice_date is None or total is None:
        return [], purpose

    def money(amount: Decimal, present: bool) -> Money | None:
        return Money(amount=amount, currency=currency) if present else None

    try:
        invoice = Invoice(
            source=SourceRef(system=partner.source_system, id=number),
            number=number,
            partner_id=partner.id,
            purchase_order_number=po_number,
            order=order,
            invoice_date=invoice_date,
            due_date=due_date,
            currency=currency,
            bill_to=bill_to,
            remit_to=remit_to,
            lines=lines,
            shipping=money(shipping, has_shipping),
            tax=money(tax, has_tax),
            allowances=money(allowances, has_allowances),
            total=Money(amount=total, currency=currency),
            terms=terms,
        )
    except ValidationError as exc:
        ctx.refused(big, "invoice", exc)
        return [], purpose
    return [invoice], purpose


def _read_line(ctx: SetContext, loop: list[Segment], ordinal: int, currency: str) -> InvoiceLine | None:
    it1 = loop[0]
    start = ctx.error_count
    quantity = ctx.quantity(it1, 2, allow_zero=False)
    if quantity is None and ctx.text(it1, 2) is None:
        ctx.issue(it1, "IT102 (quantity invoiced) is empty", element=2, code="missing-element")
    price = ctx.decimal(it1, 4, "a unit price")
    if price is None and ctx.text(it1, 4) is None:
        ctx.issue(it1, "IT104 (unit price) is empty", element=4, code="missing-element")
    ids = read_item_ids(it1, 6, ctx.partner)
    if ids.sku is None:
        ctx.issue(it1, "no item number in IT106–IT125 to use as the SKU", code="missing-element")
    descriptions = [ctx.text(pid, 5) for pid in loop if pid.id == "PID" and ctx.text(pid, 1) in ("F", None)]
    if ctx.error_count > start or quantity is None or price is None or ids.sku is None:
        return None
    try:
        return InvoiceLine(
            line_number=ctx.text(it1, 1) or str(ordinal),
            sku=ids.sku,
            quantity=quantity,
            unit_price=Money(amount=price, currency=currency),
            description=" ".join(d for d in descriptions if d) or ids.description,
            unit_of_measure=ctx.partner.unit_in(ctx.text(it1, 3) or "EA"),
        )
    except ValidationError as exc:
        ctx.refused(it1, "invoice line", exc)
        return None


# -- writing --------------------------------------------------------------------------------------


def render_810(invoice: Invoice, partner: PartnerProfile) -> RenderedSet:
    """The body of an 810 for ``invoice``; TDS01 carries the total in cents."""
    currency = invoice.currency

    def amount_of(money: Money | None, name: str) -> Decimal | None:
        if money is None:
            return None
        if money.currency != currency:
            raise X12WriteError(f"{name}: {money.currency} differs from the invoice's {currency}")
        return money.amount

    body: list[Segment] = [
        segment(
            "BIG",
            x12_date(invoice.invoice_date),
            checked(invoice.number, "BIG02", 22),
            None,
            checked(invoice.purchase_order_number, "BIG04", 22),
        ),
        segment("CUR", "SE", currency),
    ]
    if invoice.order is not None and invoice.order.number:
        body.append(segment("REF", partner.mapping.customer_order_reference, checked(invoice.order.number, "REF02", 30)))
    for entity, address in (("BT", invoice.bill_to), ("RI", invoice.remit_to)):
        if address is not None:
            body += address_segments(entity, address, release=partner.release)
    if invoice.terms or invoice.due_date:
        net_days = (invoice.due_date - invoice.invoice_date).days if invoice.due_date else None
        body.append(
            segment(
                "ITD",
                "01",
                "3",
                None,
                None,
                None,
                x12_date(invoice.due_date) if invoice.due_date else None,
                str(net_days) if net_days is not None and net_days >= 0 else None,
                None,
                None,
                None,
                None,
                checked(invoice.terms, "ITD12", 80),
            )
        )
    for line in invoice.lines:
        amount_of(line.unit_price, f"IT104 of line {line.line_number}")
        body.append(
            segment(
                "IT1",
                checked(line.line_number, "IT101", 20),
                str(line.quantity),
                partner.unit_out(line.unit_of_measure),
                x12_decimal(line.unit_price.amount, "IT104", max_length=17),
                "PE",
                *item_id_elements(partner, line.sku, None, None, "IT1"),
            )
        )
        body += description_segments(line.description)
    body.append(segment("TDS", x12_cents(invoice.total.amount, "TDS01")))
    tax = amount_of(invoice.tax, "TXI02")
    if tax is not None:
        body.append(segment("TXI", "TX", x12_decimal(tax, "TXI02", max_length=18)))
    shipping = amount_of(invoice.shipping, "SAC05 (freight)")
    if shipping is not None:
        body.append(segment("SAC", "C", "D240", None, None, x12_cents(shipping, "SAC05 (freight)")))
    allowances = amount_of(invoice.allowances, "SAC05 (allowance)")
    if allowances is not None:
        body.append(segment("SAC", "A", "C310", None, None, x12_cents(allowances, "SAC05 (allowance)")))
    body.append(segment("CTT", str(len(invoice.lines))))
    return RenderedSet("810", body, f"810 {invoice.number}")
