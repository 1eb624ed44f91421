"""Credentials of the REST connector: sent on every request, never shown anywhere."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.errors import ConnectorError, CredentialsExpiredError

SECRET = "erp-live-5f2c1b7e9d0a4c3b"


def _texts(*things: Any) -> str:
    parts = []
    for thing in things:
        parts += [str(thing), repr(thing)]
        details = getattr(thing, "details", None)
        if details is not None:
            parts.append(json.dumps(details, default=str))
    return "\n".join(parts)


async def test_token_never_in_logs_or_errors(make_sandbox: Any, open_connector: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = make_sandbox(seed=1, orders=5, token=SECRET)
    caplog.set_level(logging.DEBUG)
    shown: list[Any] = []
    bad_order = WriteRequest("k-bad", "bad", None, {"number": "X1", "currency": "USD", "lines": []})

    async with open_connector(app, auth={"type": "bearer", "token": SECRET}) as connector:
        check = await connector.check()
        assert check.ok
        pages = [page async for page in connector.stream("orders").read(CursorPosition())]
        [refused] = await connector.sink("orders").write([bad_order])
        shown += [check.message, check.details, refused.error, connector.config, connector.context.clients]
    assert pages and isinstance(refused.error, ConnectorError)

    stale = SECRET + "-revoked"
    async with open_connector(app, auth={"type": "bearer", "token": stale}) as connector:
        failed_check = await connector.check()
        with pytest.raises(CredentialsExpiredError) as denied:
            async for _ in connector.stream("orders").read(CursorPosition()):
                pass
        shown += [failed_check.message, failed_check.details, denied.value, connector.config]
    assert not failed_check.ok

    assert app.state.requests, "the test really talked to the API"
    assert SECRET not in caplog.text
    assert SECRET not in _texts(*shown)


async def test_a_token_echoed_back_by_the_api_is_masked_in_the_error(open_connector: Any) -> None:
    async def echo_headers(request: Request) -> JSONResponse:
        return JSONResponse({"error": {"message": "bad request", "you_sent": dict(request.headers)}}, status_code=400)

    app = Starlette(routes=[Route("/orders", echo_headers, methods=["POST"])])
    async with open_connector(app, auth={"type": "header", "name": "X-Api-Key", "value": SECRET}) as connector:
        [result] = await connector.sink("orders").write([WriteRequest("k", "t", None, {"number": "1"})])
    assert result.error is not None and result.error.details["status"] == 400
    assert SECRET not in _texts(result.error)


@pytest.mark.parametrize(
    ("auth", "expected_header", "expected_value"),
    [
        ({"type": "header", "name": "X-Api-Key", "value": SECRET}, "x-api-key", SECRET),
        ({"type": "basic", "username": "integrations", "password": SECRET}, "authorization",
         "Basic " + base64.b64encode(f"integrations:{SECRET}".encode()).decode()),
        ({"type": "bearer", "token": SECRET}, "authorization", f"Bearer {SECRET}"),
        ({"type": "none"}, "authorization", None),
    ],
)
async def test_each_auth_type_puts_its_credential_on_every_request(
    auth: dict[str, Any], expected_header: str, expected_value: str | None, open_connector: Any
) -> None:
    seen: list[str | None] = []

    async def orders(request: Request) -> JSONResponse:
        seen.append(request.headers.get(expected_header))
        return JSONResponse({"data": [{"id": "1", "updated_at": "2024-01-01T00:00:00Z"}], "meta": {"next_cursor": None}})

    app = Starlette(routes=[Route("/orders", orders)])
    async with open_connector(app, auth=auth) as connector:
        assert (await connector.check()).ok
        [page async for page in connector.stream("orders").read(CursorPosition())]
    assert seen == [expected_value, expected_value]


async def test_config_repr_hides_every_secret(open_connector: Any, sandbox: Any) -> None:
    async with open_connector(sandbox, auth={"type": "basic", "username": "u", "password": SECRET}) as connector:
        text = repr(connector.config) + str(connector.config) + connector.config.model_dump_json()
    assert SECRET not in text
