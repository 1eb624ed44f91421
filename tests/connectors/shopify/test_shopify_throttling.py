"""Shopify's calculated-cost rate limit: the client bucket learns the shop's, THROTTLED is waited out."""

from __future__ import annotations

from typing import Any

from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.models import StockLevel


async def test_cost_bucket_is_fed_by_throttle_status_and_throttled_calls_are_waited_out(
    make_sandbox: Any, open_connector: Any, control: Any, clock: Any, graphql_calls: Any
) -> None:
    app = make_sandbox(seed=4, orders=40, bucket_size=1000, restore_rate=50)
    await control(app, "POST", "/_sandbox/throttle", json={"currentlyAvailable": 30})  # another process spent it
    async with open_connector(app) as connector:  # configured for a standard plan: 2000 points, 100/s
        assert (connector.limiter.maximum, connector.limiter.restore_rate) == (2000, 100)
        records = [r async for page in connector.stream("orders").read(CursorPosition()) for r in page.records]
        stats = connector.graphql.client.stats

    assert len(records) == 40, "every order arrived; no throttle surfaced as an error"
    assert (connector.limiter.maximum, connector.limiter.restore_rate) == (1000, 50), "learnt from throttleStatus"
    throttled = graphql_calls(app, "orders", throttled=True)
    assert len(throttled) == 1, "only the first call, sent before the client knew the shop's bucket, was throttled"
    assert stats.rate_limited == 1 and stats.retries == 1
    assert stats.limiter_wait_seconds > 0, "later calls waited in the client's bucket instead of being throttled"
    assert clock.sleeps[0] == (throttled[0].requested_cost - 30) / 50, "the retry waited the deficit over the restore rate"


async def test_a_throttled_mutation_is_sent_again_and_the_write_succeeds(
    make_sandbox: Any, open_connector: Any, control: Any, graphql_calls: Any, clock: Any
) -> None:
    app = make_sandbox(seed=4, orders=0, bucket_size=400, restore_rate=10)
    record = StockLevel(sku="SHOP-10001", location_id="WH-EAST", available=321)
    request = WriteRequest(idempotency_key="stock-1", trace_key=record.key, record=record)
    drained = []

    def another_process_spends_the_bucket(body: dict[str, Any]) -> None:
        if "inventorySetQuantities" in body["query"] and not drained:
            drained.append(True)
            app.state.shopify.bucket.set_available(0)

    async with open_connector(app, before=another_process_spends_the_bucket, bucket_size=400, restore_rate=10) as connector:
        [result] = await connector.sink("stock").write([request])
    assert result.ok, result.error
    mutations = graphql_calls(app, "inventorySetQuantities")
    assert [e.throttled for e in mutations] == [True, False], "throttled once, then applied"
    assert clock.sleeps[-1] == 1.0, "waited 10 points at 10 points per second"
    assert (await control(app, "GET", "/_sandbox/inventory?sku=SHOP-10001&locationId=gid://shopify/Location/70001"))[0][
        "available"
    ] == 321
