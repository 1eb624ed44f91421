"""The JSON Schema of job files, for editors (``# yaml-language-server: $schema=…``) and ``crossdock schema --job``.

Kept in the repository as ``config/job.schema.json``; a test fails when it drifts from the models.
A connection's ``config`` stays an open object: each connector documents its own.
"""

from __future__ import annotations

from typing import Any

from ._models import JobConfig

__all__ = ["job_json_schema", "SCHEMA_ID"]

SCHEMA_ID = "https://crossdock.dev/schemas/job.schema.json"
_PLACEHOLDER_STRING = {
    "type": "string",
    "pattern": r"^\$\{env:[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$",
    "description": "${env:VAR} or ${env:VAR:-default}",
}


def job_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a job document.

    Numbers and booleans also accept an ``${env:VAR:-default}`` placeholder string, as the loader does.
    """
    schema = JobConfig.model_json_schema(by_alias=True, mode="validation")
    schema = _allow_placeholders(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _allow_placeholders(node: Any) -> Any:
    if isinstance(node, list):
        return [_allow_placeholders(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _allow_placeholders(value) for key, value in node.items()}
    if node.get("type") in ("integer", "number", "boolean"):
        keep = {k: node.pop(k) for k in ("title", "description", "default", "examples") if k in node}
        return {"anyOf": [node, _PLACEHOLDER_STRING], **keep}
    return node
