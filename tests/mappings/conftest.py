"""Helpers for the mapping engine's tests: compile YAML text written inline in the test."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from crossdock.mappings import CompiledMapping, compile_mapping


CompileYaml = Callable[..., CompiledMapping]


def _compile_yaml(text: str, overrides: dict[str, Any] | None = None, source: str = "mappings/test.yaml") -> CompiledMapping:
    return compile_mapping(textwrap.dedent(text), overrides, source=source)


@pytest.fixture
def compile_yaml() -> CompileYaml:
    """Compile a mapping from (dedented) YAML text, labelled as a file so errors carry lines."""
    return _compile_yaml


@pytest.fixture
def shopify_order() -> dict[str, Any]:
    """A trimmed Shopify GraphQL order, as the Admin API returns it."""
    return {
        "id": "gid://shopify/Order/4501",
        "name": "#1001",
        "displayFulfillmentStatus": "PARTIALLY_FULFILLED",
        "createdAt": "2024-03-10T09:30:00-05:00",
        "currencyCode": "USD",
        "totalPriceSet": {"shopMoney": {"amount": "36.97", "currencyCode": "USD"}},
        "shippingAddress": {"firstName": "Ann", "lastName": "Lee", "countryCodeV2": "US", "zip": " k1a 0b1 "},
        "lineItems": {
            "nodes": [
                {"id": "gid://shopify/LineItem/1", "sku": "MUG-1", "quantity": 2, "price": 9.99},
                {"id": "gid://shopify/LineItem/2", "sku": "TEE-M", "quantity": 1, "price": "16.99"},
            ]
        },
    }
