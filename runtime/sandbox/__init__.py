"""The sandbox toolkit: what every connector's emulated API shares.

Every connector ships a sandbox, an ASGI app that answers like its system's real API (URLs, auth,
pagination, errors, rate limits, batch limits), so the whole integration runs offline: tests mount it
with ``httpx.ASGITransport``, ``crossdock demo`` runs every connection against one, and
``crossdock sandbox serve NAME --port N`` serves it on 127.0.0.1.

The sandbox factory convention
------------------------------
A connector declares ``sandbox = "package.module:create_app"`` where::

    def create_app(*, seed: int = 0, faults: float = 0.0, **options) -> ASGIApp

- ``seed`` makes everything random reproducible: the generated data and the injected faults.
- ``faults`` is the share (0–1) of API requests answered with an injected fault (:class:`FaultKind`).
- other keyword options are the sandbox's own (``orders=500``, ``rate_limit={...}``, ``token=...``);
  every one has a default, so ``create_app()`` alone gives a working sandbox.
- build the app with :func:`build_sandbox_app`, so it has the request log (``app.state.requests``),
  fault injection, an optional server-side rate limit and the ``/_sandbox/`` control endpoints.
- the sandbox's own control endpoints (what was received, how to reset) live under ``/_sandbox/``.
"""

from ._app import build_sandbox_app
from ._faults import CONTROL_PREFIX, DEFAULT_FAULT_WEIGHTS, FAULT_HEADER, FaultInjectionMiddleware, FaultInjector, FaultKind
from ._idempotency import IdempotencyStore, StoredResponse, request_fingerprint
from ._quotas import (
    FixedWindowQuota,
    Quota,
    QuotaDecision,
    RateLimitMiddleware,
    RateLimitShape,
    StandardRateLimitShape,
    TokenBucketQuota,
    quota_from_options,
)
from ._request_log import RequestLogEntry, RequestLogMiddleware
from ._serve import create_sandbox, serve

__all__ = [
    "CONTROL_PREFIX",
    "DEFAULT_FAULT_WEIGHTS",
    "FAULT_HEADER",
    "FaultInjectionMiddleware",
    "FaultInjector",
    "FaultKind",
    "FixedWindowQuota",
    "IdempotencyStore",
    "Quota",
    "QuotaDecision",
    "RateLimitMiddleware",
    "RateLimitShape",
    "RequestLogEntry",
    "RequestLogMiddleware",
    "StandardRateLimitShape",
    "StoredResponse",
    "TokenBucketQuota",
    "build_sandbox_app",
    "create_sandbox",
    "quota_from_options",
    "request_fingerprint",
    "serve",
]
