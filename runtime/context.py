"""The runtime side of ``ConnectorContext``: HTTP clients with the shared policy, routed to sandboxes.

A connection marked ``sandbox: true`` in a job (and every connection in ``crossdock demo`` and the
conformance tests) is served by its connector's in-process ASGI sandbox: the client gets an
``httpx.ASGITransport`` instead of the network, so the connector's code path is exactly the production one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from .http import HttpPolicy, create_client

__all__ = ["RuntimeContext"]


@dataclass
class RuntimeContext:
    """One per connection in a running job; closes the clients it made."""

    job: str
    connection: str
    base_dir: Path
    state: Any = None
    transport: httpx.AsyncBaseTransport | None = None
    """Set when the connection runs against an in-process sandbox (or any test transport)."""
    default_policy: HttpPolicy | None = None
    sleep: Callable[[float], Awaitable[None]] | None = None
    """Replaces every policy's sleep (tests observe a Retry-After wait without waiting it out)."""
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("crossdock.connector"))
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.logger = logging.getLogger(f"crossdock.connector.{self.connection}")

    def http_client(
        self,
        *,
        base_url: str,
        policy: HttpPolicy | None = None,
        auth: httpx.Auth | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.AsyncClient:
        policy = policy or self.default_policy or HttpPolicy()
        if self.sleep is not None:
            policy = replace(policy, sleep=self.sleep)
        client = create_client(
            base_url=base_url,
            policy=policy,
            auth=auth,
            headers=headers,
            transport=self.transport,
            name=self.connection,
        )
        self.clients.append(client)
        return client

    def request_count(self) -> int:
        """HTTP attempts made by this connection's clients (the demo's "API calls used")."""
        return sum(getattr(getattr(c, "stats", None), "requests", 0) for c in self.clients)

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
        self.clients.clear()
