"""Server-side rate limits: a sandbox says "slow down" the way its real API does.

Two algorithms cover the APIs Crossdock talks to: a token bucket (Shopify REST 2 req/s burst 40,
Amazon SP-API per-operation rate + burst) and a fixed window (BigCommerce 150 per 30 s, SureDone 300 per
minute). A quota only *decides*; the response a rejected request gets (status, body, header names) is
the sandbox's :class:`RateLimitShape`, because every vendor words it differently.

Quotas take a ``clock`` so tests drive time by hand instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._faults import CONTROL_PREFIX

__all__ = [
    "FixedWindowQuota",
    "Quota",
    "QuotaDecision",
    "RateLimitMiddleware",
    "RateLimitShape",
    "StandardRateLimitShape",
    "TokenBucketQuota",
    "quota_from_options",
]

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class QuotaDecision:
    """The verdict on one request, with what rate-limit headers report."""

    allowed: bool
    limit: int
    """Bucket size or requests per window."""
    remaining: int
    """Requests that could be made right now after this one."""
    retry_after: float
    """Seconds until a rejected request would be allowed (0 when allowed)."""
    reset_after: float
    """Seconds until the bucket is full again or the window restarts."""


class Quota(Protocol):
    def acquire(self, key: str = "") -> QuotaDecision:
        """Take one request's worth of quota for ``key`` (an API token, a shop) if there is any."""
        ...

    def reset(self) -> None: ...


class TokenBucketQuota:
    """``burst`` requests at once, refilled at ``rate`` per second; one bucket per key."""

    def __init__(self, rate: float, burst: int, *, clock: Clock = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def acquire(self, key: str = "") -> QuotaDecision:
        now = self._clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            tokens -= 1.0
            self._buckets[key] = (tokens, now)
            return QuotaDecision(True, self.burst, math.floor(tokens), 0.0, (self.burst - tokens) / self.rate)
        self._buckets[key] = (tokens, now)
        wait = (1.0 - tokens) / self.rate
        return QuotaDecision(False, self.burst, 0, wait, (self.burst - tokens) / self.rate)

    def reset(self) -> None:
        self._buckets.clear()


class FixedWindowQuota:
    """``limit`` requests per ``window_seconds``, the window aligned to the clock; one count per key."""

    def __init__(self, limit: int, window_seconds: float, *, clock: Clock = time.monotonic) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a fixed window needs limit >= 1 and window_seconds > 0")
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._counts: dict[str, tuple[int, int]] = {}

    def acquire(self, key: str = "") -> QuotaDecision:
        now = self._clock()
        window = math.floor(now / self.window_seconds)
        reset_after = (window + 1) * self.window_seconds - now
        current, used = self._counts.get(key, (window, 0))
        if current != window:
            used = 0
        if used < self.limit:
            self._counts[key] = (window, used + 1)
            return QuotaDecision(True, self.limit, self.limit - used - 1, 0.0, reset_after)
        self._counts[key] = (window, used)
        return QuotaDecision(False, self.limit, 0, reset_after, reset_after)

    def reset(self) -> None:
        self._counts.clear()


def quota_from_options(options: Mapping[str, Any] | None, *, clock: Clock = time.monotonic) -> Quota | None:
    """A quota from a sandbox option: ``{requests_per_second, burst}`` or ``{limit, window_seconds}``.

    Lets every sandbox factory accept ``rate_limit=`` in the same shape the job YAML uses for clients.
    """
    if not options:
        return None
    if "requests_per_second" in options:
        return TokenBucketQuota(float(options["requests_per_second"]), int(options.get("burst", 1)), clock=clock)
    if "limit" in options:
        return FixedWindowQuota(int(options["limit"]), float(options.get("window_seconds", 1.0)), clock=clock)
    raise ValueError("rate_limit needs {requests_per_second, burst} or {limit, window_seconds}")


class RateLimitShape(Protocol):
    """How one vendor's API words rate limiting."""

    def rejection(self, decision: QuotaDecision) -> Response:
        """The response to a request over the limit."""
        ...

    def headers(self, decision: QuotaDecision) -> Mapping[str, str]:
        """Headers added to every allowed response (remaining quota and the like)."""
        ...


@dataclass(frozen=True, slots=True)
class StandardRateLimitShape:
    """The common shape: 429, ``Retry-After`` in whole seconds, ``X-RateLimit-Limit/Remaining/Reset``."""

    prefix: str = "X-RateLimit-"

    def rejection(self, decision: QuotaDecision) -> Response:
        retry_after = max(1, math.ceil(decision.retry_after))
        return JSONResponse(
            {"error": {"code": "rate_limited", "message": f"Too many requests; retry after {retry_after} s"}},
            status_code=429,
            headers={"Retry-After": str(retry_after), **self.headers(decision)},
        )

    def headers(self, decision: QuotaDecision) -> Mapping[str, str]:
        return {
            f"{self.prefix}Limit": str(decision.limit),
            f"{self.prefix}Remaining": str(decision.remaining),
            f"{self.prefix}Reset": str(math.ceil(decision.reset_after)),
        }


class RateLimitMiddleware:
    """ASGI middleware enforcing a :class:`Quota` with a vendor's :class:`RateLimitShape`.

    ``key`` picks the bucket a request draws from (default: its ``Authorization`` header, so each
    credential has its own quota as on real APIs).
    """

    def __init__(
        self,
        app: ASGIApp,
        quota: Quota,
        shape: RateLimitShape | None = None,
        key: Callable[[Scope], str] | None = None,
        exempt_prefixes: tuple[str, ...] = (CONTROL_PREFIX,),
    ) -> None:
        self.app = app
        self.quota = quota
        self.shape = shape or StandardRateLimitShape()
        self.key = key or _authorization_key
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or any(path == p or path.startswith(p + "/") for p in self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        decision = self.quota.acquire(self.key(scope))
        if not decision.allowed:
            await self.shape.rejection(decision)(scope, receive, send)
            return
        extra = [(name.lower().encode(), value.encode()) for name, value in self.shape.headers(decision).items()]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def _authorization_key(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return value.decode("latin-1")
    return ""
