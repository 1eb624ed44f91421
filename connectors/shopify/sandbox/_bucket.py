"""The server side of Shopify's GraphQL rate limit: a leaky bucket of query-cost points per app and shop.

A query is admitted when the bucket holds its requested cost, which is then taken; after execution the
difference between requested and actual cost is given back. A query that does not fit is refused with
``THROTTLED`` and takes nothing. The bucket refills continuously at the restore rate. ``clock`` is
injectable so tests move time by hand instead of sleeping.

Plans (bucket size, restore rate per second): standard 2,000 / 100, advanced 4,000 / 200, plus
20,000 / 1,000, enterprise 40,000 / 2,000 — Shopify's published restore rates, with the bucket 20 times
the rate (the sandbox's assumption; both are options).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["PLANS", "CostBucket", "ThrottleStatus"]

PLANS: dict[str, tuple[float, float]] = {
    "standard": (2000.0, 100.0),
    "advanced": (4000.0, 200.0),
    "plus": (20000.0, 1000.0),
    "enterprise": (40000.0, 2000.0),
}


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    def as_json(self) -> dict[str, float | int]:
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": int(math.floor(self.currently_available)),
            "restoreRate": self.restore_rate,
        }


class CostBucket:
    """``size`` points refilled at ``restore_rate`` points per second."""

    def __init__(self, size: float, restore_rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if size <= 0 or restore_rate <= 0:
            raise ValueError("bucket size and restore rate must be positive")
        self.size = float(size)
        self.restore_rate = float(restore_rate)
        self._clock = clock
        self._available = float(size)
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._available = min(self.size, self._available + max(now - self._updated, 0.0) * self.restore_rate)
        self._updated = now

    def status(self) -> ThrottleStatus:
        self._refill()
        return ThrottleStatus(self.size, self._available, self.restore_rate)

    def take(self, cost: float) -> bool:
        """Take ``cost`` points if the bucket holds them; False (nothing taken) otherwise."""
        self._refill()
        if cost > self._available + 1e-6:  # a client that waited exactly the deficit is not refused for rounding
            return False
        self._available = max(self._available - cost, 0.0)
        return True

    def refund(self, points: float) -> None:
        self._refill()
        self._available = min(self.size, self._available + max(points, 0.0))

    def set_available(self, points: float) -> None:
        """Put the bucket at ``points`` (tests: another process of the same app used the rest)."""
        self._refill()
        self._available = max(min(float(points), self.size), 0.0)

    def reset(self) -> None:
        self._available = self.size
        self._updated = self._clock()
