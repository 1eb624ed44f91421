"""process_once: every inbound file is processed exactly once, whatever step a crash interrupts.

A crash is a ``BaseException`` raised at the chosen step and nothing else: the mailbox object and the
state store are then abandoned and reopened from disk, as a restarted process would.
"""

from __future__ import annotations

from pathlib import Path

from conftest import MailboxFactory
from transport_kit import archived, drop, names_in

from crossdock.core.errors import RecordError, RetryableError
from crossdock.edi.transport import Mailbox, MailboxFile, process_once
from crossdock.runtime.state import StateStore, open_store


class SimulatedCrash(BaseException):
    """The process dies here."""


class CrashesBeforeArchiving:
    """A consumer whose process dies after processing a file, before the file is archived."""

    async def archive(self, file: MailboxFile) -> str:
        raise SimulatedCrash


class Handler:
    """Records what it processed, as an order import would."""

    def __init__(self, *, crash_on: str | None = None, reject: str | None = None) -> None:
        self.calls: list[tuple[str, bool]] = []
        self.crash_on = crash_on
        self.reject = reject

    async def __call__(self, file: MailboxFile) -> None:
        self.calls.append((file.name, file.recovered))
        if file.name == self.crash_on:
            self.crash_on = None
            raise SimulatedCrash
        if file.name == self.reject:
            raise RecordError(f"{file.name}: no ISA segment")
        assert (await file.read()).startswith(b"ISA")


async def open_state(tmp_path: Path) -> StateStore:
    return await open_store(f"sqlite:///{tmp_path / 'state.db'}")


async def run_until_crash(mailbox: Mailbox, store: StateStore, handler: Handler) -> None:
    try:
        async with mailbox:
            await process_once(mailbox, store, handler)
    except SimulatedCrash:
        pass
    else:
        raise AssertionError("the simulated crash did not happen")
    finally:
        await store.close()


async def test_crash_after_processing_before_archive_does_not_process_twice(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850*1~")
    handler = Handler()

    await run_until_crash(make_mailbox(behaviour=CrashesBeforeArchiving), await open_state(tmp_path), handler)
    assert handler.calls == [("PO1.edi", False)]
    assert len(names_in(mailbox_root, "claimed")) == 1

    async with make_mailbox() as mailbox, await open_state(tmp_path) as store:
        report = await process_once(mailbox, store, handler)

    assert handler.calls == [("PO1.edi", False)]  # not called again
    assert report.duplicates == ["PO1.edi"] and report.processed == []
    assert archived(mailbox_root) == {"PO1.edi": b"ISA*850*1~"}
    assert names_in(mailbox_root, "claimed") == names_in(mailbox_root, "inbox") == []


async def test_crash_during_processing_processes_the_file_again(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850*1~", age=900)
    drop(mailbox_root, "PO2.edi", b"ISA*850*2~", age=600)
    handler = Handler(crash_on="PO1.edi")

    await run_until_crash(make_mailbox(), await open_state(tmp_path), handler)
    async with make_mailbox() as mailbox, await open_state(tmp_path) as store:
        report = await process_once(mailbox, store, handler)

    assert handler.calls == [("PO1.edi", False), ("PO1.edi", True), ("PO2.edi", False)]
    assert report.processed == ["PO1.edi", "PO2.edi"]
    assert sorted(archived(mailbox_root)) == ["PO1.edi", "PO2.edi"]


async def test_rerun_after_everything_was_archived_processes_nothing(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850*1~")
    handler = Handler()
    async with make_mailbox() as mailbox, await open_state(tmp_path) as store:
        first = await process_once(mailbox, store, handler)
        second = await process_once(mailbox, store, handler)

    assert first.processed == ["PO1.edi"]
    assert second.processed == second.duplicates == second.failed == []
    assert handler.calls == [("PO1.edi", False)]


async def test_identical_resend_is_archived_without_processing(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    handler = Handler()
    async with make_mailbox() as mailbox, await open_state(tmp_path) as store:
        drop(mailbox_root, "PO1.edi", b"ISA*850*1~")
        await process_once(mailbox, store, handler)
        drop(mailbox_root, "PO1-resent.edi", b"ISA*850*1~")
        report = await process_once(mailbox, store, handler)

    assert report.duplicates == ["PO1-resent.edi"]
    assert handler.calls == [("PO1.edi", False)]
    assert sorted(archived(mailbox_root)) == ["PO1-resent.edi", "PO1.edi"]


async def test_record_error_fails_the_file_and_the_same_file_dropped_again_is_processed(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850*1~")
    async with make_mailbox() as mailbox, await open_state(tmp_path) as store:
        rejected = await process_once(mailbox, store, Handler(reject="PO1.edi"))
        assert rejected.failed == ["PO1.edi"]
        assert "no ISA segment" in (mailbox_root / "failed" / "PO1.edi.reason.txt").read_text()

        (mailbox_root / "failed" / "PO1.edi").rename(mailbox_root / "inbox" / "PO1.edi")  # the operator retries it
        retried = await process_once(mailbox, store, Handler())

    assert retried.processed == ["PO1.edi"]
    assert archived(mailbox_root) == {"PO1.edi": b"ISA*850*1~"}


async def test_a_retryable_handler_error_leaves_the_file_claimed_for_the_next_run(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850*1~")

    async def erp_down(file: MailboxFile) -> None:
        raise RetryableError("ERP answered 503")

    async with make_mailbox() as mailbox, await open_state(tmp_path) as store:
        try:
            await process_once(mailbox, store, erp_down)
        except RetryableError:
            pass
        assert len(names_in(mailbox_root, "claimed")) == 1
        report = await process_once(mailbox, store, Handler())

    assert report.processed == ["PO1.edi"]
    assert names_in(mailbox_root, "claimed") == []
