"""Request logging that cannot leak credentials.

One DEBUG line per attempt and one INFO line per final result on the ``crossdock.http`` logger.
URLs lose their password and the values of query parameters with credential-like names; headers are
never logged except a short allowlist useful for support tickets (content type, request ids,
rate-limit state); the finished line passes through :func:`~crossdock.core.redaction.redact` so a
registered secret is masked wherever it ended up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import httpx

from crossdock.core.redaction import MASK, is_sensitive_name, redact

__all__ = ["HTTP_LOGGER_NAME", "logger", "redact_url", "loggable_headers", "log_attempt", "log_result"]

HTTP_LOGGER_NAME = "crossdock.http"
logger = logging.getLogger(HTTP_LOGGER_NAME)

_ALLOWED_HEADERS = frozenset(
    {
        "content-type",
        "retry-after",
        "date",
        "x-request-id",
        "x-shopify-request-id",
        "x-amzn-requestid",
        "x-amzn-ratelimit-limit",
        "x-shopify-shop-api-call-limit",
        "wm_qos.correlation_id",
    }
)
_ALLOWED_HEADER_FRAGMENTS = ("ratelimit", "rate-limit")


def redact_url(url: httpx.URL | str) -> str:
    """The URL with its password and credential-named query values masked, and registered secrets
    masked in the decoded path and query values (so a secret that URL-encoding disguised is caught)."""
    parsed = httpx.URL(url)
    if parsed.password:
        parsed = parsed.copy_with(username=parsed.username, password=MASK)
    redacted_path = redact(parsed.path)
    if redacted_path != parsed.path:
        parsed = parsed.copy_with(path=redacted_path)
    if parsed.query:
        params = [
            (redact(name), MASK if is_sensitive_name(name) and value else redact(value))
            for name, value in parsed.params.multi_items()
        ]
        parsed = parsed.copy_with(params=params)
    return redact(str(parsed).replace("%2A%2A%2A", MASK))


def _is_allowed_header(name: str) -> bool:
    lowered = name.lower()
    if is_sensitive_name(lowered):
        return False
    return lowered in _ALLOWED_HEADERS or any(fragment in lowered for fragment in _ALLOWED_HEADER_FRAGMENTS)


def loggable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Only the allowlisted headers, values redacted."""
    return {name.lower(): redact(value) for name, value in headers.items() if _is_allowed_header(name)}


def log_attempt(
    *,
    client: str,
    request: httpx.Request,
    attempt: int,
    elapsed_ms: float,
    waited_seconds: float = 0.0,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    error: BaseException | None = None,
) -> None:
    """DEBUG: one attempt, with the allowlisted response headers or the transport error's type."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    outcome = str(status) if status is not None else f"{type(error).__name__}" if error else "?"
    shown = loggable_headers(headers) if headers else {}
    message = (
        f"[{client}] attempt {attempt}: {request.method} {redact_url(request.url)} -> {outcome} "
        f"in {elapsed_ms:.0f} ms (waited {waited_seconds:.2f} s)" + (f" {shown}" if shown else "")
    )
    logger.debug(redact(message))


def log_result(
    *,
    client: str,
    request: httpx.Request,
    outcome: str,
    attempts: int,
    elapsed_ms: float,
    waited_seconds: float,
) -> None:
    """INFO: the final result of one logical request (after every retry); ``outcome`` is the status
    code or the name of the transport error."""
    if not logger.isEnabledFor(logging.INFO):
        return
    message = (
        f"[{client}] {request.method} {redact_url(request.url)} -> {outcome} in {elapsed_ms:.0f} ms "
        f"(attempts {attempts}, waited {waited_seconds:.2f} s)"
    )
    logger.info(redact(message))
