"""Errors point at the rule: file, target field with list positions, YAML line and record key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field

from crossdock.mappings import MappingError, load_mapping

ORDER_MAPPING = """\
name: test.order
direction: to_canonical
fields:
  number: {path: name}
  lines:
    each: lineItems
    fields:
      sku: sku
      quantity: {path: quantity, transform: int}
"""


def test_error_names_file_field_line_and_record(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(ORDER_MAPPING)
    mapping = load_mapping(path)
    record = {
        "name": "#1001",
        "lineItems": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 2}, {"sku": "C", "quantity": "1.5"}],
        "customer": {"note": "x" * 10_000},
    }

    with pytest.raises(MappingError) as caught:
        mapping.apply(record, record_key="4501")

    error = caught.value
    assert str(error) == f"{path}:9: field 'lines[2].quantity': expected an integer, got '1.5' (record 4501)"
    assert (error.mapping, error.field, error.line, error.record_key) == (str(path), "lines[2].quantity", 9, "4501")


def test_error_values_are_truncated(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          quantity: {path: quantity, transform: int}
        """
    )
    with pytest.raises(MappingError) as caught:
        mapping.apply({"quantity": "9" * 500 + ".5"})
    assert len(str(caught.value)) < 150


def test_compile_error_for_unknown_transform_names_line(compile_yaml: Any) -> None:
    with pytest.raises(MappingError) as caught:
        compile_yaml(
            """\
            name: t
            fields:
              number: name
              lines:
                each: lineItems
                fields:
                  sku: {path: sku, transform: [strip, uppercase]}
            """,
            source="mappings/acme/order.yaml",
        )

    error = caught.value
    assert error.line == 7
    assert error.field == "lines[].sku"
    assert str(error).startswith("mappings/acme/order.yaml:7: field 'lines[].sku': unknown transform 'uppercase'")


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("{path: 'items[?'}", "invalid JMESPath"),
        ("{path: status, lookup: statuses}", "unknown lookup table 'statuses'"),
        ("{path: x, defualt: 1}", "unknown key 'defualt'"),
        ("{path: x, const: 1}", "exactly one of path, const, template"),
        ("{path: x, transform: {truncate: {length: 5, width: 3}}}", "unknown parameter 'width'"),
        ("{path: x, when: 'a ||'}", "invalid JMESPath"),
    ],
)
def test_compile_errors_name_the_line(compile_yaml: Any, rule: str, problem: str) -> None:
    with pytest.raises(MappingError, match=problem) as caught:
        compile_yaml(f"name: t\nfields:\n  first: a\n  broken: {rule}\n")
    assert caught.value.line == 4
    assert caught.value.field == "broken"


def test_yaml_mistakes_are_compile_errors(compile_yaml: Any) -> None:
    with pytest.raises(MappingError, match=r"duplicate key 'number' \(first on line 3\)") as caught:
        compile_yaml("name: t\nfields:\n  number: name\n  sku: sku\n  number: id\n")
    assert caught.value.line == 5
    with pytest.raises(MappingError, match="target 'ship_to' is set whole here but other rules map inside it"):
        compile_yaml("name: t\nfields:\n  ship_to.country: a\n  ship_to: b\n")
    with pytest.raises(MappingError, match="which a rule on line 3 sets whole"):
        compile_yaml("name: t\nfields:\n  ship_to: b\n  ship_to.country: a\n")


class Line(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Order(BaseModel):
    number: str
    lines: list[Line]


def test_apply_to_model_reports_validation_field(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(ORDER_MAPPING)
    mapping = load_mapping(path)
    record = {"name": "#1001", "lineItems": [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 0}]}

    with pytest.raises(MappingError) as caught:
        mapping.apply_to(record, Order, record_key="4501")

    error = caught.value
    assert error.field == "lines[1].quantity"
    assert error.line == 9, "the line of the rule that produced the invalid value"
    assert str(error) == (
        f"{path}:9: field 'lines[1].quantity': Order: Input should be greater than 0, got 0 (record 4501)"
    )
    valid = mapping.apply_to({**record, "lineItems": [{"sku": "A", "quantity": "2"}]}, Order)
    assert valid == Order(number="#1001", lines=[Line(sku="A", quantity=2)])


def test_apply_to_model_names_a_field_the_mapping_never_sets(compile_yaml: Any) -> None:
    mapping = compile_yaml(
        """
        name: t
        fields:
          lines: {each: items, fields: {sku: sku, quantity: qty}}
        """
    )
    with pytest.raises(MappingError) as caught:
        mapping.apply_to({"items": [{"sku": "A", "qty": 1}]}, Order)
    assert caught.value.field == "number"
    assert caught.value.line is None
    assert "Field required" in caught.value.message
