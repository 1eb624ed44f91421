"""When the policy re-sends a request, and how long it waits first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from crossdock.core.errors import FatalError, RateLimitedError, RecordError, RetryableError
from crossdock.runtime.http import IDEMPOTENT_EXTENSION, RetryPolicy


def ok(body: object | None = None) -> httpx.Response:
    return httpx.Response(200, json=body if body is not None else {"ok": True})


async def test_429_with_retry_after_is_waited_out_then_succeeds(make_client, script, clock):
    server = script(httpx.Response(429, headers={"Retry-After": "7"}), ok())
    client = make_client(server)

    response = await client.get("/orders")

    assert response.status_code == 200
    assert clock.sleeps == [7.0]
    assert len(server.requests) == 2


async def test_retry_after_http_date_is_honoured(make_client, script, clock):
    server_now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
    retry_at = server_now + timedelta(seconds=30)
    headers = {"Retry-After": format_datetime(retry_at, usegmt=True), "Date": format_datetime(server_now, usegmt=True)}
    server = script(httpx.Response(429, headers=headers), ok())
    client = make_client(server)

    await client.get("/orders")

    assert clock.sleeps == [30.0]


async def test_retry_after_http_date_without_date_header_uses_the_wall_clock(make_client, script, clock):
    retry_at = datetime.fromtimestamp(clock.wall() + 12, tz=timezone.utc)
    server = script(httpx.Response(503, headers={"Retry-After": format_datetime(retry_at, usegmt=True)}), ok())
    client = make_client(server)

    await client.get("/orders")

    assert clock.sleeps == [12.0]


async def test_5xx_is_retried_for_get(make_client, script, clock):
    server = script(httpx.Response(503), httpx.Response(502), ok())
    client = make_client(server)

    response = await client.get("/orders")

    assert response.status_code == 200
    assert len(server.requests) == 3
    assert clock.sleeps == [0.5, 1.0]  # exponential backoff (jitter off in these tests)


async def test_5xx_is_not_retried_for_unkeyed_post(make_client, script, clock):
    server = script(httpx.Response(503, json={"message": "unavailable"}), ok())
    client = make_client(server)

    with pytest.raises(RetryableError) as caught:
        await client.post("/orders", json={"sku": "A-1"})

    assert len(server.requests) == 1
    assert clock.sleeps == []
    assert caught.value.details["status"] == 503
    assert caught.value.details["method"] == "POST"


async def test_5xx_is_retried_for_post_with_idempotency_key(make_client, script, clock):
    server = script(httpx.Response(500), ok())
    client = make_client(server, idempotency_headers=("X-NetSuite-Idempotency-Key",))

    response = await client.post(
        "/record/v1/salesOrder", json={"tranId": "SO-1"}, headers={"X-NetSuite-Idempotency-Key": "job-1:SO-1"}
    )

    assert response.status_code == 200
    assert len(server.requests) == 2
    assert server.requests[1].content == server.requests[0].content


async def test_5xx_is_retried_for_post_declared_idempotent(make_client, script):
    server = script(httpx.Response(504), ok())
    client = make_client(server)

    await client.post("/graphql.json", json={"query": "{ shop { id } }"}, extensions={IDEMPOTENT_EXTENSION: True})

    assert len(server.requests) == 2


async def test_connect_error_is_retried_even_for_post(make_client, script, clock):
    server = script(httpx.ConnectError("connection refused"), httpx.Response(201, json={"id": 1}))
    client = make_client(server)

    response = await client.post("/orders", json={"sku": "A-1"})

    assert response.status_code == 201
    assert len(server.requests) == 2
    assert clock.sleeps == [0.5]


async def test_read_timeout_is_not_retried_for_unkeyed_post(make_client, script):
    server = script(httpx.ReadTimeout("timed out"), ok())
    client = make_client(server)

    with pytest.raises(RetryableError) as caught:
        await client.post("/orders", json={"sku": "A-1"})

    assert len(server.requests) == 1
    assert caught.value.details["error_type"] == "ReadTimeout"


async def test_read_timeout_is_retried_for_get(make_client, script):
    server = script(httpx.ReadTimeout("timed out"), ok())
    client = make_client(server)

    response = await client.get("/orders")

    assert response.status_code == 200
    assert len(server.requests) == 2


async def test_exhausted_retries_raise_retryable_error_with_status(make_client, script, clock):
    server = script(httpx.Response(503, text="upstream down"))
    client = make_client(server, retry=RetryPolicy(max_attempts=3, initial_wait=1.0, jitter=False))

    with pytest.raises(RetryableError) as caught:
        await client.get("/orders")

    error = caught.value
    assert not isinstance(error, RateLimitedError)
    assert error.details["status"] == 503
    assert error.details["attempts"] == 3
    assert error.details["body"] == "upstream down"
    assert len(server.requests) == 3
    assert clock.sleeps == [1.0, 2.0]


async def test_exhausted_connect_errors_raise_retryable_error(make_client, script):
    server = script(httpx.ConnectError("connection refused"))
    client = make_client(server, retry=RetryPolicy(max_attempts=2, jitter=False))

    with pytest.raises(RetryableError) as caught:
        await client.get("/orders")

    assert caught.value.details["error_type"] == "ConnectError"
    assert len(server.requests) == 2


async def test_persistent_429_raises_rate_limited_error_with_server_retry_after(make_client, script):
    server = script(httpx.Response(429, headers={"Retry-After": "2.0"}))
    client = make_client(server, retry=RetryPolicy(max_attempts=2, jitter=False))

    with pytest.raises(RateLimitedError) as caught:
        await client.get("/orders")

    assert caught.value.retry_after == 2.0
    assert caught.value.details["status"] == 429


async def test_retry_after_longer_than_the_cap_is_handed_to_the_runtime_not_waited(make_client, script, clock):
    server = script(httpx.Response(429, headers={"Retry-After": "3600"}))
    client = make_client(server, retry=RetryPolicy(max_attempts=5, max_retry_after=300))

    with pytest.raises(RateLimitedError) as caught:
        await client.post("/v3/feeds?feedType=inventory", content=b"{}")

    assert caught.value.retry_after == 3600
    assert clock.sleeps == []
    assert len(server.requests) == 1


async def test_bigcommerce_429_waits_for_the_window_reset(make_client, script, clock):
    server = script(httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "4500"}), ok())
    client = make_client(server)

    await client.get("/v3/catalog/products")

    assert clock.sleeps == [4.5]


async def test_amazon_rate_header_lengthens_backoff_as_a_hint(make_client, script, clock):
    server = script(httpx.Response(429, headers={"x-amzn-RateLimit-Limit": "0.5"}), ok())
    client = make_client(server)

    await client.get("/orders/2026-01-01/orders")

    assert clock.sleeps == [2.0]  # 1 / 0.5 rps, longer than the 0.5 s first backoff


async def test_backoff_with_jitter_stays_within_the_exponential_envelope(make_client, script, clock):
    server = script(httpx.Response(500), httpx.Response(500), httpx.Response(500), ok())
    client = make_client(server, retry=RetryPolicy(max_attempts=4, initial_wait=1.0, max_wait=60.0, jitter=True))

    await client.get("/orders")

    for attempt, slept in enumerate(clock.sleeps):
        ceiling = 1.0 * 2**attempt
        assert ceiling / 2 <= slept <= ceiling


async def test_400_raises_record_error_with_body(make_client, script, clock):
    body = {"errors": [{"field": "sku", "message": "unknown SKU"}], "access_token": "leaked-token-value"}
    server = script(httpx.Response(400, json=body))
    client = make_client(server)

    with pytest.raises(RecordError) as caught:
        await client.post("/orders?page=1", json={"sku": "NOPE"})

    details = caught.value.details
    assert details["status"] == 400
    assert details["method"] == "POST"
    assert details["url"] == "https://api.example.test/orders?page=1"
    assert details["body"]["errors"] == body["errors"]
    assert details["body"]["access_token"] == "***"
    assert len(server.requests) == 1


async def test_error_body_is_truncated_to_about_4_kb(make_client, script):
    server = script(httpx.Response(422, text="x" * 20_000))
    client = make_client(server)

    with pytest.raises(RecordError) as caught:
        await client.get("/orders")

    assert 4096 <= len(caught.value.details["body"]) < 4200


async def test_403_is_fatal(make_client, script):
    server = script(httpx.Response(403, json={"errors": "forbidden"}))
    client = make_client(server)

    with pytest.raises(FatalError):
        await client.get("/orders")
    assert len(server.requests) == 1


async def test_raise_errors_false_returns_the_response_for_the_connector_to_read(make_client, script):
    server = script(httpx.Response(422, json={"errors": [{"message": "bad input"}]}))
    client = make_client(server, raise_errors=False)

    response = await client.post("/graphql.json", json={"query": "mutation"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "bad input"


async def test_streamed_request_is_retried_and_readable(make_client, script):
    server = script(httpx.Response(503), httpx.Response(200, content=b"line-1\nline-2\n"))
    client = make_client(server)

    async with client.stream("GET", "/bulk/export.jsonl") as response:
        lines = [line async for line in response.aiter_lines()]

    assert lines == ["line-1", "line-2"]
    assert len(server.requests) == 2
