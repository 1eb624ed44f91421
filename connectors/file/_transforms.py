"""The mapping transform that turns an unreadable line into a clear mapping error.

The streams yield a line they could not read as a record whose payload is
``{"unreadable": {"file", "line", "error", "raw" | "content"}}``. The default mappings read their key
field as ``unreadable || id`` through ``file_readable``: for a good record the marker is absent and the
ID passes through; for a bad one the transform fails with the reader's own explanation, so the error
queue says ``orders/a.jsonl line 42 could not be read: not valid JSON: …`` beside the raw line rather
than a list of missing canonical fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crossdock.mappings import TransformError, register_transform

__all__ = ["file_readable"]


@register_transform("file_readable")
def file_readable(value: Any) -> Any:
    """Pass ``value`` through, unless it is the file connector's marker of an unreadable line."""
    if isinstance(value, Mapping) and {"file", "line", "error"} <= value.keys():
        raise TransformError(f"{value['file']} line {value['line']} could not be read: {value['error']}")
    return value
