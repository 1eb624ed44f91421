"""A real SFTP server for the mailbox tests: asyncssh on 127.0.0.1, a random free port, chrooted to a folder.

Password authentication (and a client key when one is authorised), a host key generated per test session and a ``known_hosts`` file that
trusts it, so the client side runs exactly as it would against a partner.  Two controls stand in for
a partner's network: :meth:`SftpTestServer.drop_connections` cuts every session (``drop_after_renames``
does it right after a rename, so its reply is lost), and an :class:`UploadGate` holds uploads half-way
so a test can look at the folder mid-transfer.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from crossdock.edi.transport import SftpMailbox

USERNAME = "partner-acme"
PASSWORD = "s3cret-Mailbox-Pw!"


@dataclass
class UploadGate:
    """Holds every write request on the server until released (armed while set on the server)."""

    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)


class _ChrootedSftp(asyncssh.SFTPServer):
    def __init__(self, chan: asyncssh.SSHServerChannel, *, chroot: bytes, owner: SftpTestServer) -> None:
        super().__init__(chan, chroot=chroot)
        self._owner = owner

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        super().rename(oldpath, newpath)
        if self._owner.drop_after_renames > 0:
            self._owner.drop_after_renames -= 1
            self._owner.drop_connections()  # renamed on disk, but the client never hears so

    async def write(self, file_obj: object, offset: int, data: bytes) -> None:  # type: ignore[override]
        gate = self._owner.upload_gate
        if gate is not None:
            gate.reached.set()
            await gate.released.wait()
        result = super().write(file_obj, offset, data)
        if asyncio.iscoroutine(result):
            await result


class _PartnerLogin(asyncssh.SSHServer):
    def __init__(self, owner: SftpTestServer) -> None:
        self._owner = owner

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._owner.connections.add(conn)
        self._owner.connections_made += 1

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner.connections = {c for c in self._owner.connections if not c.is_closed()}

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USERNAME and password == PASSWORD

    def public_key_auth_supported(self) -> bool:
        return self._owner.authorized_key is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        authorized = self._owner.authorized_key
        return username == USERNAME and authorized is not None and key.public_data == authorized.public_data


@dataclass
class SftpTestServer:
    """The running server: ``chroot`` on disk is ``/`` to clients; ``port`` is where it listens."""

    chroot: Path
    host_key: asyncssh.SSHKey
    port: int = 0
    known_hosts: Path | None = None
    connections: set[Any] = field(default_factory=set)
    connections_made: int = 0
    upload_gate: UploadGate | None = None
    authorized_key: asyncssh.SSHKey | None = None
    """A client key that may log in too (password login always works)."""
    drop_after_renames: int = 0
    """Cut the connection right after each of the next N renames, before the reply is sent."""
    _acceptor: Any = None

    async def start(self) -> None:
        chroot = os.fsencode(self.chroot)
        self._acceptor = await asyncssh.listen(
            "127.0.0.1",
            self.port,
            server_host_keys=[self.host_key],
            server_factory=lambda: _PartnerLogin(self),
            sftp_factory=lambda chan: _ChrootedSftp(chan, chroot=chroot, owner=self),
            allow_scp=False,
        )
        self.port = self._acceptor.get_port()
        self.known_hosts = self.chroot.parent / "known_hosts"
        public = self.host_key.export_public_key("openssh").decode().strip()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {public}\n")

    def drop_connections(self) -> None:
        """Cut every open session, as a network failure would; the server keeps listening."""
        for connection in list(self.connections):
            connection.abort()
        self.connections.clear()

    async def stop(self) -> None:
        """Stop listening and cut every session: the partner's server is down."""
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None
        self.drop_connections()

    def mailbox(self, **options: Any) -> SftpMailbox:
        """An :class:`SftpMailbox` on this server, rooted at ``/mailbox``, with test-speed retry delays."""
        settings: dict[str, Any] = {
            "username": USERNAME,
            "password": PASSWORD,
            "known_hosts": self.known_hosts,
            "root": "/mailbox",
            "connect_timeout": 5.0,
            "operation_timeout": 10.0,
            "reconnect_attempts": 2,
            "reconnect_delay": 0.01,
        }
        settings.update(options)
        mailbox_class = settings.pop("mailbox_class", SftpMailbox)
        return mailbox_class("127.0.0.1", self.port, **settings)
