"""The refresh token, the client secret and the access tokens never reach logs, errors or reprs."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from crossdock.connectors.amazon import SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from crossdock.core.contract import CursorPosition, WriteRequest
from crossdock.core.errors import ConnectorError
from crossdock.core.models import Carrier, OrderRef, Shipment, ShipmentLine, SourceRef, StockLevel


async def test_refresh_token_and_client_secret_never_in_logs(
    sandbox: Any, open_amazon: Any, control: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    surfaced: list[str] = []

    async with open_amazon(sandbox) as connector:
        surfaced += [repr(connector.config), str(connector.config), repr(connector.auth)]
        assert (await connector.check()).ok
        async for _ in connector.stream("orders").read(CursorPosition()):
            pass
        await control(sandbox, "POST", "/_sandbox/tokens/expire")  # the next call refreshes after a 403
        refused = await connector.sink("shipments").write([WriteRequest("k", "t", Shipment(
            order=OrderRef(source=SourceRef(system="amazon", id="111-0000000-0000000")),
            lines=[ShipmentLine(line_id="1", sku="CD-00001", quantity=1)],
            carrier=Carrier(name="UPS"), tracking_number="1Z", shipped_at=datetime(2026, 3, 1, tzinfo=UTC),
        ))])  # fmt: skip
        stocked = await connector.sink("stock").write(
            [WriteRequest("s", "NOPE@WH", StockLevel(sku="NOPE", location_id="WH", available=1))]
        )
        surfaced += [str(r.error) + json.dumps(r.error.details, default=str) for r in [*refused, *stocked] if r.error]
        access_tokens = [e.response_json()["access_token"] for e in sandbox.calls("POST", "/auth/o2/token")]

    async with open_amazon(sandbox, client_secret="amzn1.oa2-cs.v1.a-wrong-secret-of-some-length") as wrong:
        check = await wrong.check()
        surfaced += [check.message, json.dumps(check.details, default=str)]
        with pytest.raises(ConnectorError) as raised:
            await wrong.client.get("/orders/2026-01-01/orders", params={"lastUpdatedAfter": "2026-01-01T00:00:00Z"})
        surfaced += [str(raised.value), json.dumps(raised.value.details, default=str)]

    assert len(access_tokens) == 2 and not check.ok
    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records) + "\n".join(surfaced)
    assert "POST" in caplog.text and "/feeds/2021-06-30/feeds" in caplog.text, "the calls were logged"
    secrets = {
        "refresh token": SANDBOX_REFRESH_TOKEN,
        "client secret": SANDBOX_CLIENT_SECRET,
        "wrong client secret": "amzn1.oa2-cs.v1.a-wrong-secret-of-some-length",
        **{f"access token {n}": token for n, token in enumerate(access_tokens)},
    }
    leaked = [name for name, secret in secrets.items() if secret in text]
    assert leaked == []
