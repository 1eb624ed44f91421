"""Concurrency governance: at most ``limit`` requests of the account in flight at once.

NetSuite does not queue: a request that arrives while the account's limit is in use is refused at
once with ``429`` and ``CONCURRENCY_LIMIT_EXCEEDED`` (TBA web-services requests were reported as
``WS_REQUEST_BLOCKED`` in SOAP terms). The governor counts what it served, refused and the most it
ever had in flight, so a test can prove a client stayed under the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import JSONResponse

from ._errors import detail, error_response

__all__ = ["ConcurrencyGovernor"]


@dataclass
class ConcurrencyGovernor:
    limit: int
    in_flight: int = 0
    max_in_flight: int = 0
    served: int = 0
    rejected: int = 0

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("concurrency_limit must be at least 1")

    def try_enter(self) -> bool:
        if self.in_flight >= self.limit:
            self.rejected += 1
            return False
        self.in_flight += 1
        self.served += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return True

    def leave(self) -> None:
        self.in_flight -= 1

    def rejection(self) -> JSONResponse:
        return error_response(429, [detail(
            "Concurrent request limit exceeded. Request blocked.", "CONCURRENCY_LIMIT_EXCEEDED",
        )])

    def reset(self) -> None:
        self.max_in_flight = max(self.in_flight, 0)
        self.served = 0
        self.rejected = 0

    def snapshot(self) -> dict[str, int]:
        return {
            "limit": self.limit,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "served": self.served,
            "rejected": self.rejected,
        }
