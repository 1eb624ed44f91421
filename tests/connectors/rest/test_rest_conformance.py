"""The standard connector conformance suite, run against the REST connector's sandbox."""

from __future__ import annotations

from crossdock.connectors.rest import RestConnector
from crossdock.runtime.testing import ConnectorConformance


class TestRestConformance(ConnectorConformance):
    connector_class = RestConnector
    sandbox_options = {"seed": 7, "orders": 60}
