"""Mapping transforms the NetSuite mappings use, registered when the connector is imported."""

from __future__ import annotations

import re
from typing import Any

from crossdock.mappings import TransformError, register_transform

__all__ = ["external_id", "netsuite_external_id"]

_DISALLOWED = re.compile(r"[^A-Za-z0-9_]+")


def external_id(text: str) -> str:
    """``text`` as a NetSuite external ID: letters, digits, ``_`` and ``-`` only.

    Every run of other characters becomes one ``-`` and leading/trailing ``-`` go, so
    ``shopify-#1001`` → ``shopify-1001`` and ``edi:acme-PO 77/1`` → ``edi-acme-PO-77-1``. (NetSuite
    reads ``|`` in a URL as a multi-select separator; other characters need escaping everywhere.)
    """
    return _DISALLOWED.sub("-", text).strip("-")


@register_transform("netsuite_external_id")
def netsuite_external_id(value: Any) -> str:
    if not isinstance(value, str):
        raise TransformError(f"netsuite_external_id: expected text, got {type(value).__name__}")
    cleaned = external_id(value)
    if not cleaned:
        raise TransformError(f"netsuite_external_id: {value!r} has no letters or digits to keep")
    return cleaned
