"""Concurrency governance: NetSuite refuses what exceeds the account's limit; the connector never asks."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from netsuite_support import BASE_URL, control, order, write_request

from crossdock.connectors.netsuite import TokenBasedAuth
from crossdock.connectors.netsuite._sandbox_credentials import SANDBOX_TBA


async def test_concurrency_limit_respected_no_unhandled_429(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=6, orders=2, concurrency_limit=5, latency=0.01)
    orders = [order(f"#{6000 + i}", ("SKU-1001", 1, "wh-main"), ("SKU-1002", 2, "wh-east")) for i in range(30)]

    async with open_connector(app, concurrency_limit=5) as connector:
        sink = connector.sink("orders")
        results = await asyncio.gather(*(sink.write([write_request(o)]) for o in orders))

    assert all(result.ok for [result] in results), [str(r.error) for [r] in results if not r.ok]
    assert len({result.external_id for [result] in results}) == 30
    governance = await control(app, "GET", "/_sandbox/governance")
    assert governance["rejected"] == 0
    assert governance["max_in_flight"] == 5, "the five slots were used, never a sixth"
    assert 429 not in {entry.status for entry in app.state.requests}


async def test_the_sandbox_refuses_requests_beyond_the_limit(make_sandbox: Any) -> None:
    """The other half of the proof: without a limiter of its own a client gets NetSuite's 429."""
    app = make_sandbox(seed=6, orders=2, concurrency_limit=5, latency=0.01)
    auth = TokenBasedAuth(realm="1234567_SB1", **SANDBOX_TBA)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL, auth=auth) as client:
        responses = await asyncio.gather(*(
            client.get("/services/rest/system/v1/governanceLimits") for _ in range(12)
        ))

    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 7 and sum(r.status_code == 200 for r in responses) == 5
    body = refused[0].json()
    assert body["status"] == 429 and body["o:errorDetails"][0]["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
    assert responses[0].json()["accountConcurrencyLimit"] == 5
