"""Calling the Admin GraphQL endpoint: one place that turns Shopify's answers into Crossdock's outcomes.

The shared HTTP policy does the heavy lifting: the connection's ``CostBucketLimiter`` is charged each
call's expected cost and re-synchronised from every response's ``extensions.cost.throttleStatus``; a
``THROTTLED`` answer (HTTP 200) is waited out for the deficit over the restore rate and sent again.
This module adds what is specific to GraphQL:

- the expected cost of an operation is the ``requestedQueryCost`` Shopify reported for its previous
  call (a first call uses a conservative guess), so the limiter waits *before* a call that would be
  throttled instead of after;
- a 401 is fatal: Shopify access tokens do not expire, so a rejected one was revoked or mistyped and no
  refresh or retry can help; 402/403/404/423 are fatal too (shop frozen, scope missing, wrong shop or
  version, shop locked);
- ``errors`` in a 200 become typed errors: ``MAX_COST_EXCEEDED`` as :class:`QueryTooCostly` (callers
  shrink their page), ``THROTTLED`` left after the policy's attempts as ``RateLimitedError``,
  ``INTERNAL_SERVER_ERROR`` as retryable, anything else (a query or input the API refuses) as fatal,
  since it is this connector's bug rather than a record's fault;
- a body that is not JSON (a cut-off response) is retryable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from crossdock.core.errors import (
    CredentialsExpiredError,
    FatalError,
    RateLimitedError,
    RecordError,
    RetryableError,
)
from crossdock.core.redaction import redact, redact_value
from crossdock.runtime.http import COST_EXTENSION, IDEMPOTENT_EXTENSION

__all__ = ["GraphQLResult", "QueryTooCostly", "ShopifyGraphQL", "FIRST_CALL_COST", "MUTATION_COST"]

FIRST_CALL_COST = 100.0
"""The cost the limiter is charged for a query never called before (Shopify reports the real one)."""
MUTATION_COST = 10.0
"""What Shopify charges for a mutation, whatever it selects."""

_QUERY_COST = re.compile(r"Query cost is (\d+)")


class QueryTooCostly(FatalError):
    """Shopify refused a query over its single-query cost limit; ``cost`` is what it computed."""

    def __init__(self, message: str, *, cost: int | None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)
        self.cost = cost


@dataclass(frozen=True, slots=True)
class GraphQLResult:
    """The ``data`` of a successful call and the cost figures Shopify reported."""

    data: dict[str, Any]
    requested_cost: float | None = None
    actual_cost: float | None = None
    throttle_status: dict[str, Any] = field(default_factory=dict)


def _codes(errors: list[Any]) -> list[str]:
    codes = []
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        codes.append(str(code) if code else "")
    return codes


def _messages(errors: list[Any]) -> str:
    return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)[:500]


class ShopifyGraphQL:
    """Sends GraphQL operations to one shop through the connection's policy client."""

    def __init__(self, client: httpx.AsyncClient, path: str) -> None:
        self.client = client
        self.path = path
        self.costs: dict[str, float] = {}
        """Last ``requestedQueryCost`` per operation name: the limiter's estimate for its next call."""

    async def execute(
        self,
        operation: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        idempotent: bool = True,
        cost: float | None = None,
    ) -> GraphQLResult:
        """Run ``query`` (whose operation is named ``operation``) and return its data.

        ``idempotent``: whether the policy may send the request again after a 5xx or a read timeout
        (true for queries and for mutations carrying an ``@idempotent`` key; false otherwise).
        ``cost``: the caller's own estimate, when it changed the query's size since the last call.
        """
        first_guess = MUTATION_COST if query.lstrip().startswith("mutation") else FIRST_CALL_COST
        estimate = cost if cost is not None else self.costs.get(operation, first_guess)
        try:
            response = await self.client.post(
                self.path,
                json={"query": query, "variables": variables or {}, "operationName": operation},
                extensions={COST_EXTENSION: estimate, IDEMPOTENT_EXTENSION: idempotent},
            )
        except CredentialsExpiredError as exc:
            raise FatalError(
                "Shopify rejected the access token (HTTP 401): it was revoked, belongs to another shop or is "
                "mistyped; a new token must be configured",
                details=exc.details,
            ) from None
        except RecordError as exc:
            status = exc.details.get("status")
            raise FatalError(
                redact(f"Shopify refused the request to {self.path} with HTTP {status}: {exc.message}"),
                details=exc.details,
            ) from None
        body = self._json(response)
        cost = (body.get("extensions") or {}).get("cost") if isinstance(body.get("extensions"), dict) else None
        requested = actual = None
        status: dict[str, Any] = {}
        if isinstance(cost, dict):
            requested, actual = cost.get("requestedQueryCost"), cost.get("actualQueryCost")
            if isinstance(requested, (int, float)):
                self.costs[operation] = float(requested)
            status = cost.get("throttleStatus") or {}
        errors = body.get("errors")
        if errors:
            self._raise_for(operation, errors, body)
        data = body.get("data")
        if not isinstance(data, dict):
            raise RetryableError(f"Shopify answered {operation} without data", details={"status": response.status_code})
        return GraphQLResult(data=data, requested_cost=requested, actual_cost=actual, throttle_status=status)

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RetryableError(
                f"Shopify returned an unreadable body for {self.path} (HTTP {response.status_code})",
                details={"status": response.status_code, "bytes": len(response.content)},
            ) from None
        if not isinstance(body, dict):
            raise RetryableError("Shopify returned a JSON body that is not an object", details={"status": response.status_code})
        return body

    def _raise_for(self, operation: str, errors: Any, body: dict[str, Any]) -> None:
        if not isinstance(errors, list):  # Shopify's non-GraphQL errors: {"errors": "..."}
            raise FatalError(redact(f"Shopify refused {operation}: {errors}"), details={"errors": redact_value(errors)})
        codes = _codes(errors)
        details = {"operation": operation, "errors": redact_value(errors)}
        message = redact(f"Shopify refused {operation}: {_messages(errors)}")
        if "THROTTLED" in codes:
            status = ((body.get("extensions") or {}).get("cost") or {}).get("throttleStatus") or {}
            retry_after = None
            try:
                deficit = float(self.costs.get(operation, FIRST_CALL_COST)) - float(status["currentlyAvailable"])
                retry_after = max(deficit, 0.0) / float(status["restoreRate"])
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                pass
            raise RateLimitedError(message, retry_after=retry_after, details=details)
        if "MAX_COST_EXCEEDED" in codes:
            found = _QUERY_COST.search(_messages(errors))
            raise QueryTooCostly(message, cost=int(found.group(1)) if found else None, details=details)
        if "INTERNAL_SERVER_ERROR" in codes or "SERVICE_UNAVAILABLE" in codes:
            raise RetryableError(message, details=details)
        if "ACCESS_DENIED" in codes:
            raise FatalError(redact(f"the access token lacks a scope {operation} needs: {_messages(errors)}"), details=details)
        raise FatalError(message, details=details)

