"""SFTP specifics: logins and host keys as fatal outcomes without secrets, dropped connections survived or retryable."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import asyncssh
import pytest
from transport_kit import archived, drop, names_in
from transport_sftp_server import PASSWORD, SftpTestServer

from crossdock.core.errors import ConnectorError, FatalError, Outcome, RetryableError


def everything_said_about(error: ConnectorError) -> str:
    """The error as any reader could see it: message, repr, details and the whole chained traceback."""
    return "\n".join([str(error), repr(error), repr(error.details), *traceback.format_exception(error)])


async def test_sftp_wrong_password_is_fatal_and_password_not_in_error(
    sftp_server: SftpTestServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Tr0ub4dor&3-not-it"
    caplog.set_level(logging.DEBUG)
    mailbox = sftp_server.mailbox(password=wrong)

    with pytest.raises(FatalError) as raised:
        await mailbox.open()

    assert raised.value.outcome is Outcome.FATAL
    assert "refused the login" in str(raised.value)
    assert sftp_server.connections_made == 1  # a refused login is not retried
    for secret in (wrong, PASSWORD):
        assert secret not in everything_said_about(raised.value)
        assert secret not in caplog.text
        assert secret not in repr(mailbox) and secret not in mailbox.name


async def test_sftp_untrusted_host_key_is_fatal(sftp_server: SftpTestServer, tmp_path: Path) -> None:
    impostor = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()
    known_hosts = tmp_path / "other_known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{sftp_server.port} {impostor}\n")

    with pytest.raises(FatalError, match="not trusted"):
        await sftp_server.mailbox(known_hosts=known_hosts).open()


async def test_sftp_connection_loss_is_retryable(sftp_server: SftpTestServer, mailbox_root: Path) -> None:
    async with sftp_server.mailbox(reconnect_attempts=2) as mailbox:
        await sftp_server.stop()  # the partner's server goes down mid-run

        with pytest.raises(RetryableError) as raised:
            await mailbox.deliver("997.edi", b"ISA*997~")

    assert raised.value.outcome is Outcome.RETRY
    assert raised.value.details["attempts"] == 3
    assert PASSWORD not in everything_said_about(raised.value)
    assert names_in(mailbox_root, "outbox") == []


async def test_sftp_unreachable_server_is_retryable_on_open(sftp_server: SftpTestServer) -> None:
    await sftp_server.stop()
    with pytest.raises(RetryableError):
        await sftp_server.mailbox(reconnect_attempts=1).open()


async def test_sftp_reconnects_after_a_dropped_connection(sftp_server: SftpTestServer, mailbox_root: Path) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850~")
    async with sftp_server.mailbox() as mailbox:
        sftp_server.drop_connections()
        [file] = [f async for f in mailbox.claim()]
        sftp_server.drop_connections()
        await file.archive()
        sftp_server.drop_connections()
        assert await mailbox.deliver("855.edi", b"ISA*855~") == "855.edi"

    assert sftp_server.connections_made == 4
    assert archived(mailbox_root) == {"PO1.edi": b"ISA*850~"}
    assert names_in(mailbox_root, "outbox") == ["855.edi"]
    assert names_in(mailbox_root, "claimed") == []


async def test_sftp_rename_whose_reply_was_lost_is_not_repeated(
    sftp_server: SftpTestServer, mailbox_root: Path
) -> None:
    drop(mailbox_root, "PO1.edi", b"ISA*850~")
    async with sftp_server.mailbox() as mailbox:
        sftp_server.drop_after_renames = 1
        [file] = [f async for f in mailbox.claim()]  # the claim happened: the file must not be lost in claimed/
        sftp_server.drop_after_renames = 1
        await file.archive()  # the move happened: not archived a second time as PO1-1.edi
        sftp_server.drop_after_renames = 1
        assert await mailbox.deliver("855.edi", b"ISA*855~") == "855.edi"  # not delivered twice

    assert archived(mailbox_root) == {"PO1.edi": b"ISA*850~"}
    assert names_in(mailbox_root, "outbox") == ["855.edi"]
    assert names_in(mailbox_root, "claimed") == names_in(mailbox_root, "inbox") == []


async def test_sftp_logs_in_with_an_encrypted_client_key(
    sftp_server: SftpTestServer, mailbox_root: Path, tmp_path: Path
) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = tmp_path / "id_ed25519"
    key.write_private_key(key_file, "pkcs8-pem", passphrase="key-Passphrase-42")  # no bcrypt needed
    sftp_server.authorized_key = key

    async with sftp_server.mailbox(password=None, client_keys=[key_file], passphrase="key-Passphrase-42") as mailbox:
        assert await mailbox.deliver("846.edi", b"ISA*846~") == "846.edi"
    assert names_in(mailbox_root, "outbox") == ["846.edi"]

    wrong = "not-the-Passphrase"
    with pytest.raises(FatalError, match="cannot load the client key") as raised:
        await sftp_server.mailbox(password=None, client_keys=[key_file], passphrase=wrong).open()
    assert wrong not in everything_said_about(raised.value)


async def test_sftp_mailbox_needs_a_credential() -> None:
    with pytest.raises(ValueError, match="password or client_keys"):
        from crossdock.edi.transport import SftpMailbox

        SftpMailbox("127.0.0.1", 22, "partner")
