"""Operations on canonical data between a flow's source and its sink.

An operation takes a page of canonical records and returns the records to deliver: it may drop records
(``filter``), change them (``set``), or produce others (routing splits an order by fulfilment
location). Operations see canonical data only, never a system's payload, so the same routing rules work
whatever the channel. New operations register with :func:`register_operation`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import jmespath
from pydantic import BaseModel

from crossdock.core.errors import FatalError

__all__ = ["Operation", "register_operation", "build_operation", "OPERATIONS"]


class Operation(Protocol):
    async def __call__(self, records: Sequence[BaseModel]) -> list[BaseModel]: ...


OperationFactory = Callable[..., Operation]
OPERATIONS: dict[str, OperationFactory] = {}


def register_operation(name: str) -> Callable[[OperationFactory], OperationFactory]:
    def decorate(factory: OperationFactory) -> OperationFactory:
        OPERATIONS[name] = factory
        return factory

    return decorate


def build_operation(spec: dict[str, Any], *, context: Any = None) -> Operation:
    """Build an operation from its job-YAML form ``{op: name, …params}``."""
    params = dict(spec)
    name = params.pop("op", None) or params.pop("type", None)
    if name not in OPERATIONS:
        raise FatalError(f"unknown operation '{name}' (known: {', '.join(sorted(OPERATIONS))})")
    try:
        return OPERATIONS[name](context=context, **params)
    except TypeError as exc:
        raise FatalError(f"operation '{name}': {exc}") from None


@register_operation("filter")
class FilterOperation:
    """Keep records for which a JMESPath condition on the canonical record is true.

    ``{op: filter, when: "status != 'cancelled'"}``
    """

    def __init__(self, *, when: str, context: Any = None) -> None:
        self.expression = jmespath.compile(when)

    async def __call__(self, records: Sequence[BaseModel]) -> list[BaseModel]:
        return [r for r in records if self.expression.search(r.model_dump(mode="json"))]


@register_operation("set")
class SetOperation:
    """Set top-level fields to constants: ``{op: set, fields: {channel: wholesale}}``."""

    def __init__(self, *, fields: dict[str, Any], context: Any = None) -> None:
        self.fields = fields

    async def __call__(self, records: Sequence[BaseModel]) -> list[BaseModel]:
        return [type(r).model_validate({**r.model_dump(), **self.fields}) for r in records]
