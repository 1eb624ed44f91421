"""Running a parsed SuiteQL ``SELECT`` over the sandbox's tables.

Rows are plain dicts; a :class:`Catalog` says which tables exist, which columns they have and how
``BUILTIN.DF`` names a referenced record. Semantics follow Oracle where integrations notice them:
three-valued logic (a comparison with NULL is unknown, so the row is not selected), NULLs sort last
ascending and first descending, a string compared with a number is read as a number, and date-times
are written and read in the account's time zone (``TO_CHAR``, ``TO_TIMESTAMP``) while being stored in UTC.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from ._sql_parser import (
    Between,
    Binary,
    Column,
    Expression,
    Function,
    InList,
    IsNull,
    Like,
    Literal,
    Select,
    Star,
    Unary,
)

__all__ = ["Catalog", "QueryResult", "SuiteQLError", "format_value", "run_select"]

Row = Mapping[str, Any]
Combo = dict[str, Row | None]


class SuiteQLError(ValueError):
    """A query that parses but cannot run (unknown table or field, a bad number or date format)."""


class Catalog(Protocol):
    """What the engine needs to know about the data it queries."""

    def columns(self, table: str) -> frozenset[str] | None:
        """The table's columns (lower case), or None when there is no such table."""
        ...

    def rows(self, table: str) -> Sequence[Row]: ...

    def display(self, table: str, column: str, value: Any, row: Row) -> str | None:
        """``BUILTIN.DF``: the display name of ``value`` in ``table.column`` (a referenced record's name)."""
        ...


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


# -- Oracle date formats -----------------------------------------------------------------------
_FORMAT_PART = re.compile(r'"[^"]*"|YYYY|HH24|HH12|HH|MM|DD|MI|SS|AM|PM|[-/,.;: ]', re.IGNORECASE)
_PARSE_PATTERNS = {
    "YYYY": r"(?P<year>\d{4})",
    "MM": r"(?P<month>\d{1,2})",
    "DD": r"(?P<day>\d{1,2})",
    "HH24": r"(?P<hour>\d{1,2})",
    "HH12": r"(?P<hour12>\d{1,2})",
    "HH": r"(?P<hour12>\d{1,2})",
    "MI": r"(?P<minute>\d{1,2})",
    "SS": r"(?P<second>\d{1,2})",
    "AM": r"(?P<meridian>AM|PM|A\.M\.|P\.M\.)",
    "PM": r"(?P<meridian>AM|PM|A\.M\.|P\.M\.)",
}


@functools.lru_cache(maxsize=64)
def _format_parts(fmt: str) -> tuple[str, ...]:
    parts: list[str] = []
    position = 0
    while position < len(fmt):
        match = _FORMAT_PART.match(fmt, position)
        if match is None:
            raise SuiteQLError(f"ORA-01821: date format not recognized: {fmt!r}")
        token = match.group()
        parts.append(token if token.startswith('"') or not token.isalpha() else token.upper())
        position = match.end()
    return tuple(parts)


def _format_datetime(moment: datetime, fmt: str) -> str:
    out = []
    for part in _format_parts(fmt):
        if part.startswith('"'):
            out.append(part[1:-1])
        elif part == "YYYY":
            out.append(f"{moment.year:04d}")
        elif part == "MM":
            out.append(f"{moment.month:02d}")
        elif part == "DD":
            out.append(f"{moment.day:02d}")
        elif part == "HH24":
            out.append(f"{moment.hour:02d}")
        elif part in ("HH", "HH12"):
            out.append(f"{(moment.hour % 12) or 12:02d}")
        elif part == "MI":
            out.append(f"{moment.minute:02d}")
        elif part == "SS":
            out.append(f"{moment.second:02d}")
        elif part in ("AM", "PM"):
            out.append("AM" if moment.hour < 12 else "PM")
        else:
            out.append(part)
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _parse_regex(fmt: str) -> re.Pattern[str]:
    pattern = []
    seen: set[str] = set()
    for part in _format_parts(fmt):
        if part.startswith('"'):
            pattern.append(re.escape(part[1:-1]))
        elif part in _PARSE_PATTERNS:
            group = _PARSE_PATTERNS[part]
            name = group[4 : group.index(">")]
            if name in seen:
                raise SuiteQLError(f"ORA-01810: format code appears twice in {fmt!r}")
            seen.add(name)
            pattern.append(group)
        else:
            pattern.append(r"\s*" if part == " " else re.escape(part))
    return re.compile("".join(pattern) + r"\s*$", re.IGNORECASE)


def _parse_datetime(text: str, fmt: str, zone: tzinfo) -> datetime:
    match = _parse_regex(fmt).match(text.strip())
    if match is None:
        raise SuiteQLError(f"ORA-01861: literal does not match format string: {text!r} vs {fmt!r}")
    fields = {k: v for k, v in match.groupdict().items() if v is not None}
    hour = int(fields.get("hour", 0))
    if "hour12" in fields:
        hour = int(fields["hour12"]) % 12
        if fields.get("meridian", "AM").upper().startswith("P"):
            hour += 12
    try:
        local = datetime(
            int(fields.get("year", 1970)), int(fields.get("month", 1)), int(fields.get("day", 1)),
            hour, int(fields.get("minute", 0)), int(fields.get("second", 0)),
        )
    except ValueError as exc:
        raise SuiteQLError(f"ORA-01847: {exc}: {text!r}") from None
    return local.replace(tzinfo=zone).astimezone(UTC)


# -- values ------------------------------------------------------------------------------------
def format_value(value: Any, zone: tzinfo) -> str | None:
    """A value as the SuiteQL REST service returns it: text, dates and date-times in the account's
    default formats (``6/1/2025``, ``6/1/2025 5:07 am``), numbers without exponent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, datetime):
        local = value.astimezone(zone)
        return f"{local.month}/{local.day}/{local.year} {(local.hour % 12) or 12}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
    if isinstance(value, date):
        return f"{value.month}/{value.day}/{value.year}"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    return str(value)


def _number(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise SuiteQLError("ORA-01722: invalid number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise SuiteQLError(f"ORA-01722: invalid number: {value!r}") from None
    raise SuiteQLError(f"ORA-01722: invalid number: {value!r}")


def _comparable(left: Any, right: Any, zone: tzinfo) -> tuple[Any, Any]:
    if isinstance(left, (int, Decimal)) or isinstance(right, (int, Decimal)):
        return _number(left), _number(right)
    if isinstance(left, datetime) or isinstance(right, datetime):
        return _as_datetime(left, zone), _as_datetime(right, zone)
    if isinstance(left, date) or isinstance(right, date):
        return _as_datetime(left, zone), _as_datetime(right, zone)
    return left, right


def _as_datetime(value: Any, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone).astimezone(UTC)
    raise SuiteQLError(f"ORA-01861: {value!r} is not a date")


def _compare(op: str, left: Any, right: Any, zone: tzinfo) -> bool | None:
    if left is None or right is None:
        return None
    a, b = _comparable(left, right, zone)
    try:
        if op == "=":
            return bool(a == b)
        if op == "<>":
            return bool(a != b)
        if op == "<":
            return bool(a < b)
        if op == "<=":
            return bool(a <= b)
        if op == ">":
            return bool(a > b)
        return bool(a >= b)
    except TypeError:
        raise SuiteQLError(f"ORA-00932: inconsistent datatypes: {left!r} {op} {right!r}") from None


def _and(left: bool | None, right: Callable[[], bool | None]) -> bool | None:
    if left is False:
        return False
    value = right()
    if value is False:
        return False
    return None if left is None or value is None else True


def _or(left: bool | None, right: Callable[[], bool | None]) -> bool | None:
    if left is True:
        return True
    value = right()
    if value is True:
        return True
    return None if left is None or value is None else False


def _like(value: str, pattern: str) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


# -- evaluation --------------------------------------------------------------------------------
class _Evaluator:
    def __init__(self, catalog: Catalog, aliases: Mapping[str, str], zone: tzinfo) -> None:
        self.catalog = catalog
        self.aliases = aliases  # alias -> table
        self.zone = zone
        self.columns = {alias: catalog.columns(table) or frozenset() for alias, table in aliases.items()}

    def resolve(self, column: Column) -> tuple[str, str]:
        """The alias a column reference belongs to (checked when the query is prepared)."""
        if column.qualifier is not None:
            if column.qualifier not in self.aliases:
                raise SuiteQLError(f"Unknown identifier '{column.qualifier}'.")
            if column.name not in self.columns[column.qualifier]:
                table = self.aliases[column.qualifier]
                raise SuiteQLError(f"Field '{column.name}' for record '{table}' was not found.")
            return column.qualifier, column.name
        owners = [alias for alias, names in self.columns.items() if column.name in names]
        if not owners:
            raise SuiteQLError(f"Unknown identifier '{column.name}'.")
        if len(owners) > 1:
            raise SuiteQLError(f"ORA-00918: column ambiguously defined: '{column.name}'")
        return owners[0], column.name

    def check(self, expression: Expression) -> None:
        """Reject unknown columns and functions before reading any row, as NetSuite does."""
        for node in _walk(expression):
            if isinstance(node, Column):
                self.resolve(node)
            elif isinstance(node, Function) and node.name not in _FUNCTIONS and node.name != "BUILTIN.DF":
                raise SuiteQLError(f"Unknown identifier '{node.name}'.")
            elif isinstance(node, Function) and node.name == "BUILTIN.DF":
                if len(node.args) != 1 or not isinstance(node.args[0], Column):
                    raise SuiteQLError("BUILTIN.DF takes one field")

    def value(self, expression: Expression, combo: Combo) -> Any:
        if isinstance(expression, Literal):
            return expression.value
        if isinstance(expression, Column):
            alias, name = self.resolve(expression)
            row = combo.get(alias)
            return None if row is None else row.get(name)
        if isinstance(expression, Binary):
            return self._binary(expression, combo)
        if isinstance(expression, Unary):
            operand = self.value(expression.operand, combo)
            if expression.op == "NOT":
                return None if operand is None else not operand
            return None if operand is None else -_number(operand)
        if isinstance(expression, IsNull):
            is_null = self.value(expression.operand, combo) is None
            return not is_null if expression.negated else is_null
        if isinstance(expression, InList):
            return self._in(expression, combo)
        if isinstance(expression, Like):
            operand, pattern = self.value(expression.operand, combo), self.value(expression.pattern, combo)
            if operand is None or pattern is None:
                return None
            matched = _like(str(operand), str(pattern))
            return not matched if expression.negated else matched
        if isinstance(expression, Between):
            operand = self.value(expression.operand, combo)
            inside = _and(
                _compare(">=", operand, self.value(expression.low, combo), self.zone),
                lambda: _compare("<=", operand, self.value(expression.high, combo), self.zone),
            )
            return None if inside is None else (not inside if expression.negated else inside)
        if isinstance(expression, Function):
            return self._function(expression, combo)
        raise SuiteQLError("'*' is only allowed in the select list")

    def condition(self, expression: Expression | None, combo: Combo) -> bool:
        return expression is None or self.value(expression, combo) is True

    def _binary(self, expression: Binary, combo: Combo) -> Any:
        op = expression.op
        if op == "AND":
            return _and(self.value(expression.left, combo), lambda: self.value(expression.right, combo))
        if op == "OR":
            return _or(self.value(expression.left, combo), lambda: self.value(expression.right, combo))
        left, right = self.value(expression.left, combo), self.value(expression.right, combo)
        if op in ("=", "<>", "<", "<=", ">", ">="):
            return _compare(op, left, right, self.zone)
        if op == "||":
            return f"{format_value(left, self.zone) or ''}{format_value(right, self.zone) or ''}"
        if left is None or right is None:
            return None
        a, b = _number(left), _number(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise SuiteQLError("ORA-01476: divisor is equal to zero")
        return a / b

    def _in(self, expression: InList, combo: Combo) -> bool | None:
        operand = self.value(expression.operand, combo)
        if operand is None:
            return None
        unknown = False
        for item in expression.items:
            outcome = _compare("=", operand, self.value(item, combo), self.zone)
            if outcome is True:
                return not expression.negated
            unknown = unknown or outcome is None
        if unknown:
            return None
        return expression.negated

    def _function(self, expression: Function, combo: Combo) -> Any:
        if expression.name == "BUILTIN.DF":
            column = expression.args[0]
            assert isinstance(column, Column)
            alias, name = self.resolve(column)
            row = combo.get(alias)
            raw = None if row is None else row.get(name)
            if raw is None or row is None:
                return None
            return self.catalog.display(self.aliases[alias], name, raw, row)
        args = [self.value(arg, combo) for arg in expression.args]
        return _FUNCTIONS[expression.name](args, self.zone)


def _walk(expression: Expression) -> Iterable[Expression]:
    yield expression
    children: tuple[Expression, ...] = ()
    if isinstance(expression, Binary):
        children = (expression.left, expression.right)
    elif isinstance(expression, Unary):
        children = (expression.operand,)
    elif isinstance(expression, (IsNull,)):
        children = (expression.operand,)
    elif isinstance(expression, InList):
        children = (expression.operand, *expression.items)
    elif isinstance(expression, Like):
        children = (expression.operand, expression.pattern)
    elif isinstance(expression, Between):
        children = (expression.operand, expression.low, expression.high)
    elif isinstance(expression, Function) and expression.name != "BUILTIN.DF":
        children = expression.args
    for child in children:
        yield from _walk(child)


def _arity(name: str, args: Sequence[Any], *counts: int) -> None:
    if len(args) not in counts:
        raise SuiteQLError(f"ORA-00909: invalid number of arguments for {name}")


def _to_char(args: Sequence[Any], zone: tzinfo) -> str | None:
    _arity("TO_CHAR", args, 1, 2)
    value = args[0]
    if value is None:
        return None
    if len(args) == 2 and isinstance(value, (date, datetime)):
        moment = value.astimezone(zone) if isinstance(value, datetime) else datetime.combine(value, time())
        return _format_datetime(moment, str(args[1]))
    return format_value(value, zone)


def _to_timestamp(args: Sequence[Any], zone: tzinfo) -> datetime | None:
    _arity("TO_TIMESTAMP", args, 2)
    if args[0] is None:
        return None
    if isinstance(args[0], datetime):
        return args[0]
    return _parse_datetime(str(args[0]), str(args[1]), zone)


def _round(args: Sequence[Any], zone: tzinfo) -> Decimal | None:
    _arity("ROUND", args, 1, 2)
    if args[0] is None:
        return None
    places = int(_number(args[1])) if len(args) == 2 else 0
    return _number(args[0]).quantize(Decimal(1).scaleb(-places))


def _text(name: str, transform: Callable[[str], str]) -> Callable[[Sequence[Any], tzinfo], str | None]:
    def apply(args: Sequence[Any], zone: tzinfo) -> str | None:
        _arity(name, args, 1)
        return None if args[0] is None else transform(str(args[0]))

    return apply


def _abs(args: Sequence[Any], zone: tzinfo) -> Decimal | None:
    _arity("ABS", args, 1)
    return None if args[0] is None else abs(_number(args[0]))


def _nvl(args: Sequence[Any], zone: tzinfo) -> Any:
    _arity("NVL", args, 2)
    return args[1] if args[0] is None else args[0]


def _coalesce(args: Sequence[Any], zone: tzinfo) -> Any:
    return next((a for a in args if a is not None), None)


_FUNCTIONS: dict[str, Callable[[Sequence[Any], tzinfo], Any]] = {
    "TO_CHAR": _to_char,
    "TO_TIMESTAMP": _to_timestamp,
    "TO_DATE": _to_timestamp,
    "ROUND": _round,
    "ABS": _abs,
    "NVL": _nvl,
    "COALESCE": _coalesce,
    "UPPER": _text("UPPER", str.upper),
    "LOWER": _text("LOWER", str.lower),
    "TRIM": _text("TRIM", str.strip),
}


# -- the query ---------------------------------------------------------------------------------
def _hash_key(value: Any) -> Any:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return ("n", Decimal(value).normalize())
    return ("v", value)


def _equi_join_columns(condition: Expression, alias: str) -> tuple[Column, Expression] | None:
    """A ``joined.col = <expression of earlier tables>`` term of the ON condition, for a hash join."""
    terms = [condition]
    while terms:
        term = terms.pop()
        if isinstance(term, Binary) and term.op == "AND":
            terms += [term.left, term.right]
            continue
        if isinstance(term, Binary) and term.op == "=":
            for mine, other in ((term.left, term.right), (term.right, term.left)):
                if (
                    isinstance(mine, Column)
                    and mine.qualifier == alias
                    and not any(isinstance(n, Column) and n.qualifier in (alias, None) for n in _walk(other))
                ):
                    return mine, other
    return None


def _join(evaluator: _Evaluator, combos: list[Combo], join: Any, rows: Sequence[Row]) -> list[Combo]:
    hashed = _equi_join_columns(join.condition, join.alias)
    index: dict[Any, list[Row]] | None = None
    if hashed is not None:
        index = {}
        for row in rows:
            value = row.get(hashed[0].name)
            if value is not None:
                index.setdefault(_hash_key(value), []).append(row)
    joined: list[Combo] = []
    for combo in combos:
        if index is not None and hashed is not None:
            key = evaluator.value(hashed[1], combo)
            candidates: Sequence[Row] = index.get(_hash_key(key), []) if key is not None else []
        else:
            candidates = rows
        matched = False
        for row in candidates:
            candidate = {**combo, join.alias: row}
            if evaluator.condition(join.condition, candidate):
                joined.append(candidate)
                matched = True
        if not matched and join.kind == "LEFT":
            joined.append({**combo, join.alias: None})
    return joined


def _sort_key_compare(zone: tzinfo, descending: Sequence[bool]) -> Callable[[tuple[Any, ...], tuple[Any, ...]], int]:
    def compare(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
        for left, right, desc in zip(a, b, descending, strict=True):
            if left is None and right is None:
                continue
            if left is None or right is None:  # Oracle: NULLS LAST ascending, NULLS FIRST descending
                outcome = 1 if left is None else -1
                return -outcome if desc else outcome
            x, y = _comparable(left, right, zone)
            if x == y:
                continue
            outcome = -1 if x < y else 1
            return -outcome if desc else outcome
        return 0

    return compare


def run_select(select: Select, catalog: Catalog, zone: tzinfo) -> QueryResult:
    """Evaluate ``select`` over ``catalog``; every row, sorted (the caller pages)."""
    aliases: dict[str, str] = {}
    for table, alias in [(select.table, select.alias), *((j.table, j.alias) for j in select.joins)]:
        if catalog.columns(table) is None:
            raise SuiteQLError(f"Record '{table}' was not found.")
        if alias in aliases:
            raise SuiteQLError(f"ORA-00918: alias '{alias}' is used twice")
        aliases[alias] = table
    evaluator = _Evaluator(catalog, aliases, zone)

    columns: list[tuple[str, Expression]] = []
    for position, item in enumerate(select.items, start=1):
        if isinstance(item.expression, Star):
            qualifier = item.expression.qualifier
            for alias, table in aliases.items():
                if qualifier is None or qualifier == alias:
                    for name in sorted(catalog.columns(table) or ()):
                        columns.append((name, Column(alias, name)))
            continue
        evaluator.check(item.expression)
        if item.alias:
            name = item.alias.lower()
        elif isinstance(item.expression, Column):
            name = item.expression.name
        else:
            name = f"expr{position}"
        columns.append((name, item.expression))
    for join in select.joins:
        evaluator.check(join.condition)
    if select.where is not None:
        evaluator.check(select.where)
    output_names = {name for name, _ in columns}
    order_terms: list[tuple[str | None, Expression | None, bool]] = []
    for order in select.order_by:
        expression = order.expression
        if isinstance(expression, Literal) and isinstance(expression.value, Decimal):
            position = int(expression.value)
            if not 1 <= position <= len(columns):
                raise SuiteQLError("ORA-01785: ORDER BY item must be the number of a SELECT-list expression")
            order_terms.append((columns[position - 1][0], None, order.descending))
        elif isinstance(expression, Column) and expression.qualifier is None and expression.name in output_names:
            order_terms.append((expression.name, None, order.descending))
        else:
            evaluator.check(expression)
            order_terms.append((None, expression, order.descending))

    combos: list[Combo] = [{select.alias: row} for row in catalog.rows(select.table)]
    for join in select.joins:
        combos = _join(evaluator, combos, join, catalog.rows(join.table))
    combos = [combo for combo in combos if evaluator.condition(select.where, combo)]

    produced: list[tuple[dict[str, Any], tuple[Any, ...]]] = []
    for combo in combos:
        row = {name: evaluator.value(expression, combo) for name, expression in columns}
        key = tuple(
            row[name] if name is not None else evaluator.value(expression, combo)  # type: ignore[arg-type]
            for name, expression, _ in order_terms
        )
        produced.append((row, key))
    if select.distinct:
        unique: dict[tuple[Any, ...], tuple[dict[str, Any], tuple[Any, ...]]] = {}
        for row, key in produced:
            unique.setdefault(tuple(_hash_key(v) for v in row.values()), (row, key))
        produced = list(unique.values())
    if order_terms:
        compare = _sort_key_compare(zone, [desc for _, _, desc in order_terms])
        produced.sort(key=functools.cmp_to_key(lambda a, b: compare(a[1], b[1])))
    return QueryResult(tuple(name for name, _ in columns), [row for row, _ in produced])
