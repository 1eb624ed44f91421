"""From an HTTP result to one of Crossdock's typed outcomes.

Connectors never interpret status codes: the mapping lives here once, so "a 403 stops the job" and "a
400 parks the record" mean the same for every API. Error details carry the status, method, redacted
URL, the allowlisted response headers and the response body (redacted, at most ~4 KB), so an operator
reading the error queue sees what the vendor said without seeing a credential.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from crossdock.core.errors import (
    ConnectorError,
    CredentialsExpiredError,
    FatalError,
    Outcome,
    RateLimitedError,
    RecordError,
    RetryableError,
)
from crossdock.core.redaction import redact, redact_value

from ._graphql import graphql_throttle
from ._logging import loggable_headers, redact_url
from ._retry import server_wait

__all__ = [
    "MAX_BODY_CHARS",
    "classify_status",
    "classify_response",
    "raise_for_outcome",
    "error_for_response",
    "error_for_transport",
    "body_excerpt",
]

MAX_BODY_CHARS = 4096
_MAX_PARSED_BYTES = 256 * 1024
_FATAL_SERVER_STATUSES = frozenset({501, 505})


def classify_status(status: int) -> Outcome:
    """What an HTTP status means for the runtime (a 200 can still be a GraphQL throttle: see
    :func:`classify_response`)."""
    if status < 400:
        return Outcome.SUCCESS
    if status == 429:
        return Outcome.RATE_LIMITED
    if status == 401:
        return Outcome.REFRESH_CREDENTIALS
    if status == 403:
        return Outcome.FATAL
    if status == 408:
        return Outcome.RETRY
    if status >= 500:
        return Outcome.FATAL if status in _FATAL_SERVER_STATUSES else Outcome.RETRY
    return Outcome.RECORD_ERROR


def classify_response(response: httpx.Response) -> Outcome:
    """:func:`classify_status`, plus GraphQL's HTTP-200 ``THROTTLED`` as ``RATE_LIMITED``."""
    outcome = classify_status(response.status_code)
    if outcome is Outcome.SUCCESS and graphql_throttle(response) is not None:
        return Outcome.RATE_LIMITED
    return outcome


def body_excerpt(response: httpx.Response) -> Any:
    """The response body for error details: JSON with credential fields and secrets masked when it
    fits in :data:`MAX_BODY_CHARS`, otherwise redacted text cut to that length."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None
    if not content:
        return None
    if len(content) <= _MAX_PARSED_BYTES:
        try:
            parsed = json.loads(content)
        except ValueError:
            parsed = None
        else:
            masked = redact_value(parsed)
            text = json.dumps(masked, ensure_ascii=False, default=str)
            return masked if len(text) <= MAX_BODY_CHARS else _truncate(text)
    try:
        raw = content[:_MAX_PARSED_BYTES].decode(response.encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        raw = content[:_MAX_PARSED_BYTES].decode("utf-8", errors="replace")
    return _truncate(redact(raw))


def _truncate(text: str) -> str:
    if len(text) <= MAX_BODY_CHARS:
        return text
    return text[:MAX_BODY_CHARS] + "…[truncated]"


def _details(response: httpx.Response, extra: dict[str, Any] | None) -> dict[str, Any]:
    request = response.request
    details: dict[str, Any] = {
        "status": response.status_code,
        "method": request.method,
        "url": redact_url(request.url),
    }
    headers = loggable_headers(response.headers)
    if headers:
        details["headers"] = headers
    body = body_excerpt(response)
    if body is not None:
        details["body"] = body
    if extra:
        details.update(extra)
    return details


def error_for_response(
    response: httpx.Response,
    *,
    extra: dict[str, Any] | None = None,
    wall_clock: Callable[[], float] | None = None,
) -> ConnectorError | None:
    """The typed error a finished response stands for, or None when it succeeded."""
    outcome = classify_response(response)
    if outcome is Outcome.SUCCESS:
        return None
    details = _details(response, extra)
    request = response.request
    what = f"{request.method} {details['url']}"
    if outcome is Outcome.RATE_LIMITED:
        throttle = graphql_throttle(response) if response.status_code < 400 else None
        retry_after = throttle.retry_after if throttle else server_wait(response, wall_clock=wall_clock).retry_after
        reason = "was throttled (GraphQL THROTTLED)" if throttle else "was rate limited (HTTP 429)"
        return RateLimitedError(redact(f"{what} {reason}"), retry_after=retry_after, details=details)
    message = redact(f"{what} failed with HTTP {response.status_code}")
    if outcome is Outcome.RETRY:
        return RetryableError(message, details=details)
    if outcome is Outcome.REFRESH_CREDENTIALS:
        return CredentialsExpiredError(message, details=details)
    if outcome is Outcome.RECORD_ERROR:
        return RecordError(message, details=details)
    return FatalError(message, details=details)


def raise_for_outcome(response: httpx.Response) -> None:
    """Raise the typed error for a non-successful response (the mapping ``raise_errors=True`` uses).

    For connectors that asked for the raw response (``raise_errors=False``) to parse a GraphQL error
    body first, and then want the standard outcome for whatever is left.
    """
    error = error_for_response(response)
    if error is not None:
        raise error


def error_for_transport(
    request: httpx.Request, error: httpx.HTTPError, *, extra: dict[str, Any] | None = None
) -> ConnectorError:
    """A transport failure as a typed error: network trouble is retryable later, a malformed
    request (unsupported scheme, bad proxy configuration) is fatal."""
    details: dict[str, Any] = {
        "method": request.method,
        "url": redact_url(request.url),
        "error_type": type(error).__name__,
        "error": redact(str(error))[:MAX_BODY_CHARS],
    }
    if extra:
        details.update(extra)
    what = f"{request.method} {details['url']}"
    if isinstance(error, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)):
        return RetryableError(redact(f"{what} failed: {type(error).__name__}"), details=details)
    return FatalError(redact(f"{what} failed: {type(error).__name__}"), details=details)
