"""The standard connector conformance suite, run against the NetSuite connector's sandbox."""

from __future__ import annotations

from pydantic import BaseModel

from crossdock.connectors.netsuite import NetSuiteConnector
from crossdock.runtime.testing import ConnectorConformance

from netsuite_support import order


class TestNetSuiteConformance(ConnectorConformance):
    connector_class = NetSuiteConnector
    sandbox_options = {"seed": 7, "orders": 30}

    def sample_records(self, sink_name: str) -> list[BaseModel]:
        if sink_name != "orders":
            return []
        return [
            order("#9001", ("SKU-1001", 2, "wh-main"), ("SKU-1004", 1, "wh-east")),
            order("113-5550001-7700001", ("SKU-1002", 1, None), channel="amazon"),
        ]
