"""The shared sandbox toolkit: reproducible faults, server-side rate limits, the request log."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crossdock.runtime.sandbox import (
    FAULT_HEADER,
    FaultInjector,
    FaultKind,
    FixedWindowQuota,
    RequestLogEntry,
    StandardRateLimitShape,
    TokenBucketQuota,
    build_sandbox_app,
    create_sandbox,
    quota_from_options,
)


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _items(request: Request) -> JSONResponse:
    return JSONResponse({"data": [{"id": i, "name": f"item {i}"} for i in range(20)]})


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"received": await request.json()}, status_code=201)


def _app(**options: object):
    return build_sandbox_app([Route("/items", _items), Route("/echo", _echo, methods=["POST"])], **options)  # type: ignore[arg-type]


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test")  # type: ignore[arg-type]


async def _fault_sequence(seed: int, calls: int = 60) -> list[str | None]:
    app = _app(seed=seed, faults=0.5, fault_delay=0.001)
    async with _client(app) as client:
        return [(await client.get("/items")).headers.get(FAULT_HEADER) for _ in range(calls)]


async def test_fault_injection_is_reproducible_with_a_seed() -> None:
    first = await _fault_sequence(seed=42)
    again = await _fault_sequence(seed=42)
    other = await _fault_sequence(seed=43)
    assert first == again
    assert first != other
    assert any(first) and not all(first), "about half the requests should fail at faults=0.5"


async def test_reset_replays_the_same_faults() -> None:
    app = _app(seed=5, faults=0.5, fault_delay=0.001)
    async with _client(app) as client:
        before = [(await client.get("/items")).headers.get(FAULT_HEADER) for _ in range(30)]
        assert (await client.post("/_sandbox/reset")).status_code == 200
        after = [(await client.get("/items")).headers.get(FAULT_HEADER) for _ in range(30)]
    assert before == after


async def test_every_fault_kind_is_produced_and_answers_like_a_real_failure() -> None:
    app = _app(seed=1, faults=1.0, fault_delay=0.001)
    seen: dict[str, httpx.Response] = {}
    async with _client(app) as client:
        for _ in range(200):
            response = await client.get("/items")
            seen.setdefault(response.headers[FAULT_HEADER], response)
            if len(seen) == len(FaultKind):
                break
    assert set(seen) == {kind.value for kind in FaultKind}
    assert seen["rate_limit"].status_code == 429 and int(seen["rate_limit"].headers["Retry-After"]) >= 1
    assert seen["server_error"].status_code == 500
    assert seen["bad_gateway"].status_code == 502
    assert seen["unavailable"].status_code == 503 and "Retry-After" in seen["unavailable"].headers
    assert seen["timeout"].status_code == 504
    malformed = seen["malformed"]
    assert malformed.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed.content)
    assert int(malformed.headers["content-length"]) == len(malformed.content)


async def test_scheduled_faults_come_first_and_leave_the_seeded_sequence_alone() -> None:
    plain = await _fault_sequence(seed=9, calls=20)
    app = _app(seed=9, faults=0.5, fault_delay=0.001)
    app.state.faults.schedule("bad_gateway", "malformed")
    async with _client(app) as client:
        scheduled = [(await client.get("/items")).headers.get(FAULT_HEADER) for _ in range(22)]
    assert scheduled[:2] == ["bad_gateway", "malformed"]
    assert scheduled[2:] == plain


async def test_faults_can_be_changed_through_the_control_endpoint() -> None:
    app = _app(seed=0)
    async with _client(app) as client:
        assert (await client.get("/items")).status_code == 200
        settings = await client.post("/_sandbox/faults", json={"probability": 1.0, "kinds": {"unavailable": 1}, "next": ["rate_limit"]})
        assert settings.json()["scheduled"] == ["rate_limit"]
        statuses = [(await client.get("/items")).status_code for _ in range(3)]
        refused = await client.post("/_sandbox/faults", json={"probability": 2})
        report = (await client.get("/_sandbox/faults")).json()
    assert statuses == [429, 503, 503]
    assert refused.status_code == 400
    assert report["injected"] == {"rate_limit": 1, "unavailable": 2}


async def test_only_the_configured_fault_kinds_occur() -> None:
    app = _app(seed=3, faults=1.0, fault_kinds={"unavailable": 1, "rate_limit": 1})
    async with _client(app) as client:
        statuses = {(await client.get("/items")).status_code for _ in range(40)}
    assert statuses == {429, 503}


async def test_a_malformed_fault_still_lets_the_request_take_effect() -> None:
    received: list[object] = []

    async def record(request: Request) -> JSONResponse:
        received.append(await request.json())
        return JSONResponse({"id": "A-1", "status": "created"}, status_code=201)

    app = build_sandbox_app([Route("/orders", record, methods=["POST"])], faults=1.0, fault_kinds={"malformed": 1})
    async with _client(app) as client:
        response = await client.post("/orders", json={"number": "1001"})
    assert response.status_code == 201 and response.headers[FAULT_HEADER] == "malformed"
    assert received == [{"number": "1001"}], "the write happened even though its answer was lost"


async def test_control_endpoints_are_never_faulted_or_logged() -> None:
    app = _app(seed=0, faults=1.0)
    async with _client(app) as client:
        for _ in range(20):
            response = await client.get("/_sandbox/requests")
            assert response.status_code == 200 and FAULT_HEADER not in response.headers
    assert app.state.requests == []


async def test_request_log_counts_calls_with_the_status_the_client_saw() -> None:
    app = _app(quota=FixedWindowQuota(2, 60, clock=FakeClock()))
    async with _client(app) as client:
        for _ in range(3):
            await client.get("/items")
        await client.post("/echo", json={"a": 1})
        logged = (await client.get("/_sandbox/requests")).json()
    assert app.state.requests == [
        ("GET", "/items", 200),
        ("GET", "/items", 200),
        ("GET", "/items", 429),
        ("POST", "/echo", 429),
    ]
    assert isinstance(app.state.requests[0], RequestLogEntry)
    assert logged[0] == {"method": "GET", "path": "/items", "status": 200}


async def test_token_bucket_answers_429_with_retry_after_until_tokens_refill() -> None:
    clock = FakeClock()
    app = _app(quota=TokenBucketQuota(rate=0.5, burst=3, clock=clock))
    async with _client(app) as client:
        allowed = [await client.get("/items") for _ in range(3)]
        rejected = await client.get("/items")
        clock.now += 2.0  # one token back at 0.5/s
        after_refill = await client.get("/items")
        rejected_again = await client.get("/items")
    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert [r.headers["X-RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert rejected.status_code == 429
    assert rejected.headers["Retry-After"] == "2"
    assert rejected.json()["error"]["code"] == "rate_limited"
    assert after_refill.status_code == 200
    assert rejected_again.status_code == 429


async def test_fixed_window_allows_the_limit_per_window_then_429_until_it_resets() -> None:
    clock = FakeClock()  # 1000.0: 10 s into a 30 s window aligned at 990
    app = _app(quota=FixedWindowQuota(limit=150, window_seconds=30, clock=clock))
    async with _client(app) as client:
        statuses = [(await client.get("/items")).status_code for _ in range(151)]
        over = await client.get("/items")
        clock.now = 1020.0
        next_window = await client.get("/items")
    assert statuses[:150] == [200] * 150 and statuses[150] == 429
    assert over.headers["Retry-After"] == "20"
    assert next_window.status_code == 200


async def test_each_credential_has_its_own_bucket() -> None:
    app = _app(quota=TokenBucketQuota(rate=1, burst=1, clock=FakeClock()))
    async with _client(app) as client:
        first = await client.get("/items", headers={"Authorization": "Bearer a"})
        second = await client.get("/items", headers={"Authorization": "Bearer a"})
        other = await client.get("/items", headers={"Authorization": "Bearer b"})
    assert (first.status_code, second.status_code, other.status_code) == (200, 429, 200)


async def test_a_sandbox_can_word_its_rate_limit_like_its_vendor() -> None:
    app = _app(quota=FixedWindowQuota(1, 30, clock=FakeClock()), rate_limit_shape=StandardRateLimitShape(prefix="X-Rate-Limit-"))
    async with _client(app) as client:
        ok = await client.get("/items")
        over = await client.get("/items")
    assert ok.headers["X-Rate-Limit-Remaining"] == "0"
    assert over.status_code == 429 and over.headers["X-Rate-Limit-Limit"] == "1"


def test_rate_limit_options_take_the_job_yaml_shapes() -> None:
    assert isinstance(quota_from_options({"requests_per_second": 5, "burst": 10}), TokenBucketQuota)
    assert isinstance(quota_from_options({"limit": 150, "window_seconds": 30}), FixedWindowQuota)
    assert quota_from_options(None) is None
    with pytest.raises(ValueError):
        quota_from_options({"per_hour": 3})


def test_fault_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        FaultInjector(1.5)
    with pytest.raises(ValueError):
        FaultInjector(0.1, weights={"rate_limit": 0})
    with pytest.raises(ValueError):
        FaultInjector(0.1, weights={"meteor_strike": 1})


def test_create_sandbox_resolves_a_connectors_declared_factory() -> None:
    app = create_sandbox("rest", seed=3, faults=0.0)
    assert hasattr(app, "state") and app.state.requests == []
