"""Assembling CSV orders, one row per order line, into one order each, in bounded memory.

Order exports from storefronts repeat the order number on every row and carry the line's fields
(``line.sku``, ``line.quantity`` …) beside the order's (``number``, ``total``, ``ship_to.city`` …).
Rows of one order must be consecutive, so an order is complete as soon as a row of another order
(or the end of the file) is read; only the order being assembled is held in memory.

Order-level values are taken from the first row that has them, so both export styles work: the
order's columns repeated on every row, or filled on the first row only.

What cannot be assembled safely is reported, never guessed:
- a row without an order number cannot be attributed to an order: it is a problem item;
- an order whose rows are interrupted by such a row (``A``, ``?``, ``A``) may be missing that line: the
  whole order becomes a problem item carrying everything read, instead of being written incomplete;
- an order number seen again after other orders in the same file (rows not consecutive) makes the
  later rows a problem item; the earlier rows were already taken as a complete order. To keep memory
  bounded whatever the file's size, only the last ``RECENT_ORDERS`` order numbers are remembered:
  an unsorted export repeats numbers far more often than that and is caught on its first repeats.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ._readers import Item, nest

__all__ = ["assemble_orders", "RECENT_ORDERS"]

RECENT_ORDERS = 5_000
"""How many of a file's latest order numbers are remembered (as hashes) to notice an order coming back."""


class _RecentNumbers:
    """The last ``size`` distinct order numbers, as hashes: about 70 bytes each, whatever their length."""

    def __init__(self, size: int) -> None:
        self._order: deque[int] = deque()
        self._members: set[int] = set()
        self._size = size

    def __contains__(self, number: str) -> bool:
        return hash(number) in self._members

    def add(self, number: str) -> None:
        key = hash(number)
        if key in self._members:
            return
        if len(self._order) >= self._size:
            self._members.discard(self._order.popleft())
        self._order.append(key)
        self._members.add(key)


@dataclass
class _Order:
    number: str
    first_line: int
    last_line: int
    fields: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, str]] = field(default_factory=list)
    interrupted_at: list[int] = field(default_factory=list)
    problem: str | None = None

    def add(self, row: dict[str, str], last_line: int, line_prefix: str) -> None:
        self.last_line = last_line
        line: dict[str, str] = {}
        for name, value in row.items():
            if name.startswith(line_prefix):
                line[name[len(line_prefix):]] = value
            else:
                self.fields.setdefault(name, value)
        if line:
            self.lines.append(line)

    def payload(self) -> dict[str, Any]:
        return {**nest(self.fields), "lines": [nest(line) for line in self.lines]}

    def item(self) -> Item:
        if self.interrupted_at:
            where = ", ".join(str(n) for n in self.interrupted_at)
            self.problem = (
                f"the rows of order '{self.number}' are interrupted by an unreadable row (line {where}); "
                "the order may be missing that line"
            )
        if self.problem is not None:
            return Item(self.first_line, self.last_line, {"order": self.payload()}, self.problem)
        return Item(self.first_line, self.last_line, self.payload())


def assemble_orders(rows: Iterator[Item], *, number_column: str, line_prefix: str) -> Iterator[Item]:
    """Group consecutive rows with the same ``number_column`` into one order item each.

    Items come out in line order (the stream's cursor relies on it): a problem row is held back while
    the order before it is still open, and released once it is known whether that order continues.
    """
    current: _Order | None = None
    held: list[Item] = []
    recent = _RecentNumbers(RECENT_ORDERS)

    def close() -> Iterator[Item]:
        nonlocal current
        if current is not None:
            recent.add(current.number)
            yield current.item()
            current = None

    for row in rows:
        number = row.data.get(number_column) if row.data is not None else None
        if row.problem is not None or row.data is None or not number:
            if row.problem is None:
                problem = f"row has no order number (column '{number_column}')"
                row = Item(row.first_line, row.last_line, None, problem, row.raw)
            if current is None:
                yield row
            else:
                held.append(row)
            continue
        if current is not None and number == current.number:
            if held:
                current.interrupted_at += [item.first_line for item in held]
                yield from held
                held.clear()
            current.add(row.data, row.last_line, line_prefix)
            continue
        yield from close()
        yield from held
        held.clear()
        current = _Order(number=number, first_line=row.first_line, last_line=row.last_line)
        if number in recent:
            current.problem = (
                f"order '{number}' appears again after other orders; rows of an order must be consecutive "
                "(its earlier rows in this file were taken as a complete order)"
            )
        current.add(row.data, row.last_line, line_prefix)
    yield from close()
    yield from held
