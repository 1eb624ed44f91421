"""Assembling a sandbox: a vendor's routes plus what every sandbox shares.

A connector's sandbox module writes only its API (routes, data, validation) and calls
:func:`build_sandbox_app`, which adds, outermost first:

1. the request log (``app.state.requests``: ``(method, path, status)`` per API request),
2. fault injection (``app.state.faults``: the :class:`FaultInjector`),
3. the server-side rate limit, when one is configured (``app.state.quota``),

and the shared control endpoints under ``/_sandbox/``:

- ``GET  /_sandbox/requests``: the request log as JSON,
- ``GET  /_sandbox/faults``: the fault rate, the kinds, and the faults injected so far by kind,
- ``POST /_sandbox/faults``: ``{"probability": 0.1, "kinds": {"rate_limit": 1}, "next": ["malformed"]}``
  changes them mid-run (``next``: faults for the very next requests, in order),
- ``POST /_sandbox/reset``: clear the log, restart the fault sequence, refill quotas and call the
  sandbox's own ``on_reset`` (which restores its seeded data).

Control endpoints are never faulted, limited or logged, so a test can inspect a sandbox without
changing what it measures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ._faults import CONTROL_PREFIX, FaultInjectionMiddleware, FaultInjector, FaultKind
from ._quotas import Quota, RateLimitMiddleware, RateLimitShape
from ._request_log import RequestLogEntry, RequestLogMiddleware

__all__ = ["build_sandbox_app"]


def build_sandbox_app(
    routes: Sequence[BaseRoute],
    *,
    seed: int = 0,
    faults: float = 0.0,
    fault_kinds: Mapping[FaultKind | str, float] | None = None,
    fault_delay: float = 60.0,
    fault_retry_after: float = 1.0,
    quota: Quota | None = None,
    rate_limit_shape: RateLimitShape | None = None,
    rate_limit_key: Callable[[Any], str] | None = None,
    control_routes: Sequence[BaseRoute] = (),
    on_reset: Callable[[], None] | None = None,
) -> Starlette:
    """A Starlette app serving ``routes`` with the shared sandbox machinery around them.

    ``seed`` seeds fault injection (the sandbox seeds its own data separately); ``faults`` is the share
    of API requests that get a fault, of the kinds and relative weights in ``fault_kinds``.
    ``control_routes`` are the sandbox's own endpoints, mounted under ``/_sandbox``.
    """
    requests: list[RequestLogEntry] = []
    injector = FaultInjector(
        faults, seed=seed, weights=fault_kinds, timeout_delay=fault_delay, retry_after=fault_retry_after
    )

    def reset() -> None:
        requests.clear()
        injector.reset()
        if quota is not None:
            quota.reset()
        if on_reset is not None:
            on_reset()

    async def list_requests(request: Request) -> JSONResponse:
        return JSONResponse([entry._asdict() for entry in requests])

    async def list_faults(request: Request) -> JSONResponse:
        return JSONResponse({
            "probability": injector.probability,
            "scheduled": [kind.value for kind in injector.scheduled],
            "kinds": {kind.value: weight for kind, weight in injector.weights.items()},
            "injected": {kind.value: count for kind, count in injector.injected.items()},
        })

    async def configure_faults(request: Request) -> JSONResponse:
        try:
            body = await request.json()
            injector.configure(probability=body.get("probability"), weights=body.get("kinds"))
            injector.schedule(*body.get("next", ()))
        except (ValueError, AttributeError, TypeError) as exc:
            return JSONResponse({"error": {"code": "invalid_fault_settings", "message": str(exc)}}, status_code=400)
        return await list_faults(request)

    async def reset_endpoint(request: Request) -> JSONResponse:
        reset()
        return JSONResponse({"reset": True})

    shared_controls = [
        Route(f"{CONTROL_PREFIX}/requests", list_requests, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/faults", list_faults, methods=["GET"]),
        Route(f"{CONTROL_PREFIX}/faults", configure_faults, methods=["POST"]),
        Route(f"{CONTROL_PREFIX}/reset", reset_endpoint, methods=["POST"]),
    ]
    middleware = [
        Middleware(RequestLogMiddleware, log=requests),
        Middleware(FaultInjectionMiddleware, injector=injector),
    ]
    if quota is not None:
        middleware.append(Middleware(RateLimitMiddleware, quota=quota, shape=rate_limit_shape, key=rate_limit_key))
    app = Starlette(routes=[*shared_controls, *_under_control_prefix(control_routes), *routes], middleware=middleware)
    app.state.requests = requests
    app.state.faults = injector
    app.state.quota = quota
    app.state.reset = reset
    return app


def _under_control_prefix(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    for route in routes:
        path = getattr(route, "path", "")
        if not path.startswith(CONTROL_PREFIX + "/"):
            raise ValueError(f"control route '{path}' must live under {CONTROL_PREFIX}/")
    return list(routes)
