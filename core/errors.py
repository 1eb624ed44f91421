"""Typed outcomes of a failed connector operation.

A connector never decides what a failure *means* for the job: it raises one of these and the runtime
decides (retry later, wait out a rate limit, refresh credentials, park the record in the error queue,
or stop the job).  This is Airbyte's SUCCESS / RETRY / FAIL / RATE_LIMITED / REFRESH_TOKEN_THEN_RETRY
idea expressed as an exception hierarchy, so ``except RetryableError`` also catches ``RateLimitedError``.

Messages must never contain secrets: build them from redacted text (see ``crossdock.core.redaction``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

__all__ = [
    "Outcome",
    "CrossdockError",
    "ConnectorError",
    "RetryableError",
    "RateLimitedError",
    "CredentialsExpiredError",
    "RecordError",
    "FatalError",
]


class Outcome(StrEnum):
    """What the runtime should do after an operation."""

    SUCCESS = "success"
    RETRY = "retry"
    RATE_LIMITED = "rate_limited"
    REFRESH_CREDENTIALS = "refresh_credentials"
    RECORD_ERROR = "record_error"
    FATAL = "fatal"


class CrossdockError(Exception):
    """Base of every error Crossdock raises on purpose."""


class ConnectorError(CrossdockError):
    """A failed operation against an external system, tagged with the outcome the runtime applies.

    ``details`` carries structured, already-redacted context (HTTP status, the system's error body)
    that ends up in the error queue beside the record's payload.
    """

    outcome: ClassVar[Outcome] = Outcome.FATAL

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class RetryableError(ConnectorError):
    """Transient failure (5xx, timeout, dropped connection): the same call may succeed later."""

    outcome = Outcome.RETRY


class RateLimitedError(RetryableError):
    """The system asked us to slow down; ``retry_after`` is its own figure in seconds when it gave one."""

    outcome = Outcome.RATE_LIMITED

    def __init__(
        self, message: str, *, retry_after: float | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class CredentialsExpiredError(ConnectorError):
    """The access token expired or was revoked: refresh credentials, then retry once."""

    outcome = Outcome.REFRESH_CREDENTIALS


class RecordError(ConnectorError):
    """This record cannot be processed as it is (a 4xx, a mapping or validation failure).

    The runtime parks the record with its payload in the error queue and carries on with the rest;
    an operator fixes the data or the mapping and retries it.
    """

    outcome = Outcome.RECORD_ERROR


class FatalError(ConnectorError):
    """Nothing more can succeed in this run (bad credentials, misconfiguration): stop the job."""

    outcome = Outcome.FATAL
