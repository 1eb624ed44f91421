"""A folder connector wired to a minimal context: what the runtime hands a connector, minus HTTP."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossdock.connectors.file import FileConnector, FileConnectorConfig
from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream


@dataclass
class FolderContext:
    """Implements ``ConnectorContext`` for a connector that never makes HTTP calls."""

    base_dir: Path
    job: str = "test-job"
    connection: str = "folder"
    state: Any = None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("tests.connectors.file"))

    def http_client(
        self, *, base_url: str, policy: Any = None, auth: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.AsyncClient:
        raise AssertionError("the file connector makes no HTTP calls")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The drop folder, ``<tmp>/drop``; connectors made by ``make_connector`` read it by default."""
    path = tmp_path / "drop"
    path.mkdir()
    return path


@pytest.fixture
def context(tmp_path: Path) -> FolderContext:
    """A context whose job folder (``base_dir``) is the test's temporary directory."""
    return FolderContext(base_dir=tmp_path)


@pytest.fixture
def make_connector(context: FolderContext) -> Callable[..., FileConnector]:
    """``make_connector(format="csv", archive=True, …)``: config as keywords; relative paths resolve
    against the temporary directory, as a job's resolve against its file's folder."""

    def make(**config: Any) -> FileConnector:
        config.setdefault("path", "drop")
        return FileConnector(FileConnectorConfig.model_validate(config), context)

    return make


async def _pages(stream: Stream[Any], since: str | None = None) -> list[Page]:
    return [page async for page in stream.read(CursorPosition(since=since))]


async def _records(stream: Stream[Any], since: str | None = None) -> list[SourceRecord]:
    return [record for page in await _pages(stream, since) for record in page.records]


@pytest.fixture
def read_pages() -> Callable[..., Awaitable[list[Page]]]:
    """``await read_pages(stream, since=None)``: every page a stream yields from that position."""
    return _pages


@pytest.fixture
def read_records() -> Callable[..., Awaitable[list[SourceRecord]]]:
    """``await read_records(stream, since=None)``: every record, pages flattened."""
    return _records
