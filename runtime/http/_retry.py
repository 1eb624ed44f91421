"""When a request may be sent again, and how long to wait first.

Retrying is only safe when the server cannot have acted on the first attempt, or when acting twice
does no harm: a connection that never opened, a 429 (the server refused the work), or, for idempotent
requests only, a 5xx or a read timeout. A POST without an idempotency key that got a 503 may already
have created the order, so it is handed to the runtime as ``RetryableError`` instead of being re-sent.

The wait is the server's when it gave one (``Retry-After`` in seconds or as an HTTP date, BigCommerce's
``X-Rate-Limit-Time-Reset-Ms``, a GraphQL throttle's deficit over its restore rate); otherwise
exponential backoff with jitter, lengthened by ``x-amzn-RateLimit-Limit`` as a hint. The loop itself is
tenacity's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import tenacity
from tenacity.asyncio import AsyncRetrying

__all__ = [
    "RetryPolicy",
    "IDEMPOTENT_METHODS",
    "IDEMPOTENT_EXTENSION",
    "ServerWait",
    "RetryAttempt",
    "is_idempotent",
    "never_reached_server",
    "may_have_reached_server",
    "parse_retry_after",
    "server_wait",
    "build_retrying",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
IDEMPOTENT_EXTENSION = "crossdock.idempotent"

#: Failures that happen before the request left this process: re-sending cannot duplicate anything.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
#: Failures after the request may have reached the server: re-send only what is idempotent.
_MAYBE_PROCESSED = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts, and the backoff between them.

    ``max_retry_after``: a server asking for a longer wait than this (say an hourly feed quota) is not
    waited out in-process; the ``RateLimitedError`` carrying its figure goes to the runtime, which can
    schedule the work instead of holding a worker.
    """

    max_attempts: int = 5
    initial_wait: float = 0.5
    max_wait: float = 60.0
    jitter: bool = True
    max_retry_after: float = 300.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({500, 502, 503, 504}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.initial_wait < 0 or self.max_wait < 0 or self.max_retry_after < 0:
            raise ValueError("waits must not be negative")

    def backoff(self) -> tenacity.wait.wait_base:
        """Exponential backoff; with jitter, half of each wait is fixed and half random ("equal
        jitter"), so clients that failed together do not retry together yet never retry at once."""
        if not self.jitter:
            return tenacity.wait_exponential(multiplier=self.initial_wait, max=self.max_wait)
        half_initial, half_max = self.initial_wait / 2, self.max_wait / 2
        return tenacity.wait_exponential(multiplier=half_initial, max=half_max) + tenacity.wait_random_exponential(
            multiplier=half_initial, max=half_max
        )


def is_idempotent(request: httpx.Request, idempotency_headers: Collection[str] = ()) -> bool:
    """Whether sending ``request`` twice has the same effect as sending it once.

    The request extension ``crossdock.idempotent`` (True or False) overrides everything else.
    """
    declared = request.extensions.get(IDEMPOTENT_EXTENSION)
    if declared is not None:
        return bool(declared)
    if request.method.upper() in IDEMPOTENT_METHODS:
        return True
    return any(name in request.headers for name in idempotency_headers)


def never_reached_server(error: BaseException) -> bool:
    """The transport failed before the request was sent (safe to re-send whatever it was)."""
    return isinstance(error, _NEVER_SENT)


def may_have_reached_server(error: BaseException) -> bool:
    """The transport failed mid-exchange: a re-send is safe only for idempotent requests."""
    return isinstance(error, _MAYBE_PROCESSED)


def parse_retry_after(value: str | None, *, now: float, server_date: str | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds, or an HTTP date measured against the
    response's own ``Date`` header when present (immune to clock skew), else against ``now``."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    target = _http_date(value)
    if target is None:
        return None
    reference = _http_date(server_date) if server_date else None
    return max(target - (reference if reference is not None else now), 0.0)


def _http_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


@dataclass(frozen=True, slots=True)
class ServerWait:
    """What a response says about waiting: ``retry_after`` is authoritative, ``hint`` is advisory."""

    retry_after: float | None = None
    hint: float | None = None


def server_wait(response: httpx.Response, *, wall_clock: Callable[[], float] | None = None) -> ServerWait:
    """The server's own wait figure from a response's headers."""
    headers = response.headers
    retry_after = parse_retry_after(
        headers.get("retry-after"), now=(wall_clock or time.time)(), server_date=headers.get("date")
    )
    if retry_after is None:
        reset_ms = _number(headers.get("x-rate-limit-time-reset-ms"))
        if reset_ms is not None and reset_ms >= 0:
            retry_after = reset_ms / 1000
    hint = None
    amazon_rate = _number(headers.get("x-amzn-ratelimit-limit"))
    if amazon_rate is not None and amazon_rate > 0:
        hint = 1.0 / amazon_rate
    return ServerWait(retry_after=retry_after, hint=hint)


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class RetryAttempt(Exception):
    """Raised inside the tenacity loop to ask for another attempt; never escapes the client."""

    def __init__(self, reason: str, wait: ServerWait) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class _ServerAwareWait(tenacity.wait.wait_base):
    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        self._backoff = policy.backoff()

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        wait = error.wait if isinstance(error, RetryAttempt) else ServerWait()
        if wait.retry_after is not None:
            return wait.retry_after
        backoff = float(self._backoff(retry_state))
        if wait.hint is not None:
            backoff = max(backoff, min(wait.hint, self._policy.max_wait))
        return backoff


def build_retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Any],
    before_sleep: Callable[[tenacity.RetryCallState], None],
) -> AsyncRetrying:
    """A tenacity loop that retries exactly when an attempt raised :class:`RetryAttempt`."""
    return AsyncRetrying(
        stop=tenacity.stop_after_attempt(policy.max_attempts),
        wait=_ServerAwareWait(policy),
        retry=tenacity.retry_if_exception_type(RetryAttempt),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
