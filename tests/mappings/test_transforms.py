"""Typed transforms: exact money and units, UTC timestamps, and transforms connectors register."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from crossdock.mappings import MappingError, TransformError, register_transform


@register_transform("test_reverse")
def reverse_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TransformError(f"test_reverse: expected text, got {value!r}")
    return value[::-1]


@register_transform("test_prefix", shorthand="prefix")
def add_prefix(value: Any, *, prefix: str, upper: bool = False) -> str:
    text = f"{prefix}{value}"
    return text.upper() if upper else text


def test_money_is_exact_decimal_never_float(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          shopify: {path: shopify, transform: money}
          amazon: {path: amazon, transform: money}
          walmart: {path: walmart, transform: money}
          bare: {path: bare, transform: {money: EUR}}
          from_path: {path: bare, transform: {money: {currency_path: currency}}}
          constant: {const: 0.10, transform: {money: USD}}
          outbound: {path: canonical, transform: money_amount}
          outbound_rounded: {path: canonical, transform: {money_amount: {places: 2}}}
        """
    )
    payload = json.loads(
        '{"shopify": {"amount": "0.10", "currencyCode": "USD"}, "amazon": {"Amount": "19.99", "CurrencyCode": "GBP"},'
        ' "walmart": {"amount": 0.1, "currency": "usd"}, "bare": 12.34, "currency": "CAD",'
        ' "canonical": {"amount": "12.345", "currency": "USD"}}'
    )

    result = mapping.apply(payload)

    assert result["shopify"] == {"amount": Decimal("0.10"), "currency": "USD"}
    assert result["amazon"] == {"amount": Decimal("19.99"), "currency": "GBP"}
    assert result["walmart"] == {"amount": Decimal("0.1"), "currency": "USD"}, "a JSON float goes through str()"
    assert result["bare"] == {"amount": Decimal("12.34"), "currency": "EUR"}
    assert result["from_path"] == {"amount": Decimal("12.34"), "currency": "CAD"}
    assert result["constant"] == {"amount": Decimal("0.10"), "currency": "USD"}, "YAML numbers are read exactly"
    assert sum(m["amount"] for m in (result["walmart"], result["walmart"], result["walmart"])) == Decimal("0.3")
    assert result["outbound"] == "12.345"
    assert result["outbound_rounded"] == "12.34", "half-even rounding, as ledgers do"
    assert all(type(m["amount"]) is Decimal for m in (result["shopify"], result["walmart"], result["bare"]))


def test_datetime_with_timezone_becomes_utc(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          offset: {path: offset, transform: datetime}
          zulu: {path: zulu, transform: datetime}
          naive_in_new_york: {path: naive, transform: {datetime: {tz: America/New_York}}}
          edi: {path: edi, transform: {datetime: {format: "%Y%m%d%H%M", tz: Europe/Berlin}}}
          epoch: {path: epoch, transform: datetime}
          epoch_ms: {path: epoch_ms, transform: {datetime: {epoch_unit: ms}}}
          ship_date: {path: edi_date, transform: {date: {format: "%Y%m%d"}}}
          outbound: {path: offset, transform: datetime_iso}
        """
    )

    result = mapping.apply(
        {
            "offset": "2024-03-10T09:30:00-05:00",
            "zulu": "2024-03-10T14:30:00Z",
            "naive": "2024-07-01T08:00:00",
            "edi": "202401151000",
            "epoch": 1710081000,
            "epoch_ms": 1710081000123,
            "edi_date": "20240115",
        }
    )

    utc = timezone.utc
    assert result["offset"] == datetime(2024, 3, 10, 14, 30, tzinfo=utc)
    assert result["offset"].tzinfo is utc
    assert result["zulu"] == datetime(2024, 3, 10, 14, 30, tzinfo=utc)
    assert result["naive_in_new_york"] == datetime(2024, 7, 1, 12, 0, tzinfo=utc), "EDT is UTC-4 in July"
    assert result["edi"] == datetime(2024, 1, 15, 9, 0, tzinfo=utc), "CET is UTC+1 in January"
    assert result["epoch"] == datetime(2024, 3, 10, 14, 30, tzinfo=utc)
    assert result["epoch_ms"] == datetime(2024, 3, 10, 14, 30, 0, 123000, tzinfo=utc)
    assert result["ship_date"] == date(2024, 1, 15)
    assert result["outbound"] == "2024-03-10T14:30:00Z"


def test_naive_datetime_without_zone_is_refused(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          created_at: {path: created, transform: datetime}
        """
    )
    with pytest.raises(MappingError, match="has no time zone"):
        mapping.apply({"created": "2024-07-01T08:00:00"})


def test_unit_conversion_exact(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          lb_to_kg: {path: lb, transform: {unit: {from: lb, to: kg}}}
          oz_to_lb: {path: oz, transform: {unit: {from: oz, to: lb}}}
          g_to_kg: {path: g, transform: {unit: {from: g, to: kg}}}
          in_to_cm: {path: inches, transform: {unit: {from: in, to: cm}}}
          kg_to_lb: {path: kg, transform: {unit: {from: kg, to: lb, places: 3}}}
          shopify_weight: {path: weight, transform: {unit: {to: g}}}
        """
    )

    result = mapping.apply(
        {"lb": 2.5, "oz": 24, "g": "1500", "inches": 10, "kg": 1, "weight": {"value": 1.5, "unit": "POUNDS"}}
    )

    assert result == {
        "lb_to_kg": Decimal("1.133980925"),
        "oz_to_lb": Decimal("1.5"),
        "g_to_kg": Decimal("1.5"),
        "in_to_cm": Decimal("25.4"),
        "kg_to_lb": Decimal("2.205"),
        "shopify_weight": Decimal("680.388555"),
    }
    assert all(type(value) is Decimal for value in result.values())


def test_unit_conversion_between_dimensions_fails_at_compile_time(compile_yaml: Any) -> None:
    with pytest.raises(MappingError, match=r"cannot convert weight \(lb\) to length \(cm\)"):
        compile_yaml(
            """
            name: t
            fields:
              size: {path: size, transform: {unit: {from: lb, to: cm}}}
            """
        )


def test_text_and_number_transforms(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          postal_code: {path: zip, transform: [str, strip, upper]}
          quantity: {path: quantity, transform: int}
          gift: {path: gift, transform: bool}
          tags: {path: tags, transform: split}
          tag_text: {path: tags, transform: [split, {join: "|"}]}
          phone: {path: phone, transform: digits_only}
          control_number: {path: control, transform: {pad: 9}}
          sender_id: {path: sender, transform: [{pad: {width: 15, side: right}}]}
          title: {path: title, transform: {truncate: 5}}
          first_barcode: {path: barcodes, transform: first}
          company: {path: company, transform: [strip, default_if_empty], default: "(none)"}
          rate: {path: rate, transform: {decimal: 4}}
        """
    )

    result = mapping.apply(
        {
            "zip": 12345,
            "quantity": "3.0",
            "gift": "Yes",
            "tags": "vip, gift,,",
            "phone": "+1 (555) 010-9999",
            "control": 42,
            "sender": "ACME",
            "title": "Enamel mug",
            "barcodes": ["0123", "4567"],
            "company": "   ",
            "rate": "0.08254",
        }
    )

    assert result == {
        "postal_code": "12345",
        "quantity": 3,
        "gift": True,
        "tags": ["vip", "gift"],
        "tag_text": "vip|gift",
        "phone": "15550109999",
        "control_number": "000000042",
        "sender_id": "ACME           ",
        "title": "Ename",
        "first_barcode": "0123",
        "company": "(none)",
        "rate": Decimal("0.0825"),
    }


def test_int_refuses_fractional_quantities(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          quantity: {path: quantity, transform: int}
        """
    )
    for fractional in ("1.5", 1.5, Decimal("2.01")):
        with pytest.raises(MappingError, match="expected an integer"):
            mapping.apply({"quantity": fractional})


def test_custom_transform_registration(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          reversed: {path: sku, transform: test_reverse}
          prefixed: {path: sku, transform: {test_prefix: "EDI-"}}
          shouted: {path: sku, transform: {test_prefix: {prefix: "x-", upper: true}}}
        """
    )

    assert mapping.apply({"sku": "abc"}) == {"reversed": "cba", "prefixed": "EDI-abc", "shouted": "X-ABC"}
    with pytest.raises(MappingError, match="test_reverse: expected text, got 12"):
        mapping.apply({"sku": 12})
    with pytest.raises(MappingError, match="unknown parameter 'suffix'"):
        compile_yaml(
            """
            name: t
            fields:
              x: {path: sku, transform: {test_prefix: {prefix: a, suffix: b}}}
            """
        )
    with pytest.raises(ValueError, match="already registered"):
        register_transform("money")(reverse_text)
