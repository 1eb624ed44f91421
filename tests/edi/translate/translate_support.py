"""Helpers for the translation tests: X12 built from readable bodies, and what X12 can carry of a document.

The ``*_facts`` functions define "equal in meaningful content" for the round trips: the fields an
X12 document carries, normalised the way X12 carries them (dates and wall-clock times in the
partner's zone, an address's name-or-company, item quantities summed per line and SKU, packages
compared by contents rather than order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from crossdock.core.models import (
    AcknowledgementStatus,
    Address,
    Contact,
    Invoice,
    LineAcknowledgementStatus,
    Money,
    OrderAcknowledgement,
    PurchaseOrder,
    PurchaseOrderLine,
    Shipment,
    StockLevel,
)
from crossdock.edi import read_interchanges
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import TranslationResult, translate_interchange

__all__ = [
    "WHEN",
    "simple_po",
    "x12",
    "translate_text",
    "only_result",
    "po_facts",
    "ack_facts",
    "shipment_facts",
    "stock_facts",
    "invoice_facts",
    "documents_of",
    "effective_status",
]


WHEN = datetime(2026, 3, 2, 15, 4, tzinfo=UTC)
"""A fixed moment for documents built in tests."""


def simple_po(number: str, sku: str = "SKU-1") -> PurchaseOrder:
    """A one-line purchase order to Acme, for envelope and control-number tests."""
    return PurchaseOrder(
        number=number,
        partner_id="acme-dropship",
        ordered_at=WHEN,
        currency="USD",
        lines=[PurchaseOrderLine(line_number="1", sku=sku, quantity=3, unit_cost=Money(amount=Decimal("4.50"), currency="USD"))],
    )


def x12(
    set_id: str,
    body: str,
    *,
    gs01: str | None = None,
    gs08: str = "004010",
    isa12: str = "00401",
    sender: str = "PARTNER",
    control: str = "0001",
) -> bytes:
    """An interchange holding one set whose body is ``body`` (one segment per line, ``*`` elements)."""
    group = gs01 or {"850": "PO", "855": "PR", "856": "SH", "846": "IB", "810": "IN", "997": "FA", "999": "FA"}[set_id]
    segments = [line.strip() for line in body.strip().splitlines() if line.strip()]
    isa11 = "^" if isa12 >= "00402" else "U"
    lines = [
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*CROSSDOCK      *260301*1200*{isa11}*{isa12}*000000001*0*P*>",
        f"GS*{group}*{sender}*CROSSDOCK*20260301*1200*1*X*{gs08}",
        f"ST*{set_id}*{control}",
        *segments,
        f"SE*{len(segments) + 2}*{control}",
        "GE*1*1",
        "IEA*1*000000001",
    ]
    return ("~".join(lines) + "~").encode("latin-1")


def translate_text(data: bytes | str, partner: PartnerProfile | None = None) -> list[TranslationResult]:
    raw = data.encode("latin-1") if isinstance(data, str) else data
    results: list[TranslationResult] = []
    for interchange in read_interchanges(raw):
        results += list(translate_interchange(interchange, partner))
    return results


def only_result(data: bytes | str, partner: PartnerProfile | None = None) -> TranslationResult:
    results = translate_text(data, partner)
    assert len(results) == 1, results
    return results[0]


# -- meaningful content ---------------------------------------------------------------------------


def _wall(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None


def address_facts(address: Address | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {
        "addressee": address.name or address.company,
        "company": address.company if address.name else None,
        "lines": [line for line in (address.line1, address.line2, address.line3) if line],
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
        "phone": address.phone,
        "email": address.email,
    }


def contact_facts(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    facts = {
        "name": contact.name,
        "company": contact.company,
        "email": contact.email,
        "phone": contact.phone,
        "external_id": contact.external_id,
    }
    return facts if any(facts.values()) else None


def po_facts(po: PurchaseOrder, partner: PartnerProfile) -> dict[str, Any]:
    currency = po.currency or partner.defaults.currency
    return {
        "number": po.number,
        "kind": po.kind,
        "partner": po.partner_id,
        "ordered_on": po.ordered_at.astimezone(partner.zone).date(),
        "currency": currency,
        "customer_order": po.order.number if po.order else None,
        "ship_to": address_facts(po.ship_to),
        "bill_to": address_facts(po.bill_to),
        "buyer": contact_facts(po.buyer),
        "ship_by": po.ship_by,
        "cancel_after": po.cancel_after,
        "carrier": po.carrier_scac,
        "service": po.service_level,
        "note": po.note,
        "lines": [
            (
                line.line_number,
                line.sku,
                line.vendor_sku,
                line.gtin,
                line.description,
                line.quantity,
                line.unit_of_measure,
                line.unit_cost.amount if line.unit_cost else None,
                line.unit_cost.currency if line.unit_cost else None,
                line.order_line_id,
            )
            for line in po.lines
        ],
    }


def effective_status(ack: OrderAcknowledgement) -> AcknowledgementStatus:
    """An ACCEPTED ack with lines that are not accepted reads back as accepted with changes."""
    if ack.status is AcknowledgementStatus.ACCEPTED and any(
        line.status is not LineAcknowledgementStatus.ACCEPTED for line in ack.lines
    ):
        return AcknowledgementStatus.ACCEPTED_WITH_CHANGES
    return ack.status


def ack_facts(ack: OrderAcknowledgement, partner: PartnerProfile) -> dict[str, Any]:
    return {
        "po": ack.purchase_order_number,
        "partner": ack.partner_id,
        "status": effective_status(ack),
        "acknowledged_on": ack.acknowledged_at.astimezone(partner.zone).date(),
        "lines": [
            (
                line.line_number,
                line.sku,
                line.status,
                line.quantity,
                line.unit_cost.amount if line.unit_cost else None,
                line.expected_ship_date,
            )
            for line in ack.lines
        ],
    }


def _summed(lines: Iterable[Any]) -> tuple[tuple[str, str, int], ...]:
    """Units per (line ID, SKU), sorted; a missing line ID is ``""`` (LIN01 is never empty text)."""
    totals: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.line_id or "", line.sku)
        totals[key] = totals.get(key, 0) + line.quantity
    return tuple(sorted((k[0], k[1], v) for k, v in totals.items()))


def shipment_facts(shipment: Shipment, partner: PartnerProfile, *, weights: bool = True) -> dict[str, Any]:
    packages = sorted(
        (
            (
                package.sscc or "",
                package.tracking_number or "",
                str(package.weight.value.normalize()) + package.weight.unit if (weights and package.weight) else "",
                _summed(package.lines),
            )
            for package in shipment.packages
        ),
    )
    return {
        "order": shipment.order.number,
        "lines": _summed(shipment.lines),
        "packages": packages,
        "carrier": shipment.carrier.scac if shipment.carrier else None,
        "service": shipment.service,
        "tracking": shipment.tracking_number,
        "shipped_at": _wall(shipment.shipped_at, partner.zone),
        "ship_from": shipment.ship_from_location_id or partner.stock_location_id,
        "ship_to": address_facts(shipment.ship_to),
    }


def stock_facts(level: StockLevel, partner: PartnerProfile) -> dict[str, Any]:
    return {
        "sku": level.sku,
        "location": level.location_id,
        "on_hand": level.on_hand,
        "available": level.available,
        "incoming": sorted((i.quantity, i.expected_date, i.reference or "") for i in level.incoming if i.expected_date)
        + ([("undated", sum(i.quantity for i in level.incoming if i.expected_date is None))] if any(i.expected_date is None for i in level.incoming) else []),
        "as_of": _wall(level.as_of, partner.zone),
    }


def invoice_facts(invoice: Invoice) -> dict[str, Any]:
    def amount(money: Any) -> Any:
        return (money.amount, money.currency) if money is not None else None

    return {
        "number": invoice.number,
        "partner": invoice.partner_id,
        "po": invoice.purchase_order_number,
        "order": invoice.order.number if invoice.order else None,
        "invoice_date": invoice.invoice_date,
        "due_date": invoice.due_date,
        "currency": invoice.currency,
        "bill_to": address_facts(invoice.bill_to),
        "remit_to": address_facts(invoice.remit_to),
        "lines": [
            (line.line_number, line.sku, line.quantity, line.unit_price.amount, line.description, line.unit_of_measure)
            for line in invoice.lines
        ],
        "shipping": amount(invoice.shipping),
        "tax": amount(invoice.tax),
        "allowances": amount(invoice.allowances),
        "total": amount(invoice.total),
        "terms": invoice.terms,
    }


def documents_of(results: Sequence[TranslationResult]) -> list[Any]:
    found: list[Any] = []
    for result in results:
        assert result.ok, [str(issue) for issue in result.issues]
        found += result.documents
    return found
