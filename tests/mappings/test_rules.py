"""How rules read a source record and shape the output: paths, constants, defaults, conditions,
lookups, nested targets and per-line mapping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crossdock.mappings import MappingError


def test_paths_constants_and_defaults(compile_yaml: Any, shopify_order: dict[str, Any]) -> None:
    mapping = compile_yaml(
        """
        name: shopify.order
        fields:
          id: {path: id}
          number: name
          channel: {const: shopify}
          note: {path: note, default: "no note"}
          tags: {path: tags, default: []}
          first_sku: {path: "lineItems.nodes[0].sku"}
          skus: {path: "lineItems.nodes[*].sku"}
          missing: {path: does.not.exist}
        """
    )

    first = mapping.apply(shopify_order)
    first["tags"].append("mutated")
    second = mapping.apply(shopify_order)

    assert first == {
        "id": "gid://shopify/Order/4501",
        "number": "#1001",
        "channel": "shopify",
        "note": "no note",
        "tags": ["mutated"],
        "first_sku": "MUG-1",
        "skus": ["MUG-1", "TEE-M"],
    }
    assert "missing" not in second, "a path that yields nothing leaves the field out, so model defaults apply"
    assert second["tags"] == [], "a mutable default is fresh for every record"


def test_required_field_missing_is_an_error(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          number: {path: name, required: true}
        """
    )
    with pytest.raises(MappingError, match="a value is required but path 'name' gave nothing"):
        mapping.apply({"id": 1})


def test_nested_target_paths_build_nested_dicts(compile_yaml: Any, shopify_order: dict[str, Any]) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          source.system: {const: shopify}
          source.id: {path: id}
          ship_to.name: {template: "{shippingAddress.firstName} {shippingAddress.lastName}"}
          ship_to.address.country: {path: shippingAddress.countryCodeV2}
          bill_to.country: {path: billingAddress.countryCodeV2}
          customer:
            path: shippingAddress
            fields:
              first: firstName
              last: lastName
        """
    )

    result = mapping.apply(shopify_order)

    assert result == {
        "source": {"system": "shopify", "id": "gid://shopify/Order/4501"},
        "ship_to": {"name": "Ann Lee", "address": {"country": "US"}},
        "customer": {"first": "Ann", "last": "Lee"},
    }, "nested objects are built from dotted targets; one with nothing in it is left out (bill_to)"


def test_template_formats_source_fields(compile_yaml: Any, shopify_order: dict[str, Any]) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          name: {template: "{shippingAddress.firstName} {shippingAddress.lastName}"}
          label: {template: "Order {name} ({totalPriceSet.shopMoney.amount} {currencyCode})"}
          absent: {template: "{nope} {nada}", default: "n/a"}
        """
    )

    assert mapping.apply(shopify_order) == {"name": "Ann Lee", "label": "Order #1001 (36.97 USD)", "absent": "n/a"}


def test_lookup_tables_and_unknown_key_error(compile_yaml: Any, shopify_order: dict[str, Any]) -> None:
    mapping = compile_yaml(
        """
        name: t
        lookups:
          order_status: {UNFULFILLED: open, PARTIALLY_FULFILLED: partially_fulfilled, FULFILLED: fulfilled}
          country: {NO: Norway, ON: Ontario, 1: one}
        fields:
          status: {path: displayFulfillmentStatus, lookup: order_status}
          status_or_open: {path: unknownStatus, lookup: order_status, default: open}
          country: {path: country, transform: [strip, upper, {lookup: country}]}
          numbered: {path: number, lookup: country}
        """
    )

    result = mapping.apply({**shopify_order, "unknownStatus": "ON_HOLD", "country": " no ", "number": "1"})
    assert result["status"] == "partially_fulfilled"
    assert result["status_or_open"] == "open", "an unknown key falls back to the rule's default"
    assert result["country"] == "Norway", "NO is a country code, not YAML's false"
    assert result["numbered"] == "one", "lookup keys compare as text"

    with pytest.raises(MappingError) as caught:
        mapping.apply({**shopify_order, "displayFulfillmentStatus": "RESTOCKED"}, record_key="4501")
    assert caught.value.field == "status"
    assert caught.value.line == 7
    assert "no entry for 'RESTOCKED' in lookup table 'order_status'" in str(caught.value)


def test_condition_omits_field(compile_yaml: Any, shopify_order: dict[str, Any]) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          ship_to.country: {path: shippingAddress.countryCodeV2, when: shippingAddress}
          ship_to.residential: {const: true, when: "shippingAddress && shippingAddress.company == null"}
          gift: {const: true, when: "tags[?@ == 'gift']"}
          zero_is_true: {const: yes, when: count}
        """
    )

    with_address = mapping.apply({**shopify_order, "tags": ["vip"], "count": 0})
    without_address = mapping.apply({"id": "x", "shippingAddress": None, "tags": ["gift"]})

    assert with_address == {"ship_to": {"country": "US", "residential": True}, "zero_is_true": "yes"}
    assert without_address == {"gift": True}, "a falsy condition (null, [], '', false) omits the field"


def test_per_line_mapping_with_root_access(compile_yaml: Any, shopify_order: dict[str, Any]) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          lines:
            each: lineItems.nodes
            fields:
              line_id: id
              sku: {path: sku, transform: lower}
              quantity: {path: quantity, transform: int}
              unit_price: {path: price, transform: {money: {currency_path: currencyCode, from_root: true}}}
              order_number: {path: name, from_root: true}
              price.amount: {path: price, transform: decimal}
              price.currency: {path: currencyCode, from_root: true}
          empty_lines: {each: refunds, fields: {id: id}, default: []}
        """
    )

    result = mapping.apply(shopify_order)

    assert result["lines"] == [
        {
            "line_id": "gid://shopify/LineItem/1",
            "sku": "mug-1",
            "quantity": 2,
            "unit_price": {"amount": Decimal("9.99"), "currency": "USD"},
            "order_number": "#1001",
            "price": {"amount": Decimal("9.99"), "currency": "USD"},
        },
        {
            "line_id": "gid://shopify/LineItem/2",
            "sku": "tee-m",
            "quantity": 1,
            "unit_price": {"amount": Decimal("16.99"), "currency": "USD"},
            "order_number": "#1001",
            "price": {"amount": Decimal("16.99"), "currency": "USD"},
        },
    ]
    assert result["empty_lines"] == []


def test_each_over_something_that_is_not_a_list_names_the_field(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          lines:
            each: items
            fields:
              sku: sku
        """
    )
    with pytest.raises(MappingError) as caught:
        mapping.apply({"items": {"sku": "A"}})
    assert caught.value.field == "lines"
    assert "expected a list" in caught.value.message


def test_null_values_are_left_out_unless_kept(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          note: note
          clear_me: {path: note, keep_null: true}
        """
    )
    assert mapping.apply({"note": None}) == {"clear_me": None}
