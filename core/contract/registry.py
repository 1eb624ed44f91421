"""Finding connectors: the ``crossdock.connectors`` entry-point group."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from ..errors import FatalError
from .connector import Connector

__all__ = ["ENTRY_POINT_GROUP", "available_connectors", "load_connector_class", "load_object"]

ENTRY_POINT_GROUP = "crossdock.connectors"


@cache
def available_connectors() -> dict[str, str]:
    """Connector name → entry-point target, without importing any connector."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_connector_class(name: str) -> type[Connector[Any]]:
    """Import the connector registered as ``name``; a clear error when it is unknown or broken."""
    matches = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not matches:
        known = ", ".join(sorted(available_connectors())) or "none installed"
        raise FatalError(f"unknown connector '{name}' (known: {known})")
    cls = matches[0].load()
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise FatalError(f"entry point '{name}' ({matches[0].value}) is not a crossdock Connector subclass")
    return cls


def load_object(target: str) -> Any:
    """Import ``"package.module:attribute"`` (sandbox factories are declared this way)."""
    from importlib import import_module

    module_name, _, attribute = target.partition(":")
    obj: Any = import_module(module_name)
    for part in attribute.split(".") if attribute else ():
        obj = getattr(obj, part)
    return obj
