"""Reading JSONL and CSV files one item at a time, in bounded memory, without losing a line.

A reader never raises on bad content: a line that is not valid JSON, a CSV row with the wrong number
of fields, bytes that are not valid text all come out as an :class:`Item` with ``problem`` set and the
raw text kept, so the stream can hand them to the runtime for the error queue. Only I/O errors raise.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

__all__ = ["Item", "read_jsonl", "read_csv", "nest", "RAW_LIMIT"]

RAW_LIMIT = 1 << 20
"""Raw text kept for an unreadable item, in characters; longer text is cut and says so (the file keeps it)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing read from a file: a parsed object, or a problem with the raw text it was read from.

    ``first_line``/``last_line`` are 1-based physical lines (a CSV row with a quoted line break, or a
    CSV order of several rows, spans more than one). When ``problem`` is set the item cannot be used
    as it is; ``data`` then holds what could be read of it, if anything, and ``raw`` its text.
    """

    first_line: int
    last_line: int
    data: dict[str, Any] | None
    problem: str | None = None
    raw: str | None = None


def _cut(text: str) -> str:
    if len(text) <= RAW_LIMIT:
        return text
    return text[:RAW_LIMIT] + f"… [cut: {len(text)} characters in all; the file holds the rest]"


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


# -- JSONL --------------------------------------------------------------------------------------------


def read_jsonl(handle: BinaryIO, *, encoding: str = "utf-8", skip_through: int = 0) -> Iterator[Item]:
    """One item per non-blank line. Numbers with a fraction are read as ``Decimal`` (money stays exact).

    Lines up to ``skip_through`` are counted, not parsed: a resumed read does not pay for them twice.
    """
    strip_bom = _is_utf8(encoding)
    for number, raw in enumerate(handle, start=1):
        if number <= skip_through:
            continue
        if number == 1 and strip_bom and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            yield Item(number, number, None, f"not valid {encoding} text (byte {exc.start})",
                       _cut(raw.decode(encoding, "backslashreplace").rstrip("\r\n")))
            continue
        text = text.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            value = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            yield Item(number, number, None, f"not valid JSON: {exc.msg} (column {exc.colno})", _cut(text))
            continue
        except RecursionError:
            yield Item(number, number, None, "not valid JSON: nested too deeply", _cut(text))
            continue
        if not isinstance(value, dict):
            yield Item(number, number, None, f"expected a JSON object, got {_json_kind(value)}", _cut(text))
            continue
        yield Item(number, number, value)


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


# -- CSV ----------------------------------------------------------------------------------------------


class _LineTap:
    """Feeds decoded lines to ``csv.reader`` while counting them and keeping the current row's raw text.

    Undecodable bytes are carried as surrogate escapes so the csv parser keeps going; a row containing
    one is reported as a problem rather than silently mangled.
    """

    def __init__(self, handle: BinaryIO, encoding: str) -> None:
        self._handle = handle
        self._encoding = encoding
        self._strip_bom = _is_utf8(encoding)
        self.lines = 0
        self._raw: list[str] = []
        self._raw_size = 0

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        raw = self._handle.readline()
        if not raw:
            raise StopIteration
        if self.lines == 0 and self._strip_bom and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        self.lines += 1
        text = raw.decode(self._encoding, "surrogateescape")
        if self._raw_size <= RAW_LIMIT:
            self._raw.append(text)
            self._raw_size += len(text)
        return text

    def take_raw(self) -> str:
        text = "".join(self._raw).rstrip("\r\n")
        if self._raw_size > RAW_LIMIT:
            text = text[:RAW_LIMIT] + "… [cut: the file holds the rest]"
        self._raw.clear()
        self._raw_size = 0
        return _visible(text)


def _visible(text: str) -> str:
    """Text safe to store as JSON: undecodable bytes shown as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if _has_escapes(text) else text


def _has_escapes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def read_csv(handle: BinaryIO, *, encoding: str = "utf-8", dialect: dict[str, Any] | None = None) -> Iterator[Item]:
    """One item per data row: ``{column: value}`` with surrounding spaces stripped and empty cells left out.

    The first row is the header. Blank rows are skipped. A row whose field count differs from the
    header's is a problem (a stray delimiter would otherwise shift every value into the wrong column).
    """
    tap = _LineTap(handle, encoding)
    reader = csv.reader(tap, **(dialect or {}))
    header: list[str] | None = None
    header_problem: str | None = None
    while True:
        start = tap.lines + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Item(start, max(start, tap.lines), None, f"not valid CSV: {exc}", tap.take_raw())
            continue
        end = max(start, tap.lines)
        if header is None:  # blank lines before the header are skipped too
            header, header_problem = _read_header(row)
            tap.take_raw()
            continue
        if not row or all(not cell.strip() for cell in row):
            tap.take_raw()
            continue
        raw = tap.take_raw()
        if header_problem is not None:
            yield Item(start, end, None, header_problem, raw)
        elif len(row) != len(header):
            yield Item(start, end, None, f"row has {len(row)} fields but the header has {len(header)}", raw)
        elif any(_has_escapes(cell) for cell in row):
            yield Item(start, end, None, f"not valid {encoding} text", raw)
        else:
            values = {name: cell.strip() for name, cell in zip(header, row, strict=True) if cell.strip()}
            yield Item(start, end, values, raw=raw)


def _read_header(row: list[str]) -> tuple[list[str] | None, str | None]:
    if not row or all(not cell.strip() for cell in row):
        return None, None
    names = [cell.strip() for cell in row]
    if any(_has_escapes(name) for name in names):
        return names, "the header row is not valid text"
    blank = [i + 1 for i, name in enumerate(names) if not name]
    if blank:
        return names, f"the header has no name for column {blank[0]}"
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return names, f"the header names column '{name}' twice"
        seen.add(name)
    for name in names:
        parts = name.split(".")
        for cut in range(1, len(parts)):
            parent = ".".join(parts[:cut])
            if parent in seen:
                return names, f"column '{parent}' clashes with column '{name}' (a value cannot also hold fields)"
    return names, None


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"customer.email": "a@b"}`` → ``{"customer": {"email": "a@b"}}``: CSV columns as JSON paths.

    The header check guarantees no column is both a value and a parent (``customer`` and
    ``customer.email``), so nothing here can overwrite anything.
    """
    out: dict[str, Any] = {}
    for name, value in flat.items():
        *parents, leaf = name.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out
