"""The folder sinks: each batch becomes one file in ``out_dir``, written atomically.

A batch's file is named after a digest of its first idempotency key. The runner resends a batch only
when a crash came between the write and the ledger's record of it, and it resends the same records in
the same order, so the resend finds the file it wrote before and replaces it with the same content:
nothing is duplicated. (A resend whose batch is cut differently, after ``batch_size`` was changed
between the two runs, would land in a second file; consumers of a stock file take the latest state
anyway, and an order file's lines carry the order's ID.)

File names start with the UTC time of the first write (``20261121T010203.123456Z__<digest>.csv``), so a
reader taking files in name order, such as this connector's own streams, takes them in write order
(batches written concurrently, from one page, excepted: their order is not defined).
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from crossdock.core.contract import Sink, WriteMode, WriteRequest, WriteResult
from crossdock.core.errors import RecordError
from crossdock.runtime.files import write_atomically

from ._config import FileFormat
from ._outcomes import os_error_outcome

if TYPE_CHECKING:
    from ._connector import FileConnector

__all__ = ["FileSink", "FileStockSink", "FileOrdersSink", "batch_file_name"]


def _digest(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]


def batch_file_name(directory: Path, first_key: str, suffix: str, *, now: datetime | None = None) -> Path:
    """Where the batch starting with ``first_key`` goes: the file it went to before, if any, else a new name."""
    digest = _digest(first_key)
    existing = sorted(directory.glob(f"*__{digest}{suffix}")) if directory.is_dir() else []
    if existing:
        return existing[0]
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    return directory / f"{stamp}__{digest}{suffix}"


class FileSink(Sink["FileConnector"]):
    """Base of the folder sinks: one file per batch under ``out_dir/<name>/``."""

    output_format: ClassVar[FileFormat | None] = None
    """A fixed output format; None to follow the connector's format for this sink's name."""

    @property
    def format(self) -> FileFormat:
        return self.output_format or self.connector.config.format_of(self.name)

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        if not batch:
            return []
        rows: list[tuple[WriteRequest, dict[str, Any]]] = []
        results: list[WriteResult] = []
        for request in batch:
            payload = request.payload if request.payload is not None else _dump(request.record)
            if not isinstance(payload, dict):
                kind = type(payload).__name__
                error = RecordError(f"{self.name} sink: a row must be an object, the mapping gave {kind}")
                results.append(WriteResult(request.idempotency_key, error=error))
                continue
            rows.append((request, payload))
        if not rows:
            return results
        content, failed = self._encode(rows)
        results += failed
        refused = {result.idempotency_key for result in failed}
        written = [(request, row) for request, row in rows if request.idempotency_key not in refused]
        if not written:
            return results
        directory = self.connector.out_dir / self.name
        suffix = f".{self.format.value}"
        try:
            target = await asyncio.to_thread(_write_batch, directory, batch[0].idempotency_key, suffix, content)
        except OSError as exc:
            raise os_error_outcome(f"write the {self.name} batch to", exc) from None
        name = target.relative_to(self.connector.out_dir).as_posix()
        first_data_line = 2 if self.format is FileFormat.CSV else 1
        for index, (request, _) in enumerate(written):
            results.append(
                WriteResult(request.idempotency_key, details={"file": name, "line": first_data_line + index})
            )
        return results

    def _encode(self, rows: list[tuple[WriteRequest, dict[str, Any]]]) -> tuple[bytes, list[WriteResult]]:
        """The file's bytes, and a failed result for each row that cannot be written in this format."""
        encoding = self.connector.config.encoding
        if self.format is FileFormat.JSONL:
            lines: list[bytes] = []
            failed: list[WriteResult] = []
            for request, row in rows:
                try:
                    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_json_default)
                    lines.append(text.encode(encoding) + b"\n")
                except (TypeError, ValueError, UnicodeEncodeError) as exc:
                    error = RecordError(f"{self.name} sink: cannot write as JSON: {exc}")
                    failed.append(WriteResult(request.idempotency_key, error=error))
            return b"".join(lines), failed
        flat = [(request, _flatten(row)) for request, row in rows]
        columns = list(dict.fromkeys(name for _, row in flat for name in row))
        buffer = io.StringIO()
        writer = csv.writer(buffer, **self.connector.config.csv.writer_options())
        writer.writerow(columns)
        for _, row in flat:
            writer.writerow([_cell(row.get(name)) for name in columns])
        try:
            return buffer.getvalue().encode(encoding), []
        except UnicodeEncodeError as exc:
            error = RecordError(f"{self.name} sink: a value cannot be written in {encoding}: {exc.reason}")
            return b"", [WriteResult(request.idempotency_key, error=error) for request, _ in rows]


class FileStockSink(FileSink):
    """Stock levels as rows (``sku``, ``location``, ``on_hand`` …), in the format of the stock stream,
    so another folder connection can read them back."""

    name = "stock"
    entity = "StockLevel"
    default_mapping = "file/stock_out"
    batch_size = 1000
    write_mode = WriteMode.LATEST_STATE


class FileOrdersSink(FileSink):
    """Orders as JSONL, one canonical order (or the job mapping's payload) per line."""

    name = "orders"
    entity = "Order"
    default_mapping = None
    batch_size = 100
    write_mode = WriteMode.ONCE_PER_VERSION
    output_format = FileFormat.JSONL


# -- helpers ------------------------------------------------------------------------------------------


def _write_batch(directory: Path, first_key: str, suffix: str, content: bytes) -> Path:
    target = batch_file_name(directory, first_key, suffix)
    write_atomically(target, content)
    return target


def _dump(record: Any) -> Any:
    dump = getattr(record, "model_dump", None)
    return dump(mode="json") if dump is not None else record


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted columns (``ship_to.city``), the inverse of how CSV columns are read."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict) and value:
            out.update(_flatten(value, f"{column}."))
        else:
            out[column] = value
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
