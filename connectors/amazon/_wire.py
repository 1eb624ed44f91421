"""Small helpers for SP-API's wire format: timestamps, JSON bodies and ``errors[]`` lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from crossdock.core.errors import RetryableError
from crossdock.core.redaction import redact_value

__all__ = ["iso_timestamp", "parse_timestamp", "read_json", "amazon_errors", "describe_errors"]


def iso_timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second, as SP-API's examples write it."""
    if value.tzinfo is None:
        raise ValueError("SP-API timestamps must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """An SP-API ISO 8601 timestamp (``Z`` or an offset, optional fraction) as an aware datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def read_json(response: httpx.Response) -> Any:
    """The response's JSON body; a 2xx whose body is cut off is retryable (the next read is likely whole)."""
    try:
        return response.json()
    except ValueError:
        raise RetryableError(
            f"{response.request.method} {response.request.url.path} returned an unreadable JSON body "
            f"(HTTP {response.status_code})",
            details={"status": response.status_code, "bytes": len(response.content)},
        ) from None


def amazon_errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The ``errors[]`` of an SP-API error body (``ErrorList`` and v0's ``ConfirmShipmentErrorResponse``
    have the same outer shape), redacted; empty when the body has none."""
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    return [redact_value(e) for e in errors if isinstance(e, dict)]


def describe_errors(errors: list[dict[str, Any]]) -> str:
    """``"InvalidInput: message (details)"`` for each error, joined; for messages in the error queue."""
    parts = []
    for error in errors:
        text = f"{error.get('code', '?')}: {error.get('message', '')}".strip()
        if error.get("details"):
            text += f" ({error['details']})"
        parts.append(text)
    return "; ".join(parts) or "no errors[] in the response"
