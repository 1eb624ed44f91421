"""Bearer-token authentication with caching, early refresh and one refresh on 401.

Amazon LWA, NetSuite OAuth 2.0 and Walmart all hand out short-lived access tokens (an hour, or 15
minutes for Walmart). Fetching one per request would double the call count and trip the token
endpoint's own limits; fetching one per job would fail half-way through a long sync. A subclass only
says how to get a token and where to put it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Generator

import httpx

from crossdock.core.redaction import register_secret

from ._limits import Clock

__all__ = ["TokenAuth"]


class TokenAuth(httpx.Auth):
    """Base class for OAuth-style bearer tokens on an async client.

    Subclasses implement :meth:`fetch_token` (and override :meth:`apply` when the API does not use
    ``Authorization: Bearer``, e.g. Amazon's ``x-amz-access-token`` or Walmart's
    ``WM_SEC.ACCESS_TOKEN``). The token is cached until ``refresh_margin`` seconds before it expires;
    a 401 refreshes it once and re-sends the request, and a second 401 is returned as it is (the
    policy turns it into ``CredentialsExpiredError``). Every token is registered with
    :func:`~crossdock.core.redaction.register_secret` the moment it is obtained.

    ``fetch_token`` should use its own HTTP client: it runs while the request that needs the token is
    being sent, so calling back into the same client could wait on that client's own limiters.
    """

    def __init__(self, *, refresh_margin: float = 60.0, clock: Clock = time.monotonic) -> None:
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self.fetch_count = 0
        """How many tokens were fetched (useful for diagnostics and tests)."""

    async def fetch_token(self) -> tuple[str, float]:
        """Obtain a new access token: ``(token, expires_in_seconds)``."""
        raise NotImplementedError

    def apply(self, request: httpx.Request, token: str) -> None:
        """Put the token on the request (default: ``Authorization: Bearer <token>``)."""
        request.headers["Authorization"] = f"Bearer {token}"

    def invalidate(self) -> None:
        """Forget the cached token so the next request fetches a new one."""
        self._token = None
        self._expires_at = 0.0

    async def token(self, *, replacing: str | None = None) -> str:
        """The cached token, or a freshly fetched one when it is missing, about to expire, or is
        ``replacing`` (the token a server just rejected; concurrent 401s then refresh only once)."""
        async with self._lock:
            stale = self._token is None or self._clock() >= self._expires_at
            if stale or (replacing is not None and self._token == replacing):
                token, expires_in = await self.fetch_token()
                register_secret(token)
                self.fetch_count += 1
                margin = min(self.refresh_margin, max(expires_in, 0.0) / 2)
                self._token = token
                self._expires_at = self._clock() + max(expires_in, 0.0) - margin
            assert self._token is not None
            return self._token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.token()
        self.apply(request, token)
        response = yield request
        if response.status_code == 401:
            refreshed = await self.token(replacing=token)
            self.apply(request, refreshed)
            yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("TokenAuth fetches tokens asynchronously; use it with an httpx.AsyncClient")
        yield request  # pragma: no cover - makes this a generator, as httpx expects
