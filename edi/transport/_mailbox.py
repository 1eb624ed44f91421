"""The mailbox protocol, written once over a handful of file-system primitives.

Claiming, recovering, archiving, failing and delivering are the same whether the folder is on a local
disk or behind SFTP: only "list a folder", "move without overwriting", "write a new file durably",
"read" and "remove" differ.  Backends implement those (``LocalMailbox``, ``SftpMailbox``); this
module decides names and order, which is where "never lost, never twice, never outside" is decided.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from types import TracebackType
from typing import Literal, Self

from crossdock.core.errors import FatalError, RetryableError
from crossdock.core.redaction import redact

from ._layout import MailboxLayout
from ._names import (
    DEFAULT_IGNORED_SUFFIXES,
    ClaimName,
    free_name_candidates,
    is_partial_upload,
    is_single_component,
    is_temporary_name,
    sanitise_filename,
    temporary_name,
)

__all__ = ["Mailbox", "MailboxFile", "ListedFile", "MoveOutcome", "UnreadableFileError", "DEFAULT_MAX_BYTES"]

log = logging.getLogger("crossdock.edi.transport")

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
"""Largest inbound file read into memory; a larger one goes to ``failed/`` with that reason."""

_STALE_TEMPORARY_SECONDS = 3600.0
_MAX_REASON_CHARS = 8000


class MoveOutcome(Enum):
    """What a move that refuses to overwrite did."""

    MOVED = "moved"
    SOURCE_MISSING = "source missing"
    TARGET_EXISTS = "target exists"


@dataclass(frozen=True, slots=True)
class ListedFile:
    """A regular file as a folder listing shows it (``name`` exactly as listed, not yet sanitised)."""

    name: str
    size: int
    mtime: float


class UnreadableFileError(Exception):
    """A claimed entry cannot be read as a regular file (a symlink or device swapped in): it is failed."""


FileState = Literal["claimed", "archived", "failed"]


class MailboxFile:
    """One claimed inbound file: its content, its stable identity, and where it goes next.

    ``claim_id`` is ``sha256:<hex>`` of the content.  It is the same however often the file is
    presented (after a crash, after recovery, as a partner's identical re-send), which is what lets a
    consumer recognise a file it already processed.  Call :meth:`archive` only once processing is
    durable, or :meth:`fail` when the file cannot be processed as it is; a file left claimed is
    presented again after :meth:`Mailbox.recover`.
    """

    __slots__ = ("mailbox", "name", "claimed_path", "claim_id", "size", "recovered", "state", "final_path", "_data")

    def __init__(self, mailbox: Mailbox, *, name: str, claimed_path: str, data: bytes, recovered: bool) -> None:
        self.mailbox = mailbox
        self.name = name
        """The partner's file name, sanitised (see :func:`sanitise_filename`)."""
        self.claimed_path = claimed_path
        """Where the file is while claimed, relative to the mailbox root."""
        self.claim_id = f"sha256:{hashlib.sha256(data).hexdigest()}"
        self.size = len(data)
        self.recovered = recovered
        """``True`` when an earlier consumer claimed this file and did not finish (a crash)."""
        self.state: FileState = "claimed"
        self.final_path: str | None = None
        """Where :meth:`archive` or :meth:`fail` put the file, relative to the mailbox root."""
        self._data = data

    async def read(self) -> bytes:
        """The file's content (read once, when it was claimed)."""
        return self._data

    async def archive(self) -> str:
        """Move the file to ``archive/<UTC date>/``; returns its path there.  Calling it again is a no-op."""
        return await self.mailbox.archive(self)

    async def fail(self, reason: str) -> str:
        """Move the file to ``failed/`` with ``<name>.reason.txt`` beside it; returns its path there."""
        return await self.mailbox.fail(self, reason)

    def release(self) -> None:
        """Give up this claim for now (processing hit a transient error): the file stays in ``claimed/``
        and the mailbox's next :meth:`Mailbox.recover` presents it again, with ``recovered`` set."""
        self.mailbox.release(self)

    def __repr__(self) -> str:
        return f"<MailboxFile {self.name!r} {self.claim_id[:19]}… {self.state}>"


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


class Mailbox(ABC):
    """A partner mailbox: claim inbound files atomically, archive or fail them, deliver outbound ones.

    Use it as an async context manager (``async with mailbox:``); opening creates the layout's
    folders when missing and removes Crossdock's own temporary files left by a crash over an hour ago.

    ``min_age`` (seconds) leaves files younger than that in the inbox, for partners that upload under
    the final name; ``claim_timeout`` (seconds) is how old a claim must be before :meth:`recover` takes
    it over (0: every claim not held by this object, right for a single consumer per mailbox);
    ``max_bytes`` bounds what is read into memory; ``ignored_suffixes`` are names never claimed.
    """

    def __init__(
        self,
        *,
        name: str,
        layout: MailboxLayout | None = None,
        min_age: float = 0.0,
        claim_timeout: float = 0.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ignored_suffixes: Sequence[str] = DEFAULT_IGNORED_SUFFIXES,
    ) -> None:
        if min_age < 0 or claim_timeout < 0 or max_bytes <= 0:
            raise ValueError("min_age and claim_timeout must not be negative, max_bytes must be positive")
        self.name = name
        """Names the mailbox in logs, errors and idempotency keys; never contains a secret."""
        self.layout = layout or MailboxLayout()
        self.min_age = min_age
        self.claim_timeout = claim_timeout
        self.max_bytes = max_bytes
        self.ignored_suffixes = tuple(s.lower() for s in ignored_suffixes)
        self._open = False
        self._in_flight: set[str] = set()
        self._recovered: deque[tuple[str, str]] = deque()
        self._known_folders: set[str] = set()

    # -- backend primitives ---------------------------------------------------------------------
    @abstractmethod
    async def _connect(self) -> None:
        """Make the mailbox reachable (check the root, log in)."""

    @abstractmethod
    async def _disconnect(self) -> None:
        """Release connections; safe to call twice."""

    @abstractmethod
    async def _ensure_folder(self, path: str) -> None:
        """Create ``path`` and its parents when missing."""

    @abstractmethod
    async def _list_files(self, folder: str) -> list[ListedFile]:
        """The regular files directly in ``folder`` (no directories, no symbolic links)."""

    @abstractmethod
    async def _move(self, source: str, target: str) -> MoveOutcome:
        """Rename ``source`` to ``target`` atomically, never replacing an existing ``target``.

        Both paths are in the mailbox.  Must report ``SOURCE_MISSING`` (someone else moved it first)
        rather than raise, and be safe to repeat after a lost connection.
        """

    @abstractmethod
    async def _read(self, path: str, limit: int) -> bytes:
        """Up to ``limit`` bytes of a regular file; raises :class:`UnreadableFileError` for anything else."""

    @abstractmethod
    async def _write_new(self, path: str, data: bytes) -> None:
        """Create ``path`` (which must not exist), write ``data`` and flush it to stable storage."""

    @abstractmethod
    async def _remove(self, path: str) -> None:
        """Delete a file; a missing one is not an error."""

    # -- lifecycle ------------------------------------------------------------------------------
    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def open(self) -> None:
        """Connect, create missing folders, sweep stale temporary files."""
        await self._connect()
        try:
            for folder in (self.layout.inbox, self.layout.claimed, self.layout.failed, self.layout.outbox):
                await self._ensure_folder(folder)
                self._known_folders.add(folder)
            for folder in (self.layout.outbox, self.layout.failed):
                await self._sweep_temporaries(folder)
        except BaseException:
            await self._disconnect()
            raise
        self._open = True

    async def close(self) -> None:
        """Disconnect.  Files still claimed stay in ``claimed/`` for :meth:`recover`."""
        self._open = False
        self._in_flight.clear()
        self._recovered.clear()
        await self._disconnect()

    def _require_open(self) -> None:
        if not self._open:
            raise RuntimeError(f"mailbox {self.name} is not open: use `async with mailbox:`")

    async def _sweep_temporaries(self, folder: str) -> None:
        cutoff = time.time() - _STALE_TEMPORARY_SECONDS
        for entry in await self._list_files(folder):
            if is_temporary_name(entry.name) and entry.mtime < cutoff:
                log.info("mailbox %s: removing %s/%s left by an interrupted write", self.name, folder, entry.name)
                await self._remove(_join(folder, entry.name))

    # -- inbound --------------------------------------------------------------------------------
    async def claim(self) -> AsyncGenerator[MailboxFile, None]:
        """Each claimable inbox file, claimed one at a time as the caller iterates.

        Files recovered by :meth:`recover` come first, then inbox files oldest first (by modification
        time, then name).  A file is claimed by renaming it into ``claimed/`` under a unique claim
        name: when two consumers race for it only one rename succeeds and the other skips it.
        Never claimed: hidden names, names ending in an ignored suffix (``.part``, ``.tmp`` …), names
        a server lists that are not one plain component, and files younger than ``min_age``.  The
        inbox is listed once per call; files arriving meanwhile wait for the next call.
        """
        self._require_open()
        while self._recovered:
            claimed_path, name = self._recovered.popleft()
            file = await self._load(claimed_path, name, recovered=True)
            if file is not None:
                yield file
        inbox = self.layout.inbox
        youngest_allowed = time.time() - self.min_age
        for entry in sorted(await self._list_files(inbox), key=lambda e: (e.mtime, e.name)):
            if not is_single_component(entry.name):
                log.warning("mailbox %s: skipping a listed name that is not a plain file name: %r", self.name, entry.name)
                continue
            if is_partial_upload(entry.name, self.ignored_suffixes):
                continue
            if self.min_age and entry.mtime > youngest_allowed:
                continue
            name = sanitise_filename(entry.name)
            claimed_path = _join(self.layout.claimed, str(ClaimName.new(name)))
            outcome = await self._move(_join(inbox, entry.name), claimed_path)
            if outcome is not MoveOutcome.MOVED:
                continue  # another consumer claimed it first
            log.info("mailbox %s: claimed %r as %s", self.name, name, claimed_path)
            file = await self._load(claimed_path, name, recovered=False)
            if file is not None:
                yield file

    async def _load(self, claimed_path: str, name: str, *, recovered: bool) -> MailboxFile | None:
        self._in_flight.add(claimed_path)
        try:
            data = await self._read(claimed_path, self.max_bytes + 1)
        except UnreadableFileError as exc:
            await self._fail_claimed(claimed_path, name, f"not a readable regular file: {exc}", claim_id=None)
            return None
        except BaseException:
            self._in_flight.discard(claimed_path)  # unread: the next recover() may take it again
            raise
        if len(data) > self.max_bytes:
            reason = f"larger than this mailbox's limit of {self.max_bytes} bytes; not processed"
            await self._fail_claimed(claimed_path, name, reason, claim_id=None)
            return None
        return MailboxFile(self, name=name, claimed_path=claimed_path, data=data, recovered=recovered)

    async def recover(self, *, stale_after: float | None = None) -> list[str]:
        """Take over files left in ``claimed/`` by a consumer that stopped (a crash, a kill).

        Each is re-claimed by an atomic rename (two recovering consumers never both get one) and
        presented first by the next :meth:`claim`, with ``recovered`` set.  Claims held by this
        object are left alone, and so are claims younger than ``stale_after`` seconds (default: the
        mailbox's ``claim_timeout``).  Returns the recovered files' names.
        """
        self._require_open()
        stale_after = self.claim_timeout if stale_after is None else stale_after
        newest_stale_ms = (time.time() - stale_after) * 1000
        recovered: list[str] = []
        claimed = self.layout.claimed
        for entry in sorted(await self._list_files(claimed), key=lambda e: e.name):
            path = _join(claimed, entry.name)
            if path in self._in_flight or not is_single_component(entry.name) or entry.name.startswith("."):
                continue
            previous = ClaimName.parse(entry.name)
            if previous is not None and stale_after > 0 and previous.claimed_ms > newest_stale_ms:
                continue
            name = sanitise_filename(previous.name if previous is not None else entry.name)
            new_path = _join(claimed, str(ClaimName.new(name)))
            if await self._move(path, new_path) is MoveOutcome.MOVED:
                self._in_flight.add(new_path)
                self._recovered.append((new_path, name))
                recovered.append(name)
                log.warning("mailbox %s: recovered %r, claimed earlier and never finished", self.name, name)
        return recovered

    async def archive(self, file: MailboxFile) -> str:
        """Move a claimed file to ``archive/<UTC date>/`` under its name (``-1``, ``-2`` … when taken)."""
        if file.state == "archived" and file.final_path is not None:
            return file.final_path
        self._check_claimed(file)
        folder = _join(self.layout.archive, datetime.now(UTC).date().isoformat())
        await self._ensure_known_folder(folder)
        target = await self._move_to_free_name(file.claimed_path, folder, file.name)
        if target is None:
            raise RetryableError(
                f"mailbox {self.name}: {file.claimed_path} disappeared before it was archived "
                "(another consumer recovered it: claim_timeout is shorter than processing takes)"
            )
        self._finish(file, "archived", target)
        log.info("mailbox %s: archived %r as %s", self.name, file.name, target)
        return target

    async def fail(self, file: MailboxFile, reason: str) -> str:
        """Move a claimed file to ``failed/`` with a ``.reason.txt`` file beside it (secrets masked)."""
        if file.state == "failed" and file.final_path is not None:
            return file.final_path
        self._check_claimed(file)
        target = await self._fail_claimed(file.claimed_path, file.name, reason, claim_id=file.claim_id)
        self._finish(file, "failed", target)
        return target

    def release(self, file: MailboxFile) -> None:
        """Stop holding a claimed file so :meth:`recover` may take it again (see :meth:`MailboxFile.release`)."""
        self._check_claimed(file)
        self._in_flight.discard(file.claimed_path)

    def _check_claimed(self, file: MailboxFile) -> None:
        if file.mailbox is not self:
            raise ValueError(f"{file!r} was claimed from another mailbox")
        if file.state != "claimed":
            raise RuntimeError(f"{file!r} is already {file.state} ({file.final_path})")

    def _finish(self, file: MailboxFile, state: FileState, target: str) -> None:
        file.state = state
        file.final_path = target
        self._in_flight.discard(file.claimed_path)

    async def _fail_claimed(self, claimed_path: str, name: str, reason: str, *, claim_id: str | None) -> str:
        failed = self.layout.failed
        target = await self._move_to_free_name(claimed_path, failed, name)
        self._in_flight.discard(claimed_path)
        if target is None:
            raise RetryableError(f"mailbox {self.name}: {claimed_path} disappeared before it could be failed")
        safe_reason = redact(reason)[:_MAX_REASON_CHARS]
        lines = [
            f"file: {name}",
            f"stored_as: {posixpath.basename(target)}",
            *([f"claim_id: {claim_id}"] if claim_id else []),
            f"failed_at: {datetime.now(UTC).isoformat(timespec='seconds')}",
            f"reason: {safe_reason}",
        ]
        try:
            await self._write_published(failed, f"{posixpath.basename(target)}.reason.txt", "\n".join(lines) + "\n")
        except (FatalError, RetryableError) as exc:  # the file is failed already; its note is a courtesy
            log.error("mailbox %s: could not write the reason file for %s: %s", self.name, target, exc)
        log.warning("mailbox %s: failed %r as %s: %s", self.name, name, target, safe_reason)
        return target

    # -- outbound -------------------------------------------------------------------------------
    async def deliver(self, name: str, data: bytes) -> str:
        """Put ``data`` in the outbox for the partner to collect; returns the file's final name.

        The content is written under a hidden ``.part`` name, flushed to disk, then renamed to its
        final name in one step, so a partner never sees half a file.  ``name`` is sanitised; if the
        outbox already has a file of that name, ``-1``, ``-2`` … is added before the extension:
        nothing is ever overwritten.
        """
        self._require_open()
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError("deliver() takes the file's content as bytes")
        final = sanitise_filename(name)
        target = await self._write_published(self.layout.outbox, final, bytes(data))
        log.info("mailbox %s: delivered %s (%d bytes)", self.name, target, len(data))
        return posixpath.basename(target)

    async def _write_published(self, folder: str, name: str, data: bytes | str) -> str:
        content = data.encode("utf-8") if isinstance(data, str) else data
        temporary = _join(folder, temporary_name(name))
        await self._write_new(temporary, content)
        try:
            target = await self._move_to_free_name(temporary, folder, name)
        except BaseException:
            await self._remove_quietly(temporary)
            raise
        if target is None:
            raise RetryableError(f"mailbox {self.name}: {temporary} disappeared before it was renamed")
        return target

    async def _remove_quietly(self, path: str) -> None:
        try:
            await self._remove(path)
        except Exception:  # the error being raised matters more; a stale temporary is swept later
            log.debug("mailbox %s: could not remove %s", self.name, path, exc_info=True)

    # -- helpers --------------------------------------------------------------------------------
    async def _ensure_known_folder(self, folder: str) -> None:
        if folder not in self._known_folders:
            await self._ensure_folder(folder)
            self._known_folders.add(folder)

    async def _move_to_free_name(self, source: str, folder: str, name: str) -> str | None:
        """Move ``source`` into ``folder`` as ``name`` or the first free variant; ``None`` if it vanished."""
        for candidate in free_name_candidates(name):
            target = _join(folder, candidate)
            outcome = await self._move(source, target)
            if outcome is MoveOutcome.MOVED:
                return target
            if outcome is MoveOutcome.SOURCE_MISSING:
                return None
        raise FatalError(f"mailbox {self.name}: no free name for {name!r} in {folder}")
