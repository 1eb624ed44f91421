"""The same partner over SFTP: a real asyncssh server on 127.0.0.1, the partner working in its own folder."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from partner_kit import ConnectorFactory, customer_order, files_in, read_stream, write_orders
from partner_sftp_server import PASSWORD, PartnerSftpServer

from crossdock.connectors.partner import PartnerConnectorConfig
from crossdock.connectors.partner.sandbox import PartnerSimulator
from crossdock.core.models import OrderAcknowledgement, Shipment


@pytest.fixture
async def sftp_server(tmp_path: Path) -> AsyncIterator[PartnerSftpServer]:
    chroot = tmp_path / "srv"
    (chroot / "mailbox").mkdir(parents=True)
    server = PartnerSftpServer(chroot)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_sftp_mailbox_works_end_to_end(
    make_connector: ConnectorFactory, make_simulator, sftp_server: PartnerSftpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    partner_folder = sftp_server.chroot / "mailbox"  # the partner works on its own server's disk
    simulator: PartnerSimulator = make_simulator(root=partner_folder, ship_after=1)
    connector = make_connector(mailbox=sftp_server.mailbox_config())

    check = await connector.check()
    (sent,) = await write_orders(connector, [customer_order(13001)])
    simulator.tick()
    acknowledgements = await read_stream(connector.stream("acknowledgements"))
    simulator.tick()
    shipments = await read_stream(connector.stream("shipments"))
    simulator.tick()

    assert check.ok, check.message
    assert sent.ok and [po["po_number"] for po in simulator.received] == [sent.external_id]
    (ack,) = [r.payload for r in acknowledgements]
    assert isinstance(ack, OrderAcknowledgement) and ack.purchase_order_number == sent.external_id
    (shipment,) = [r.payload for r in shipments]
    assert isinstance(shipment, Shipment) and shipment.order.number == "#13001"
    assert [a["status"] for a in simulator.acknowledgements] == ["A", "A"], "our 997s reached the partner over SFTP"
    assert files_in(partner_folder / "inbox") == [] and files_in(partner_folder / "claimed") == []
    assert len(list((partner_folder / "archive").rglob("*.x12"))) == 2
    assert PASSWORD not in caplog.text


async def test_a_refused_sftp_login_fails_the_check_without_showing_the_password(
    make_connector: ConnectorFactory, sftp_server: PartnerSftpServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Not-The-Password-9921"
    connector = make_connector(mailbox=sftp_server.mailbox_config(password=wrong))

    check = await connector.check()

    assert not check.ok and "cannot be opened" in check.message
    for text in (check.message, str(check.details), caplog.text, repr(connector.config), str(connector.config)):
        assert wrong not in text and PASSWORD not in text


def test_an_sftp_mailbox_needs_a_password_or_a_key() -> None:
    with pytest.raises(ValueError, match="password or client_keys"):
        PartnerConnectorConfig.model_validate(
            {"partner": "acme-dropship", "mailbox": {"type": "sftp", "host": "sftp.example", "username": "u"}}
        )
