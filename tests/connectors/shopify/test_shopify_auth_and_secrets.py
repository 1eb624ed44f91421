"""Credentials: a rejected token stops the job at once, and the token never reaches logs or errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.errors import FatalError
from crossdock.core.models import StockLevel

TOKEN = "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"


async def test_invalid_token_is_fatal_not_retried(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox, access_token="shpat_revoked_or_mistyped_000000000") as connector:
        with pytest.raises(FatalError, match="rejected the access token") as raised:
            async for _ in connector.stream("orders").read(CursorPosition()):
                pass
        check = await connector.check()
    assert raised.value.details["status"] == 401
    assert raised.value.details["body"] == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    assert [(e.method, e.status) for e in sandbox.state.requests] == [("POST", 401), ("POST", 401)], \
        "one request for the read and one for the check: never retried"
    assert not check.ok and "access token" in check.message


async def test_check_names_mapped_locations_the_shop_does_not_have(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox, location_ids={"WH-EAST": "gid://shopify/Location/70001",
                                                     "WH-GONE": "gid://shopify/Location/99"}) as connector:
        check = await connector.check()
    assert not check.ok and "WH-GONE" in check.message
    async with open_connector(sandbox) as connector:
        assert (await connector.check()).ok


async def test_access_token_never_in_logs(
    make_sandbox: Any, open_connector: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_sandbox(seed=1, orders=5, token=TOKEN)
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    async with open_connector(app, access_token=TOKEN) as connector:
        seen.append(repr(connector.config) + str(connector.config.model_dump()))
        await connector.check()
        async for _ in connector.stream("orders").read(CursorPosition()):
            pass
        record = StockLevel(sku="SHOP-10001", location_id="WH-EAST", available=3)
        [result] = await connector.sink("stock").write([WriteRequest("k", record.key, record)])
        assert result.ok
    async with open_connector(app, access_token=TOKEN + "x") as connector:  # a rejected token is echoed nowhere
        with pytest.raises(FatalError) as raised:
            await connector.graphql.execute("CrossdockCheck", "query CrossdockCheck { shop { name } }")
        seen += [str(raised.value), repr(raised.value.details)]
        check = await connector.check()
        seen += [check.message, repr(check.details)]
    assert caplog.records, "the HTTP policy logged the calls"
    text = caplog.text + "\n".join(seen)
    assert TOKEN not in text
