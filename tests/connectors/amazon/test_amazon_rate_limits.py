"""Per-operation usage plans: the connector paces each operation to Amazon's rate and burst, on fake time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from crossdock.connectors.amazon import OPERATION_RATES, OperationLimiter, OperationRate
from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.models import Carrier, OrderRef, Shipment, ShipmentLine, SourceRef, StockLevel

SEARCH = r"/orders/2026-01-01/orders"


def shipment_for(order: dict[str, Any], n: int) -> WriteRequest:
    shipment = Shipment(
        order=OrderRef(source=SourceRef(system="amazon", id=order["orderId"])),
        lines=[
            ShipmentLine(line_id=i["orderItemId"], sku=i["product"]["sellerSku"], quantity=i["fulfillment"]["quantityUnfulfilled"])
            for i in order["orderItems"]
        ],
        carrier=Carrier(name="USPS"),
        tracking_number=f"9400111{n:015d}",
        shipped_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )
    return WriteRequest(idempotency_key=f"ship-{n}", trace_key=f"shipment-{n}", record=shipment)


async def test_per_operation_rate_limits_respected(make_sandbox: Any, open_amazon: Any, clock: Any) -> None:
    sandbox = make_sandbox(seed=5, orders=2_300, feed_polls=20)
    amazon = sandbox.state.amazon
    open_orders = [o for o in amazon.orders.values() if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"][:14]

    async with open_amazon(sandbox) as connector:
        pages = [page async for page in connector.stream("orders").read(CursorPosition())]  # 23 pages, burst 20
        shipped = await connector.sink("shipments").write([shipment_for(o, n) for n, o in enumerate(open_orders)])
        stock = await connector.sink("stock").write(
            [WriteRequest(f"s{n}", f"CD-{n:05d}@WH", StockLevel(sku=f"CD-{n:05d}", location_id="WH", available=n)) for n in range(1, 4)]
        )  # polled 20 times: getFeed's burst is 15
        stats = connector.client.stats

    assert len(pages) == 23 and all(r.ok for r in shipped) and all(r.ok for r in stock)
    assert amazon.gate.throttled == {}, "the sandbox never had to refuse a call"
    assert [e for e in sandbox.exchanges if e.status == 429] == []
    assert stats.rate_limited == 0
    search_waits = [w for w in clock.sleeps if abs(w - 1 / OPERATION_RATES["searchOrders"].rate) < 1]
    assert len(search_waits) == 3, "pages 21-23 each waited one searchOrders interval (~179 s)"
    assert any(abs(w - 0.5) < 0.01 for w in clock.sleeps), "the 11th+ confirmShipment and 16th+ getFeed waited 0.5 s"
    assert stats.limiter_wait_seconds > 3 * 170


async def test_the_sandbox_enforces_each_operations_bucket(make_sandbox: Any, open_amazon: Any, clock: Any) -> None:
    """The control: calls made without the limiter are refused the way SP-API refuses them."""
    sandbox = make_sandbox(seed=5, orders=5)
    async with open_amazon(sandbox) as connector:
        await connector.check()
        token = connector.auth._token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://raw") as raw:
        answers = [
            await raw.get(SEARCH, params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"}, headers={"x-amz-access-token": token})
            for _ in range(21)
        ]
    statuses = [a.status_code for a in answers]
    assert statuses == [200] * 19 + [429, 429], "burst 20, one of it spent by check()"
    refused = answers[-1]
    assert refused.json() == {
        "errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource.", "details": ""}]
    }
    assert "x-amzn-requestid" in refused.headers
    assert answers[0].headers["x-amzn-ratelimit-limit"] == "0.0056"
    clock.advance(1 / 0.0056)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://raw") as raw:
        again = await raw.get(SEARCH, params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"}, headers={"x-amz-access-token": token})
    assert again.status_code == 200, "one request's worth of bucket came back after 1/rate seconds"


async def test_a_429_is_waited_out_and_retried_not_raised(make_sandbox: Any, open_amazon: Any, clock: Any) -> None:
    sandbox = make_sandbox(seed=5, orders=5)
    async with open_amazon(sandbox) as connector:
        await connector.check()
        for _ in range(19):  # someone else (another app of the seller) spends the rest of the bucket
            assert sandbox.state.amazon.gate.take("searchOrders")
        result = await connector.check()
        stats = connector.client.stats
    assert result.ok
    statuses = [e.status for e in sandbox.calls("GET", SEARCH)]
    assert statuses[-2:] == [429, 200]
    assert stats.rate_limited == 1 and stats.retries == 1


def test_the_limiter_adopts_the_rate_amazon_reports() -> None:
    limiter = OperationLimiter(OperationRate("getFeed", 2.0, 15))
    response = httpx.Response(200, headers={"x-amzn-RateLimit-Limit": "5.0"}, request=httpx.Request("GET", "http://x/"))
    limiter.update_from_response(response)
    assert limiter.rate == 5.0, "a selling partner granted a higher plan gets its higher rate"
    limiter.update_from_response(httpx.Response(200, headers={"x-amzn-RateLimit-Limit": "nonsense"}))
    assert limiter.rate == 5.0
