"""Where a record sits in a folder, written as a cursor value that sorts in reading order.

A position is ``<file name>@<file modification time>:<line>``, for example
``orders/20261121T0100__orders.jsonl@20261121T010000.000000000Z:000000042``. Files are read in name
order and lines in file order, so comparing positions as strings compares reading order, and the
runner's plain string high-water mark is enough to resume after the last durable page.

The modification time is there because a name alone does not identify content: a 3PL that drops a
new ``inventory.csv`` where the last one was, or a tool appending to ``orders.jsonl``, produces a
different file under the same name. Its positions sort after the old file's, so it is read again in
full (the runtime's idempotency ledger absorbs lines it already took) instead of having its first
lines skipped as if they had been read before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["DataFile", "LINE_DIGITS", "location_key"]

LINE_DIGITS = 9
"""Lines are zero-padded to this width so they compare as strings (files up to a billion lines)."""

_SEPARATOR = "@"


def _stamp(mtime_ns: int) -> str:
    moment = datetime.fromtimestamp(mtime_ns // 1_000_000_000, UTC)
    return f"{moment:%Y%m%dT%H%M%S}.{mtime_ns % 1_000_000_000:09d}Z"


@dataclass(frozen=True, slots=True)
class DataFile:
    """One input file as it was when it was opened: its name in the folder, path, and generation."""

    name: str
    """Path relative to the connector's folder, with ``/`` separators (``orders/2026-11-21.jsonl``)."""
    path: Path
    mtime_ns: int
    size: int
    prefix: str = field(init=False, compare=False, repr=False)
    """What every position in this file starts with: ``<name>@<modification time>:``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", f"{self.name}{_SEPARATOR}{_stamp(self.mtime_ns)}:")

    @staticmethod
    def sort_key(name: str) -> str:
        """Order of files such that every position of an earlier file sorts before a later file's.

        Comparing ``name + "@"`` rather than ``name`` keeps that true when one name is a prefix of
        another (``a.csv`` and ``a.csv2``), because the positions compare exactly these characters.
        """
        return name + _SEPARATOR

    def position(self, line: int) -> str:
        return f"{self.prefix}{line:0{LINE_DIGITS}d}"

    @property
    def last_position(self) -> str:
        return self.position(10**LINE_DIGITS - 1)

    def lines_taken(self, since: str | datetime | None, *, consuming_folder: bool) -> int | None:
        """How many lines of this file a cursor at ``since`` has already taken: 0 for none, None for all.

        In a consuming folder (``archive: true``) every file still present is unprocessed except the
        one the cursor stopped inside; a file sorting before the cursor arrived late (or its archiving
        was interrupted) and is read in full. Otherwise files are read once, in name order.

        A time as ``since`` (a job's ``start_from`` on its first run) counts files modified before it as taken.
        """
        if since is None:
            return 0
        if isinstance(since, datetime):
            return 0 if self.mtime_ns >= since.timestamp() * 1_000_000_000 else None
        if since.startswith(self.prefix):
            digits = since[len(self.prefix):]
            return int(digits) if digits.isdigit() else 0
        if consuming_folder:
            return 0
        return None if self.last_position <= since else 0


def location_key(file: DataFile, first_line: int, last_line: int | None = None) -> str:
    """The record key of something that has no ID of its own (an unreadable line): where it is."""
    if last_line is None or last_line == first_line:
        return f"{file.name}:{first_line}"
    return f"{file.name}:{first_line}-{last_line}"
