"""The folder streams: orders and stock read from files in name order, page by page.

Every record's cursor value is its position (see ``_positions``), so the runner's high-water mark
after a durable page is exactly where a crashed run resumes. Lines that cannot be read become records
too, keyed by where they are (``orders/a.jsonl:42``) and carrying the raw text under ``unreadable``:
the mapping cannot make a canonical record of them, so the runtime parks them in the error queue
with that payload and nothing in a file is ever dropped without a trace.

Files are read on a worker thread a page at a time: the event loop never waits on the disk, and
memory holds one page, not one file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from abc import abstractmethod
from datetime import datetime
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream
from crossdock.core.errors import FatalError

from ._config import FileFormat
from ._folder import archive_file, list_files
from ._order_rows import assemble_orders
from ._outcomes import os_error_outcome
from ._positions import DataFile, location_key
from ._readers import Item, nest, read_csv, read_jsonl

if TYPE_CHECKING:
    from ._connector import FileConnector

__all__ = ["FileStream", "FileOrdersStream", "FileStockStream", "UNREADABLE"]

log = logging.getLogger("crossdock.connectors.file")

UNREADABLE = "unreadable"
"""Key of the payload of a record that could not be read: ``{"unreadable": {file, line, error, raw | content}}``."""

_Event = SourceRecord | DataFile
"""What the reading generator yields: records, and each file once it has been read to its end."""


class FileStream(Stream["FileConnector"]):
    """Base of the folder streams. Subclasses say how a file becomes items and an item a record."""

    cursor_field = "position"
    sorted_by_cursor = True

    def __init__(self, connector: FileConnector) -> None:
        super().__init__(connector)
        self._to_archive: dict[int, list[DataFile]] = {}

    @property
    def format(self) -> FileFormat:
        return self.connector.config.format_of(self.name)

    # -- reading -------------------------------------------------------------------------------
    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        """Pages of ``page_size`` records after ``position.since``; a page may be empty when it only
        carries files to archive (the last files of a folder may hold no new record)."""
        since = _since(position)
        archive = self.connector.config.archive
        events = self._events(since)
        try:
            while True:
                records, finished, exhausted = await asyncio.to_thread(_take, events, self.connector.config.page_size)
                if records or (archive and finished):
                    page = Page(records=records)
                    if archive:
                        self._to_archive[id(page)] = finished
                    yield page
                if exhausted:
                    return
        finally:
            with contextlib.suppress(ValueError):  # still running on a cancelled worker thread
                events.close()

    def _events(self, since: str | datetime | None) -> Iterator[_Event]:
        connector = self.connector
        folder = connector.folder
        if not folder.is_dir():
            raise FatalError(f"file connector: folder {folder} does not exist or is not a folder")
        consuming = connector.config.archive
        try:
            pattern = connector.config.glob_of(self.name)
            listed = list_files(folder, pattern, excluded=(connector.archive_dir, connector.out_dir))
        except OSError as exc:
            raise os_error_outcome("list", exc) from None
        for candidate in listed:
            try:
                handle = open(candidate.path, "rb")  # noqa: SIM115 - closed below, across yields
            except FileNotFoundError:
                log.warning("file %s disappeared before it could be read", candidate.name)
                continue
            except OSError as exc:
                raise os_error_outcome("read", exc) from None
            with handle:
                stat = os.fstat(handle.fileno())
                file = DataFile(candidate.name, candidate.path, stat.st_mtime_ns, stat.st_size)
                taken = file.lines_taken(since, consuming_folder=consuming)
                if taken is None:
                    continue
                try:
                    for item in self._items(handle, skip_through=taken):
                        if item.last_line > taken:
                            yield self._record(file, item)
                except OSError as exc:
                    exc.filename = exc.filename or str(candidate.path)
                    raise os_error_outcome("read", exc) from None
            yield file

    @abstractmethod
    def _items(self, handle: BinaryIO, *, skip_through: int) -> Iterator[Item]:
        """The items of one open file, in line order. Lines up to ``skip_through`` may be left unparsed."""

    @abstractmethod
    def _key(self, data: dict[str, Any]) -> str | None:
        """The record's ID in the file, or None when the item does not say (its location is used)."""

    def _record(self, file: DataFile, item: Item) -> SourceRecord:
        cursor_value = file.position(item.last_line)
        key = self._key(item.data) if item.problem is None and item.data is not None else None
        if key is None:
            key = location_key(file, item.first_line, item.last_line)
        if item.problem is not None:
            return SourceRecord(key=key, payload=_unreadable(file, item), cursor_value=cursor_value)
        return SourceRecord(key=key, payload=item.data, cursor_value=cursor_value)

    def _read_format(self, handle: BinaryIO, skip_through: int) -> Iterator[Item]:
        config = self.connector.config
        if self.format is FileFormat.JSONL:
            return read_jsonl(handle, encoding=config.encoding, skip_through=skip_through)
        return read_csv(handle, encoding=config.encoding, dialect=config.csv.reader_options())

    # -- after a durable page ------------------------------------------------------------------
    async def acknowledge(self, page: Page) -> None:
        """Archive the files this page completed: every record of theirs is now durable.

        A failure to archive is logged, not raised: the records are safely processed, and the file,
        still in the folder, is read again next run (the idempotency ledger absorbs it).
        """
        files = self._to_archive.pop(id(page), None)
        if files:
            await asyncio.to_thread(self._archive, files)

    def _archive(self, files: list[DataFile]) -> None:
        connector = self.connector
        for file in files:
            try:
                archive_file(file, connector.folder, connector.archive_dir)
            except OSError as exc:
                log.error("could not archive %s: %s", file.name, exc)


class FileOrdersStream(FileStream):
    """Orders: one JSON object per JSONL line, or CSV rows (one per order line) grouped by order number."""

    name = "orders"
    entity = "Order"
    default_mapping = "file/order"

    def _items(self, handle: BinaryIO, *, skip_through: int) -> Iterator[Item]:
        items = self._read_format(handle, skip_through)
        if self.format is FileFormat.JSONL:
            return items
        config = self.connector.config
        return assemble_orders(items, number_column=config.order_number_column, line_prefix=config.line_column_prefix)

    def _key(self, data: dict[str, Any]) -> str | None:
        for field in self.connector.config.order_key_fields:
            value = _dig(data, field)
            if value is not None and value != "" and not isinstance(value, (dict, list)):
                return str(value)
        return None


class FileStockStream(FileStream):
    """Stock levels: one row or JSON object per SKU and location (``sku``, ``location``, ``on_hand`` …)."""

    name = "stock"
    entity = "StockLevel"
    default_mapping = "file/stock"

    def _items(self, handle: BinaryIO, *, skip_through: int) -> Iterator[Item]:
        items = self._read_format(handle, skip_through)
        if self.format is FileFormat.JSONL:
            return items
        return (_nested(item) for item in items)

    def _key(self, data: dict[str, Any]) -> str | None:
        sku, location = data.get("sku"), data.get("location")
        if sku in (None, "") or location in (None, ""):
            return None
        return f"{sku}@{location}"


# -- helpers ------------------------------------------------------------------------------------------


def _since(position: CursorPosition) -> str | datetime | None:
    since = position.since
    if since is None or isinstance(since, str):
        return since
    if isinstance(since, datetime):
        if since.tzinfo is None:
            raise FatalError("file connector: a start time needs a time zone")
        return since
    raise FatalError(
        "file connector: the cursor is a file position such as 'orders/a.jsonl@…:000000042'; "
        f"a start value of type {type(since).__name__} cannot be compared with it (give a file name prefix or a time)"
    )


def _take(events: Iterator[_Event], size: int) -> tuple[list[SourceRecord], list[DataFile], bool]:
    """Pull up to ``size`` records (and the files finished meanwhile); True when the folder is done."""
    records: list[SourceRecord] = []
    finished: list[DataFile] = []
    for event in events:
        if isinstance(event, DataFile):
            finished.append(event)
            continue
        records.append(event)
        if len(records) >= size:
            return records, finished, False
    return records, finished, True


def _nested(item: Item) -> Item:
    if item.data is None or item.problem is not None:
        return item
    return Item(item.first_line, item.last_line, nest(item.data))


def _dig(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _unreadable(file: DataFile, item: Item) -> dict[str, Any]:
    lines = str(item.first_line) if item.first_line == item.last_line else f"{item.first_line}-{item.last_line}"
    detail: dict[str, Any] = {"file": file.name, "line": lines, "error": item.problem}
    if item.raw is not None:
        detail["raw"] = item.raw
    if item.data is not None:
        detail["content"] = item.data
    return {UNREADABLE: detail}
