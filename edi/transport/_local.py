"""A mailbox in a folder: a shared disk, a network share, or a folder an SFTP server of ours serves."""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from crossdock.core.errors import ConnectorError, FatalError, RetryableError

from . import _local_fs as fs
from ._layout import MailboxLayout
from ._mailbox import DEFAULT_MAX_BYTES, ListedFile, Mailbox, MoveOutcome
from ._names import DEFAULT_IGNORED_SUFFIXES

__all__ = ["LocalMailbox"]

T = TypeVar("T")

# A share that went away, a full disk, an I/O hiccup: the next attempt may well succeed.
_TRANSIENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ESTALE, errno.ETIMEDOUT,
     errno.EINTR, errno.ENOENT, errno.EHOSTDOWN, errno.ENETDOWN, errno.ECONNRESET}
)  # fmt: skip


class LocalMailbox(Mailbox):
    """A mailbox rooted at a local folder; every folder of its layout must be on one file system.

    Claims and archives are renames (``renameat2`` with ``RENAME_NOREPLACE`` on Linux, else a hard
    link then unlink), so they are atomic and never overwrite; every rename and every new file is
    fsynced with its directory before the call returns.
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        layout: MailboxLayout | None = None,
        name: str | None = None,
        min_age: float = 0.0,
        claim_timeout: float = 0.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ignored_suffixes: Sequence[str] = DEFAULT_IGNORED_SUFFIXES,
    ) -> None:
        self.root = Path(root).expanduser().absolute()
        super().__init__(
            name=name or f"file://{self.root}",
            layout=layout,
            min_age=min_age,
            claim_timeout=claim_timeout,
            max_bytes=max_bytes,
            ignored_suffixes=ignored_suffixes,
        )

    def __repr__(self) -> str:
        return f"<LocalMailbox {self.root}>"

    def _path(self, relative: str) -> Path:
        return self.root / relative

    async def _run(self, action: str, function: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(function)
        except ConnectorError:
            raise
        except OSError as exc:
            message = f"mailbox {self.name}: cannot {action}: {exc.strerror or exc}"
            if exc.errno in _TRANSIENT_ERRNOS:
                raise RetryableError(message, details={"errno": exc.errno}) from exc
            raise FatalError(message, details={"errno": exc.errno}) from exc

    async def _connect(self) -> None:
        if not self.root.is_dir():
            raise FatalError(f"mailbox {self.name}: the folder {self.root} does not exist")

    async def _disconnect(self) -> None:
        return None

    async def _ensure_folder(self, path: str) -> None:
        await self._run(f"create {path}", lambda: self._path(path).mkdir(parents=True, exist_ok=True))

    async def _list_files(self, folder: str) -> list[ListedFile]:
        return await self._run(f"list {folder}", lambda: fs.list_regular_files(self._path(folder)))

    async def _move(self, source: str, target: str) -> MoveOutcome:
        return await self._run(
            f"move {source} to {target}", lambda: fs.move_no_replace(self._path(source), self._path(target))
        )

    async def _read(self, path: str, limit: int) -> bytes:
        return await self._run(f"read {path}", lambda: fs.read_regular_file(self._path(path), limit))

    async def _write_new(self, path: str, data: bytes) -> None:
        await self._run(f"write {path}", lambda: fs.write_new_file(self._path(path), data))

    async def _remove(self, path: str) -> None:
        await self._run(f"remove {path}", lambda: self._path(path).unlink(missing_ok=True))
