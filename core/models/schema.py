"""JSON Schema of the canonical documents (what ``crossdock schema`` prints)."""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from . import CANONICAL_DOCUMENTS, SCHEMA_VERSION

__all__ = ["canonical_json_schema"]


def canonical_json_schema(name: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one canonical document, or of all of them under ``$defs`` when ``name`` is None."""
    if name is not None:
        try:
            model = CANONICAL_DOCUMENTS[name]
        except KeyError:
            raise KeyError(f"unknown canonical document '{name}' (known: {', '.join(CANONICAL_DOCUMENTS)})") from None
        schema = model.model_json_schema()
        schema["x-crossdock-schema-version"] = SCHEMA_VERSION
        return schema
    _, schema = models_json_schema(
        [(model, "validation") for model in CANONICAL_DOCUMENTS.values()],
        title=f"Crossdock canonical models {SCHEMA_VERSION}",
    )
    schema["x-crossdock-schema-version"] = SCHEMA_VERSION
    return schema
