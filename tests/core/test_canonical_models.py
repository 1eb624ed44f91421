"""The canonical models: exact money, ISO codes, strict quantities, one currency per order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from crossdock.core.models import (
    SCHEMA_VERSION,
    Address,
    Money,
    Order,
    OrderLine,
    OrderTotals,
    Package,
    Shipment,
    ShipmentLine,
    SourceRef,
    StockLevel,
    Variant,
)
from crossdock.core.models.schema import canonical_json_schema

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def order(**changes: object) -> Order:
    data: dict[str, object] = dict(
        source=SourceRef(system="shopify", id="gid://shopify/Order/1"),
        channel="shopify",
        number="#1001",
        created_at=NOW,
        updated_at=NOW,
        currency="USD",
        lines=[OrderLine(line_id="1", sku="TEE-RED-M", quantity=2, unit_price=usd("9.99"))],
        totals=OrderTotals(total=usd("19.98")),
    )
    data.update(changes)
    return Order.model_validate(data)


def test_money_refuses_floats_and_keeps_exact_decimals() -> None:
    with pytest.raises(ValidationError, match="never a float"):
        Money(amount=0.1, currency="USD")  # type: ignore[arg-type]
    total = Money(amount="0.10", currency="USD") + Money(amount="0.20", currency="USD")
    assert total.amount == Decimal("0.30")


def test_money_currency_must_be_iso_4217_and_is_normalised() -> None:
    assert Money(amount=1, currency="eur").currency == "EUR"
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money(amount=1, currency="XYZ")


def test_money_rounds_to_the_currencys_minor_unit() -> None:
    assert Money(amount="10.005", currency="USD").quantized().amount == Decimal("10.00")
    assert Money(amount="1234.5", currency="JPY").quantized().amount == Decimal("1234")
    assert Money(amount="1.2345", currency="KWD").quantized().amount == Decimal("1.234")


def test_money_in_different_currencies_does_not_add() -> None:
    with pytest.raises(ValueError, match="cannot combine"):
        _ = usd("1") + Money(amount=1, currency="EUR")


def test_address_country_must_be_iso_3166() -> None:
    assert Address(country="us").country == "US"
    with pytest.raises(ValidationError, match="ISO 3166"):
        Address(country="UK")


def test_quantities_are_integers_never_coerced() -> None:
    for bad in ("2", 2.0, 1.5, -1):
        with pytest.raises(ValidationError):
            OrderLine(line_id="1", sku="A", quantity=bad, unit_price=usd("1"))  # type: ignore[arg-type]


def test_timestamps_must_carry_a_time_zone() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        order(created_at=datetime(2026, 11, 21, 12, 0))


def test_order_money_shares_the_order_currency() -> None:
    with pytest.raises(ValidationError, match="currency"):
        order(totals=OrderTotals(total=Money(amount=1, currency="EUR")))


def test_unknown_fields_are_rejected_so_mapping_typos_surface() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Order.model_validate({**order().model_dump(), "nubmer": "#1"})


def test_order_round_trips_through_json_unchanged() -> None:
    original = order(tags=["vip"], ship_to=Address(country="US", postal_code="10001"))
    again = Order.model_validate_json(original.model_dump_json())
    assert again == original
    assert json.loads(original.model_dump_json())["schema_version"] == SCHEMA_VERSION


def test_stock_available_is_derived_from_on_hand_and_committed_when_not_given() -> None:
    assert StockLevel(sku="A", location_id="WH1", on_hand=10, committed=3).available == 7
    assert StockLevel(sku="A", location_id="WH1", on_hand=2, committed=5).available == 0
    assert StockLevel(sku="A", location_id="DS1", available=40).available == 40
    with pytest.raises(ValidationError, match="on_hand or available"):
        StockLevel(sku="A", location_id="WH1")


def test_gtin_and_sscc_check_digits_are_verified() -> None:
    assert Variant(sku="A", gtin="036000291452").gtin == "036000291452"
    with pytest.raises(ValidationError, match="GTIN"):
        Variant(sku="A", gtin="036000291453")
    assert Package(sscc="106141411234567897").sscc
    with pytest.raises(ValidationError, match="SSCC"):
        Package(sscc="106141411234567898")


def test_shipment_lists_every_tracking_number_once() -> None:
    shipment = Shipment(
        order=order().ref,
        lines=[ShipmentLine(sku="A", quantity=1)],
        packages=[Package(tracking_number="1Z1"), Package(tracking_number="1Z2"), Package(tracking_number="1Z1")],
        tracking_number="1Z1",
        shipped_at=NOW,
    )
    assert shipment.tracking_numbers == ["1Z1", "1Z2"]


def test_json_schema_covers_every_document_and_carries_the_version() -> None:
    schema = canonical_json_schema()
    for name in ("Order", "Shipment", "StockLevel", "PurchaseOrder", "OrderAcknowledgement", "Invoice", "Return", "Product", "Location"):
        assert name in schema["$defs"]
    assert schema["x-crossdock-schema-version"] == SCHEMA_VERSION
    assert canonical_json_schema("Order")["title"] == "Order"
