"""The Amazon connector's sandbox: Login with Amazon and the SP-API operations the connector calls.

Faithful to the vendor models (orders_2026-01-01.json, ordersV0.json, feeds_2021-06-30.json and the
JSON listings feed and processing report schemas): URLs, ``x-amz-access-token`` auth with SP-API's 403
bodies, per-operation token buckets with 429 ``QuotaExceeded`` and ``x-amzn-RateLimit-Limit``,
``x-amzn-RequestId``, ``paginationToken`` paging, pre-signed feed document URLs, asynchronous feed
processing, the 25,000-message limit and processing reports. ``crossdock sandbox serve amazon`` serves
it; see ``_sandbox`` for the routes and control endpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from starlette.applications import Starlette

from crossdock.runtime.sandbox import FaultKind, build_sandbox_app

from .._config import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_MARKETPLACE_ID,
    SANDBOX_REFRESH_TOKEN,
    SANDBOX_SELLER_ID,
)
from ._data import seeded_listings, seeded_orders
from ._sandbox import AmazonSandbox

__all__ = ["AmazonSandbox", "create_app", "seeded_listings", "seeded_orders"]


def create_app(
    *,
    seed: int = 0,
    faults: float = 0.0,
    orders: int = 250,
    skus: int | Sequence[str] = 40,
    clock: Callable[[], datetime] | None = None,
    feed_polls: int = 3,
    feed_seconds: float = 120.0,
    public_url: str | None = None,
    fault_kinds: Mapping[FaultKind | str, float] | None = None,
    fault_delay: float = 60.0,
    client_id: str = SANDBOX_CLIENT_ID,
    client_secret: str = SANDBOX_CLIENT_SECRET,
    refresh_token: str = SANDBOX_REFRESH_TOKEN,
    seller_id: str = SANDBOX_SELLER_ID,
    marketplace_id: str = SANDBOX_MARKETPLACE_ID,
) -> Starlette:
    """A fresh sandbox seller: ``orders`` seeded orders over ``skus`` listings.

    ``clock`` (an aware ``datetime`` source) drives token expiry, quotas, the two-minute search lag and
    feed processing; a feed finishes on its ``feed_polls``-th ``getFeed`` or after ``feed_seconds``.
    ``public_url`` is the base of the pre-signed document URLs when the request's own ``Host`` is not
    reachable by clients (default: the request's base URL). The state is at ``app.state.amazon``.
    """
    amazon = AmazonSandbox(
        seed=seed,
        orders=orders,
        skus=skus,
        clock=clock or (lambda: datetime.now(UTC)),
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        seller_id=seller_id,
        marketplace_id=marketplace_id,
        feed_polls=feed_polls,
        feed_seconds=feed_seconds,
        public_url=public_url,
    )
    app = build_sandbox_app(
        amazon.routes(),
        seed=seed,
        faults=faults,
        fault_kinds=fault_kinds,
        fault_delay=fault_delay,
        control_routes=amazon.control_routes(),
        on_reset=amazon.reset,
    )
    app.state.amazon = amazon
    return app
