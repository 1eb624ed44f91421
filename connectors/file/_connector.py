"""``FileConnector``: orders and stock exchanged as CSV and JSONL files in a folder."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from crossdock.core.contract import CheckResult, Connector

from ._config import FileConnectorConfig
from ._folder import list_files
from ._sinks import FileOrdersSink, FileStockSink
from ._streams import FileOrdersStream, FileStockStream

__all__ = ["FileConnector"]


class FileConnector(Connector[FileConnectorConfig]):
    """A folder as a system: a 3PL's stock drops, an old storefront's order exports, files for a partner.

    Reads ``orders`` and ``stock`` files in name order and resumes mid-file after a crash; writes
    stock rows and orders as one atomically written file per batch under ``out_dir``. With
    ``archive: true`` the folder is consumed: a file moves to ``archive_dir`` once every record in it
    is durably processed. File formats are described in ``connectors/file/README.md``.
    """

    name = "file"
    title = "Files (CSV and JSONL folders)"
    config_model = FileConnectorConfig
    streams = (FileOrdersStream, FileStockStream)
    sinks = (FileStockSink, FileOrdersSink)
    sandbox = "crossdock.connectors.file.sandbox:create_app"

    # -- where things are ----------------------------------------------------------------------
    @property
    def folder(self) -> Path:
        """``path``, resolved against the job file's folder when relative."""
        path = self.config.path.expanduser()
        return path if path.is_absolute() else Path(self.context.base_dir) / path

    @property
    def out_dir(self) -> Path:
        return self._inside_folder(self.config.out_dir)

    @property
    def archive_dir(self) -> Path:
        return self._inside_folder(self.config.archive_dir)

    def _inside_folder(self, path: Path) -> Path:
        path = path.expanduser()
        return path if path.is_absolute() else self.folder / path

    # -- check ---------------------------------------------------------------------------------
    async def check(self) -> CheckResult:
        """The folder exists and can be read (and written, when files are archived out of it).

        Whether ``out_dir`` can be written is reported in ``details`` and the message but does not fail
        the check: a read-only drop folder is a perfectly good source.
        """
        return await asyncio.to_thread(self._check)

    def _check(self) -> CheckResult:
        folder = self.folder
        details: dict[str, Any] = {"path": str(folder)}
        if not folder.exists():
            return CheckResult(False, f"folder {folder} does not exist", details)
        if not folder.is_dir():
            return CheckResult(False, f"{folder} is not a folder", details)
        if not os.access(folder, os.R_OK | os.X_OK):
            return CheckResult(False, f"folder {folder} cannot be read", details)
        if self.config.archive and not os.access(folder, os.W_OK):
            message = f"folder {folder} cannot be written, and archive: true moves files out of it"
            return CheckResult(False, message, details)
        excluded = (self.archive_dir, self.out_dir)
        for stream in self.streams:
            details[f"{stream.name}_files"] = len(list_files(folder, self.config.glob_of(stream.name), excluded=excluded))
        details["out_dir_writable"] = _can_create_or_write(self.out_dir)
        message = f"folder {folder} is readable"
        if not details["out_dir_writable"]:
            message += f"; output folder {self.out_dir} cannot be written (the sinks will fail)"
        return CheckResult(True, message, details)

    # -- sandbox -------------------------------------------------------------------------------
    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """A fresh temporary folder seeded with ``seed_folder(seed=0)``; ``base_url`` is not used.

        The connector reads a folder, not an HTTP API, so the sandbox app (which serves a seeded folder
        over HTTP for people and scripts) is not in its path. The folder holds the same data as a
        sandbox app started with the default seed, and is removed when the process exits.
        """
        from .sandbox import SANDBOX_ORDERS_FORMAT, SANDBOX_STOCK_FORMAT, seeded_temporary_folder

        folder = seeded_temporary_folder(seed=0)
        return {"path": str(folder), "orders_format": SANDBOX_ORDERS_FORMAT, "stock_format": SANDBOX_STOCK_FORMAT}


def _can_create_or_write(path: Path) -> bool:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
