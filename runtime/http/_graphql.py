"""Reading Shopify-style GraphQL cost data out of a response body.

A GraphQL API reports throttling inside an HTTP 200 (``errors[].extensions.code == "THROTTLED"``) and
its bucket state in ``extensions.cost.throttleStatus``; the policy needs both without the connector's help.
Bodies are only parsed when they were already read and mention the key we look for, so a large
streamed export is never loaded just to be inspected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["GraphQLThrottle", "json_body_if_mentions", "throttle_status", "graphql_throttle"]

_MAX_INSPECTED_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GraphQLThrottle:
    """A throttled GraphQL call: ``retry_after`` is the wait the server's own figures imply, if known."""

    retry_after: float | None


def json_body_if_mentions(response: httpx.Response, marker: bytes) -> Any | None:
    """The parsed JSON body, only when it was already read, is JSON and contains ``marker``."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return None
    if not content or len(content) > _MAX_INSPECTED_BYTES or marker not in content:
        return None
    if "json" not in response.headers.get("content-type", "json"):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _cost(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    extensions = body.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, dict) else None
    return cost if isinstance(cost, dict) else None


def throttle_status(response: httpx.Response) -> dict[str, Any] | None:
    """``extensions.cost.throttleStatus`` of a GraphQL response, or None."""
    cost = _cost(json_body_if_mentions(response, b"throttleStatus"))
    status = cost.get("throttleStatus") if cost else None
    return status if isinstance(status, dict) else None


def graphql_throttle(response: httpx.Response) -> GraphQLThrottle | None:
    """A :class:`GraphQLThrottle` when the body reports ``THROTTLED``; None otherwise.

    The wait is the deficit (requested cost minus what is available) divided by the restore rate.
    """
    body = json_body_if_mentions(response, b"THROTTLED")
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None
    throttled = any(
        isinstance(error, dict)
        and isinstance(error.get("extensions"), dict)
        and error["extensions"].get("code") == "THROTTLED"
        for error in body["errors"]
    )
    if not throttled:
        return None
    cost = _cost(body) or {}
    status = cost.get("throttleStatus") if isinstance(cost.get("throttleStatus"), dict) else {}
    try:
        requested = float(cost["requestedQueryCost"])
        available = float(status["currentlyAvailable"])
        restore_rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return GraphQLThrottle(retry_after=None)
    if restore_rate <= 0:
        return GraphQLThrottle(retry_after=None)
    return GraphQLThrottle(retry_after=max(requested - available, 0.0) / restore_rate)
