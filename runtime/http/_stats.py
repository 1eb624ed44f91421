"""Counters of what a client really cost the remote API.

The demo and the benchmarks print "API calls used" from these, and an operator reading a slow job
wants to know whether the time went into the network, into retries or into waiting for a quota.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RequestStats"]


@dataclass
class RequestStats:
    """Per-client counters, updated by :class:`~crossdock.runtime.http.PolicyClient` on every attempt.

    ``requests`` counts attempts handed to the transport (a retried call counts once per attempt),
    which is what a vendor's quota counts too.
    """

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    transport_errors: int = 0
    retry_wait_seconds: float = 0.0
    limiter_wait_seconds: float = 0.0
    by_status: Counter[int] = field(default_factory=Counter)

    @property
    def waited_seconds(self) -> float:
        """Seconds spent waiting, for backoff and for rate limiters together."""
        return self.retry_wait_seconds + self.limiter_wait_seconds

    def record_response(self, status_code: int, *, rate_limited: bool) -> None:
        self.requests += 1
        self.by_status[status_code] += 1
        if rate_limited:
            self.rate_limited += 1

    def record_transport_error(self) -> None:
        self.requests += 1
        self.transport_errors += 1

    def record_retry(self, wait_seconds: float) -> None:
        self.retries += 1
        self.retry_wait_seconds += wait_seconds

    def record_limiter_wait(self, wait_seconds: float) -> None:
        self.limiter_wait_seconds += wait_seconds

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot (for run summaries and benchmark output)."""
        return {
            "requests": self.requests,
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "transport_errors": self.transport_errors,
            "retry_wait_seconds": round(self.retry_wait_seconds, 3),
            "limiter_wait_seconds": round(self.limiter_wait_seconds, 3),
            "by_status": {str(status): count for status, count in sorted(self.by_status.items())},
        }
