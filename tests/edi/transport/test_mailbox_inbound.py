"""Inbound files: claimed once, by one consumer, never while still being written, never lost to a crash."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from conftest import MailboxFactory, mailbox_factory
from transport_kit import archived, drop, everything_under, names_in
from transport_sftp_server import SftpTestServer

from crossdock.edi.transport import Mailbox, MailboxFile


async def claim_all(mailbox: Mailbox) -> list[MailboxFile]:
    return [file async for file in mailbox.claim()]


@pytest.mark.parametrize("kinds", [("local", "local"), ("sftp", "sftp"), ("local", "sftp")], ids="+".join)
async def test_claim_is_atomic_two_consumers_never_get_the_same_file(
    kinds: tuple[str, str], mailbox_root: Path, sftp_server: SftpTestServer
) -> None:
    expected = {f"PO{i:03}.edi": f"ISA*{i:03}~".encode() for i in range(30)}
    for name, content in expected.items():
        drop(mailbox_root, name, content)
    first, second = (mailbox_factory(kind, mailbox_root, sftp_server)() for kind in kinds)

    async def consume(mailbox: Mailbox) -> list[str]:
        got = []
        async with mailbox:
            async for file in mailbox.claim():
                assert await file.read() == expected[file.name]
                got.append(file.name)
                await file.archive()
        return got

    got_first, got_second = await asyncio.gather(consume(first), consume(second))

    assert not set(got_first) & set(got_second)
    assert sorted(got_first + got_second) == sorted(expected)
    assert archived(mailbox_root) == expected
    assert names_in(mailbox_root, "inbox") == names_in(mailbox_root, "claimed") == []


async def test_crash_after_claim_recovers_the_file(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*first~", age=900)
    drop(mailbox_root, "PO2.edi", b"ISA*second~", age=600)

    crashed = make_mailbox()
    async with crashed:
        async for file in crashed.claim():
            lost_claim_id = file.claim_id
            break  # the process dies here: claimed, never archived
    assert names_in(mailbox_root, "inbox") == ["PO2.edi"]
    assert len(names_in(mailbox_root, "claimed")) == 1

    restarted = make_mailbox()
    async with restarted:
        assert await restarted.recover() == ["PO1.edi"]
        files = await claim_all(restarted)
        assert [(f.name, f.recovered) for f in files] == [("PO1.edi", True), ("PO2.edi", False)]
        assert files[0].claim_id == lost_claim_id
        assert await files[0].read() == b"ISA*first~"
        for file in files:
            await file.archive()

    assert archived(mailbox_root) == {"PO1.edi": b"ISA*first~", "PO2.edi": b"ISA*second~"}
    assert names_in(mailbox_root, "claimed") == []


async def test_recover_leaves_claims_of_a_live_consumer_alone(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*1~")
    working, starting = make_mailbox(claim_timeout=300), make_mailbox(claim_timeout=300)
    async with working, starting:
        [held] = await claim_all(working)
        assert await working.recover() == []  # its own claim is not an orphan
        assert await starting.recover() == []  # younger than claim_timeout: someone is on it
        await held.archive()
    assert list(archived(mailbox_root)) == ["PO1.edi"]


async def test_partial_upload_is_not_claimed(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    still_uploading = {
        ".PO1.edi": 600,  # hidden: an SFTP client's temporary name
        "PO2.edi.part": 600,
        "PO3.edi.tmp": 600,
        "PO4.edi.filepart": 600,  # WinSCP
        "PO5.EDI.PART": 600,
        "PO6.edi": 1,  # uploaded under its final name a second ago: younger than min_age
    }
    for name, age in still_uploading.items():
        drop(mailbox_root, name, b"ISA*half", age=age)
    drop(mailbox_root, "ready.edi", b"ISA*whole~", age=600)
    (mailbox_root / "inbox" / "subfolder").mkdir()

    async with make_mailbox(min_age=60) as mailbox:
        files = await claim_all(mailbox)

    assert [f.name for f in files] == ["ready.edi"]
    assert names_in(mailbox_root, "inbox") == sorted(still_uploading)


async def test_partner_names_cannot_escape_the_mailbox(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    hostile = ["in\\..\\..\\x.edi", "\x1b[31mred.edi", "C:evil.edi", "CON.edi", "evil\u202eide.edi"]
    for name in hostile:
        drop(mailbox_root, name, name.encode())
    outside_before = everything_under(tmp_path) - everything_under(mailbox_root)

    async with make_mailbox() as mailbox:
        files = await claim_all(mailbox)
        for file in files:
            await file.archive()

    assert sorted(f.name for f in files) == sorted(["x.edi", "[31mred.edi", "evil.edi", "_CON.edi", "evilide.edi"])
    assert set(archived(mailbox_root).values()) == {name.encode() for name in hostile}
    assert everything_under(tmp_path) - everything_under(mailbox_root) == outside_before


async def test_symbolic_link_in_the_inbox_is_never_followed(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for partners")
    (mailbox_root / "inbox").mkdir()
    os.symlink(secret, mailbox_root / "inbox" / "PO1.edi")

    async with make_mailbox() as mailbox:
        assert await claim_all(mailbox) == []

    assert (mailbox_root / "inbox" / "PO1.edi").is_symlink()


async def test_archive_never_overwrites_a_file_of_the_same_name(
    make_mailbox: MailboxFactory, mailbox_root: Path
) -> None:
    async with make_mailbox() as mailbox:
        for content in (b"ISA*monday~", b"ISA*again~"):
            drop(mailbox_root, "PO.edi", content)
            [file] = await claim_all(mailbox)
            await file.archive()

    assert archived(mailbox_root) == {"PO.edi": b"ISA*monday~", "PO-1.edi": b"ISA*again~"}


async def test_failed_file_goes_to_failed_with_its_reason(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    drop(mailbox_root, "PO1.edi", b"not x12")
    async with make_mailbox() as mailbox:
        [file] = await claim_all(mailbox)
        assert await file.fail("no ISA segment") == f"{mailbox.layout.failed}/PO1.edi"

    assert names_in(mailbox_root, "failed") == ["PO1.edi", "PO1.edi.reason.txt"]
    reason = (mailbox_root / "failed" / "PO1.edi.reason.txt").read_text()
    assert "reason: no ISA segment" in reason
    assert f"claim_id: {file.claim_id}" in reason
    assert (mailbox_root / "failed" / "PO1.edi").read_bytes() == b"not x12"
    assert names_in(mailbox_root, "claimed") == []


async def test_file_over_the_size_limit_is_failed_unprocessed(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    drop(mailbox_root, "huge.edi", b"x" * 2048)
    drop(mailbox_root, "small.edi", b"ISA*~", age=10)
    async with make_mailbox(max_bytes=1024) as mailbox:
        assert [f.name for f in await claim_all(mailbox)] == ["small.edi"]

    assert names_in(mailbox_root, "failed") == ["huge.edi", "huge.edi.reason.txt"]
    assert "larger than" in (mailbox_root / "failed" / "huge.edi.reason.txt").read_text()


async def test_custom_layout_names_a_partners_folders(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    from crossdock.edi.transport import MailboxLayout

    layout = MailboxLayout(inbox="out/edi", claimed="work", archive="done", failed="rejected", outbox="in")
    drop(mailbox_root, "PO1.edi", b"ISA*1~", folder="out/edi")
    async with make_mailbox(layout=layout) as mailbox:
        [file] = await claim_all(mailbox)
        await file.archive()
        assert await mailbox.deliver("ack.edi", b"ISA*ack~") == "ack.edi"

    assert [p.name for p in (mailbox_root / "done").glob("*/*")] == ["PO1.edi"]
    assert names_in(mailbox_root, "in") == ["ack.edi"]
