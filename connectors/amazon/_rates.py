"""Every SP-API operation this connector calls, with the usage plan Amazon publishes for it.

The figures are the default rate (requests per second) and burst from each operation's ``description``
("**Usage Plan:** | Rate | Burst |") in the vendor models of amzn/selling-partner-api-models:

================================  ========  =====  ==============================================
operation                         rate/s    burst  model
================================  ========  =====  ==============================================
searchOrders                      0.0056    20     models/orders-api-model/orders_2026-01-01.json
getOrder (v2026-01-01)            0.5       30     models/orders-api-model/orders_2026-01-01.json
confirmShipment                   2         10     models/orders-api-model/ordersV0.json
createFeedDocument                0.5       15     models/feeds-api-model/feeds_2021-06-30.json
createFeed                        0.0083    15     models/feeds-api-model/feeds_2021-06-30.json
getFeed                           2         15     models/feeds-api-model/feeds_2021-06-30.json
getFeedDocument                   0.0222    10     models/feeds-api-model/feeds_2021-06-30.json
================================  ========  =====  ==============================================

On top of ``createFeed``'s own plan, ``JSON_LISTINGS_FEED`` submissions have a per-feed-type limit of
five per five minutes per region (SP-API changelog, 2025-05-06, "Feed size and rate limit changes for
the JSON_LISTINGS_FEED", which also raised the feed's size from 10,000 to 25,000 messages).

Amazon may grant a selling partner more than these defaults; the ``x-amzn-RateLimit-Limit`` header on a
response reports the rate actually applied to that operation, and :class:`OperationLimiter` adopts it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from crossdock.runtime.http import TokenBucketLimiter

__all__ = [
    "OperationRate",
    "OPERATION_RATES",
    "LISTINGS_FEED_SUBMISSIONS",
    "MAX_LISTINGS_FEED_MESSAGES",
    "OperationLimiter",
    "RATE_LIMIT_HEADER",
]

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"

MAX_LISTINGS_FEED_MESSAGES = 25_000
"""Messages one JSON_LISTINGS_FEED may hold (10,000 before the 2025-05-06 change)."""


@dataclass(frozen=True, slots=True)
class OperationRate:
    """One operation's published usage plan."""

    operation: str
    rate: float
    """Requests per second restored to the bucket."""
    burst: int
    """Requests the bucket holds."""


OPERATION_RATES: dict[str, OperationRate] = {
    rate.operation: rate
    for rate in (
        OperationRate("searchOrders", 0.0056, 20),
        OperationRate("getOrder", 0.5, 30),
        OperationRate("confirmShipment", 2.0, 10),
        OperationRate("createFeedDocument", 0.5, 15),
        OperationRate("createFeed", 0.0083, 15),
        OperationRate("getFeed", 2.0, 15),
        OperationRate("getFeedDocument", 0.0222, 10),
    )
}

LISTINGS_FEED_SUBMISSIONS = OperationRate("createFeed:JSON_LISTINGS_FEED", 5 / 300, 5)
"""Five JSON_LISTINGS_FEED submissions per five minutes, as a bucket of five refilled one per minute."""


class OperationLimiter(TokenBucketLimiter):
    """A token bucket for one SP-API operation that adopts the rate Amazon reports for it.

    ``x-amzn-RateLimit-Limit`` carries the rate (requests per second) of the selling partner's usage
    plan for that operation; when it differs from what the bucket assumed, the bucket refills at the
    reported rate from then on. A 429 empties the bucket (the base class), since Amazon's is empty.
    """

    def __init__(
        self,
        rate: OperationRate,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(rate.rate, rate.burst, clock=clock, sleep=sleep)
        self.operation = rate.operation

    def update_from_response(self, response: httpx.Response) -> None:
        super().update_from_response(response)
        reported = _positive_float(response.headers.get(RATE_LIMIT_HEADER))
        if reported is not None and not math.isclose(reported, self._rate):
            self._rate = reported


def _positive_float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None
