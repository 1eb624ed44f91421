"""The SuiteQL subset the sandbox understands, from text to a syntax tree.

SuiteQL is Oracle-flavoured SQL-92. The sandbox parses what integrations actually send rather than
pattern-matching the connector's own queries, so a query the sandbox answers is a query it really
filtered, joined, sorted and paged:

``SELECT [DISTINCT] expr [AS alias], … | *``
``FROM table [AS] alias {[INNER | LEFT [OUTER]] JOIN table [AS] alias ON condition}``
``[WHERE condition] [ORDER BY expr [ASC | DESC], …]``

Expressions: column references (``t.id``, ``id``), string and number literals, ``NULL``, ``+ - * / ||``,
comparisons (``= <> != < <= > >=``), ``[NOT] IN (…)``, ``[NOT] LIKE``, ``IS [NOT] NULL``,
``[NOT] BETWEEN … AND …``, ``AND / OR / NOT`` and function calls (``TO_CHAR(…)``, ``BUILTIN.DF(…)``).
Anything else is a :class:`SuiteQLSyntaxError`, worded like NetSuite's "Invalid search query".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "Between",
    "Binary",
    "Column",
    "Expression",
    "Function",
    "InList",
    "IsNull",
    "Join",
    "Like",
    "Literal",
    "OrderItem",
    "Select",
    "SelectItem",
    "Star",
    "SuiteQLSyntaxError",
    "Unary",
    "parse",
]


class SuiteQLSyntaxError(ValueError):
    """The query is not SuiteQL the sandbox can run; the message says where."""


# -- syntax tree -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Column:
    qualifier: str | None
    name: str


@dataclass(frozen=True)
class Star:
    qualifier: str | None = None


@dataclass(frozen=True)
class Function:
    name: str
    """Upper case, dotted for built-ins (``BUILTIN.DF``)."""
    args: tuple[Expression, ...]


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expression


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expression
    right: Expression


@dataclass(frozen=True)
class InList:
    operand: Expression
    items: tuple[Expression, ...]
    negated: bool = False


@dataclass(frozen=True)
class Like:
    operand: Expression
    pattern: Expression
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    operand: Expression
    negated: bool = False


@dataclass(frozen=True)
class Between:
    operand: Expression
    low: Expression
    high: Expression
    negated: bool = False


Expression = Literal | Column | Star | Function | Unary | Binary | InList | Like | IsNull | Between


@dataclass(frozen=True)
class SelectItem:
    expression: Expression
    alias: str | None


@dataclass(frozen=True)
class Join:
    kind: str
    """``INNER`` or ``LEFT``."""
    table: str
    alias: str
    condition: Expression


@dataclass(frozen=True)
class OrderItem:
    expression: Expression
    descending: bool = False


@dataclass(frozen=True)
class Select:
    items: tuple[SelectItem, ...]
    table: str
    alias: str
    joins: tuple[Join, ...] = ()
    where: Expression | None = None
    order_by: tuple[OrderItem, ...] = ()
    distinct: bool = False


# -- tokens ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    kind: str  # ident, string, number, op, end
    text: str
    position: int
    value: Any = None


_TOKEN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")
  | (?P<op><>|!=|<=|>=|\|\||[=<>(),.*+\-/])
    """,
    re.VERBOSE | re.DOTALL,
)

_RESERVED = frozenset({
    "SELECT", "DISTINCT", "FROM", "WHERE", "ORDER", "BY", "ASC", "DESC", "JOIN", "INNER", "LEFT", "OUTER",
    "ON", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "AS", "GROUP", "HAVING", "UNION",
})


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SuiteQLSyntaxError(f"unexpected character {text[position]!r} at position {position}")
        kind = match.lastgroup or ""
        raw = match.group()
        if kind == "string":
            tokens.append(_Token("string", raw, position, raw[1:-1].replace("''", "'")))
        elif kind == "number":
            tokens.append(_Token("number", raw, position, Decimal(raw)))
        elif kind == "ident":
            tokens.append(_Token("ident", raw, position, raw.strip('"')))
        elif kind == "op":
            tokens.append(_Token("op", raw, position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# -- parser ------------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    # token helpers
    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _is_keyword(self, *words: str) -> bool:
        token = self.current
        return token.kind == "ident" and not token.text.startswith('"') and token.text.upper() in words

    def _accept_keyword(self, *words: str) -> bool:
        if self._is_keyword(*words):
            self.index += 1
            return True
        return False

    def _expect_keyword(self, word: str) -> None:
        if not self._accept_keyword(word):
            self._fail(f"expected {word}")

    def _is_op(self, *ops: str) -> bool:
        return self.current.kind == "op" and self.current.text in ops

    def _accept_op(self, op: str) -> bool:
        if self._is_op(op):
            self.index += 1
            return True
        return False

    def _expect_op(self, op: str) -> None:
        if not self._accept_op(op):
            self._fail(f"expected '{op}'")

    def _fail(self, what: str) -> None:
        token = self.current
        found = "end of query" if token.kind == "end" else repr(token.text)
        raise SuiteQLSyntaxError(f"{what} but found {found} at position {token.position}")

    def _identifier(self) -> str:
        token = self.current
        if token.kind != "ident" or (token.text.upper() in _RESERVED and not token.text.startswith('"')):
            self._fail("expected a name")
        self.index += 1
        return str(token.value)

    # grammar
    def select(self) -> Select:
        self._expect_keyword("SELECT")
        distinct = self._accept_keyword("DISTINCT")
        items = [self._select_item()]
        while self._accept_op(","):
            items.append(self._select_item())
        self._expect_keyword("FROM")
        table, alias = self._table()
        joins: list[Join] = []
        while self._is_keyword("JOIN", "INNER", "LEFT"):
            joins.append(self._join())
        where = None
        if self._accept_keyword("WHERE"):
            where = self._expression()
        order_by: list[OrderItem] = []
        if self._accept_keyword("ORDER"):
            self._expect_keyword("BY")
            order_by.append(self._order_item())
            while self._accept_op(","):
                order_by.append(self._order_item())
        if self._is_keyword("GROUP", "HAVING", "UNION"):
            self._fail("the sandbox's SuiteQL does not support " + self.current.text.upper())
        if self.current.kind != "end":
            self._fail("expected end of query")
        return Select(tuple(items), table, alias, tuple(joins), where, tuple(order_by), distinct)

    def _select_item(self) -> SelectItem:
        if self._accept_op("*"):
            return SelectItem(Star(), None)
        expression = self._expression()
        alias = None
        if self._accept_keyword("AS"):
            alias = self._identifier()
        elif self.current.kind == "ident" and self.current.text.upper() not in _RESERVED:
            alias = self._identifier()
        return SelectItem(expression, alias)

    def _table(self) -> tuple[str, str]:
        name = self._identifier()
        alias = name
        if self._accept_keyword("AS"):
            alias = self._identifier()
        elif self.current.kind == "ident" and self.current.text.upper() not in _RESERVED:
            alias = self._identifier()
        return name.lower(), alias.lower()

    def _join(self) -> Join:
        kind = "INNER"
        if self._accept_keyword("LEFT"):
            kind = "LEFT"
            self._accept_keyword("OUTER")
        else:
            self._accept_keyword("INNER")
        self._expect_keyword("JOIN")
        table, alias = self._table()
        self._expect_keyword("ON")
        return Join(kind, table, alias, self._expression())

    def _order_item(self) -> OrderItem:
        expression = self._expression()
        descending = False
        if self._accept_keyword("DESC"):
            descending = True
        else:
            self._accept_keyword("ASC")
        return OrderItem(expression, descending)

    # expressions, lowest precedence first
    def _expression(self) -> Expression:
        left = self._conjunction()
        while self._accept_keyword("OR"):
            left = Binary("OR", left, self._conjunction())
        return left

    def _conjunction(self) -> Expression:
        left = self._negation()
        while self._accept_keyword("AND"):
            left = Binary("AND", left, self._negation())
        return left

    def _negation(self) -> Expression:
        if self._accept_keyword("NOT"):
            return Unary("NOT", self._negation())
        return self._comparison()

    def _comparison(self) -> Expression:
        left = self._additive()
        if self._is_op("=", "<>", "!=", "<", "<=", ">", ">="):
            op = self._advance().text
            return Binary("<>" if op == "!=" else op, left, self._additive())
        if self._accept_keyword("IS"):
            negated = self._accept_keyword("NOT")
            self._expect_keyword("NULL")
            return IsNull(left, negated)
        negated = self._accept_keyword("NOT")
        if self._accept_keyword("IN"):
            self._expect_op("(")
            items = [self._additive()]
            while self._accept_op(","):
                items.append(self._additive())
            self._expect_op(")")
            return InList(left, tuple(items), negated)
        if self._accept_keyword("LIKE"):
            return Like(left, self._additive(), negated)
        if self._accept_keyword("BETWEEN"):
            low = self._additive()
            self._expect_keyword("AND")
            return Between(left, low, self._additive(), negated)
        if negated:
            self._fail("expected IN, LIKE or BETWEEN after NOT")
        return left

    def _additive(self) -> Expression:
        left = self._multiplicative()
        while self._is_op("+", "-", "||"):
            op = self._advance().text
            left = Binary(op, left, self._multiplicative())
        return left

    def _multiplicative(self) -> Expression:
        left = self._unary()
        while self._is_op("*", "/"):
            op = self._advance().text
            left = Binary(op, left, self._unary())
        return left

    def _unary(self) -> Expression:
        if self._accept_op("-"):
            return Unary("-", self._unary())
        if self._accept_op("+"):
            return self._unary()
        return self._primary()

    def _primary(self) -> Expression:
        token = self.current
        if token.kind == "string" or token.kind == "number":
            self.index += 1
            return Literal(token.value)
        if self._accept_op("("):
            inner = self._expression()
            self._expect_op(")")
            return inner
        if self._accept_keyword("NULL"):
            return Literal(None)
        if token.kind != "ident" or (token.text.upper() in _RESERVED and not token.text.startswith('"')):
            self._fail("expected an expression")
        parts = [self._identifier()]
        while self._is_op(".") and self.tokens[self.index + 1].kind in ("ident", "op"):
            self.index += 1
            if self._accept_op("*"):
                return Star(parts[-1].lower())
            parts.append(self._identifier())
        if self._accept_op("("):
            args: list[Expression] = []
            if not self._accept_op(")"):
                args.append(self._expression())
                while self._accept_op(","):
                    args.append(self._expression())
                self._expect_op(")")
            return Function(".".join(parts).upper(), tuple(args))
        if len(parts) == 1:
            return Column(None, parts[0].lower())
        if len(parts) == 2:
            return Column(parts[0].lower(), parts[1].lower())
        self._fail("expected alias.column")
        raise AssertionError  # pragma: no cover - _fail raises


@dataclass
class _Cache:
    parsed: dict[str, Select] = field(default_factory=dict)


_cache = _Cache()


def parse(text: str) -> Select:
    """The syntax tree of one SuiteQL ``SELECT``; raises :class:`SuiteQLSyntaxError`."""
    cached = _cache.parsed.get(text)
    if cached is None:
        cached = _Parser(text).select()
        if len(_cache.parsed) > 256:
            _cache.parsed.clear()
        _cache.parsed[text] = cached
    return cached
