"""The one error a mapping raises, at compile time and per record.

An operator reading the error queue must be able to go straight to the rule that failed, so every
error carries the mapping file, the target field (with list positions, ``lines[2].quantity``), the
YAML line of the rule and the caller's record key, and reads like a compiler diagnostic.
"""

from __future__ import annotations

from typing import Any

from crossdock.core.errors import CrossdockError

__all__ = ["MappingError", "TransformError"]


class MappingError(CrossdockError):
    """A mapping that does not compile, or a record that a mapping cannot translate.

    ``str()`` reads ``mappings/shopify/order.yaml:23: field 'lines[2].quantity': expected an integer,
    got '1.5' (record 4501)``; parts that are unknown are left out. The message never holds a whole
    record, only short, truncated values.
    """

    def __init__(
        self,
        message: str,
        *,
        mapping: str | None = None,
        field: str | None = None,
        line: int | None = None,
        record_key: str | None = None,
    ) -> None:
        self.message = message
        self.mapping = mapping
        self.field = field
        self.line = line
        self.record_key = record_key
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts: list[str] = []
        if self.mapping:
            parts.append(f"{self.mapping}:{self.line}:" if self.line else f"{self.mapping}:")
        elif self.line:
            parts.append(f"line {self.line}:")
        if self.field:
            parts.append(f"field '{self.field}':")
        parts.append(self.message)
        if self.record_key is not None:
            parts.append(f"(record {self.record_key})")
        return " ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive pickling (process pools, queues) without this.
        return (_rebuild, (self.message, self.mapping, self.field, self.line, self.record_key))


def _rebuild(message: str, mapping: str | None, field: str | None, line: int | None, record_key: str | None) -> MappingError:
    return MappingError(message, mapping=mapping, field=field, line=line, record_key=record_key)


class TransformError(ValueError):
    """Raised by a transform when a value cannot be converted; its message becomes the MappingError's.

    Built-in transforms raise it with messages such as ``expected an integer, got '1.5'``; custom
    transforms may raise it (or any ``ValueError``) the same way.
    """
