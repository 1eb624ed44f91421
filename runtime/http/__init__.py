"""The HTTP policy every connector's client follows: retries, rate limits, timeouts, logging, outcomes.

A connector asks ``context.http_client(...)`` (which calls :func:`create_client`) and gets a
:class:`PolicyClient`; it never writes its own retry loop, limiter or status-code mapping::

    policy = HttpPolicy(timeout=30.0, retry=RetryPolicy(max_attempts=5),
                        limiter=CostBucketLimiter(maximum=1000, restore_rate=100))
    client = create_client(base_url=url, policy=policy, name="shopify")
    response = await client.post("/graphql.json", json=query, extensions={"crossdock.cost": 52})
"""

from ._auth import TokenAuth
from ._client import COST_EXTENSION, LIMITER_EXTENSION, RAISE_ERRORS_EXTENSION, PolicyClient, create_client
from ._limits import ConcurrencyLimiter, CostBucketLimiter, FixedWindowLimiter, RateLimiter, TokenBucketLimiter
from ._logging import HTTP_LOGGER_NAME, redact_url
from ._outcomes import classify_response, classify_status, raise_for_outcome
from ._policy import DEFAULT_IDEMPOTENCY_HEADERS, HttpPolicy
from ._retry import IDEMPOTENT_EXTENSION, RetryPolicy, is_idempotent, parse_retry_after
from ._stats import RequestStats

__all__ = [
    "HttpPolicy",
    "RetryPolicy",
    "DEFAULT_IDEMPOTENCY_HEADERS",
    "create_client",
    "PolicyClient",
    "RateLimiter",
    "TokenBucketLimiter",
    "FixedWindowLimiter",
    "CostBucketLimiter",
    "ConcurrencyLimiter",
    "TokenAuth",
    "RequestStats",
    "raise_for_outcome",
    "classify_status",
    "classify_response",
    "is_idempotent",
    "parse_retry_after",
    "redact_url",
    "HTTP_LOGGER_NAME",
    "COST_EXTENSION",
    "LIMITER_EXTENSION",
    "IDEMPOTENT_EXTENSION",
    "RAISE_ERRORS_EXTENSION",
]
