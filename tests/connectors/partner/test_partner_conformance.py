"""The standard connector conformance suite, against the simulated partner.

A partner's documents answer purchase orders, so a fresh simulator has nothing to say yet: the
``connector`` fixture first sends it the sample orders and lets it answer (855s, 856s, an 846)
before the inherited tests read the streams.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from partner_kit import customer_order, write_request
from pydantic import BaseModel

from crossdock.connectors.partner import PartnerConnector
from crossdock.core.contract import Connector
from crossdock.runtime.testing import ConnectorConformance, open_sandboxed_connector
from crossdock.runtime.state import open_store


class TestPartnerConformance(ConnectorConformance):
    connector_class = PartnerConnector
    sandbox_options: ClassVar[dict[str, Any]] = {"seed": 3, "ship_after": 1, "stock_every": 1, "backorder_rate": 0.0}

    def sample_records(self, sink_name: str) -> list[BaseModel]:
        return [customer_order(n) for n in (14001, 14002, 14003)]

    @pytest.fixture
    async def connector(self, tmp_path: Path) -> AsyncIterator[Connector[Any]]:
        store = await open_store(f"sqlite:///{tmp_path / 'state.db'}")
        connector, context, app = await open_sandboxed_connector(
            self.connector_class, base_dir=tmp_path, sandbox_options=self.sandbox_options, state=store
        )
        try:
            await connector.sink("purchase_orders").write([write_request(o) for o in self.sample_records("purchase_orders")])
            app.state.simulator.tick()  # 997 and 855s, an 846
            app.state.simulator.tick()  # 856s
            yield connector
        finally:
            await connector.close()
            await context.aclose()
            await store.close()
