"""The Shopify connector wired to its in-process sandbox the way the runtime wires it, on a fake clock.

One :class:`FakeClock` drives both sides: the sandbox's cost bucket and write timestamps, and the
connector's cost limiter and HTTP-policy waits. A wait "sleeps" by moving the clock, so throttling is
exercised for real (the server bucket refills by exactly the waited time) without a test ever sleeping.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossdock.connectors.shopify import ShopifyConfig, ShopifyConnector
from crossdock.connectors.shopify.sandbox import create_app
from crossdock.runtime.context import RuntimeContext
from crossdock.runtime.state import open_store

BASE_URL = "http://acme.sandbox.test"


class FakeClock:
    """Monotonic seconds, wall-clock datetimes and an async sleep that only moves time."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self.start = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds - 1000.0)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.seconds += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        self.seconds += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(clock: FakeClock) -> Callable[..., Any]:
    """``make_sandbox(**options)``: a sandbox shop on the test's fake clock."""

    def make(**options: Any) -> Any:
        options.setdefault("clock", clock)
        options.setdefault("now", clock.now)
        return create_app(**options)

    return make


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Any]) -> Any:
    return make_sandbox(seed=7, orders=30)


def sandbox_config(**overrides: Any) -> dict[str, Any]:
    raw = ShopifyConnector.sandbox_config(BASE_URL)
    raw.update(overrides)
    return raw


class InterceptingTransport(httpx.AsyncBaseTransport):
    """Routes to the sandbox, first calling ``before(graphql_body)`` for every GraphQL request: the
    hook plays "someone else changed the shop at that very moment" (a POS sale, an admin user)."""

    def __init__(self, app: Any, before: Callable[[dict[str, Any]], None]) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.before = before

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql.json"):
            self.before(json.loads(request.content))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def open_connector(tmp_path: Path, clock: FakeClock) -> Callable[..., Any]:
    """``async with open_connector(app, before=hook, **config_overrides) as connector:`` — a connector
    on a real ``RuntimeContext`` (policy client, SQLite state store) whose HTTP goes to ``app``
    (through :class:`InterceptingTransport` when ``before`` is given)."""

    @asynccontextmanager
    async def opened(app: Any, before: Callable[[dict[str, Any]], None] | None = None,
                     **overrides: Any) -> AsyncIterator[ShopifyConnector]:
        store = await open_store(f"sqlite:///{tmp_path / 'state.db'}")
        transport = InterceptingTransport(app, before) if before else httpx.ASGITransport(app=app)
        context = RuntimeContext(
            job="shopify-tests", connection="shop", base_dir=tmp_path, state=store, transport=transport,
        )
        connector = ShopifyConnector(
            ShopifyConfig.model_validate(sandbox_config(**overrides)), context, clock=clock, sleep=clock.sleep,
        )
        await connector.open()
        try:
            yield connector
        finally:
            await connector.close()
            await context.aclose()
            await store.close()

    return opened


async def _control(app: Any, method: str, path: str, **kwargs: Any) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://control") as client:
        response = await client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def control() -> Callable[..., Any]:
    """``await control(app, "GET", "/_sandbox/fulfillments")``: call a sandbox control endpoint."""
    return _control


def _graphql_calls(app: Any, root_field: str | None = None, *, throttled: bool | None = None) -> list[Any]:
    entries = app.state.shopify.operations
    if root_field is not None:
        entries = [e for e in entries if root_field in e.root_fields]
    if throttled is not None:
        entries = [e for e in entries if e.throttled == throttled]
    return entries


@pytest.fixture
def graphql_calls() -> Callable[..., list[Any]]:
    """``graphql_calls(app, "inventorySetQuantities", throttled=False)``: the sandbox's log of GraphQL
    operations (``OperationLogEntry``), filtered by root field and throttling."""
    return _graphql_calls
