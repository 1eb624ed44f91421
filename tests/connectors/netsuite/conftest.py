"""Fixtures of the NetSuite connector tests: a sandbox and a connector wired to it (see ``netsuite_support``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from netsuite_support import SandboxContext, sandbox_config

from crossdock.connectors.netsuite import NetSuiteConfig, NetSuiteConnector
from crossdock.connectors.netsuite.sandbox import create_app


@pytest.fixture
def make_sandbox() -> Callable[..., Any]:
    return create_app


@pytest.fixture
def sandbox() -> Any:
    return create_app(seed=11)


@pytest.fixture
def open_connector(tmp_path: Path) -> Callable[..., Any]:
    """``async with open_connector(app, **config_overrides) as connector:``."""

    @asynccontextmanager
    async def opened(app: Any, **overrides: Any) -> AsyncIterator[NetSuiteConnector]:
        context = SandboxContext(app=app, base_dir=tmp_path)
        connector = NetSuiteConnector(NetSuiteConfig.model_validate(sandbox_config(**overrides)), context)
        await connector.open()
        try:
            yield connector
        finally:
            await connector.close()
            await context.aclose()

    return opened


