"""Hypothesis strategies for canonical documents within what X12 can carry.

Values keep to the basic and extended X12 character sets minus every separator the example
partners use, stay within element lengths, and use single spaces between words (free text split
over PID/MSG segments is read back joined by one space).  Money has the decimals its element can
hold: R elements (unit prices) any, N2 elements (TDS, SAC) two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from crossdock.core.models import (
    AcknowledgementLine,
    AcknowledgementStatus,
    Address,
    Carrier,
    Contact,
    IncomingStock,
    Invoice,
    InvoiceLine,
    LineAcknowledgementStatus,
    Money,
    OrderAcknowledgement,
    OrderRef,
    Package,
    PurchaseOrder,
    PurchaseOrderKind,
    PurchaseOrderLine,
    Shipment,
    ShipmentLine,
    StockLevel,
)
from crossdock.core.models._codes import COUNTRY_CODES
from crossdock.core.models.product import Weight, WeightUnit
from crossdock.edi.partners import PartnerProfile

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_WORD = st.text(_LETTERS + _DIGITS + "-.,#/&'()", min_size=1, max_size=9)
_ID_CHARS = _LETTERS.upper() + _DIGITS

UNITS = ["EA", "CS", "PK", "BX", "DZ"]
SCACS = ["UPSN", "FDEG", "USPS", "DHLC", "ABCD"]
CURRENCIES = ["USD", "CAD", "EUR", "GBP"]


def words(max_length: int, max_words: int = 4) -> st.SearchStrategy[str]:
    return st.lists(_WORD, min_size=1, max_size=max_words).map(" ".join).filter(lambda t: len(t) <= max_length)


def identifiers(max_length: int = 20, min_length: int = 1) -> st.SearchStrategy[str]:
    head = st.text(_ID_CHARS, min_size=1, max_size=1)
    tail = st.text(_ID_CHARS + "-/.", min_size=max(min_length - 1, 0), max_size=max_length - 1)
    return st.builds(lambda a, b: a + b, head, tail)


def digits(length: int) -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=length, max_size=length)


def money_amounts(places: int, maximum: int = 99_999) -> st.SearchStrategy[Decimal]:
    return st.integers(0, maximum * 10**places).map(lambda n: Decimal(n).scaleb(-places))


def dates() -> st.SearchStrategy[date]:
    return st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def moments() -> st.SearchStrategy[datetime]:
    """Aware instants to the minute (X12 times are HHMM; seconds are written only when not zero)."""
    return st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)).map(
        lambda d: d.replace(second=0, microsecond=0)
    )


def sscc_codes() -> st.SearchStrategy[str]:
    def with_check(body: str) -> str:
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
        return body + str((10 - total % 10) % 10)

    return digits(17).map(with_check)


@st.composite
def addresses(draw: st.DrawFn, release: int) -> Address:
    name = draw(st.none() | words(35))
    company = draw(words(35)) if name is None else draw(st.none() | words(35))
    lines = draw(st.lists(words(30), max_size=3))
    region_sizes = st.sampled_from([2, 3]) if release >= 5010 else st.just(2)
    region = draw(st.none() | region_sizes.flatmap(lambda n: st.text(_LETTERS.upper(), min_size=n, max_size=n)))
    return Address(
        name=name,
        company=company,
        line1=lines[0] if lines else None,
        line2=lines[1] if len(lines) > 1 else None,
        line3=lines[2] if len(lines) > 2 else None,
        city=draw(st.none() | words(30).filter(lambda t: len(t) >= 2)),
        region=region,
        postal_code=draw(st.none() | identifiers(10, min_length=3)),
        country=draw(st.sampled_from(sorted(COUNTRY_CODES))),
        phone=draw(st.none() | digits(10)),
        email=draw(st.none() | st.builds(lambda a, b: f"{a}@{b}.example", identifiers(10), identifiers(8))),
    )


@st.composite
def contacts(draw: st.DrawFn) -> Contact | None:
    contact = Contact(
        name=draw(st.none() | words(35)),
        company=draw(st.none() | words(35)),
        email=draw(st.none() | st.builds(lambda a: f"{a}@shop.example", identifiers(12))),
        phone=draw(st.none() | digits(10)),
        external_id=draw(st.none() | identifiers(15, min_length=2)),
    )
    return contact if contact.model_dump(exclude_none=True) else None


def gtins() -> st.SearchStrategy[str]:
    return st.sampled_from([8, 12, 13, 14]).flatmap(digits)


@st.composite
def purchase_orders(draw: st.DrawFn, partner: PartnerProfile) -> PurchaseOrder:
    currency = draw(st.none() | st.sampled_from(CURRENCIES))
    line_currency = currency or partner.defaults.currency
    count = draw(st.integers(1, 5))
    lines = [
        PurchaseOrderLine(
            line_number=str(index + 1) if draw(st.booleans()) else f"L{index + 1}-{draw(identifiers(6))}",
            sku=draw(identifiers(30)),
            vendor_sku=draw(st.none() | identifiers(30)),
            gtin=draw(st.none() | gtins()),
            description=draw(st.none() | words(200, max_words=30)),
            quantity=draw(st.integers(1, 1_000_000)),
            unit_of_measure=draw(st.sampled_from(UNITS)),
            unit_cost=draw(st.none() | money_amounts(4).map(lambda a: Money(amount=a, currency=line_currency))),
            order_line_id=draw(st.none() | identifiers(30)),
        )
        for index in range(count)
    ]
    note_lines = draw(st.lists(words(400, max_words=60), max_size=3))
    return PurchaseOrder(
        number=draw(identifiers(22)),
        kind=draw(st.sampled_from(list(PurchaseOrderKind))),
        partner_id=partner.id,
        order=draw(st.none() | identifiers(30).map(lambda n: OrderRef(number=n))),
        ordered_at=draw(moments()),
        currency=currency,
        ship_to=draw(st.none() | addresses(partner.release)),
        bill_to=draw(st.none() | addresses(partner.release)),
        buyer=draw(contacts()),
        lines=lines,
        ship_by=draw(st.none() | dates()),
        cancel_after=draw(st.none() | dates()),
        carrier_scac=draw(st.none() | st.sampled_from(SCACS)),
        service_level=draw(st.none() | words(35)),
        note="\n".join(note_lines) or None,
    )


@st.composite
def acknowledgements(draw: st.DrawFn, partner: PartnerProfile) -> OrderAcknowledgement:
    currency = draw(st.sampled_from(CURRENCIES))
    count = draw(st.integers(0, 5))
    lines = [
        AcknowledgementLine(
            line_number=str(index + 1),
            sku=draw(st.none() | identifiers(30)),
            status=draw(st.sampled_from(list(LineAcknowledgementStatus))),
            quantity=draw(st.integers(0, 100_000)),
            unit_cost=draw(st.none() | money_amounts(4).map(lambda a: Money(amount=a, currency=currency))),
            expected_ship_date=draw(st.none() | dates()),
        )
        for index in range(count)
    ]
    return OrderAcknowledgement(
        purchase_order_number=draw(identifiers(22)),
        partner_id=partner.id,
        status=draw(st.sampled_from(list(AcknowledgementStatus))),
        acknowledged_at=draw(moments()),
        lines=lines,
    )


@st.composite
def shipment_groups(draw: st.DrawFn, partner: PartnerProfile, structure: str, locations: list[str | None]) -> list[Shipment]:
    """Shipments that left together (one 856): shared carrier, service, time and location."""
    shipped_at = draw(moments())
    scac = draw(st.none() | st.sampled_from(SCACS))
    service = draw(st.none() | words(35))
    ship_from = draw(st.sampled_from(locations))
    shared_ship_to = draw(st.none() | addresses(partner.release))
    shared_address = draw(st.booleans())
    sku_pool = draw(st.lists(identifiers(20), min_size=1, max_size=4, unique=True))
    line_ids = [None, *[str(n) for n in range(1, 5)]]
    order_numbers = draw(st.lists(identifiers(22), min_size=1, max_size=3, unique=True))
    package_count = draw(st.integers(0, 3 * len(order_numbers)))
    ssccs = draw(st.lists(sscc_codes(), min_size=package_count, max_size=package_count, unique=True))
    trackings = draw(st.lists(identifiers(20), min_size=package_count, max_size=package_count, unique=True))
    shipments: list[Shipment] = []
    for order_number in order_numbers:
        packages: list[Package] = []
        for _ in range(draw(st.integers(0, 3)) if ssccs else 0):
            if not ssccs:
                break
            sscc, tracking = ssccs.pop(), trackings.pop()
            keep_sscc = structure != "0001" or draw(st.booleans())
            package_lines = [
                ShipmentLine(line_id=draw(st.sampled_from(line_ids)), sku=draw(st.sampled_from(sku_pool)), quantity=draw(st.integers(1, 50)))
                for _ in range(draw(st.integers(1, 3)))
            ]
            weight = None
            if structure != "0004" and draw(st.booleans()):
                weight = Weight(value=draw(money_amounts(1, 999)), unit=draw(st.sampled_from(list(WeightUnit))))
            packages.append(
                Package(
                    sscc=sscc if keep_sscc else None,
                    tracking_number=draw(st.none() | st.just(tracking)),
                    weight=weight,
                    lines=package_lines,
                )
            )
        loose = [
            ShipmentLine(line_id=draw(st.sampled_from(line_ids)), sku=draw(st.sampled_from(sku_pool)), quantity=draw(st.integers(1, 50)))
            for _ in range(draw(st.integers(0 if packages else 1, 2)))
        ]
        lines = [line for package in packages for line in package.lines] + loose
        shipments.append(
            Shipment(
                order=OrderRef(number=order_number),
                lines=lines,
                packages=packages,
                carrier=Carrier(scac=scac) if scac else None,
                service=service,
                tracking_number=draw(st.none() | identifiers(30)),
                shipped_at=shipped_at,
                ship_from_location_id=ship_from,
                ship_to=shared_ship_to if shared_address else draw(st.none() | addresses(partner.release)),
            )
        )
    return shipments


@st.composite
def stock_reports(draw: st.DrawFn, locations: list[str], undated_incoming: bool) -> list[StockLevel]:
    as_of = draw(moments())
    levels: list[StockLevel] = []
    for _ in range(draw(st.integers(1, 5))):
        on_hand = draw(st.none() | st.integers(-50, 100_000))
        available = draw(st.integers(-50, 100_000)) if on_hand is None else draw(st.none() | st.integers(-50, 100_000))
        incoming = [
            IncomingStock(quantity=draw(st.integers(0, 10_000)), expected_date=draw(dates()), reference=draw(st.none() | identifiers(30)))
            for _ in range(draw(st.integers(0, 3)))
        ]
        if undated_incoming and draw(st.booleans()):
            incoming.append(IncomingStock(quantity=draw(st.integers(0, 10_000))))
        levels.append(
            StockLevel(
                sku=draw(identifiers(30)),
                location_id=draw(st.sampled_from(locations)),
                on_hand=on_hand,
                available=available,
                incoming=incoming,
                as_of=as_of,
            )
        )
    return levels


@st.composite
def invoices(draw: st.DrawFn, partner: PartnerProfile) -> Invoice:
    currency = draw(st.sampled_from(CURRENCIES))

    def money(amount: Decimal) -> Money:
        return Money(amount=amount, currency=currency)

    lines = [
        InvoiceLine(
            line_number=str(index + 1),
            sku=draw(identifiers(30)),
            quantity=draw(st.integers(1, 1000)),
            unit_price=money(draw(money_amounts(2, 9_999))),
            description=draw(st.none() | words(160, max_words=20)),
            unit_of_measure=draw(st.sampled_from(UNITS)),
        )
        for index in range(draw(st.integers(1, 5)))
    ]
    shipping = draw(st.none() | money_amounts(2, 999))
    tax = draw(st.none() | money_amounts(2, 999))
    allowances = draw(st.none() | money_amounts(2, 99))
    total = sum((line.unit_price.amount * line.quantity for line in lines), Decimal(0))
    total += (shipping or 0) + (tax or 0) - (allowances or 0)
    invoice_date = draw(dates())
    due_date = draw(st.none() | st.integers(-10, 120).map(lambda days: invoice_date + timedelta(days=days)))
    return Invoice(
        number=draw(identifiers(22)),
        partner_id=partner.id,
        purchase_order_number=draw(st.none() | identifiers(22)),
        order=draw(st.none() | identifiers(30).map(lambda n: OrderRef(number=n))),
        invoice_date=invoice_date,
        due_date=due_date,
        currency=currency,
        bill_to=draw(st.none() | addresses(partner.release)),
        remit_to=draw(st.none() | addresses(partner.release)),
        lines=lines,
        shipping=money(shipping) if shipping is not None else None,
        tax=money(tax) if tax is not None else None,
        allowances=money(allowances) if allowances is not None else None,
        total=money(total),
        terms=draw(st.none() | words(80)),
    )
