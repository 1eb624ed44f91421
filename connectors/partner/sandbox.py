"""The partner connector's sandbox: a simulated dropship partner behind a mailbox folder.

A partner reached by EDI has no API: the real contract is the mailbox and the X12 in it. So the
sandbox is :class:`PartnerSimulator` (see ``_simulator``), which owns a mailbox folder, collects
the 850s the connector delivers and drops 997s, 855s, 856s and 846s for it, plus a small ASGI app
for ``crossdock sandbox serve partner`` and for tests that prefer HTTP:

- ``POST /_sandbox/tick`` (body ``{"ticks": n}``, default 1): run the partner's scheduler;
- ``GET  /_sandbox/received``: the 850s it accepted; ``GET /_sandbox/sent``: the files it dropped
  (sets, control numbers, the fault injected if any); ``GET /_sandbox/acknowledgements``: our 997s;
- ``GET  /_sandbox/mailbox``: the mailbox root and its folders;
- ``POST /_sandbox/reset``: forget orders, shipments due and counters (shared control endpoint);
- plus the shared ``/_sandbox/requests`` and ``/_sandbox/faults`` (HTTP faults do not apply: the
  simulator's own ``faults`` damages the files it sends).

Served by uvicorn, the app also ticks on its own every ``tick_seconds`` (started by the ASGI lifespan,
which only a real server sends); in-process (``httpx.ASGITransport``, the demo) nothing runs by
itself: drive ``app.state.simulator.tick()``.

How the connector finds the folder: :meth:`PartnerConnector.sandbox_config` uses
``$CROSSDOCK_PARTNER_SANDBOX_ROOT`` when set, else the root of the simulator this process created
last (the runtime and the conformance kit create the sandbox app just before asking for the sandbox
config, so they meet), else a new temporary folder.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crossdock.edi.partners import PartnerProfile
from crossdock.runtime.sandbox import CONTROL_PREFIX, build_sandbox_app

from ._profile import resolve_profile
from ._simulator import PartnerSimulator, sscc_with_check_digit

__all__ = [
    "create_app",
    "PartnerSimulator",
    "sscc_with_check_digit",
    "latest_simulator_root",
    "temporary_mailbox_root",
    "load_simulated_profile",
]

_latest_root: Path | None = None
_latest_lock = threading.Lock()


def temporary_mailbox_root() -> Path:
    """A new temporary mailbox folder, removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="crossdock-partner-mailbox-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def latest_simulator_root() -> Path | None:
    """The mailbox root of the simulator this process created most recently (``None`` before any)."""
    with _latest_lock:
        return _latest_root


def _remember_root(root: Path) -> None:
    global _latest_root
    with _latest_lock:
        _latest_root = root


def load_simulated_profile(profile: str | PartnerProfile = "acme-dropship", base_dir: Path | None = None) -> PartnerProfile:
    """The profile of the partner to simulate (an id or a file, resolved as the connector resolves it)."""
    if isinstance(profile, PartnerProfile):
        return profile
    return resolve_profile(profile, base_dir or Path.cwd())


def create_app(
    *,
    seed: int = 0,
    faults: float = 0.0,
    root: str | Path | None = None,
    profile: str | PartnerProfile = "acme-dropship",
    ship_after: int = 2,
    stock_every: int = 3,
    skus: int | Sequence[str] = 12,
    backorder_rate: float = 0.15,
    reject_rate: float = 0.05,
    units_per_carton: int = 4,
    tick_seconds: float = 5.0,
    clock: Callable[[], datetime] | None = None,
) -> Starlette:
    """The simulated partner as an ASGI app; ``app.state.simulator`` is the :class:`PartnerSimulator`.

    ``root`` is the mailbox folder to share with the connector (default: a new temporary folder).
    ``faults`` is the share of the partner's files that are damaged; the other options shape its
    behaviour (see :class:`PartnerSimulator`).
    """
    folder = Path(root) if root is not None else temporary_mailbox_root()
    folder.mkdir(parents=True, exist_ok=True)
    simulator = PartnerSimulator(
        folder,
        profile=load_simulated_profile(profile),
        seed=seed,
        faults=faults,
        ship_after=ship_after,
        stock_every=stock_every,
        skus=skus,
        backorder_rate=backorder_rate,
        reject_rate=reject_rate,
        units_per_carton=units_per_carton,
        clock=clock,
    )
    _remember_root(folder)

    async def tick(request: Request) -> JSONResponse:
        ticks = 1
        body = await request.body()
        if body:
            try:
                ticks = int((await request.json()).get("ticks", 1))
            except (ValueError, AttributeError, TypeError):
                return JSONResponse({"error": {"code": "bad_request", "message": 'send {"ticks": <1 to 100>}'}}, status_code=400)
        if not 1 <= ticks <= 100:
            return JSONResponse({"error": {"code": "bad_request", "message": "ticks must be between 1 and 100"}}, status_code=400)
        sent: list[dict[str, Any]] = []
        for _ in range(ticks):
            sent += (await asyncio.to_thread(simulator.tick))["sent"]
        return JSONResponse({"tick": simulator.ticks, "sent": sent})

    async def received(request: Request) -> JSONResponse:
        return JSONResponse(simulator.received)

    async def sent(request: Request) -> JSONResponse:
        return JSONResponse(simulator.sent)

    async def acknowledgements(request: Request) -> JSONResponse:
        return JSONResponse(simulator.acknowledgements)

    async def mailbox(request: Request) -> JSONResponse:
        return JSONResponse(
            {"root": str(simulator.root), "collects_from": str(simulator.collect_from), "drops_into": str(simulator.drop_into)}
        )

    app = build_sandbox_app(
        [],
        seed=seed,
        control_routes=[
            Route(f"{CONTROL_PREFIX}/tick", tick, methods=["POST"]),
            Route(f"{CONTROL_PREFIX}/received", received, methods=["GET"]),
            Route(f"{CONTROL_PREFIX}/sent", sent, methods=["GET"]),
            Route(f"{CONTROL_PREFIX}/acknowledgements", acknowledgements, methods=["GET"]),
            Route(f"{CONTROL_PREFIX}/mailbox", mailbox, methods=["GET"]),
        ],
        on_reset=simulator.reset,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        """Only a real server (uvicorn) runs this: the partner then works on its own schedule."""
        task = asyncio.create_task(_tick_forever(simulator, tick_seconds))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.router.lifespan_context = lifespan
    app.state.simulator = simulator
    app.state.root = folder
    return app


async def _tick_forever(simulator: PartnerSimulator, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        await asyncio.to_thread(simulator.tick)
