"""The REST connector's sandbox: an ERP/WMS-like JSON API with orders and stock.

It is what the generic REST connector's default config (``RestConnector.sandbox_config``) and default
mappings (``rest/order``, ``rest/stock``, ``rest/order_out``, ``rest/stock_out``) are written against,
and what ``crossdock sandbox serve rest`` serves. See ``_api`` for the endpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette

from crossdock.runtime.sandbox import FaultKind, build_sandbox_app, quota_from_options

from .._connector import SANDBOX_TOKEN
from ._api import ErpSandbox
from ._pages import PAGINATION_STYLES

__all__ = ["ErpSandbox", "create_app"]


def create_app(
    *,
    seed: int = 0,
    faults: float = 0.0,
    orders: int = 250,
    skus: int = 40,
    token: str = SANDBOX_TOKEN,
    pagination: str = "cursor",
    rate_limit: Mapping[str, Any] | None = None,
    fault_kinds: Mapping[FaultKind | str, float] | None = None,
    fault_delay: float = 60.0,
    now: Callable[[], datetime] | None = None,
) -> Starlette:
    """A fresh sandbox.

    ``orders``: how many seeded orders (over ``skus`` products in two warehouses); ``pagination``: the
    list endpoints' style when a request does not pick one (cursor, page, offset, link);
    ``rate_limit``: ``{requests_per_second, burst}`` or ``{limit, window_seconds}`` per token (none by
    default, so demos run at full speed); ``now``: the clock stamped on writes. The ``ErpSandbox``
    state is at ``app.state.erp``.
    """
    if pagination not in PAGINATION_STYLES:
        raise ValueError(f"pagination must be one of {', '.join(PAGINATION_STYLES)}")
    erp = ErpSandbox(
        seed=seed,
        orders=orders,
        skus=skus,
        token=token,
        pagination=pagination,
        now=now or (lambda: datetime.now(UTC)),
    )
    app = build_sandbox_app(
        erp.routes(),
        seed=seed,
        faults=faults,
        fault_kinds=fault_kinds,
        fault_delay=fault_delay,
        quota=quota_from_options(rate_limit),
        control_routes=erp.control_routes(),
        on_reset=erp.reset,
    )
    app.state.erp = erp
    return app
