"""The REST connector's config: what the job YAML may say, and what it is refused with."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from crossdock.connectors.rest import RestConfig, RestConnector
from crossdock.core.contract import load_connector_class
from crossdock.core.models import CANONICAL_DOCUMENTS


def config(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"base_url": "https://erp.example.com/api/", "auth": {"type": "bearer", "token": "t0k3n-value"}}
    raw.update(changes)
    return raw


def test_the_brief_example_config_is_valid() -> None:
    parsed = RestConfig.model_validate(config(
        rate_limit={"requests_per_second": 5, "burst": 10},
        streams={"orders": {
            "path": "/orders", "entity": "Order", "mapping": "rest/order", "record_path": "data", "key_path": "id",
            "cursor": {"param": "updated_since", "field": "updated_at", "format": "iso"},
            "pagination": {"type": "cursor", "cursor_path": "meta.next_cursor", "param": "cursor"}, "page_size": 100,
        }},
        sinks={
            "orders": {"path": "/orders", "method": "POST", "entity": "Order", "mapping": "rest/order_out",
                       "key_header": "Idempotency-Key", "id_path": "id", "batch": False},
            "stock": {"path": "/stock/batch", "method": "POST", "entity": "StockLevel", "mapping": "rest/stock_out",
                      "batch": True, "batch_size": 100, "items_key": "items", "write_mode": "latest_state"},
        },
    ))
    assert parsed.base_url == "https://erp.example.com/api"
    assert isinstance(parsed.auth.token, SecretStr)  # type: ignore[union-attr]


def test_the_fixed_window_rate_limit_shape_is_accepted() -> None:
    parsed = RestConfig.model_validate(config(rate_limit={"limit": 150, "window_seconds": 30}))
    assert parsed.rate_limit is not None and parsed.rate_limit.limit == 150  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"streams": {"widgets": {"path": "/widgets"}}}, "set 'entity'"),
        ({"streams": {"widgets": {"path": "/widgets", "entity": "Widget"}}}, "not a canonical document"),
        ({"streams": {"orders": {"path": "/orders", "record_path": "data[?"}}}, "JMESPath"),
        ({"streams": {"orders": {"path": "/orders", "pagination": {"type": "infinite_scroll"}}}}, "infinite_scroll"),
        ({"headers": {"X-Api-Key": "literal"}}, "looks like a credential"),
        ({"auth": {"type": "bearer"}}, "token"),
        ({"base_url": "erp.example.com"}, "http"),
        ({"sinks": {"stock": {"path": "/s", "batch": True, "batch_size": 0}}}, "batch_size"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_mistakes_are_refused_at_load_time_with_the_field(changes: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        RestConfig.model_validate(config(**changes))


def test_stream_defaults_come_from_the_name_and_can_be_overridden() -> None:
    parsed = RestConfig.model_validate(config(streams={
        "orders": {"path": "/orders"},
        "stock": {"path": "/inventory", "mapping": "mappings/wms_stock.yaml", "lookback": 300},
        "shipments": {"path": "/shipments", "mapping": None},
        "returns": {"path": "/rmas", "entity": "Return"},
    }))
    assert parsed.stream_entity_and_mapping("orders") == ("Order", "rest/order")
    assert parsed.stream_entity_and_mapping("stock") == ("StockLevel", "mappings/wms_stock.yaml")
    assert parsed.stream_entity_and_mapping("shipments") == ("Shipment", None)
    assert parsed.stream_entity_and_mapping("returns") == ("Return", None)
    assert parsed.streams["stock"].lookback == timedelta(minutes=5)


def test_capabilities_at_class_level_list_the_templates() -> None:
    caps = load_connector_class("rest").capabilities()
    assert caps.sandbox
    assert {(s.name, s.entity, s.default_mapping) for s in caps.streams} == {
        ("orders", "Order", "rest/order"), ("stock", "StockLevel", "rest/stock"), ("shipments", "Shipment", "rest/shipment"),
    }
    assert {(s.name, s.entity, s.write_mode) for s in caps.sinks} == {
        ("orders", "Order", "once_per_version"), ("stock", "StockLevel", "latest_state"),
    }
    assert all(info.entity in CANONICAL_DOCUMENTS for info in (*caps.streams, *caps.sinks))


def test_sandbox_config_is_a_valid_config() -> None:
    parsed = RestConfig.model_validate(RestConnector.sandbox_config("http://sandbox.test"))
    assert set(parsed.streams) == {"orders", "stock", "shipments"}
    assert set(parsed.sinks) == {"orders", "stock"}
