"""The file connector's configuration: which folder, which files, which format, where output goes."""

from __future__ import annotations

import codecs
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crossdock.core.contract import ConnectorConfig

__all__ = ["FileFormat", "CsvDialect", "FileConnectorConfig"]


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


class CsvDialect(BaseModel):
    """How CSV files are split into fields; the defaults read and write RFC 4180 files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delimiter: str = Field(",", min_length=1, max_length=1)
    quotechar: str = Field('"', min_length=1, max_length=1)
    escapechar: str | None = Field(None, min_length=1, max_length=1)
    doublequote: bool = True
    lineterminator: str = Field("\r\n", description="Line ending of the CSV files the sinks write.")

    def reader_options(self) -> dict[str, object]:
        return {
            "delimiter": self.delimiter,
            "quotechar": self.quotechar,
            "escapechar": self.escapechar,
            "doublequote": self.doublequote,
            "strict": False,
        }

    def writer_options(self) -> dict[str, object]:
        return {**self.reader_options(), "lineterminator": self.lineterminator}


class FileConnectorConfig(ConnectorConfig):
    """A folder of CSV or JSONL files.

    ``path`` is resolved against the job file's folder when relative; ``out_dir`` and ``archive_dir``
    against ``path``. Each stream reads the files its glob matches, in name order; per-stream formats
    (``orders_format``, ``stock_format``) override ``format``, and a glob left unset defaults to
    ``orders/*.<format>`` and ``stock/*.<format>``.
    """

    path: Path
    format: FileFormat = FileFormat.JSONL
    orders_format: FileFormat | None = None
    orders_glob: str | None = None
    stock_format: FileFormat | None = None
    stock_glob: str | None = None
    out_dir: Path = Field(Path("out"), description="Where the sinks write; relative to `path`.")
    archive: bool = Field(False, description="Move each fully processed input file to `archive_dir`.")
    archive_dir: Path = Path("archive")
    encoding: str = "utf-8"
    csv: CsvDialect = CsvDialect()
    order_number_column: str = Field(
        "number", min_length=1, description="CSV column grouping the rows of one order (one row per line)."
    )
    line_column_prefix: str = Field(
        "line.", min_length=1, description="CSV columns with this prefix describe the order line of their row."
    )
    order_key_fields: tuple[str, ...] = Field(
        ("id", "number"), min_length=1, description="Fields tried in turn for an order's ID (the record key)."
    )
    page_size: int = Field(100, ge=1, le=100_000)

    @field_validator("encoding")
    @classmethod
    def _line_based_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding '{value}'") from None
        if "\n".encode(value) != b"\n" or "a".encode(value) != b"a":
            raise ValueError(f"encoding '{value}' is not ASCII-compatible; files are read line by line")
        return value

    @field_validator("archive_dir")
    @classmethod
    def _archive_elsewhere(cls, value: Path) -> Path:
        if not value.is_absolute() and value.parts in ((), (".",)):
            raise ValueError("archive_dir must be a folder other than `path` itself (default: archive)")
        return value

    @field_validator("orders_glob", "stock_glob")
    @classmethod
    def _relative_glob(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in Path(value).parts):
            raise ValueError("globs are relative to `path` and may not leave it")
        return value

    def format_of(self, stream: str) -> FileFormat:
        """The format of ``stream``'s files (and of what the sink of the same name writes)."""
        own = {"orders": self.orders_format, "stock": self.stock_format}.get(stream)
        return own or self.format

    def glob_of(self, stream: str) -> str:
        own = {"orders": self.orders_glob, "stock": self.stock_glob}.get(stream)
        return own or f"{stream}/*.{self.format_of(stream).value}"
