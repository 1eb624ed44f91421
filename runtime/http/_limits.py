"""Client-side rate limiters that model each vendor's published quota.

Staying under a quota is cheaper than hitting it: a 429 costs a round trip and, on some APIs, a
penalty. One limiter instance belongs to one connection and is shared by every request its client
makes, so concurrent tasks queue on it instead of racing each other into a 429. Limiters that know an
API's headers resynchronise from the server's own figures (``update_from_response``); the rest only
pace. Every limiter takes an injectable ``clock`` and ``sleep`` so tests can drive time by hand.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, runtime_checkable

import httpx

from ._graphql import throttle_status

__all__ = [
    "Clock",
    "Sleep",
    "RateLimiter",
    "TokenBucketLimiter",
    "FixedWindowLimiter",
    "CostBucketLimiter",
    "ConcurrencyLimiter",
]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_EPSILON = 1e-9


@runtime_checkable
class RateLimiter(Protocol):
    """What :class:`~crossdock.runtime.http.PolicyClient` needs from a limiter.

    ``acquire`` waits until ``cost`` units may be spent and returns the seconds it waited;
    ``release`` is called once the request is finished (only concurrency limiters care);
    ``update_from_response`` lets the limiter learn from the server's headers or body.
    """

    async def acquire(self, cost: float = 1) -> float: ...

    def release(self) -> None: ...

    def update_from_response(self, response: httpx.Response) -> None: ...


def _float_header(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class _Bucket:
    """A continuously refilling bucket: ``capacity`` units, ``rate`` units per second.

    Waiters queue in arrival order (the lock is held while sleeping), and the bucket may go into debt
    for a request that costs more than it can ever hold, so such a request is delayed, not refused.
    """

    def __init__(self, capacity: float, rate: float, *, clock: Clock, sleep: Sleep) -> None:
        if capacity <= 0 or rate <= 0:
            raise ValueError("capacity and rate must be positive")
        self._capacity = float(capacity)
        self._rate = float(rate)
        self._available = float(capacity)
        self._clock = clock
        self._sleep = sleep
        self._updated_at = clock()
        self._lock = asyncio.Lock()

    @property
    def available(self) -> float:
        """Units available right now (after refilling to the current time)."""
        self._refill()
        return self._available

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(now - self._updated_at, 0.0)
        self._available = min(self._capacity, self._available + elapsed * self._rate)
        self._updated_at = now

    async def acquire(self, cost: float = 1) -> float:
        needed = min(float(cost), self._capacity)
        waited = 0.0
        async with self._lock:
            while True:
                self._refill()
                deficit = needed - self._available
                if deficit <= _EPSILON:
                    self._available -= cost
                    return waited
                delay = deficit / self._rate
                await self._sleep(delay)
                waited += delay

    def release(self) -> None:
        """Pacing limiters hold nothing while a request is in flight."""


class TokenBucketLimiter(_Bucket):
    """``rate`` requests per second with bursts of up to ``burst`` (Shopify REST, Amazon SP-API).

    Amazon publishes a rate and burst per operation (searchOrders 0.0056/s burst 20,
    shipmentConfirmation 2/s burst 10): give each operation its own limiter through the request
    extension ``crossdock.limiter``. Shopify REST reports ``X-Shopify-Shop-Api-Call-Limit: used/size``,
    which only ever lowers what this limiter believes is available; a 429 empties the bucket, since the
    server's own is empty.
    """

    def __init__(
        self, rate: float, burst: float = 1, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        super().__init__(capacity=burst, rate=rate, clock=clock, sleep=sleep)

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def burst(self) -> float:
        return self._capacity

    def update_from_response(self, response: httpx.Response) -> None:
        self._refill()
        if response.status_code == 429:
            self._available = min(self._available, 0.0)
            return
        call_limit = response.headers.get("x-shopify-shop-api-call-limit")
        if call_limit and "/" in call_limit:
            used_text, _, size_text = call_limit.partition("/")
            try:
                left = float(size_text) - float(used_text)
            except ValueError:
                return
            self._available = min(self._available, max(left, 0.0))


class CostBucketLimiter(_Bucket):
    """Shopify GraphQL's leaky bucket of query-cost points (``maximum`` points, ``restore_rate``/s).

    Pass a query's requested cost as the request extension ``crossdock.cost``. The server's
    ``extensions.cost.throttleStatus`` is the truth and replaces the local estimate whenever a
    response carries it (``update_from_response`` reads it from GraphQL bodies;
    ``update_from_throttle_status`` takes it from a caller that parsed the body itself).
    """

    def __init__(
        self,
        maximum: float = 1000,
        restore_rate: float = 100,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(capacity=maximum, rate=restore_rate, clock=clock, sleep=sleep)
        self._in_flight = 0.0

    async def acquire(self, cost: float = 1) -> float:
        waited = await super().acquire(cost)
        self._in_flight += float(cost)
        return waited

    def settle(self, cost: float) -> None:
        """A request admitted with ``cost`` is answered (or failed): its points are no longer in flight."""
        self._in_flight = max(self._in_flight - float(cost), 0.0)

    @property
    def maximum(self) -> float:
        return self._capacity

    @property
    def restore_rate(self) -> float:
        return self._rate

    def update_from_throttle_status(self, status: Mapping[str, Any]) -> None:
        """Adopt ``{"maximumAvailable", "currentlyAvailable", "restoreRate"}`` as reported by Shopify."""
        self._refill()
        maximum = _positive(status.get("maximumAvailable"))
        restore_rate = _positive(status.get("restoreRate"))
        available = _number(status.get("currentlyAvailable"))
        if maximum is not None:
            self._capacity = maximum
        if restore_rate is not None:
            self._rate = restore_rate
        if available is not None:
            self._available = min(available, self._capacity)
        self._updated_at = self._clock()

    def update_from_response(self, response: httpx.Response) -> None:
        """Adopt the server's figure, less the points of requests admitted since and still unanswered:
        replacing the local bucket outright would let the next requests through too early."""
        self.settle(float(response.request.extensions.get("crossdock.cost", 1)))
        status = throttle_status(response)
        if status is not None:
            self.update_from_throttle_status(status)
            self._available -= self._in_flight


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _positive(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


class FixedWindowLimiter:
    """``limit`` requests per ``window_seconds`` window (BigCommerce: 150 per 30 s, store-wide).

    BigCommerce's quota is shared by every app on the store, so the local count drifts; each response's
    ``X-Rate-Limit-Requests-Left`` / ``X-Rate-Limit-Time-Reset-Ms`` (and ``-Quota`` / ``-Time-Window-Ms``)
    resynchronise it with the server's window.
    """

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if limit <= 0 or window_seconds <= 0:
            raise ValueError("limit and window_seconds must be positive")
        self._limit = float(limit)
        self._window = float(window_seconds)
        self._clock = clock
        self._sleep = sleep
        self._used = 0.0
        self._window_end: float | None = None
        self._lock = asyncio.Lock()

    @property
    def remaining(self) -> float:
        self._roll()
        return max(self._limit - self._used, 0.0)

    def _roll(self) -> None:
        now = self._clock()
        if self._window_end is None or now >= self._window_end:
            self._window_end = now + self._window
            self._used = 0.0

    async def acquire(self, cost: float = 1) -> float:
        waited = 0.0
        async with self._lock:
            while True:
                self._roll()
                if self._used + cost <= self._limit + _EPSILON or self._used == 0:
                    self._used += cost
                    return waited
                assert self._window_end is not None
                delay = max(self._window_end - self._clock(), 0.0)
                await self._sleep(delay)
                waited += delay

    def release(self) -> None:
        """A fixed window holds nothing while a request is in flight."""

    def update_from_response(self, response: httpx.Response) -> None:
        headers = response.headers
        quota = _float_header(headers, "x-rate-limit-requests-quota")
        window_ms = _float_header(headers, "x-rate-limit-time-window-ms")
        left = _float_header(headers, "x-rate-limit-requests-left")
        reset_ms = _float_header(headers, "x-rate-limit-time-reset-ms")
        if quota is not None and quota > 0:
            self._limit = quota
        if window_ms is not None and window_ms > 0:
            self._window = window_ms / 1000
        if left is None and reset_ms is None:
            return
        self._roll()
        if reset_ms is not None and reset_ms >= 0:
            self._window_end = self._clock() + reset_ms / 1000
        if left is not None:
            self._used = max(self._limit - max(left, 0.0), 0.0)


class ConcurrencyLimiter:
    """At most ``max_concurrent`` requests in flight (NetSuite's per-account concurrency limit).

    The slot is held from send until the response is complete (for streamed responses, until the
    stream is closed) and is given back while a retry waits.
    """

    def __init__(self, max_concurrent: int) -> None:
        if max_concurrent <= 0:
            raise ValueError("max_concurrent must be positive")
        self._max_concurrent = max_concurrent
        self._semaphore = asyncio.Semaphore(max_concurrent)
        self._in_flight = 0

    @property
    def max_concurrent(self) -> int:
        return self._max_concurrent

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def acquire(self, cost: float = 1) -> float:
        """Take one slot whatever ``cost`` says; returns 0 (waiting for a slot is not quota waiting)."""
        await self._semaphore.acquire()
        self._in_flight += 1
        return 0.0

    def release(self) -> None:
        self._in_flight -= 1
        self._semaphore.release()

    def update_from_response(self, response: httpx.Response) -> None:
        """NetSuite reports no concurrency headers; nothing to learn."""
