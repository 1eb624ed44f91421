"""The Shopify connector's sandbox: an emulation of the Admin GraphQL API for what Crossdock uses.

Served at ``POST /admin/api/{version}/graphql.json`` with a real GraphQL parser and validator
(graphql-core) over a schema subset written after shopify.dev (orders with line items, fulfillment
orders and ``fulfillmentCreate``, inventory items, levels and ``inventorySetQuantities``, product
variants, locations), so any valid client query over that subset runs and anything else fails as it
fails on Shopify. Auth by ``X-Shopify-Access-Token``; calculated query cost and a leaky bucket with
``THROTTLED``; the 250-item input and page caps; the 25,000-record pagination ceiling; Shopify's search
syntax in ``query:``; the 2026-04 inventory contract (``@idempotent`` and ``changeFromQuantity``).

Control endpoints (never faulted or throttled): ``GET /_sandbox/fulfillments`` (fulfillments created
through the API), ``GET|POST /_sandbox/inventory`` (levels; change one as a POS sale would),
``GET /_sandbox/adjustments`` (inventory mutations applied), ``GET|POST /_sandbox/orders`` (list; add or
edit an order, bumping ``updatedAt``), ``GET /_sandbox/operations`` (every GraphQL call with its cost),
``GET|POST /_sandbox/throttle`` (the bucket; drain it), and the toolkit's ``/_sandbox/reset``,
``/_sandbox/requests`` and ``/_sandbox/faults``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from starlette.applications import Starlette

from crossdock.runtime.sandbox import FaultKind, build_sandbox_app

from ._api import INVALID_TOKEN_BODY, OperationLogEntry, ShopifySandbox
from ._bucket import PLANS
from ._connections import PAGINATION_LIMIT
from ._cost import MAX_QUERY_COST
from ._data import LOCATIONS

__all__ = [
    "INVALID_TOKEN_BODY",
    "LOCATION_IDS",
    "MAX_QUERY_COST",
    "OperationLogEntry",
    "PLANS",
    "SANDBOX_TOKEN",
    "SANDBOX_WEBHOOK_SECRET",
    "ShopifySandbox",
    "create_app",
]

SANDBOX_TOKEN = "shpat_crossdock_sandbox_token_00000000"
"""The access token the sandbox accepts by default (not a secret: it opens nothing real)."""

SANDBOX_WEBHOOK_SECRET = "crossdock-sandbox-webhook-secret"
"""The client secret the sandbox's configuration signs webhooks with (not a secret either)."""

LOCATION_IDS: dict[str, str] = {
    "WH-EAST": f"gid://shopify/Location/{LOCATIONS[0][0]}",
    "WH-WEST": f"gid://shopify/Location/{LOCATIONS[1][0]}",
}
"""Crossdock location codes → the sandbox shop's location GIDs (what ``sandbox_config`` maps)."""


def create_app(
    *,
    seed: int = 0,
    faults: float = 0.0,
    orders: int = 60,
    skus: int | Sequence[str] = 40,
    plan: str = "standard",
    bucket_size: float | None = None,
    restore_rate: float | None = None,
    token: str = SANDBOX_TOKEN,
    pagination_limit: int = PAGINATION_LIMIT,
    clock: Callable[[], float] | None = None,
    now: Callable[[], datetime] | None = None,
    fault_kinds: Mapping[FaultKind | str, float] | None = None,
    fault_delay: float = 60.0,
) -> Starlette:
    """A fresh sandbox shop.

    ``orders``: how many seeded orders; ``skus``: how many products (``SHOP-10001``…) or the SKUs
    themselves (to share a catalogue with another system's sandbox in a demo); ``plan`` picks the bucket (see ``PLANS``), which
    ``bucket_size`` and ``restore_rate`` override; ``pagination_limit`` is Shopify's 25,000 (smaller in
    tests); ``clock`` (monotonic seconds) drives the bucket and ``now`` stamps writes, so tests control
    time. The :class:`ShopifySandbox` is at ``app.state.shopify``.
    """
    if plan not in PLANS:
        raise ValueError(f"plan must be one of {', '.join(PLANS)}")
    default_size, default_rate = PLANS[plan]
    shopify = ShopifySandbox(
        seed=seed,
        orders=orders,
        skus=skus,
        token=token,
        bucket_size=bucket_size or default_size,
        restore_rate=restore_rate or default_rate,
        clock=clock or time.monotonic,
        now=now or (lambda: datetime.now(UTC)),
        pagination_limit=pagination_limit,
    )
    app = build_sandbox_app(
        shopify.routes(),
        seed=seed,
        faults=faults,
        fault_kinds=fault_kinds,
        fault_delay=fault_delay,
        control_routes=shopify.control_routes(),
        on_reset=shopify.reset,
    )
    app.state.shopify = shopify
    return app
