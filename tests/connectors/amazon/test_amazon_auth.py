"""Login with Amazon: one token per hour, refreshed early, and once more when SP-API says it expired."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from crossdock.connectors.amazon import SANDBOX_REFRESH_TOKEN, is_expired_token_response
from crossdock.core.errors import FatalError

ORDERS = r"/orders/2026-01-01/orders"


async def test_lwa_token_refreshed_and_cached(sandbox: Any, open_amazon: Any, clock: Any, control: Any) -> None:
    lwa = sandbox.state.amazon.lwa
    async with open_amazon(sandbox) as connector:
        for _ in range(3):
            assert (await connector.check()).ok
        assert lwa.issued == 1, "one token serves every call within the hour"
        [token_call] = sandbox.calls("POST", "/auth/o2/token")
        form = dict(httpx.QueryParams(token_call.body.decode()))
        assert form["grant_type"] == "refresh_token" and form["refresh_token"] == SANDBOX_REFRESH_TOKEN
        assert {e.headers.get("x-amz-access-token") for e in sandbox.calls("GET", ORDERS)} == {lwa_token(sandbox)}

        clock.advance(3600 - 30)  # inside the refresh margin: fetched again before it can expire
        assert (await connector.check()).ok
        assert lwa.issued == 2
        assert [e.status for e in sandbox.calls("GET", ORDERS)] == [200] * 4, "no call went out with a stale token"

        await control(sandbox, "POST", "/_sandbox/tokens/expire")  # Amazon revoked or expired it early
        assert (await connector.check()).ok
        assert lwa.issued == 3, "the 403 for an expired token refreshed it once"
        last_two = sandbox.calls("GET", ORDERS)[-2:]
        assert [e.status for e in last_two] == [403, 200]
        assert last_two[0].response_json()["errors"][0]["details"] == "The access token you provided has expired."
        assert last_two[0].headers["x-amz-access-token"] != last_two[1].headers["x-amz-access-token"]
        assert connector.auth.fetch_count == 3


def lwa_token(sandbox: Any) -> str:
    return sandbox.calls("POST", "/auth/o2/token")[-1].response_json()["access_token"]


def test_a_403_that_is_not_about_the_token_is_not_retried_with_a_new_one() -> None:
    response = httpx.Response(
        403, json={"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.", "details": ""}]}
    )
    assert not is_expired_token_response(response), "a missing role is not cured by a new token"
    expired = httpx.Response(403, json={"errors": [{"code": "Unauthorized", "message": "The access token you provided has expired."}]})
    assert is_expired_token_response(expired), "the expiry is recognised in message as well as details"


async def test_a_refused_refresh_token_stops_the_job(sandbox: Any, open_amazon: Any) -> None:
    async with open_amazon(sandbox, refresh_token="Atzr|not-the-sellers-token") as connector:
        result = await connector.check()
        assert not result.ok
        with pytest.raises(FatalError) as raised:
            await connector.client.get(ORDERS, params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"})
    assert raised.value.details["body"] == {
        "error_description": "The request has an invalid grant parameter : refresh_token",
        "error": "invalid_grant",
    }
    assert sandbox.calls("GET", ORDERS) == [], "no SP-API call without a token"
