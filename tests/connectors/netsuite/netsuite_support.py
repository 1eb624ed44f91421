"""Helpers of the NetSuite connector tests: a context routed to the sandbox, canonical orders, control calls."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from crossdock.connectors.netsuite import NetSuiteConnector
from crossdock.core.contract import CursorPosition, Page, WriteRequest
from crossdock.core.models import Order
from crossdock.mappings import load_mapping
from crossdock.runtime.http import HttpPolicy, create_client

BASE_URL = "http://1234567-sb1.netsuite.sandbox.test"


@dataclass
class SandboxContext:
    """Implements ``ConnectorContext``: every client goes to ``app``; waits are recorded, not slept."""

    app: Any
    base_dir: Path
    job: str = "netsuite-tests"
    connection: str = "netsuite"
    state: Any = None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("crossdock.connector.netsuite"))
    waits: list[float] = field(default_factory=list)
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    async def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def http_client(
        self,
        *,
        base_url: str,
        policy: Any = None,
        auth: httpx.Auth | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.AsyncClient:
        client = create_client(
            base_url=base_url,
            policy=replace(policy or HttpPolicy(), sleep=self._sleep),
            auth=auth,
            headers=headers,
            transport=httpx.ASGITransport(app=self.app),
            name=self.connection,
        )
        self.clients.append(client)
        return client

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


def sandbox_config(**overrides: Any) -> dict[str, Any]:
    raw = NetSuiteConnector.sandbox_config(BASE_URL)
    raw.update(overrides)
    return raw


async def control(app: Any, method: str, path: str, **kwargs: Any) -> Any:
    """Call a sandbox control endpoint (no auth, never governed)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://control") as client:
        response = await client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()


async def read_all(pages: AsyncIterator[Page]) -> list[Page]:
    return [page async for page in pages]


async def read_stream(connector: NetSuiteConnector, name: str, since: Any = None) -> list[Page]:
    return await read_all(connector.stream(name).read(CursorPosition(since=since)))


def order(number: str, *lines: tuple[str, int, str | None], channel: str = "shopify", customer_id: str | None = None) -> Order:
    """A canonical order: ``lines`` are ``(sku, quantity, routed location or None)``."""
    return Order.model_validate({
        "source": {"system": channel, "id": f"{channel}-order-{number}"},
        "channel": channel,
        "number": number,
        "created_at": "2025-06-01T03:30:00Z",
        "updated_at": "2025-06-01T03:30:00Z",
        "currency": "USD",
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", **({"external_id": customer_id} if customer_id else {})},
        "ship_to": {"name": "Ada Lovelace", "line1": "1 Main St", "city": "Brooklyn", "region": "NY", "postal_code": "11201", "country": "US"},
        "lines": [
            {"line_id": f"L{i}", "sku": sku, "quantity": quantity, "unit_price": {"amount": "12.50", "currency": "USD"},
             **({"fulfilment_location_id": location} if location else {})}
            for i, (sku, quantity, location) in enumerate(lines, start=1)
        ],
        "totals": {"total": {"amount": "100.00", "currency": "USD"}},
    })


def write_request(record: Order, key: str | None = None) -> WriteRequest:
    """What the runtime hands the sink: the canonical order and its default mapping's payload."""
    payload = load_mapping("netsuite/sales_order").apply(record.model_dump(mode="json"), record_key=record.number)
    return WriteRequest(idempotency_key=key or f"key-{record.number}", trace_key=record.source.id, record=record, payload=payload)
