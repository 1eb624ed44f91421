"""Fault injection: make a sandbox fail the way real APIs fail, reproducibly.

Connectors are only as good as their behaviour on a bad day: a 429 in the middle of a pagination, a
502 from a load balancer, a response cut off mid-body. A sandbox started with ``faults=0.05`` answers
5 % of its API requests with one of those, chosen by a ``random.Random(seed)`` so the same seed and the
same request sequence give the same faults (a failing run can be replayed).

Rejecting kinds (rate limit, 5xx, timeout) answer *before* the request reaches the API, like an edge
proxy would. ``malformed`` lets the request through and damages only its response on the way back,
like a dropped connection after the server committed: the request took effect but the client cannot
tell, which is exactly what idempotency keys exist for.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter, deque
from collections.abc import Mapping
from enum import StrEnum

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTROL_PREFIX",
    "DEFAULT_FAULT_WEIGHTS",
    "FAULT_HEADER",
    "FaultInjectionMiddleware",
    "FaultInjector",
    "FaultKind",
]

CONTROL_PREFIX = "/_sandbox"
"""Path prefix of a sandbox's own control endpoints; never faulted, rate limited or logged."""

FAULT_HEADER = "X-Sandbox-Fault"
"""Set on every injected response to the fault's kind, so a confusing client log can be explained."""


class FaultKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    """429 with ``Retry-After``."""
    SERVER_ERROR = "server_error"
    """500 with a JSON error body."""
    BAD_GATEWAY = "bad_gateway"
    """502 with an HTML body, as a load balancer sends it."""
    UNAVAILABLE = "unavailable"
    """503 with ``Retry-After``."""
    TIMEOUT = "timeout"
    """No answer for ``timeout_delay`` seconds (past the client's timeout), then 504."""
    MALFORMED = "malformed"
    """The API's real response with its body truncated (invalid JSON)."""


DEFAULT_FAULT_WEIGHTS: Mapping[FaultKind, float] = {
    FaultKind.RATE_LIMIT: 3,
    FaultKind.SERVER_ERROR: 2,
    FaultKind.BAD_GATEWAY: 1,
    FaultKind.UNAVAILABLE: 2,
    FaultKind.TIMEOUT: 1,
    FaultKind.MALFORMED: 1,
}


class FaultInjector:
    """Decides, request by request, whether to inject a fault and which one.

    ``probability`` is the share of API requests that fail; ``weights`` the relative frequency of each
    kind (kinds left out never occur). ``timeout_delay`` is how long a ``timeout`` fault stalls: the
    default outlasts any sane client timeout; tests set it to a few milliseconds. An in-process client
    (``httpx.ASGITransport``) enforces no timeout, so there the fault is a stall followed by a 504:
    give in-process sandboxes a small delay. ``injected`` counts what was injected, by kind.
    """

    def __init__(
        self,
        probability: float = 0.0,
        *,
        seed: int = 0,
        weights: Mapping[FaultKind | str, float] | None = None,
        timeout_delay: float = 60.0,
        retry_after: float = 1.0,
        exempt_prefixes: tuple[str, ...] = (CONTROL_PREFIX,),
    ) -> None:
        if timeout_delay < 0 or retry_after < 0:
            raise ValueError("timeout_delay and retry_after must be non-negative")
        self.probability = 0.0
        self.weights: dict[FaultKind, float] = {}
        self.configure(probability=probability, weights=weights or DEFAULT_FAULT_WEIGHTS)
        self.seed = seed
        self.timeout_delay = timeout_delay
        self.retry_after = retry_after
        self.exempt_prefixes = exempt_prefixes
        self.injected: Counter[FaultKind] = Counter()
        self._random = random.Random(seed)
        self._scheduled: deque[FaultKind] = deque()

    def configure(
        self, *, probability: float | None = None, weights: Mapping[FaultKind | str, float] | None = None
    ) -> None:
        """Change the fault rate or the kinds mid-run (a test turning faults on for one call)."""
        if probability is not None:
            if not 0.0 <= probability <= 1.0:
                raise ValueError(f"fault probability must be between 0 and 1, not {probability}")
            self.probability = probability
        if weights is not None:
            chosen = {FaultKind(kind): float(weight) for kind, weight in weights.items()}
            if any(weight < 0 for weight in chosen.values()) or not any(weight > 0 for weight in chosen.values()):
                raise ValueError("fault weights must be non-negative with at least one positive")
            self.weights = {kind: weight for kind, weight in chosen.items() if weight > 0}

    @property
    def scheduled(self) -> tuple[FaultKind, ...]:
        return tuple(self._scheduled)

    def schedule(self, *kinds: FaultKind | str) -> None:
        """Give the next API requests these faults, in order, whatever the probability.

        For tests of one precise scenario ("the answer to this write is lost once"); scheduled faults
        do not draw from the seeded sequence, so the random faults after them are unchanged.
        """
        self._scheduled.extend(FaultKind(kind) for kind in kinds)

    def reset(self) -> None:
        """Start the seeded sequence over (a sandbox reset replays the same faults)."""
        self._random = random.Random(self.seed)
        self._scheduled.clear()
        self.injected.clear()

    def is_exempt(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.exempt_prefixes)

    def choose(self, path: str) -> FaultKind | None:
        """The fault to inject for a request to ``path``, or None to let it through."""
        if self.is_exempt(path):
            return None
        if self._scheduled:
            kind = self._scheduled.popleft()
            self.injected[kind] += 1
            return kind
        if self.probability <= 0.0:
            return None
        if self._random.random() >= self.probability:
            return None
        kinds = list(self.weights)
        kind = self._random.choices(kinds, weights=[self.weights[k] for k in kinds])[0]
        self.injected[kind] += 1
        return kind


class FaultInjectionMiddleware:
    """ASGI middleware applying a :class:`FaultInjector` to every HTTP request."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = self.injector.choose(scope["path"])
        if kind is None:
            await self.app(scope, receive, send)
        elif kind is FaultKind.MALFORMED:
            await self._truncated(scope, receive, send)
        else:
            if kind is FaultKind.TIMEOUT:
                await asyncio.sleep(self.injector.timeout_delay)
            await self._reject(kind, send)

    async def _reject(self, kind: FaultKind, send: Send) -> None:
        retry_after = str(max(1, round(self.injector.retry_after)))
        status, content_type, body, extra = {
            FaultKind.RATE_LIMIT: (429, "application/json", _json_error("rate_limited", "Too many requests"), [("retry-after", retry_after)]),
            FaultKind.SERVER_ERROR: (500, "application/json", _json_error("internal_error", "Internal server error"), []),
            FaultKind.BAD_GATEWAY: (502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>", []),
            FaultKind.UNAVAILABLE: (503, "application/json", _json_error("unavailable", "Service temporarily unavailable"), [("retry-after", retry_after)]),
            FaultKind.TIMEOUT: (504, "text/html", b"<html><body><h1>504 Gateway Timeout</h1></body></html>", []),
        }[kind]
        headers = [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(body)).encode()),
            (FAULT_HEADER.lower().encode(), kind.value.encode()),
            *((name.encode(), value.encode()) for name, value in extra),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _truncated(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if start is None:
            return
        body = b"".join(chunks)
        body = body[: len(body) // 2]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers += [(b"content-length", str(len(body)).encode()), (FAULT_HEADER.lower().encode(), FaultKind.MALFORMED.value.encode())]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _json_error(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()
