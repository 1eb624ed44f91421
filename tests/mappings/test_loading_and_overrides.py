"""Loading mappings by path or packaged name, compiling once, and jobs overriding them field by field."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from crossdock.mappings import MappingError, load_mapping

BASE = """\
name: test.order
lookups:
  carrier_scac: {UPS: UPSN, FedEx: FDEG}
fields:
  number: {path: name}
  tags: {path: tags, default: []}
  carrier: {path: carrier, lookup: carrier_scac}
  lines:
    each: items
    fields:
      sku: {path: sku}
      quantity: {path: qty, transform: int}
"""


def test_packaged_mapping_resolves_by_name() -> None:
    mapping = load_mapping("examples/echo")

    assert mapping.source == "mappings/examples/echo.yaml"
    assert mapping.name == "examples.echo"
    assert mapping.apply({"id": "7", "name": "Mug", "secret": "x"}) == {"id": "7", "name": "Mug"}
    with pytest.raises(MappingError, match="no packaged mapping named 'examples/nope'"):
        load_mapping("examples/nope")
    with pytest.raises(MappingError, match="packaged name"):
        load_mapping("../examples/echo")


def test_loading_compiles_once_and_notices_edits(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(BASE)

    first = load_mapping(path)
    assert load_mapping(str(path)) is first
    assert load_mapping(path, overrides={"fields": {"tags": None}}) is not first

    path.write_text(BASE.replace("path: name", "path: number"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    edited = load_mapping(path)
    assert edited is not first
    assert edited.apply({"number": "#2"})["number"] == "#2"


def test_override_field_by_field_and_remove_field(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(BASE)
    overrides: dict[str, Any] = {
        "fields": {
            "number": {"path": "order_number"},
            "tags": None,
            "lines.fields.sku": {"path": "sku", "transform": "upper"},
            "lines.fields.gtin": "barcode",
            "channel": {"const": "edi"},
        },
        "lookups": {"carrier_scac": {"DHL": "DHLC"}},
    }

    mapping = load_mapping(path, overrides=overrides)
    result = mapping.apply(
        {"name": "#1", "order_number": "PO-9", "tags": ["x"], "carrier": "DHL", "items": [{"sku": "ab", "qty": 1, "barcode": "0123"}]}
    )

    assert result == {
        "number": "PO-9",
        "carrier": "DHLC",
        "lines": [{"sku": "AB", "quantity": 1, "gtin": "0123"}],
        "channel": "edi",
    }
    assert load_mapping(path, overrides=overrides).apply({"carrier": "UPS"})["carrier"] == "UPSN", "tables merge"
    assert load_mapping(path).apply({"name": "#1", "tags": ["x"]}) == {"number": "#1", "tags": ["x"]}, (
        "overrides never change the packaged mapping"
    )
    with pytest.raises(MappingError, match="cannot remove 'lines.fields.nope'"):
        load_mapping(path, overrides={"fields": {"lines.fields.nope": None}})


def test_overridden_rule_errors_keep_the_other_rules_lines(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(BASE)
    mapping = load_mapping(path, overrides={"fields": {"number": {"path": "name", "transform": "int"}}})

    with pytest.raises(MappingError) as overridden:
        mapping.apply({"name": "#1"})
    with pytest.raises(MappingError) as untouched:
        mapping.apply({"items": [{"qty": "x"}]})

    assert overridden.value.field == "number" and overridden.value.line is None
    assert untouched.value.field == "lines[0].quantity" and untouched.value.line == 12


def test_missing_file_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="mapping file not found"):
        load_mapping(tmp_path / "absent.yaml")


def test_mapping_errors_survive_pickling() -> None:
    error = MappingError("expected an integer, got '1.5'", mapping="m.yaml", field="lines[2].quantity", line=9, record_key="4501")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
