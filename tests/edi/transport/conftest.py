"""Fixtures for the mailbox tests: a mailbox root on disk, a real SFTP server over it, and a factory that
builds a local or an SFTP mailbox on that same root, so most tests run once per transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from transport_sftp_server import SftpTestServer

from crossdock.edi.transport import LocalMailbox, Mailbox, SftpMailbox

MailboxFactory = Callable[..., Mailbox]


@pytest.fixture(scope="session")
def host_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture
def server_root(tmp_path: Path) -> Path:
    """The SFTP server's chroot; the mailbox is its ``/mailbox`` folder."""
    root = tmp_path / "srv"
    (root / "mailbox").mkdir(parents=True)
    return root


@pytest.fixture
def mailbox_root(server_root: Path) -> Path:
    return server_root / "mailbox"


@pytest.fixture
async def sftp_server(server_root: Path, host_key: asyncssh.SSHKey) -> AsyncIterator[SftpTestServer]:
    server = SftpTestServer(server_root, host_key)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(params=["local", "sftp"])
def mailbox_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def server_for_kind(
    mailbox_kind: str, server_root: Path, host_key: asyncssh.SSHKey
) -> AsyncIterator[SftpTestServer | None]:
    if mailbox_kind != "sftp":
        yield None
        return
    server = SftpTestServer(server_root, host_key)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def mailbox_factory(kind: str, root: Path, server: SftpTestServer | None) -> MailboxFactory:
    """``make(**options)``: a new, unopened mailbox of ``kind`` on ``root``.  ``behaviour=`` takes a mixin
    class put in front of the mailbox class (how tests make a consumer crash at a chosen step)."""

    def make(behaviour: type | None = None, **options: Any) -> Mailbox:
        base: type[Mailbox] = LocalMailbox if kind == "local" else SftpMailbox
        cls = base if behaviour is None else type(f"{behaviour.__name__}{base.__name__}", (behaviour, base), {})
        if kind == "local":
            return cls(root, **options)  # type: ignore[call-arg]
        assert server is not None
        return server.mailbox(mailbox_class=cls, **options)

    return make


@pytest.fixture
def make_mailbox(mailbox_kind: str, mailbox_root: Path, server_for_kind: SftpTestServer | None) -> MailboxFactory:
    return mailbox_factory(mailbox_kind, mailbox_root, server_for_kind)
