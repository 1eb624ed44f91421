"""JMESPath expressions compiled once into the fastest equivalent getter.

Most mapping paths are plain field chains (``totalPriceSet.shopMoney.amount``), chains with list
indexes (``lineItems[0].sku``), or fallbacks between them (``updated_at || created_at``). jmespath's
tree interpreter walks a dict-based AST on every call; for these shapes a closure doing the same
lookups is several times faster and gives the same answers (a missing key, or a field read on a
non-object, is null; ``||`` takes the left value unless it is null, false or empty). Every other
expression (filters, projections, functions) runs on jmespath's interpreter, parsed once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import jmespath
from jmespath import visitor
from jmespath.exceptions import JMESPathError

__all__ = ["Getter", "compile_path", "field_chain", "is_truthy", "PathSyntaxError"]

Getter = Callable[[Any], Any]

_INTERPRETER = visitor.TreeInterpreter()


class PathSyntaxError(ValueError):
    """A path that is not valid JMESPath; the compiler turns it into a MappingError with the line."""


def compile_path(expression: str) -> Getter:
    """Parse ``expression`` once and return a function of the record that evaluates it."""
    if not isinstance(expression, str) or not expression.strip():
        raise PathSyntaxError(f"a path must be a non-empty JMESPath string, got {expression!r}")
    try:
        parsed = jmespath.compile(expression)
    except JMESPathError as exc:
        detail = getattr(exc, "msg", None) or str(exc).splitlines()[0]
        position = getattr(exc, "lex_position", None)
        where = f" at position {position}" if isinstance(position, int) else ""
        raise PathSyntaxError(f"invalid JMESPath {expression!r}: {detail.rstrip(': ')}{where}") from None
    getter = _fast_getter(parsed.parsed)
    if getter is None:
        return partial(_INTERPRETER.visit, parsed.parsed)
    return getter


def _fast_getter(node: dict[str, Any]) -> Getter | None:
    """A closure for a plain chain, or for ``a || b || …`` of plain chains; None for anything else."""
    if node["type"] == "or_expression":
        left, right = (_fast_getter(child) for child in node["children"])
        if left is None or right is None:
            return None
        return partial(_first_truthy, left, right)
    steps = _plain_steps(node)
    return None if steps is None else _getter_for(steps)


def _first_truthy(left: Getter, right: Getter, value: Any) -> Any:
    """JMESPath's ``||``: the left value unless it is false by JMESPath's rules, else the right one."""
    found = left(value)
    return found if is_truthy(found) else right(value)


def is_truthy(value: Any) -> bool:
    """JMESPath truth: null, false, "", [] and {} are false; everything else (0 included) is true."""
    if value is None or value is False:
        return False
    if type(value) in (str, list, dict):
        return bool(value)
    return True


_Step = tuple[bool, Any]  # (is_index, field name or list index)


def _plain_steps(node: dict[str, Any]) -> list[_Step] | None:
    kind = node["type"]
    if kind == "current":
        return []
    if kind == "field":
        return [(False, node["value"])]
    if kind == "index":
        return [(True, node["value"])]
    if kind in ("subexpression", "index_expression"):
        steps: list[_Step] = []
        for child in node["children"]:
            inner = _plain_steps(child)
            if inner is None:
                return None
            steps += inner
        return steps
    return None


def field_chain(getter: Getter) -> tuple[str, ...] | None:
    """The field names a getter reads one after the other (``a.b.c``), or None for any other getter.

    The code generator writes such a read out as a ``.get`` chain instead of calling the getter.
    """
    if isinstance(getter, partial) and not getter.keywords:
        if getter.func in (_field1, _field2, _field3):
            return tuple(getter.args)
        if getter.func is _fields:
            return tuple(getter.args[0])
    return None


def _identity(value: Any) -> Any:
    return value


def _getter_for(steps: list[_Step]) -> Getter:
    if not steps:
        return _identity
    if not any(is_index for is_index, _ in steps):
        names = [name for _, name in steps]
        if len(names) == 1:
            return partial(_field1, names[0])
        if len(names) == 2:
            return partial(_field2, names[0], names[1])
        if len(names) == 3:
            return partial(_field3, names[0], names[1], names[2])
        return partial(_fields, tuple(names))
    return partial(_walk, tuple(steps))


# ``.get`` on a non-object raises AttributeError, which is exactly JMESPath's "null" for a field read
# on a string, list, number or null.
def _field1(a: str, value: Any) -> Any:
    try:
        return value.get(a)
    except AttributeError:
        return None


def _field2(a: str, b: str, value: Any) -> Any:
    try:
        return value.get(a).get(b)
    except AttributeError:
        return None


def _field3(a: str, b: str, c: str, value: Any) -> Any:
    try:
        return value.get(a).get(b).get(c)
    except AttributeError:
        return None


def _fields(names: tuple[str, ...], value: Any) -> Any:
    try:
        for name in names:
            value = value.get(name)
        return value
    except AttributeError:
        return None


def _walk(steps: tuple[_Step, ...], value: Any) -> Any:
    for is_index, key in steps:
        if is_index:
            if not isinstance(value, list):
                return None
            try:
                value = value[key]
            except IndexError:
                return None
        else:
            try:
                value = value.get(key)
            except AttributeError:
                return None
    return value
