"""Outbound files: a partner only ever sees whole files, under names that stay in the outbox and never replace another."""

from __future__ import annotations

import asyncio
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import MailboxFactory
from transport_kit import everything_under, names_in
from transport_sftp_server import SftpTestServer, UploadGate

from crossdock.core.errors import ConnectorError


@pytest.mark.parametrize("partner_name", ["../../etc/passwd", "..\\x.edi", "/abs.edi", "a\x00b.edi", "...", "/"])
async def test_delivered_names_stay_in_the_outbox(
    make_mailbox: MailboxFactory, mailbox_root: Path, tmp_path: Path, partner_name: str
) -> None:
    async with make_mailbox() as mailbox:
        before = everything_under(tmp_path)
        final = await mailbox.deliver(partner_name, b"ISA*997~")

    assert names_in(mailbox_root, "outbox") == [final]
    assert (mailbox_root / "outbox" / final).read_bytes() == b"ISA*997~"
    assert everything_under(tmp_path) - before == {mailbox_root / "outbox" / final}


async def test_deliver_never_overwrites(make_mailbox: MailboxFactory, mailbox_root: Path) -> None:
    (mailbox_root / "outbox").mkdir()
    (mailbox_root / "outbox" / "856.edi").write_bytes(b"not yet collected")

    async with make_mailbox() as mailbox:
        first = await mailbox.deliver("856.edi", b"ISA*one~")
        concurrent = await asyncio.gather(*(mailbox.deliver("856.edi", f"ISA*{i}~".encode()) for i in range(8)))

    assert first == "856-1.edi"
    assert len(set(concurrent)) == 8 and first not in concurrent and "856.edi" not in concurrent
    outbox = mailbox_root / "outbox"
    assert (outbox / "856.edi").read_bytes() == b"not yet collected"
    assert (outbox / first).read_bytes() == b"ISA*one~"
    assert sorted((outbox / name).read_bytes() for name in concurrent) == sorted(f"ISA*{i}~".encode() for i in range(8))
    assert len(names_in(mailbox_root, "outbox")) == 10  # nothing else: no temporary file left behind


async def test_deliver_is_atomic_no_partial_file_visible(sftp_server: SftpTestServer, mailbox_root: Path) -> None:
    """Mid-upload, the partner's folder shows only a hidden ``.part`` file; the final name appears whole."""
    content = b"ISA*" + b"0123456789" * 50_000 + b"~"
    gate = UploadGate()
    async with sftp_server.mailbox() as mailbox:
        sftp_server.upload_gate = gate
        delivery = asyncio.create_task(mailbox.deliver("810.edi", content))
        await gate.reached.wait()
        visible_mid_upload = names_in(mailbox_root, "outbox")
        gate.released.set()
        final = await delivery

    assert visible_mid_upload and all(n.startswith(".") and n.endswith(".part") for n in visible_mid_upload)
    assert names_in(mailbox_root, "outbox") == [final] == ["810.edi"]
    assert (mailbox_root / "outbox" / final).read_bytes() == content


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Writes beyond ``limit`` bytes fail (EFBIG), as a full disk would fail them: a write dies half-way."""
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    previous = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, previous[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous)
        signal.signal(signal.SIGXFSZ, previous_handler)


async def test_deliver_that_fails_half_way_leaves_nothing_in_the_outbox(
    make_mailbox: MailboxFactory, mailbox_root: Path
) -> None:
    async with make_mailbox() as mailbox:
        with file_size_limit(64 * 1024), pytest.raises(ConnectorError):
            await mailbox.deliver("846.edi", b"x" * 1_000_000)
        assert names_in(mailbox_root, "outbox") == []
        assert await mailbox.deliver("846.edi", b"ISA*846~") == "846.edi"
