"""Bearer tokens: fetched once, cached until shortly before expiry, refreshed once on a 401."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from crossdock.core.errors import CredentialsExpiredError
from crossdock.core.redaction import redact
from crossdock.runtime.http import TokenAuth


class IssuingAuth(TokenAuth):
    """Hands out token-1, token-2, … each valid for ``expires_in`` seconds."""

    def __init__(self, clock, expires_in: float = 3600.0) -> None:
        super().__init__(refresh_margin=60.0, clock=clock.monotonic)
        self.expires_in = expires_in

    async def fetch_token(self) -> tuple[str, float]:
        return f"lwa-access-token-{self.fetch_count + 1}", self.expires_in


class AmazonStyleAuth(IssuingAuth):
    def apply(self, request: httpx.Request, token: str) -> None:
        request.headers["x-amz-access-token"] = token


def accepting(*valid_tokens: str):
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("Authorization")
        seen.append(authorization)
        if authorization in {f"Bearer {token}" for token in valid_tokens}:
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(401, json={"error": "invalid_token"})

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


async def test_401_refreshes_token_once_then_succeeds(make_client, clock):
    auth = IssuingAuth(clock)
    server = accepting("lwa-access-token-2")  # the server revoked token 1 early
    client = make_client(server, auth=auth)

    response = await client.get("/orders")

    assert response.status_code == 200
    assert auth.fetch_count == 2
    assert server.seen == ["Bearer lwa-access-token-1", "Bearer lwa-access-token-2"]
    assert client.stats.requests == 2
    assert client.stats.by_status == {401: 1, 200: 1}


async def test_a_second_401_after_refresh_raises_credentials_expired(make_client, clock):
    auth = IssuingAuth(clock)
    server = accepting()  # nothing is accepted: the refresh token itself was revoked
    client = make_client(server, auth=auth)

    with pytest.raises(CredentialsExpiredError) as caught:
        await client.get("/orders")

    assert auth.fetch_count == 2
    assert len(server.seen) == 2
    assert caught.value.details["status"] == 401


async def test_token_is_cached_until_expiry(make_client, clock):
    auth = IssuingAuth(clock, expires_in=900.0)  # Walmart's 15-minute tokens
    server = accepting("lwa-access-token-1", "lwa-access-token-2")
    client = make_client(server, auth=auth)

    for _ in range(3):
        await client.get("/v3/orders")
    assert auth.fetch_count == 1

    clock.advance(900 - 60 - 1)  # still before the refresh margin
    await client.get("/v3/orders")
    assert auth.fetch_count == 1

    clock.advance(2)  # inside the last minute: refresh before the server would reject it
    await client.get("/v3/orders")
    assert auth.fetch_count == 2
    assert server.seen[-1] == "Bearer lwa-access-token-2"


async def test_concurrent_401s_refresh_the_token_only_once(make_client, clock):
    auth = IssuingAuth(clock)
    server = accepting("lwa-access-token-2")
    client = make_client(server, auth=auth)
    await auth.token()  # every request starts with the (revoked) token 1

    responses = await asyncio.gather(*(client.get(f"/orders/{n}") for n in range(5)))

    assert all(response.status_code == 200 for response in responses)
    assert auth.fetch_count == 2


async def test_subclass_decides_where_the_token_goes_and_tokens_are_registered_secrets(make_client, clock):
    auth = AmazonStyleAuth(clock)
    seen: list[httpx.Request] = []

    def sp_api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"payload": {}})

    client = make_client(sp_api, auth=auth)
    await client.get("/orders/2026-01-01/orders")

    assert seen[0].headers["x-amz-access-token"] == "lwa-access-token-1"
    assert "Authorization" not in seen[0].headers
    assert redact("echoed: lwa-access-token-1") == "echoed: ***"
