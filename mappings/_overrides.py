"""A job's overrides merged into a mapping document, field by field and lookup entry by entry.

A job adjusts a connector's default mapping rather than copying it: ``{"fields": {"number": {"path":
"order_number"}, "tags": None}, "lookups": {"carrier_scac": {"DHL": "DHLC"}}}`` replaces one rule,
removes another and adds one carrier code. Rules inside an ``each`` (or object) rule are addressed
through its ``fields``: ``lines.fields.sku``. The document is never modified; changed levels are
copied, and line numbers survive for every rule the overrides leave alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._errors import MappingError
from ._transforms._coerce import to_text
from ._values import show
from ._yaml import LineDict

__all__ = ["apply_overrides"]

_OVERRIDE_KEYS = ("fields", "lookups")


def _copy(node: Mapping[str, Any]) -> dict[Any, Any]:
    return node.copy() if isinstance(node, LineDict) else dict(node)


def apply_overrides(document: Mapping[str, Any], overrides: Mapping[str, Any], label: str | None) -> dict[str, Any]:
    """The document with ``overrides`` applied (``None`` removes a field, a lookup entry or a table)."""
    if not isinstance(overrides, Mapping):
        raise MappingError(f"overrides must be a mapping with 'fields' and/or 'lookups', got {show(overrides)}", mapping=label)
    for key in overrides:
        if key not in _OVERRIDE_KEYS:
            raise MappingError(f"overrides: unknown key '{key}' (allowed: fields, lookups)", mapping=label)
    result = _copy(document)
    fields = overrides.get("fields")
    if fields:
        if not isinstance(fields, Mapping):
            raise MappingError("overrides: 'fields' maps target paths to rules (or null)", mapping=label)
        merged = _copy(result["fields"])
        for target, rule in fields.items():
            _override_field(merged, str(target), rule, str(target), label)
        result["fields"] = merged
    lookups = overrides.get("lookups")
    if lookups:
        result["lookups"] = _override_lookups(result.get("lookups") or {}, lookups, label)
    return result


def _override_field(block: dict[str, Any], target: str, rule: Any, full_target: str, label: str | None) -> None:
    if target in block:
        if rule is None:
            del block[target]
        else:
            block[target] = rule
        if isinstance(block, LineDict):
            block.key_lines.pop(target, None)  # the rule is the job's now; its old line would mislead
        return
    for key in sorted(block, key=len, reverse=True):
        route = f"{key}.fields."
        container = block[key]
        if target.startswith(route) and isinstance(container, Mapping) and isinstance(container.get("fields"), Mapping):
            container = _copy(container)
            inner = _copy(container["fields"])
            _override_field(inner, target[len(route):], rule, full_target, label)
            container["fields"] = inner
            block[key] = container
            return
    if rule is None:
        raise MappingError(f"overrides: cannot remove '{full_target}': the mapping has no such field", mapping=label)
    block[target] = rule


def _override_lookups(tables: Mapping[str, Any], changes: Any, label: str | None) -> dict[str, Any]:
    if not isinstance(changes, Mapping):
        raise MappingError("overrides: 'lookups' maps table names to entries (or null)", mapping=label)
    result = _copy(tables)
    for name, entries in changes.items():
        if entries is None:
            result.pop(name, None)
            continue
        if not isinstance(entries, Mapping):
            raise MappingError(f"overrides: lookup table '{name}' must map keys to values", mapping=label)
        table = _copy(result.get(name) or {})
        for key, value in entries.items():
            # keys compare as text, so the job's "1" replaces the document's 1
            for existing in [k for k in table if k == key or _text(k) == _text(key)]:
                del table[existing]
            if value is not None:
                table[key] = value
        result[name] = table
    return result


def _text(key: Any) -> Any:
    try:
        return key if isinstance(key, str) else to_text(key)
    except ValueError:
        return key
