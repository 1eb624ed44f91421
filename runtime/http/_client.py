"""``PolicyClient``: an ``httpx.AsyncClient`` whose every request goes through the shared policy.

Overriding ``send`` (which ``get``, ``post``, ``request`` and ``stream`` all end in) means a connector
cannot bypass the policy by accident. Per attempt: acquire the limiters, send, let the limiters learn
from the response, record stats, log, classify; then either return, retry (tenacity) when that is safe,
or raise the typed error.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import tenacity
from httpx import USE_CLIENT_DEFAULT
from httpx._client import UseClientDefault  # the type of USE_CLIENT_DEFAULT; httpx exports only the value

from crossdock.core.errors import ConnectorError, Outcome
from crossdock.core.redaction import is_sensitive_name, register_secret

from ._graphql import graphql_throttle
from ._limits import RateLimiter
from ._logging import log_attempt, log_result
from ._outcomes import classify_response, error_for_response, error_for_transport
from ._policy import HttpPolicy
from ._retry import (
    RetryAttempt,
    ServerWait,
    build_retrying,
    is_idempotent,
    may_have_reached_server,
    never_reached_server,
    server_wait,
)
from ._stats import RequestStats

__all__ = [
    "COST_EXTENSION",
    "LIMITER_EXTENSION",
    "RAISE_ERRORS_EXTENSION",
    "PolicyClient",
    "create_client",
]

COST_EXTENSION = "crossdock.cost"
"""Request extension: what the request costs its limiters (a GraphQL query's requested cost)."""
LIMITER_EXTENSION = "crossdock.limiter"
"""Request extension: an extra limiter (or several) for this request, e.g. an SP-API operation's own."""
RAISE_ERRORS_EXTENSION = "crossdock.raise_errors"
"""Request extension: overrides ``HttpPolicy.raise_errors`` for this request."""


@dataclass
class _Exchange:
    """One logical request across its attempts."""

    started: float = field(default_factory=time.perf_counter)
    attempts: int = 0
    waited: float = 0.0
    outcome: Outcome = Outcome.SUCCESS


class _ReleasingStream(httpx.AsyncByteStream):
    """Gives a streamed response's limiter slots back when the stream is closed, not before."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


def _settle_all(limiters: Sequence[RateLimiter], cost: float) -> None:
    """No answer will come for this request: cost-based limiters stop counting its points as in flight."""
    for limiter in limiters:
        settle = getattr(limiter, "settle", None)
        if settle is not None:
            settle(cost)


def _release_all(limiters: Sequence[RateLimiter]) -> None:
    for limiter in reversed(limiters):
        limiter.release()


def _can_resend(request: httpx.Request) -> bool:
    """A body that was read into memory can be sent again; a one-shot stream cannot."""
    try:
        request.content
    except httpx.RequestNotRead:
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _is_sensitive_header(raw_name: bytes) -> bool:
    return is_sensitive_name(raw_name.decode("latin-1"))


def _register_credentials(headers: httpx.Headers, url: httpx.URL | None = None) -> None:
    """Register credential-looking header and query values, so they are masked even where they are
    echoed back (an error body quoting the request, a redirect URL)."""
    for raw_name, raw_value in headers.raw:
        if _is_sensitive_header(raw_name):
            value = raw_value.decode(headers.encoding)
            register_secret(value)
            scheme, _, credential = value.partition(" ")
            if credential and scheme.isalpha():
                register_secret(credential.strip())
    if url is not None and url.query:
        for name, value in url.params.multi_items():
            if is_sensitive_name(name):
                register_secret(value)


class _CookiesFromSetCookie(httpx.Cookies):
    """A cookie jar that reads a response only when it sets a cookie.

    httpx hands every response to the standard library's cookie jar, which first wraps the request
    and the response in ``urllib`` look-alikes. That costs about as much as building the request.
    APIs authenticate with headers and almost never set cookies, so a response without
    ``Set-Cookie`` is skipped: it could not have changed the jar anyway.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class PolicyClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` bound to an :class:`HttpPolicy`; ``stats`` counts what it cost.

    Make it with :func:`create_client`.
    """

    def __init__(self, *, policy: HttpPolicy | None = None, name: str = "http", **options: Any) -> None:
        self.policy = policy or HttpPolicy()
        self.name = name
        self.stats = RequestStats()
        options.setdefault("timeout", self.policy.httpx_timeout())
        cookies = options.pop("cookies", None)
        super().__init__(**options)
        self.cookies = cookies  # type: ignore[assignment]  # through the setter below
        _register_credentials(self.headers)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._cookie_jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._cookie_jar = _CookiesFromSetCookie(cookies)

    async def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: httpx.Auth | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        _register_credentials(request.headers, request.url)
        exchange = _Exchange()
        options = {"stream": stream, "auth": auth, "follow_redirects": follow_redirects}
        try:
            # The first attempt runs outside tenacity: almost every request succeeds at once, and
            # building a retry loop per request costs more than the rest of the policy together.
            try:
                response = await self._attempt(request, 1, exchange, **options)
            except RetryAttempt as first_failure:
                response = await self._send_with_retries(request, exchange, first_failure, options)
        except ConnectorError as error:
            self._log_result(request, exchange, str(error.details.get("error_type", type(error).__name__)))
            raise
        self._log_result(request, exchange, str(response.status_code))
        return await self._finish(request, response, exchange)

    async def _send_with_retries(
        self, request: httpx.Request, exchange: _Exchange, first_failure: RetryAttempt, options: dict[str, Any]
    ) -> httpx.Response:
        """Attempts 2…n under tenacity; its first iteration replays the first attempt's failure, so the
        wait after it is computed exactly as if tenacity had made that attempt itself."""

        def before_sleep(state: tenacity.RetryCallState) -> None:
            wait = float(state.next_action.sleep) if state.next_action else 0.0
            self.stats.record_retry(wait)
            exchange.waited += wait

        retrying = build_retrying(self.policy.retry, sleep=self.policy.sleep, before_sleep=before_sleep)
        pending: RetryAttempt | None = first_failure
        response: httpx.Response | None = None
        async for attempt in retrying:
            with attempt:
                if pending is not None:
                    failure, pending = pending, None
                    raise failure
                response = await self._attempt(request, attempt.retry_state.attempt_number, exchange, **options)
        assert response is not None
        return response

    def _log_result(self, request: httpx.Request, exchange: _Exchange, outcome: str) -> None:
        log_result(
            client=self.name,
            request=request,
            outcome=outcome,
            attempts=exchange.attempts,
            elapsed_ms=(time.perf_counter() - exchange.started) * 1000,
            waited_seconds=exchange.waited,
        )

    def _limiters_for(self, request: httpx.Request) -> tuple[RateLimiter, ...]:
        extra = request.extensions.get(LIMITER_EXTENSION)
        if extra is None:
            return self.policy.limiters
        if isinstance(extra, RateLimiter):
            return (*self.policy.limiters, extra)
        return (*self.policy.limiters, *extra)

    async def _acquire(
        self, limiters: Sequence[RateLimiter], cost: float, exchange: _Exchange
    ) -> list[RateLimiter]:
        held: list[RateLimiter] = []
        try:
            for limiter in limiters:
                waited = await limiter.acquire(cost)
                held.append(limiter)
                if waited:
                    self.stats.record_limiter_wait(waited)
                    exchange.waited += waited
        except BaseException:
            _release_all(held)
            raise
        return held

    async def _attempt(
        self,
        request: httpx.Request,
        number: int,
        exchange: _Exchange,
        *,
        stream: bool,
        auth: httpx.Auth | UseClientDefault | None,
        follow_redirects: bool | UseClientDefault,
    ) -> httpx.Response:
        exchange.attempts = number
        last = number >= self.policy.retry.max_attempts
        limiters = self._limiters_for(request)
        cost = float(request.extensions.get(COST_EXTENSION, 1))
        held = await self._acquire(limiters, cost, exchange)
        started = time.perf_counter()
        try:
            response = await super().send(request, stream=stream, auth=auth, follow_redirects=follow_redirects)
        except httpx.TransportError as error:
            _release_all(held)
            _settle_all(held, cost)
            self.stats.record_transport_error()
            log_attempt(
                client=self.name,
                request=request,
                attempt=number,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                waited_seconds=exchange.waited,
                error=error,
            )
            if not last and self._may_resend_after(request, error):
                raise RetryAttempt(type(error).__name__, ServerWait()) from None
            raise error_for_transport(request, error, extra={"attempts": number, "client": self.name}) from None
        except BaseException:
            _release_all(held)
            raise

        for earlier in response.history:  # redirects and the re-send after a 401 were attempts too
            self.stats.record_response(earlier.status_code, rate_limited=earlier.status_code == 429)
        for limiter in limiters:
            limiter.update_from_response(response)
        if stream and held and not response.is_closed:  # a body already read (a test double's) holds nothing
            response.stream = _ReleasingStream(response.stream, lambda: _release_all(held))  # type: ignore[arg-type]
        else:
            _release_all(held)

        outcome = classify_response(response)
        exchange.outcome = outcome
        self.stats.record_response(response.status_code, rate_limited=outcome is Outcome.RATE_LIMITED)
        log_attempt(
            client=self.name,
            request=request,
            attempt=number,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            waited_seconds=exchange.waited,
            status=response.status_code,
            headers=response.headers,
        )
        if outcome is Outcome.SUCCESS or last:
            return response
        wait = self._retry_wait(request, response, outcome)
        if wait is None:
            return response
        await response.aclose()
        raise RetryAttempt(f"HTTP {response.status_code}", wait)

    def _may_resend_after(self, request: httpx.Request, error: httpx.TransportError) -> bool:
        if never_reached_server(error):
            return True
        return (
            may_have_reached_server(error)
            and is_idempotent(request, self.policy.idempotency_headers)
            and _can_resend(request)
        )

    def _retry_wait(self, request: httpx.Request, response: httpx.Response, outcome: Outcome) -> ServerWait | None:
        """The wait before another attempt, or None when this response must not be retried here."""
        if not _can_resend(request):
            return None
        if outcome is Outcome.RATE_LIMITED:
            throttle = graphql_throttle(response) if response.status_code < 400 else None
            wait = ServerWait(retry_after=throttle.retry_after) if throttle else self._server_wait(response)
        elif (
            outcome is Outcome.RETRY
            and response.status_code in self.policy.retry.retry_statuses
            and is_idempotent(request, self.policy.idempotency_headers)
        ):
            wait = self._server_wait(response)
        else:
            return None
        if wait.retry_after is not None and wait.retry_after > self.policy.retry.max_retry_after:
            return None  # too long to hold a worker: the runtime reschedules from RateLimitedError.retry_after
        return wait

    def _server_wait(self, response: httpx.Response) -> ServerWait:
        return server_wait(response, wall_clock=self.policy.wall_clock)

    async def _finish(self, request: httpx.Request, response: httpx.Response, exchange: _Exchange) -> httpx.Response:
        raise_errors = request.extensions.get(RAISE_ERRORS_EXTENSION, self.policy.raise_errors)
        if exchange.outcome is Outcome.SUCCESS or not raise_errors:
            return response
        try:
            await response.aread()
        except httpx.HTTPError:
            pass  # the error is still worth raising without its body
        error = error_for_response(
            response,
            extra={"attempts": exchange.attempts, "client": self.name},
            wall_clock=self.policy.wall_clock,
        )
        await response.aclose()
        if error is None:  # pragma: no cover - classify_response and error_for_response agree
            return response
        raise error


def create_client(
    *,
    base_url: str | httpx.URL = "",
    policy: HttpPolicy | None = None,
    auth: httpx.Auth | None = None,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    name: str = "http",
    **options: Any,
) -> PolicyClient:
    """The one way a connector gets an HTTP client: every request follows ``policy``.

    ``transport`` routes the client to an in-process sandbox (``httpx.ASGITransport``) or a test
    double; ``name`` (the connection name) labels log lines and errors. Other ``httpx.AsyncClient``
    options (``params``, ``follow_redirects``, ``cookies``…) pass through.
    """
    return PolicyClient(
        policy=policy,
        name=name,
        base_url=base_url,
        auth=auth,
        headers=headers,
        transport=transport,
        **options,
    )
