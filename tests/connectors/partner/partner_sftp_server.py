"""A partner's SFTP server for the tests: asyncssh on 127.0.0.1, a free port, chrooted to a folder, password login.

The host key is generated per test and written to a ``known_hosts`` file, so the connector checks it
exactly as it would a partner's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

USERNAME = "crossdock"
PASSWORD = "Partner-SFTP-pw-7731!"


class _Login(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == USERNAME and password == PASSWORD


@dataclass
class PartnerSftpServer:
    """Serves ``chroot`` as ``/``; :meth:`mailbox_config` is the connector's ``mailbox:`` for ``/mailbox``."""

    chroot: Path
    port: int = 0
    known_hosts: Path | None = None
    _acceptor: Any = field(default=None, repr=False)

    async def start(self) -> None:
        host_key = asyncssh.generate_private_key("ssh-ed25519")
        chroot = os.fsencode(self.chroot)
        self._acceptor = await asyncssh.listen(
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            server_factory=_Login,
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=chroot),
            allow_scp=False,
        )
        self.port = self._acceptor.get_port()
        self.known_hosts = self.chroot.parent / "known_hosts"
        public = host_key.export_public_key("openssh").decode().strip()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {public}\n")

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None

    def mailbox_config(self, **changes: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "type": "sftp",
            "host": "127.0.0.1",
            "port": self.port,
            "username": USERNAME,
            "password": PASSWORD,
            "known_hosts": str(self.known_hosts),
            "root": "/mailbox",
            "connect_timeout": 5.0,
            "operation_timeout": 10.0,
            "reconnect_attempts": 1,
            "reconnect_delay": 0.01,
        }
        config.update(changes)
        return config
