"""The one object that says how a connection talks HTTP: timeouts, retries, rate limits, error mapping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from ._limits import RateLimiter
from ._retry import RetryPolicy

__all__ = ["HttpPolicy", "DEFAULT_IDEMPOTENCY_HEADERS"]

DEFAULT_IDEMPOTENCY_HEADERS: tuple[str, ...] = ("Idempotency-Key", "X-Idempotency-Key", "X-NetSuite-Idempotency-Key")


@dataclass(frozen=True)
class HttpPolicy:
    """Everything :func:`~crossdock.runtime.http.create_client` applies to every request of a client.

    ``limiter`` may be one limiter or several (e.g. NetSuite's concurrency limit and a request rate);
    make one policy per connection, because a limiter instance is that connection's quota.
    ``timeout`` is the read/write timeout (or a complete ``httpx.Timeout``); ``connect_timeout`` and
    ``pool_timeout`` default to it. ``raise_errors=False`` returns non-successful responses instead of
    raising (for GraphQL connectors that read error bodies themselves); transport failures still raise.
    ``sleep`` and ``wall_clock`` are injectable so tests can observe waits without waiting.
    """

    timeout: float | httpx.Timeout = 30.0
    connect_timeout: float | None = None
    pool_timeout: float | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limiter: RateLimiter | Sequence[RateLimiter] | None = None
    idempotency_headers: tuple[str, ...] = DEFAULT_IDEMPOTENCY_HEADERS
    raise_errors: bool = True
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    wall_clock: Callable[[], float] = time.time

    @property
    def limiters(self) -> tuple[RateLimiter, ...]:
        if self.limiter is None:
            return ()
        if isinstance(self.limiter, RateLimiter):
            return (self.limiter,)
        return tuple(self.limiter)

    def httpx_timeout(self) -> httpx.Timeout:
        if isinstance(self.timeout, httpx.Timeout):
            return self.timeout
        return httpx.Timeout(
            self.timeout,
            connect=self.connect_timeout if self.connect_timeout is not None else self.timeout,
            pool=self.pool_timeout if self.pool_timeout is not None else self.timeout,
        )
