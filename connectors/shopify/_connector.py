"""``ShopifyConnector``: one shop over the Admin GraphQL API, its streams, sinks and webhook receiver."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from crossdock.core.contract import CheckResult, Connector, ConnectorContext, Sink, Stream
from crossdock.core.errors import ConnectorError, FatalError
from crossdock.core.redaction import redact, redact_value, register_secret
from crossdock.runtime.http import CostBucketLimiter, HttpPolicy, RetryPolicy

from ._client import ShopifyGraphQL
from ._config import ShopifyConfig
from ._fulfilments import ShopifyFulfilmentsSink
from ._inventory import InventoryResolver
from ._orders import ShopifyOrdersStream
from ._queries import SHOP_CHECK, inventory_item_skus
from ._stock import ShopifyStockSink
from ._webhooks import WebhookReceiver

__all__ = ["ShopifyConnector", "ACCESS_TOKEN_HEADER"]

ACCESS_TOKEN_HEADER = "X-Shopify-Access-Token"
_SKUS_PER_QUERY = 250


class ShopifyConnector(Connector[ShopifyConfig]):
    """A Shopify store: reads orders, writes fulfilments (with tracking) and stock levels.

    ``clock`` and ``sleep`` drive the client's cost bucket and the waits of the HTTP policy (tests pass a
    fake clock shared with the sandbox so throttling is exercised without sleeping).
    """

    name: ClassVar[str] = "shopify"
    title: ClassVar[str] = "Shopify (Admin GraphQL API)"
    config_model: ClassVar[type[ShopifyConfig]] = ShopifyConfig
    streams: ClassVar[tuple[type[Stream[Any]], ...]] = (ShopifyOrdersStream,)
    sinks: ClassVar[tuple[type[Sink[Any]], ...]] = (ShopifyFulfilmentsSink, ShopifyStockSink)
    sandbox: ClassVar[str | None] = "crossdock.connectors.shopify.sandbox:create_app"

    def __init__(
        self,
        config: ShopifyConfig,
        context: ConnectorContext,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(config, context)
        self._clock = clock
        self._sleep = sleep
        size, rate = config.bucket
        self.limiter = CostBucketLimiter(maximum=size, restore_rate=rate, clock=clock, sleep=sleep)
        """The connection's query-cost bucket, re-synchronised from every response's ``throttleStatus``."""
        self._graphql: ShopifyGraphQL | None = None
        self._inventory: InventoryResolver | None = None

    # -- the client ----------------------------------------------------------------------------------
    @property
    def graphql(self) -> ShopifyGraphQL:
        """The shop's GraphQL endpoint behind the shared HTTP policy, made on first use."""
        if self._graphql is None:
            register_secret(self.config.access_token.get_secret_value())
            policy = HttpPolicy(
                timeout=self.config.timeout,
                retry=RetryPolicy(max_attempts=self.config.max_attempts),
                limiter=self.limiter,
                sleep=self._sleep,
            )
            client = self.context.http_client(
                base_url=self.config.endpoint_base,
                policy=policy,
                headers={ACCESS_TOKEN_HEADER: self.config.access_token.get_secret_value(), "Accept": "application/json"},
            )
            self._graphql = ShopifyGraphQL(client, self.config.graphql_path)
        return self._graphql

    @property
    def inventory(self) -> InventoryResolver:
        """SKU → inventory item resolution, cached for the connector's life (one run)."""
        if self._inventory is None:
            self._inventory = InventoryResolver(
                self.graphql, self.config.inventory_quantity_name, max_cost=lambda: self.limiter.maximum,
            )
        return self._inventory

    async def open(self) -> None:
        if self.config.webhook_secret is not None:
            register_secret(self.config.webhook_secret.get_secret_value())
        self.graphql  # noqa: B018 - made now so configuration problems surface when the job opens

    async def close(self) -> None:
        self._graphql = None  # the runtime's context closes the clients it made
        self._inventory = None

    # -- check ---------------------------------------------------------------------------------------
    async def check(self) -> CheckResult:
        """Reads the shop and its locations; every mapped location must exist and be active."""
        try:
            result = await self.graphql.execute("CrossdockCheck", SHOP_CHECK)
        except ConnectorError as exc:
            details = {k: exc.details[k] for k in ("status", "url", "body", "errors") if k in exc.details}
            return CheckResult(ok=False, message=redact(exc.message), details=redact_value(details))
        shop = result.data["shop"]
        active = {loc["id"] for loc in result.data["locations"]["nodes"] if loc["isActive"]}
        missing = {code: gid for code, gid in self.config.location_ids.items() if gid not in active}
        details = {"shop": shop["myshopifyDomain"], "currency": shop["currencyCode"], "locations": sorted(active)}
        if missing:
            return CheckResult(
                ok=False,
                message=f"mapped locations not found or inactive in {shop['myshopifyDomain']}: "
                        + ", ".join(f"{code} ({gid})" for code, gid in missing.items()),
                details={**details, "missing_locations": missing},
            )
        return CheckResult(ok=True, message=f"connected to {shop['name']} ({shop['myshopifyDomain']})", details=details)

    # -- webhooks ------------------------------------------------------------------------------------
    async def skus_of_inventory_items(self, item_ids: list[str]) -> dict[str, str]:
        """``{inventory item GID: SKU}`` for the items that exist and have a SKU."""
        skus: dict[str, str] = {}
        for start in range(0, len(item_ids), _SKUS_PER_QUERY):
            chunk = item_ids[start : start + _SKUS_PER_QUERY]
            result = await self.graphql.execute(
                "CrossdockInventoryItemSkus", inventory_item_skus(len(chunk)), {f"i{i}": gid for i, gid in enumerate(chunk)},
            )
            for i, gid in enumerate(chunk):
                node = result.data.get(f"i{i}")
                if node and node.get("sku"):
                    skus[gid] = node["sku"]
        return skus

    def webhook_receiver(self) -> WebhookReceiver:
        """A receiver for this shop's webhooks, de-duplicating in the job's state store."""
        if self.config.webhook_secret is None:
            raise FatalError("webhook_secret (the app's client secret) is not configured")
        if self.context.state is None:
            raise FatalError("receiving webhooks needs the job's state store to remember delivery IDs")
        return WebhookReceiver(
            secret=self.config.webhook_secret,
            state=self.context.state,
            shop=self.config.shop,
            location_ids=self.config.location_ids,
            sku_resolver=self.skus_of_inventory_items,
        )

    # -- sandbox -------------------------------------------------------------------------------------
    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """The config of a connection to this connector's sandbox served at ``base_url``."""
        from .sandbox import LOCATION_IDS, SANDBOX_TOKEN, SANDBOX_WEBHOOK_SECRET

        return {
            "shop": "crossdock-sandbox",
            "access_token": SANDBOX_TOKEN,
            "base_url": base_url,
            "location_ids": dict(LOCATION_IDS),
            "webhook_secret": SANDBOX_WEBHOOK_SECRET,
        }
