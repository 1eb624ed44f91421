"""Credentials of the NetSuite connector: used on every request, shown nowhere."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from netsuite_support import order, read_stream, write_request

from crossdock.core.errors import ConnectorError, CredentialsExpiredError, FatalError

TBA = {
    "consumer_key": "ck-3b9f2e71c4d84a0f9e6b5a2d1c0f7e8a",
    "consumer_secret": "cs-SECRET-8d1f4a6c2e9b7f3a5d0c8e1b4a7f2d6c",
    "token_id": "tid-SECRET-5e2a9c7f1b4d8e0a3c6f9b2e5d8a1c4f",
    "token_secret": "ts-SECRET-9a4c7e1f3b6d8a2c5e0f7b9d1a3c6e8f",
}
OAUTH2 = {
    "client_id": "cid-6f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "client_secret": "csec-SECRET-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
    "refresh_token": "eyJraWQiOiJzYW5kYm94In0.rt-SECRET-1a2b3c4d5e6f7a8b9c0d",
}
SECRETS = [TBA["consumer_secret"], TBA["token_id"], TBA["token_secret"], OAUTH2["client_secret"], OAUTH2["refresh_token"]]


def _texts(*things: Any) -> str:
    parts = []
    for thing in things:
        parts += [str(thing), repr(thing)]
        details = getattr(thing, "details", None)
        if details is not None:
            parts.append(json.dumps(details, default=str))
    return "\n".join(parts)


async def test_secrets_never_in_logs(make_sandbox: Any, open_connector: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_sandbox(seed=3, orders=4, tba=TBA, oauth2=OAUTH2)
    shown: list[Any] = []
    bad = order("#9901", ("NOT-AN-ITEM", 1, "wh-main"))

    async with open_connector(app, auth={"type": "tba", **TBA}, item_lookup="externalid") as connector:
        check = await connector.check()
        pages = await read_stream(connector, "fulfilments")
        [good, refused] = await connector.sink("orders").write([write_request(order("#9900", ("SKU-1001", 1, None))), write_request(bad)])
        shown += [check, connector.config, connector.client, refused.error, good]
    assert check.ok and pages and good.ok and isinstance(refused.error, ConnectorError)

    async with open_connector(app, auth={"type": "oauth2", **OAUTH2}) as connector:
        check = await connector.check()
        shown += [check, connector.config, await read_stream(connector, "stock")]
    assert check.ok

    wrong_tba = {**TBA, "token_secret": TBA["token_secret"][:-4] + "0000"}
    async with open_connector(app, auth={"type": "tba", **wrong_tba}) as connector:
        failed = await connector.check()
        with pytest.raises(CredentialsExpiredError) as denied:
            await read_stream(connector, "fulfilments")
        shown += [failed, denied.value, connector.config]
    assert not failed.ok

    wrong_refresh = {**OAUTH2, "refresh_token": OAUTH2["refresh_token"] + "-old"}
    async with open_connector(app, auth={"type": "oauth2", **wrong_refresh}) as connector:
        with pytest.raises(FatalError) as refused_token:
            await read_stream(connector, "stock")
        shown += [refused_token.value]

    assert app.state.requests, "the test really talked to the API"
    assert caplog.text, "the HTTP policy logged the exchanges"
    for secret in [*SECRETS, wrong_tba["token_secret"], wrong_refresh["refresh_token"]]:
        assert secret not in caplog.text
        assert secret not in _texts(*shown)
