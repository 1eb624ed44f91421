"""A REST connector wired to its in-process sandbox through the real HTTP policy client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossdock.connectors.rest import RestConfig, RestConnector
from crossdock.connectors.rest.sandbox import create_app
from crossdock.runtime.http import HttpPolicy, create_client

BASE_URL = "http://erp.sandbox.test"


@dataclass
class SandboxContext:
    """Implements ``ConnectorContext``: every client goes to ``app`` and waits are recorded, not slept."""

    app: Any
    base_dir: Path
    job: str = "rest-tests"
    connection: str = "erp"
    state: Any = None
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("crossdock.connector.erp"))
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


class SandboxClock:
    """The sandbox's clock for writes: fixed, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock()


@pytest.fixture
def make_sandbox(clock: SandboxClock) -> Callable[..., Any]:
    def make(**options: Any) -> Any:
        options.setdefault("now", clock)
        return create_app(**options)

    return make


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Any]) -> Any:
    return make_sandbox(seed=7, orders=40)


def sandbox_config(**overrides: Any) -> dict[str, Any]:
    """The connector's own sandbox config with top-level keys replaced."""
    raw = RestConnector.sandbox_config(BASE_URL)
    raw.update(overrides)
    return raw


@pytest.fixture
def open_connector(tmp_path: Path) -> Callable[..., Any]:
    """``async with open_connector(app, **config_overrides) as connector:``; ``connector.context`` is
    the :class:`SandboxContext`."""

    @asynccontextmanager
    async def opened(app: Any, **overrides: Any) -> AsyncIterator[RestConnector]:
        context = SandboxContext(app=app, base_dir=tmp_path)
        connector = RestConnector(RestConfig.model_validate(sandbox_config(**overrides)), context)
        await connector.open()
        try:
            yield connector
        finally:
            await connector.close()
            await context.aclose()

    return opened


async def _control(app: Any, method: str, path: str, **kwargs: Any) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://control") as client:
        response = await client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def control() -> Callable[..., Any]:
    """``await control(app, "GET", "/_sandbox/received")``: call a sandbox control endpoint."""
    return _control
