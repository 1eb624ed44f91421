"""Processing each inbound file exactly once, with the state store's idempotency ledger.

A mailbox alone gives "never lost": a file stays claimed until archived, and a crash leaves it to be
recovered.  "Never twice" needs a record of what was processed that outlives the crash between
"processed" and "archived"; :func:`process_once` keeps it in the ledger under a key made from the
mailbox and the file's content digest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, Protocol

from crossdock.core.errors import RecordError

from ._mailbox import Mailbox, MailboxFile

__all__ = ["process_once", "ProcessReport", "FileHandler", "ProcessedFileLedger", "ledger_key"]

log = logging.getLogger("crossdock.edi.transport")

FileHandler = Callable[[MailboxFile], Awaitable[None]]
"""Processes one claimed file; raises :class:`RecordError` for a file that cannot be processed as it is."""


class ProcessedFileLedger(Protocol):
    """The part of :class:`crossdock.runtime.state.StateStore` that :func:`process_once` uses."""

    async def ledger_get_many(self, keys: Sequence[str]) -> Mapping[str, Any]: ...

    async def ledger_begin_many(self, entries: Sequence[tuple[str, str, str, str]]) -> None: ...

    async def ledger_complete_many(self, results: Sequence[tuple[str, str | None]]) -> None: ...

    async def ledger_forget(self, key: str) -> None: ...


@dataclass
class ProcessReport:
    """What one :func:`process_once` call did, by file name."""

    processed: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    """Files already processed before (a crash before archiving, or an identical re-send): archived unprocessed."""
    failed: list[str] = field(default_factory=list)


def ledger_key(mailbox: Mailbox, file: MailboxFile) -> str:
    """``edi-file:<mailbox name>:sha256:<hex>``: one key per content per mailbox."""
    return f"edi-file:{mailbox.name}:{file.claim_id}"


async def process_once(
    mailbox: Mailbox,
    store: ProcessedFileLedger,
    handler: FileHandler,
    *,
    job: str = "edi",
    flow: str = "edi-inbound",
    limit: int | None = None,
) -> ProcessReport:
    """Recover, claim and process every inbox file so that none is lost and none is processed twice.

    For each file (recovered ones first): if the ledger says its content was processed, it is
    archived without calling ``handler``; otherwise the key is begun (``pending``), ``handler``
    runs, the key is completed (``done``), and only then is the file archived.  So a crash

    * before the handler finished leaves the file claimed and the key pending: it is processed
      again on the next call (``file.recovered`` is set, so the handler may look for work it did);
    * after the key was completed but before archiving: it is recognised and just archived.

    A :class:`RecordError` from the handler (or the handler calling ``file.fail``) moves the file to
    ``failed/`` with the error as its reason and forgets the key, so the same file dropped in the
    inbox again is processed again.  Any other exception leaves the file claimed (released, so the
    next call recovers it), its key pending, and propagates: the runtime decides whether to retry.  ``limit`` stops after that many files.
    """
    report = ProcessReport()
    await mailbox.recover()
    async with aclosing(mailbox.claim()) as files:
        async for file in files:
            key = ledger_key(mailbox, file)
            entry = (await store.ledger_get_many([key])).get(key)
            if entry is not None and getattr(entry, "status", None) == "done":
                log.warning(
                    "mailbox %s: %r (%s) was processed before; archiving it without processing it again",
                    mailbox.name, file.name, file.claim_id,
                )  # fmt: skip
                await file.archive()
                report.duplicates.append(file.name)
            else:
                if entry is not None:
                    log.warning("mailbox %s: %r: an earlier attempt did not finish; processing it again",
                                mailbox.name, file.name)  # fmt: skip
                await _process(mailbox, store, handler, file, key, (key, job, flow, mailbox.name), report)
            if limit is not None and len(report.processed) + len(report.duplicates) + len(report.failed) >= limit:
                break
    return report


async def _process(
    mailbox: Mailbox,
    store: ProcessedFileLedger,
    handler: FileHandler,
    file: MailboxFile,
    key: str,
    begin: tuple[str, str, str, str],
    report: ProcessReport,
) -> None:
    await store.ledger_begin_many([begin])
    try:
        await handler(file)
    except RecordError as exc:
        if file.state == "claimed":
            await file.fail(f"{type(exc).__name__}: {exc.message}")
    except BaseException:
        if file.state == "claimed":
            file.release()  # the next process_once recovers it, even in this same process
        raise
    if file.state == "failed":
        await store.ledger_forget(key)
        report.failed.append(file.name)
        return
    await store.ledger_complete_many([(key, None)])
    await file.archive()
    report.processed.append(file.name)
    log.info("mailbox %s: processed %r", mailbox.name, file.name)
