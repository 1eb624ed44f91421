"""Client-side rate limiters, modelled on each vendor's published quota, driven by a fake clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from crossdock.core.errors import RateLimitedError
from crossdock.runtime.http import (
    COST_EXTENSION,
    LIMITER_EXTENSION,
    ConcurrencyLimiter,
    CostBucketLimiter,
    FixedWindowLimiter,
    RateLimiter,
    RetryPolicy,
    TokenBucketLimiter,
)

GRAPHQL = "/admin/api/2026-04/graphql.json"


def throttle_body(requested: float, available: float, restore_rate: float, maximum: float = 1000.0) -> dict:
    return {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": maximum,
                    "currentlyAvailable": available,
                    "restoreRate": restore_rate,
                },
            }
        },
    }


def test_every_limiter_satisfies_the_rate_limiter_protocol():
    limiters = [
        TokenBucketLimiter(rate=2, burst=40),
        FixedWindowLimiter(limit=150, window_seconds=30),
        CostBucketLimiter(maximum=1000, restore_rate=100),
        ConcurrencyLimiter(max_concurrent=15),
    ]
    assert all(isinstance(limiter, RateLimiter) for limiter in limiters)


async def test_token_bucket_allows_burst_then_paces(clock):
    limiter = TokenBucketLimiter(rate=2.0, burst=40, clock=clock.monotonic, sleep=clock.sleep)

    burst_waits = [await limiter.acquire() for _ in range(40)]
    paced_waits = [await limiter.acquire() for _ in range(3)]

    assert burst_waits == [0.0] * 40
    assert paced_waits == pytest.approx([0.5, 0.5, 0.5])
    assert clock.now == pytest.approx(1.5)


async def test_token_bucket_refills_while_idle(clock):
    limiter = TokenBucketLimiter(rate=2.0, burst=10, clock=clock.monotonic, sleep=clock.sleep)
    for _ in range(10):
        await limiter.acquire()

    clock.advance(2.5)

    assert [await limiter.acquire() for _ in range(5)] == [0.0] * 5
    assert await limiter.acquire() == pytest.approx(0.5)


async def test_token_bucket_models_an_sp_api_operation(clock):
    search_orders = TokenBucketLimiter(rate=0.0056, burst=20, clock=clock.monotonic, sleep=clock.sleep)
    for _ in range(20):
        await search_orders.acquire()

    assert await search_orders.acquire() == pytest.approx(1 / 0.0056)


async def test_token_bucket_learns_from_shopify_rest_call_limit_and_429(clock):
    limiter = TokenBucketLimiter(rate=2.0, burst=40, clock=clock.monotonic, sleep=clock.sleep)

    limiter.update_from_response(httpx.Response(200, headers={"X-Shopify-Shop-Api-Call-Limit": "39/40"}))
    assert limiter.available == pytest.approx(1.0)

    limiter.update_from_response(httpx.Response(429, headers={"Retry-After": "1.0"}))
    assert await limiter.acquire() == pytest.approx(0.5)


async def test_concurrent_waiters_on_a_token_bucket_are_served_in_turn(clock):
    limiter = TokenBucketLimiter(rate=1.0, burst=1, clock=clock.monotonic, sleep=clock.sleep)

    waits = await asyncio.gather(*(limiter.acquire() for _ in range(4)))

    assert sorted(waits) == pytest.approx([0.0, 1.0, 1.0, 1.0])
    assert clock.now == pytest.approx(3.0)


async def test_fixed_window_blocks_until_window_resets_and_resyncs_from_headers(clock):
    limiter = FixedWindowLimiter(limit=3, window_seconds=30, clock=clock.monotonic, sleep=clock.sleep)

    assert [await limiter.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.advance(10)
    assert await limiter.acquire() == pytest.approx(20.0)  # until the 30 s window ends
    assert limiter.remaining == 2

    # Other apps on the store used the quota: BigCommerce says none left, reset in 12 s.
    limiter.update_from_response(
        httpx.Response(200, headers={"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "12000"})
    )
    assert limiter.remaining == 0
    assert await limiter.acquire() == pytest.approx(12.0)


async def test_fixed_window_adopts_the_server_quota_and_window(clock):
    limiter = FixedWindowLimiter(limit=150, window_seconds=30, clock=clock.monotonic, sleep=clock.sleep)

    limiter.update_from_response(
        httpx.Response(
            200,
            headers={
                "X-Rate-Limit-Requests-Quota": "450",
                "X-Rate-Limit-Time-Window-Ms": "30000",
                "X-Rate-Limit-Requests-Left": "449",
                "X-Rate-Limit-Time-Reset-Ms": "29000",
            },
        )
    )

    assert limiter.remaining == 449


async def test_cost_bucket_follows_shopify_throttle_status(clock):
    limiter = CostBucketLimiter(maximum=1000, restore_rate=50, clock=clock.monotonic, sleep=clock.sleep)
    assert await limiter.acquire(400) == 0.0

    limiter.update_from_throttle_status({"maximumAvailable": 2000.0, "currentlyAvailable": 100, "restoreRate": 100.0})

    assert limiter.maximum == 2000.0
    assert limiter.restore_rate == 100.0
    assert await limiter.acquire(300) == pytest.approx(2.0)  # 200 points short at 100 points/s


async def test_cost_bucket_reads_throttle_status_from_graphql_responses(make_client, script, clock):
    limiter = CostBucketLimiter(maximum=1000, restore_rate=100, clock=clock.monotonic, sleep=clock.sleep)
    body = {
        "data": {"shop": {"id": "gid://shopify/Shop/1"}},
        "extensions": {
            "cost": {
                "requestedQueryCost": 10,
                "actualQueryCost": 2,
                "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 40, "restoreRate": 100.0},
            }
        },
    }
    client = make_client(script(httpx.Response(200, json=body)), limiter=limiter)

    query = {"query": "{ shop { id } }"}

    await client.post(GRAPHQL, json=query, extensions={COST_EXTENSION: 10})
    assert limiter.available == pytest.approx(40)

    await client.post(GRAPHQL, json=query, extensions={COST_EXTENSION: 100})
    assert clock.sleeps == [pytest.approx(0.6)]


async def test_shopify_throttled_graphql_200_is_retried(make_client, script, clock):
    limiter = CostBucketLimiter(maximum=1000, restore_rate=50, clock=clock.monotonic, sleep=clock.sleep)
    data = {"data": {"orders": {"edges": []}}}
    throttled = throttle_body(requested=752, available=666, restore_rate=50)
    server = script(httpx.Response(200, json=throttled), httpx.Response(200, json=data))
    client = make_client(server, limiter=limiter)

    response = await client.post(GRAPHQL, json={"query": "{ orders }"}, extensions={COST_EXTENSION: 752})

    assert response.json() == data
    assert len(server.requests) == 2
    # Waited exactly the deficit over the restore rate, once: the limiter, resynced from the
    # throttle status, had nothing left to add.
    assert clock.sleeps == [pytest.approx((752 - 666) / 50)]
    assert client.stats.rate_limited == 1


async def test_shopify_throttled_graphql_that_stays_throttled_raises_rate_limited(make_client, script):
    server = script(httpx.Response(200, json=throttle_body(requested=300, available=100, restore_rate=100)))
    client = make_client(server, retry=RetryPolicy(max_attempts=2, jitter=False))

    with pytest.raises(RateLimitedError) as caught:
        await client.post(GRAPHQL, json={"query": "{ orders }"})

    assert caught.value.retry_after == pytest.approx(2.0)


async def test_concurrency_limiter_caps_in_flight_requests(make_client):
    limiter = ConcurrencyLimiter(max_concurrent=3)
    in_flight = 0
    peak = 0
    full = asyncio.Event()

    async def netsuite(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight >= 3:
            full.set()
        await full.wait()  # hold every slot until the cap is reached
        await asyncio.sleep(0)
        in_flight -= 1
        return httpx.Response(200, json={"items": []})

    client = make_client(netsuite, limiter=limiter)

    responses = await asyncio.wait_for(
        asyncio.gather(*(client.get(f"/services/rest/record/v1/salesOrder/{n}") for n in range(10))), timeout=5
    )

    assert all(response.status_code == 200 for response in responses)
    assert peak == 3
    assert limiter.in_flight == 0


async def test_concurrency_slot_of_a_streamed_response_is_held_until_closed(make_client):
    limiter = ConcurrencyLimiter(max_concurrent=1)

    async def rows():
        yield b"row-1\n"
        yield b"row-2\n"

    client = make_client(lambda request: httpx.Response(200, content=rows()), limiter=limiter)

    async with client.stream("GET", "/export") as response:
        assert limiter.in_flight == 1
        await response.aread()

    assert limiter.in_flight == 0


async def test_concurrency_slot_is_released_while_a_retry_waits(make_client, script, clock):
    limiter = ConcurrencyLimiter(max_concurrent=1)
    seen_in_flight: list[int] = []

    async def sleep_and_observe(seconds: float) -> None:
        seen_in_flight.append(limiter.in_flight)
        await clock.sleep(seconds)

    client = make_client(script(httpx.Response(503), httpx.Response(200)), limiter=limiter, sleep=sleep_and_observe)

    await client.get("/record")

    assert seen_in_flight == [0]


async def test_a_request_can_bring_its_own_operation_limiter(make_client, script, clock):
    shipment_confirmation = TokenBucketLimiter(rate=2, burst=1, clock=clock.monotonic, sleep=clock.sleep)
    client = make_client(script(httpx.Response(204)))

    for _ in range(3):
        await client.post(
            "/orders/v0/orders/1/shipmentConfirmation", json={}, extensions={LIMITER_EXTENSION: shipment_confirmation}
        )

    assert clock.sleeps == pytest.approx([0.5, 0.5])
    assert client.stats.limiter_wait_seconds == pytest.approx(1.0)


async def test_cost_bucket_keeps_points_of_unanswered_requests_when_the_server_reports() -> None:
    """Shopify's throttleStatus does not know about requests still on their way: subtract them."""
    import httpx

    from crossdock.runtime.http import CostBucketLimiter

    bucket = CostBucketLimiter(maximum=1000, restore_rate=50, clock=lambda: 0.0)  # a frozen clock: no restore
    await bucket.acquire(300)  # request A
    await bucket.acquire(300)  # request B, both in flight
    request_a = httpx.Request("POST", "https://shop/graphql.json", extensions={"crossdock.cost": 300})
    body = {"data": {}, "extensions": {"cost": {"throttleStatus": {
        "maximumAvailable": 1000, "currentlyAvailable": 700, "restoreRate": 50}}}}
    bucket.update_from_response(httpx.Response(200, json=body, request=request_a))
    assert bucket._available == 400, "700 reported after A, less B's 300 still in flight"
    bucket.settle(300)
    assert bucket._in_flight == 0
