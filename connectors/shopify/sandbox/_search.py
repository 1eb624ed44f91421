"""Shopify's search syntax (the ``query:`` argument of list fields), parsed and evaluated.

Supported as on Shopify: ``field:value``, range comparators ``field:>value`` / ``>=`` / ``<`` / ``<=``,
values in single or double quotes with backslash escapes, ``field:*`` (the field is present), negation
with ``-field:value`` or ``NOT``, ``AND`` / ``OR`` (``AND`` binds tighter; whitespace is an implicit
``AND``), parentheses, and free text matched against a resource's default fields. As on Shopify, a
filter on a field the resource does not support filters nothing; it is reported back as a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._data import parse_time

__all__ = ["SearchSyntaxError", "SearchQuery", "FieldKind", "parse_search"]

FieldKind = str
"""``"text"``, ``"time"``, ``"number"``, ``"list"`` (any item equal) or ``"id"`` (a GID or its number)."""

Getter = Callable[[Mapping[str, Any]], Any]


class SearchSyntaxError(ValueError):
    """The query text cannot be parsed (an unclosed quote or parenthesis)."""


@dataclass(frozen=True, slots=True)
class _Term:
    name: str | None
    op: str
    value: str


@dataclass(frozen=True, slots=True)
class _Not:
    operand: Any


@dataclass(frozen=True, slots=True)
class _And:
    operands: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Or:
    operands: tuple[Any, ...]


_COMPARATORS = (">=", "<=", ">", "<", "=")


def _read_value(text: str, start: int) -> tuple[str, int]:
    if start < len(text) and text[start] in "'\"":
        quote, i, out = text[start], start + 1, []
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 2
                continue
            if char == quote:
                return "".join(out), i + 1
            out.append(char)
            i += 1
        raise SearchSyntaxError(f"unclosed {quote} quote at position {start}")
    i = start
    while i < len(text) and not text[i].isspace() and text[i] not in "()":
        i += 1
    return text[start:i], i


def _tokens(text: str) -> list[Any]:
    tokens: list[Any] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in "()":
            tokens.append(char)
            i += 1
            continue
        negated = char == "-"
        if negated:
            i += 1
        j = i
        while j < len(text) and (text[j].isalnum() or text[j] in "_."):
            j += 1
        if j < len(text) and text[j] == ":" and j > i:
            name = text[i:j]
            k = j + 1
            op = ":"
            for comparator in _COMPARATORS:
                if text.startswith(comparator, k):
                    op = comparator if comparator != "=" else ":"
                    k += len(comparator)
                    break
            value, i = _read_value(text, k)
            term: Any = _Term(name.lower(), op, value)
        else:
            value, i = _read_value(text, i)
            if not negated and value in ("AND", "OR", "NOT"):
                tokens.append(value)
                continue
            term = _Term(None, ":", value)
        tokens.append(_Not(term) if negated else term)
    return tokens


class _Parser:
    def __init__(self, tokens: list[Any]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> Any:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Any:
        token = self.peek()
        self.position += 1
        return token

    def parse(self) -> Any:
        if not self.tokens:
            return _And(())
        node = self.or_expression()
        if self.peek() is not None:
            raise SearchSyntaxError(f"unexpected {self.peek()!r}")
        return node

    def or_expression(self) -> Any:
        operands = [self.and_expression()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.and_expression())
        return operands[0] if len(operands) == 1 else _Or(tuple(operands))

    def and_expression(self) -> Any:
        operands = [self.unary()]
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.take()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else _And(tuple(operands))

    def unary(self) -> Any:
        token = self.take()
        if token == "NOT":
            return _Not(self.unary())
        if token == "(":
            node = self.or_expression()
            if self.take() != ")":
                raise SearchSyntaxError("unclosed parenthesis")
            return node
        if token is None or token in ("AND", "OR", ")"):
            raise SearchSyntaxError(f"expected a search term, found {token!r}")
        return token


@dataclass
class SearchQuery:
    """A parsed query, ready to test records of one resource.

    ``fields`` maps each filterable field to ``(kind, getter)``; ``default_fields`` are matched by free
    text. ``warnings`` lists the fields the resource does not filter on (ignored, as Shopify does).
    """

    tree: Any
    fields: Mapping[str, tuple[FieldKind, Getter]]
    default_fields: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    def matches(self, record: Mapping[str, Any]) -> bool:
        return self._eval(self.tree, record)

    def _eval(self, node: Any, record: Mapping[str, Any]) -> bool:
        if isinstance(node, _And):
            return all(self._eval(operand, record) for operand in node.operands)
        if isinstance(node, _Or):
            return any(self._eval(operand, record) for operand in node.operands)
        if isinstance(node, _Not):
            return not self._eval(node.operand, record)
        return self._term(node, record)

    def _term(self, term: _Term, record: Mapping[str, Any]) -> bool:
        if term.name is None:
            needle = term.value.lower()
            for name in self.default_fields:
                value = self.fields[name][1](record)
                if value is not None and needle in str(value).lower():
                    return True
            return False
        spec = self.fields.get(term.name)
        if spec is None:
            if term.name not in self.warnings:
                self.warnings.append(term.name)
            return True
        kind, getter = spec
        value = getter(record)
        if term.value == "*" and term.op == ":":
            return value not in (None, "", [])
        if value is None:
            return False
        if kind == "list":
            return any(_compare(str(item).lower(), term.op, term.value.lower()) for item in value)
        if kind == "time":
            try:
                wanted: Any = parse_time(term.value)
            except ValueError:
                return False
            return _compare(parse_time(value) if not isinstance(value, datetime) else value, term.op, wanted)
        if kind == "number":
            try:
                return _compare(float(value), term.op, float(term.value))
            except ValueError:
                return False
        if kind == "id":
            number = str(value).rsplit("/", 1)[-1].split("?", 1)[0]
            wanted_number = term.value.rsplit("/", 1)[-1]
            try:
                return _compare(int(number), term.op, int(wanted_number))
            except ValueError:
                return False
        return _compare(str(value).lower(), term.op, term.value.lower())


def _compare(value: Any, op: str, wanted: Any) -> bool:
    if op == ":":
        return bool(value == wanted)
    if op == ">":
        return bool(value > wanted)
    if op == ">=":
        return bool(value >= wanted)
    if op == "<":
        return bool(value < wanted)
    return bool(value <= wanted)


def parse_search(
    text: str | None, fields: Mapping[str, tuple[FieldKind, Getter]], default_fields: tuple[str, ...] = ()
) -> SearchQuery:
    """Parse ``text`` for a resource whose filterable fields are ``fields``."""
    tree = _Parser(_tokens(text or "")).parse()
    return SearchQuery(tree=tree, fields=fields, default_fields=default_fields)
