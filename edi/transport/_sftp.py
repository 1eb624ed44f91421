"""A mailbox on an SFTP server (a partner's or our own), through asyncssh.

Every server operation goes through one wrapper that reconnects after a lost connection, a bounded
number of times, and turns what is left into the runtime's typed outcomes: a refused login or an
untrusted host key is a :class:`FatalError` (retrying cannot help), a connection that keeps failing
a :class:`RetryableError`.  Each operation is written so that repeating it after a connection drop
is safe: a rename whose reply was lost is recognised by looking at both names afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import os
import posixpath
import stat
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import asyncssh
from pydantic import SecretStr

from crossdock.core.errors import ConnectorError, FatalError, RetryableError
from crossdock.core.redaction import redact, register_secret

from ._layout import MailboxLayout
from ._mailbox import DEFAULT_MAX_BYTES, ListedFile, Mailbox, MoveOutcome, UnreadableFileError
from ._names import DEFAULT_IGNORED_SUFFIXES

__all__ = ["SftpMailbox", "DEFAULT_KNOWN_HOSTS"]

log = logging.getLogger("crossdock.edi.transport")

T = TypeVar("T")

DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
"""Where trusted host keys are read from unless ``known_hosts`` says otherwise."""

_CONNECTION_SFTP_ERRORS = (asyncssh.SFTPConnectionLost, asyncssh.SFTPNoConnection)
_NOT_CONNECTION_PROBLEMS = (asyncssh.PermissionDenied, asyncssh.HostKeyNotVerifiable)
_CONNECTION_PROBLEMS = (
    asyncssh.DisconnectError,  # includes ConnectionLost
    asyncssh.ChannelOpenError,
    *_CONNECTION_SFTP_ERRORS,
    ConnectionError,
    TimeoutError,
    EOFError,
    OSError,
)


def _is_connection_problem(exc: BaseException) -> bool:
    return isinstance(exc, _CONNECTION_PROBLEMS) and not isinstance(exc, _NOT_CONNECTION_PROBLEMS)


def _secret(value: SecretStr | str | None) -> SecretStr | None:
    if value is None or isinstance(value, SecretStr):
        return value
    return SecretStr(value)


class SftpMailbox(Mailbox):
    """A mailbox under ``root`` on an SFTP server (a relative ``root`` is below the login folder).

    Authenticates with ``password`` and/or ``client_keys`` (paths of private keys, ``passphrase``
    for encrypted ones) and nothing else: no SSH agent, no ``~/.ssh/config``, no default keys, so a
    job behaves the same on every machine.  The server's host key must be in ``known_hosts``
    (default ``~/.ssh/known_hosts``); ``known_hosts=None`` skips the check and says so in the log.

    Claims and archives use the SFTP v3 rename, which refuses to replace an existing name (OpenSSH
    implements it with ``link`` + ``unlink``); the ``posix-rename`` extension is never used because
    it overwrites.  Files are fsynced with the ``fsync@openssh.com`` extension where offered.
    Operations reconnect after a lost connection up to ``reconnect_attempts`` times, waiting
    ``reconnect_delay`` seconds, doubled each time; an operation taking longer than
    ``operation_timeout`` counts as a lost connection.
    """

    def __init__(
        self,
        host: str,
        port: int = 22,
        username: str = "",
        password: SecretStr | str | None = None,
        *,
        client_keys: Sequence[str | os.PathLike[str]] | None = None,
        passphrase: SecretStr | str | None = None,
        known_hosts: str | os.PathLike[str] | None = DEFAULT_KNOWN_HOSTS,
        root: str = "/",
        layout: MailboxLayout | None = None,
        name: str | None = None,
        min_age: float = 0.0,
        claim_timeout: float = 0.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ignored_suffixes: Sequence[str] = DEFAULT_IGNORED_SUFFIXES,
        connect_timeout: float = 15.0,
        operation_timeout: float = 120.0,
        reconnect_attempts: int = 3,
        reconnect_delay: float = 1.0,
    ) -> None:
        if not username:
            raise ValueError("an SFTP mailbox needs a username")
        if password is None and not client_keys:
            raise ValueError("an SFTP mailbox needs a password or client_keys")
        if reconnect_attempts < 0 or reconnect_delay < 0:
            raise ValueError("reconnect_attempts and reconnect_delay must not be negative")
        self.host = host
        self.port = port
        self.username = username
        self.root = posixpath.normpath(root) if root else "."
        self._password = _secret(password)
        self._passphrase = _secret(passphrase)
        for secret in (self._password, self._passphrase):
            if secret is not None:
                register_secret(secret.get_secret_value())
        self._client_keys = [os.fspath(os.path.expanduser(k)) for k in client_keys or ()]
        self._known_hosts = None if known_hosts is None else os.path.expanduser(os.fspath(known_hosts))
        self.connect_timeout = connect_timeout
        self.operation_timeout = operation_timeout
        self.reconnect_attempts = reconnect_attempts
        self.reconnect_delay = reconnect_delay
        self._connection: asyncssh.SSHClientConnection | None = None
        self._sftp: asyncssh.SFTPClient | None = None
        self._connecting = asyncio.Lock()
        where = self.root if self.root.startswith("/") else "/~" if self.root == "." else f"/~/{self.root}"
        super().__init__(
            name=name or f"sftp://{username}@{host}:{port}{where}",
            layout=layout,
            min_age=min_age,
            claim_timeout=claim_timeout,
            max_bytes=max_bytes,
            ignored_suffixes=ignored_suffixes,
        )

    def __repr__(self) -> str:
        return f"<SftpMailbox {self.name}>"

    def _remote(self, relative: str) -> str:
        if relative == ".":
            return self.root
        return relative if self.root == "." else posixpath.join(self.root, relative)

    # -- connection -----------------------------------------------------------------------------
    async def _client(self) -> asyncssh.SFTPClient:
        async with self._connecting:
            if self._sftp is None:
                connection = await self._log_in()
                try:
                    self._sftp = await connection.start_sftp_client(path_errors="surrogateescape")
                except BaseException:
                    connection.abort()
                    raise
                self._connection = connection
            return self._sftp

    async def _log_in(self) -> asyncssh.SSHClientConnection:
        if self._known_hosts is None:
            log.warning("mailbox %s: the server's host key is not checked (known_hosts=None)", self.name)
        try:
            return await asyncssh.connect(
                self.host,
                self.port,
                username=self.username,
                password=self._password.get_secret_value() if self._password else None,
                client_keys=self._client_keys or None,
                passphrase=self._passphrase.get_secret_value() if self._passphrase else None,
                known_hosts=self._known_hosts,
                agent_path=None,
                config=[],
                connect_timeout=self.connect_timeout,
                login_timeout=self.connect_timeout,
            )
        except asyncssh.PermissionDenied:
            raise FatalError(
                f"mailbox {self.name}: the SFTP server refused the login of {self.username!r} "
                "(check the password or key)",
                details={"host": self.host, "port": self.port, "username": self.username},
            ) from None
        except asyncssh.HostKeyNotVerifiable:
            raise FatalError(
                f"mailbox {self.name}: the host key of {self.host}:{self.port} is not trusted by "
                f"{self._known_hosts} (add the partner's key there)",
                details={"host": self.host, "port": self.port},
            ) from None
        except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as exc:
            raise FatalError(f"mailbox {self.name}: cannot load the client key: {redact(str(exc))}") from None

    async def _connect(self) -> None:
        await self._call("connect", lambda sftp: asyncio.sleep(0))

    async def _disconnect(self) -> None:
        sftp, connection = self._sftp, self._connection
        self._sftp = self._connection = None
        if sftp is not None:
            sftp.exit()
        if connection is not None:
            connection.close()
            try:
                await connection.wait_closed()
            except Exception:  # closing a broken connection: nothing left to do
                pass

    def _drop(self, sftp: asyncssh.SFTPClient | None) -> None:
        if sftp is not None and sftp is self._sftp:
            connection = self._connection
            self._sftp = self._connection = None
            if connection is not None:
                connection.abort()

    async def _call(
        self, action: str, operation: Callable[[asyncssh.SFTPClient], Awaitable[T]], *, reconnect: bool = True
    ) -> T:
        """Run ``operation`` on a live SFTP session, reconnecting after a lost connection (bounded)."""
        attempts = self.reconnect_attempts if reconnect else 0
        failures = 0
        while True:
            sftp: asyncssh.SFTPClient | None = None
            try:
                sftp = await self._client()
                async with asyncio.timeout(self.operation_timeout):
                    return await operation(sftp)
            except (ConnectorError, UnreadableFileError):
                raise
            except Exception as exc:
                if not _is_connection_problem(exc):
                    raise self._outcome(action, exc) from exc
                self._drop(sftp)
                failures += 1
                problem = redact(str(exc) or type(exc).__name__)
                if failures > attempts:
                    raise RetryableError(
                        f"mailbox {self.name}: cannot {action}: connection to {self.host}:{self.port} failed "
                        f"{failures} time(s), last: {problem}",
                        details={"host": self.host, "port": self.port, "attempts": failures},
                    ) from exc
                delay = self.reconnect_delay * 2 ** (failures - 1)
                log.warning(
                    "mailbox %s: connection problem while trying to %s (%s); reconnecting in %.2fs (%d of %d)",
                    self.name, action, problem, delay, failures, attempts,
                )  # fmt: skip
                await asyncio.sleep(delay)

    def _outcome(self, action: str, exc: Exception) -> ConnectorError:
        reason = redact(getattr(exc, "reason", "") or str(exc) or type(exc).__name__)
        message = f"mailbox {self.name}: cannot {action}: {reason}"
        if isinstance(exc, asyncssh.SFTPPermissionDenied | asyncssh.SFTPNoSuchFile):
            return FatalError(message, details={"sftp_code": getattr(exc, "code", None)})
        if isinstance(exc, asyncssh.SFTPError):
            return RetryableError(message, details={"sftp_code": exc.code})
        return FatalError(message)

    # -- primitives -----------------------------------------------------------------------------
    async def _ensure_folder(self, path: str) -> None:
        remote = self._remote(path)

        async def make(sftp: asyncssh.SFTPClient) -> None:
            if not await sftp.isdir(remote):
                await sftp.makedirs(remote, exist_ok=True)

        await self._call(f"create {path}", make)

    async def _list_files(self, folder: str) -> list[ListedFile]:
        remote = self._remote(folder)

        async def listing(sftp: asyncssh.SFTPClient) -> list[ListedFile]:
            files = []
            for entry in await sftp.readdir(remote):
                attrs = entry.attrs
                if isinstance(entry.filename, str) and _is_regular(attrs):
                    mtime = float(attrs.mtime or 0) + (attrs.mtime_ns or 0) / 1e9
                    files.append(ListedFile(entry.filename, attrs.size or 0, mtime))
            return files

        return await self._call(f"list {folder}", listing)

    async def _move(self, source: str, target: str) -> MoveOutcome:
        old, new = self._remote(source), self._remote(target)

        async def move(sftp: asyncssh.SFTPClient) -> MoveOutcome:
            try:
                await sftp.rename(old, new)  # SFTP v3: refuses an existing target
                return MoveOutcome.MOVED
            except asyncssh.SFTPError as exc:
                if isinstance(exc, _CONNECTION_SFTP_ERRORS):
                    raise
                source_there, target_there = await sftp.lexists(old), await sftp.lexists(new)
                if not source_there:
                    # Gone from its old name: either a competitor took it, or an earlier try of this very
                    # rename succeeded before the connection dropped (the new name is unique to us).
                    return MoveOutcome.MOVED if target_there else MoveOutcome.SOURCE_MISSING
                if target_there:
                    return MoveOutcome.TARGET_EXISTS
                raise

        return await self._call(f"move {source} to {target}", move)

    async def _read(self, path: str, limit: int) -> bytes:
        remote = self._remote(path)

        async def read(sftp: asyncssh.SFTPClient) -> bytes:
            if not _is_regular(await sftp.lstat(remote)):
                raise UnreadableFileError("not a regular file")
            async with sftp.open(remote, "rb") as handle:
                data: bytes = await handle.read(limit)
            return data

        return await self._call(f"read {path}", read)

    async def _write_new(self, path: str, data: bytes) -> None:
        remote = self._remote(path)

        async def write(sftp: asyncssh.SFTPClient) -> None:
            if await sftp.lexists(remote):  # our own unique name, half-written by a try that lost its connection
                await sftp.remove(remote)
            async with sftp.open(remote, "xb") as handle:
                await handle.write(data)
                try:
                    await handle.fsync()
                except asyncssh.SFTPOpUnsupported:
                    pass  # the server offers no fsync; its close() is all we get
            stored = (await sftp.stat(remote)).size
            if stored != len(data):  # a server may acknowledge writes it did not make (full disk, quota)
                raise RetryableError(
                    f"mailbox {self.name}: the server stored {stored} of {len(data)} bytes of {path}",
                    details={"stored": stored, "expected": len(data)},
                )

        try:
            await self._call(f"write {path}", write)
        except BaseException:
            try:  # one try, no reconnecting: a temporary left behind is swept by a later open()
                await self._call(f"remove {path}", lambda sftp: self._remove_op(sftp, remote), reconnect=False)
            except Exception:
                log.debug("mailbox %s: could not remove %s", self.name, path, exc_info=True)
            raise

    async def _remove(self, path: str) -> None:
        remote = self._remote(path)
        await self._call(f"remove {path}", lambda sftp: self._remove_op(sftp, remote))

    @staticmethod
    async def _remove_op(sftp: asyncssh.SFTPClient, remote: str) -> None:
        try:
            await sftp.remove(remote)
        except asyncssh.SFTPNoSuchFile:
            pass


def _is_regular(attrs: asyncssh.SFTPAttrs) -> bool:
    if attrs.permissions is not None:
        return stat.S_ISREG(attrs.permissions)
    return attrs.type == asyncssh.FILEXFER_TYPE_REGULAR
