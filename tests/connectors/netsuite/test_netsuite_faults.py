"""A bad day at NetSuite: throttling, outages and answers cut off in transit are absorbed."""

from __future__ import annotations

from typing import Any

from netsuite_support import control, order, read_stream, write_request


async def test_injected_faults_are_retried_without_duplicating_anything(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=12, items=6, orders=6, fault_delay=0.01)
    before = len(app.state.netsuite.account.sales_orders)

    async with open_connector(app, timeout=1.0) as connector:
        await control(app, "POST", "/_sandbox/faults", json={"next": ["rate_limit", "malformed", "unavailable"]})
        stock = await read_stream(connector, "stock")
        await control(app, "POST", "/_sandbox/faults", json={"next": ["bad_gateway", "malformed", "server_error"]})
        [written] = await connector.sink("orders").write([write_request(order("#5501", ("SKU-1001", 1, "wh-main")))])
        waits = list(connector.context.waits)  # type: ignore[attr-defined]

    assert sum(len(page.records) for page in stock) == 6 * 3
    assert written.ok and written.external_id
    assert len(app.state.netsuite.account.sales_orders) == before + 1, "the upsert ran more than once, the order exists once"
    injected = (await control(app, "GET", "/_sandbox/faults"))["injected"]
    assert sum(injected.values()) == 6
    assert waits and all(wait >= 0 for wait in waits), "the policy waited (recorded, not slept) before retrying"
