"""The policy over ``httpx.ASGITransport``, the way the runtime wires a connector to its sandbox."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from crossdock.runtime.http import ConcurrencyLimiter, FixedWindowLimiter, HttpPolicy, RetryPolicy, create_client


def bigcommerce_like_store(clock, quota: int = 2, window_seconds: float = 30.0) -> Starlette:
    """A store-wide quota per fixed window that answers 429 once it is spent, with BigCommerce's headers."""
    window = {"ends": clock.monotonic() + window_seconds, "left": quota}

    async def orders(request: Request) -> JSONResponse:
        if clock.monotonic() >= window["ends"]:
            window.update(ends=clock.monotonic() + window_seconds, left=quota)
        reset_ms = round((window["ends"] - clock.monotonic()) * 1000)
        headers = {"X-Rate-Limit-Time-Reset-Ms": str(reset_ms), "X-Rate-Limit-Requests-Quota": str(quota)}
        if window["left"] <= 0:
            headers["X-Rate-Limit-Requests-Left"] = "0"
            return JSONResponse({"status": 429}, status_code=429, headers=headers)
        window["left"] -= 1
        return JSONResponse([{"id": 1}], headers={**headers, "X-Rate-Limit-Requests-Left": str(window["left"])})

    async def export(request: Request) -> StreamingResponse:
        async def lines():
            for n in range(3):
                yield f'{{"n": {n}}}\n'.encode()

        return StreamingResponse(lines(), media_type="application/jsonl")

    return Starlette(routes=[Route("/v2/orders", orders), Route("/export.jsonl", export)])


async def test_fixed_window_limiter_keeps_a_sandbox_quota_from_ever_answering_429(clock):
    app = bigcommerce_like_store(clock, quota=2, window_seconds=30.0)
    clock.advance(5)  # the store's window started before this client's first call
    limiter = FixedWindowLimiter(limit=150, window_seconds=30, clock=clock.monotonic, sleep=clock.sleep)
    policy = HttpPolicy(limiter=limiter, sleep=clock.sleep, retry=RetryPolicy(jitter=False))
    async with create_client(
        base_url="http://sandbox.test", policy=policy, transport=httpx.ASGITransport(app=app), name="bigcommerce"
    ) as client:
        for _ in range(4):
            response = await client.get("/v2/orders")
            assert response.status_code == 200

    assert client.stats.by_status == {200: 4}
    assert clock.sleeps == [25.0]  # resynced to the server's window from its headers: no 429, no early wake-up


async def test_streamed_sandbox_response_holds_its_concurrency_slot_until_read(clock):
    limiter = ConcurrencyLimiter(max_concurrent=1)
    async with create_client(
        base_url="http://sandbox.test",
        policy=HttpPolicy(limiter=limiter, sleep=clock.sleep),
        transport=httpx.ASGITransport(app=bigcommerce_like_store(clock)),
    ) as client:
        async with client.stream("GET", "/export.jsonl") as response:
            assert limiter.in_flight == 1
            lines = [line async for line in response.aiter_lines()]

    assert lines == ['{"n": 0}', '{"n": 1}', '{"n": 2}']
    assert limiter.in_flight == 0


async def test_cookies_a_server_sets_are_kept_and_sent_back_while_other_responses_leave_them_be():
    """The jar skips responses without Set-Cookie (parsing each one is a large share of a request's
    cost); cookies still work for the APIs that use them."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/login":
            return httpx.Response(200, headers={"Set-Cookie": "session_id=s-123; Path=/"})
        if request.url.path == "/logout":
            return httpx.Response(200, headers={"Set-Cookie": "session_id=; Path=/; Max-Age=0"})
        return httpx.Response(200, json={"cookie": request.headers.get("cookie")})

    async with create_client(
        base_url="http://api.test", transport=httpx.MockTransport(handler), cookies={"region": "eu"}
    ) as client:
        assert (await client.get("/me")).json() == {"cookie": "region=eu"}
        await client.get("/login")
        assert (await client.get("/me")).json() == {"cookie": "region=eu; session_id=s-123"}
        assert (await client.get("/me")).json() == {"cookie": "region=eu; session_id=s-123"}
        await client.post("/logout")
        assert (await client.get("/me")).json() == {"cookie": "region=eu"}
        assert dict(client.cookies) == {"region": "eu"}
