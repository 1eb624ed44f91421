"""Fixtures for the partner connector: a real SQLite store, a mailbox folder, the simulated partner on it,
and connectors wired to both as the runtime wires them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from partner_kit import WHEN, ConnectorFactory

from crossdock.connectors.partner import PartnerConnector, PartnerConnectorConfig
from crossdock.connectors.partner.sandbox import PartnerSimulator, load_simulated_profile
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.transport import LocalMailbox, SftpMailbox
from crossdock.runtime.context import RuntimeContext
from crossdock.runtime.state import StateStore, open_store

@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state.db'}"


@pytest.fixture
async def store(state_url: str) -> AsyncIterator[StateStore]:
    opened = await open_store(state_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def mailbox_root(tmp_path: Path) -> Path:
    root = tmp_path / "mailbox"
    root.mkdir()
    return root


@pytest.fixture(scope="session")
def acme() -> PartnerProfile:
    return load_simulated_profile("acme-dropship")


@pytest.fixture
def make_simulator(mailbox_root: Path, acme: PartnerProfile) -> Callable[..., PartnerSimulator]:
    """``make_simulator(**options)``: the partner on the test's mailbox folder, on a fixed clock."""

    def make(root: Path | None = None, **options: Any) -> PartnerSimulator:
        settings: dict[str, Any] = {"ship_after": 1, "stock_every": 0, "backorder_rate": 0.0, "reject_rate": 0.0, "clock": lambda: WHEN}
        settings.update(options)
        return PartnerSimulator(root or mailbox_root, profile=acme, **settings)

    return make


@pytest.fixture
def simulator(make_simulator: Callable[..., PartnerSimulator]) -> PartnerSimulator:
    return make_simulator()


@pytest.fixture
async def make_connector(tmp_path: Path, mailbox_root: Path, store: StateStore) -> AsyncIterator[ConnectorFactory]:
    """``make_connector(store=…, behaviour=…, **config)``: a partner connection as a job opens it; closed at the end."""
    opened: list[PartnerConnector] = []

    def make(*, state: Any = None, behaviour: type | None = None, **config: Any) -> PartnerConnector:
        config.setdefault("partner", "acme-dropship")
        config.setdefault("mailbox", {"type": "local", "root": str(mailbox_root)})
        context = RuntimeContext(job="partner-test", connection="acme", base_dir=tmp_path, state=state or store)
        connector_class = PartnerConnector
        if behaviour is not None:  # a mixin put in front of the mailbox classes: how tests crash at a chosen step
            connector_class = type(
                f"{behaviour.__name__}PartnerConnector",
                (PartnerConnector,),
                {
                    "local_mailbox_class": type(f"{behaviour.__name__}LocalMailbox", (behaviour, LocalMailbox), {}),
                    "sftp_mailbox_class": type(f"{behaviour.__name__}SftpMailbox", (behaviour, SftpMailbox), {}),
                },
            )
        connector = connector_class(PartnerConnectorConfig.model_validate(config), context)
        opened.append(connector)
        return connector

    yield make
    for connector in opened:
        await connector.close()
