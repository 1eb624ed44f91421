"""What every SP-API operation does before its own work: check the access token, then its usage plan.

A missing or unknown ``x-amz-access-token`` is a 403 ``Unauthorized`` ("Access to requested resource is
denied.", with ``details`` saying why for a revoked/malformed or expired token), the way SP-API answers;
an operation over its bucket is a 429 ``QuotaExceeded``. Every answer carries ``x-amzn-RequestId``; the
ones the models list it for also carry ``x-amzn-RateLimit-Limit`` with the operation's rate.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from crossdock.runtime.sandbox import TokenBucketQuota

from .._rates import LISTINGS_FEED_SUBMISSIONS, OPERATION_RATES, OperationRate
from ._lwa import LoginWithAmazon, TokenState
from ._responses import RATE_LIMIT_HEADER, REQUEST_ID_HEADER, BadRequest, RequestIds, amazon_error

__all__ = ["OperationGate", "Handler", "SANDBOX_RATES"]

Handler = Callable[[Request, dict[str, str]], Awaitable[Response]]
"""An operation's own work: gets the request and the headers its answer must carry."""

SANDBOX_RATES: dict[str, OperationRate] = {**OPERATION_RATES, LISTINGS_FEED_SUBMISSIONS.operation: LISTINGS_FEED_SUBMISSIONS}

_DENIED = "Access to requested resource is denied."
_DETAILS = {
    TokenState.MISSING: "",
    TokenState.INVALID: "The access token you provided is revoked, malformed or invalid.",
    TokenState.EXPIRED: "The access token you provided has expired.",
}
_NO_RATE_HEADER = frozenset({403, 429})  # the models list only x-amzn-RequestId on these


class OperationGate:
    """Auth and per-operation token buckets, shared by every route of the sandbox."""

    def __init__(
        self,
        *,
        lwa: LoginWithAmazon,
        request_ids: RequestIds,
        clock: Callable[[], datetime],
        rates: dict[str, OperationRate] | None = None,
    ) -> None:
        self._lwa = lwa
        self._ids = request_ids
        self.rates = dict(rates or SANDBOX_RATES)
        seconds = lambda: clock().timestamp()  # noqa: E731 - the quotas want float seconds
        self._quotas = {name: TokenBucketQuota(rate.rate, rate.burst, clock=seconds) for name, rate in self.rates.items()}
        self.throttled: dict[str, int] = {}
        """429s answered, by operation."""

    def reset(self) -> None:
        for quota in self._quotas.values():
            quota.reset()
        self.throttled.clear()

    def take(self, operation: str) -> bool:
        """Spend one request of ``operation``'s bucket; False (and counted) when it is empty."""
        if self._quotas[operation].acquire().allowed:
            return True
        self.throttled[operation] = self.throttled.get(operation, 0) + 1
        return False

    def throttle_response(self, operation: str) -> Response:
        return amazon_error(
            429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "",
            headers={REQUEST_ID_HEADER: self._ids.next()},
        )  # fmt: skip

    def operation(self, name: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """The route endpoint for operation ``name``: auth, quota, then ``handler``."""
        rate_text = f"{self.rates[name].rate:g}"

        async def endpoint(request: Request) -> Response:
            request_id = self._ids.next()
            state = self._lwa.state_of(request.headers.get("x-amz-access-token"))
            if state is not TokenState.VALID:
                return amazon_error(403, "Unauthorized", _DENIED, _DETAILS[state], headers={REQUEST_ID_HEADER: request_id})
            if not self.take(name):
                return self.throttle_response(name)
            headers = {REQUEST_ID_HEADER: request_id, RATE_LIMIT_HEADER: rate_text}
            try:
                response = await handler(request, headers)
            except BadRequest as exc:
                return exc.response(headers)
            if response.status_code in _NO_RATE_HEADER and RATE_LIMIT_HEADER in response.headers:
                del response.headers[RATE_LIMIT_HEADER]
            return response

        endpoint.__name__ = name
        return endpoint
