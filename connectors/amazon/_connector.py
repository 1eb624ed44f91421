"""``AmazonConnector``: one seller's Selling Partner API account (orders in; shipments and stock out)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from crossdock.core.contract import CheckResult, Connector, ConnectorContext
from crossdock.core.errors import ConnectorError
from crossdock.core.redaction import redact, redact_value
from crossdock.runtime.http import LIMITER_EXTENSION, HttpPolicy, RetryPolicy

from ._auth import LwaAuth
from ._config import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_MARKETPLACE_ID,
    SANDBOX_REFRESH_TOKEN,
    SANDBOX_SELLER_ID,
    AmazonConfig,
)
from ._orders import SEARCH_ORDERS_PATH, AmazonOrdersStream
from ._rates import LISTINGS_FEED_SUBMISSIONS, OPERATION_RATES, OperationLimiter
from ._shipments import ShipmentConfirmationSink
from ._stock import LISTINGS_FEED_TYPE, StockFeedSink
from ._wire import iso_timestamp

__all__ = ["AmazonConnector", "USER_AGENT"]

USER_AGENT = "crossdock/0.1.0 (Language=Python)"
"""SP-API asks for ``AppName/Version (Language=…)`` so support can tell integrations apart."""


class AmazonConnector(Connector[AmazonConfig]):
    """Amazon Selling Partner API: ``orders`` (Orders API v2026-01-01), ``shipments`` (confirmShipment)
    and ``stock`` (JSON_LISTINGS_FEED through the Feeds API).

    Every operation has its own limiter with Amazon's published rate and burst (see ``_rates``), passed
    per request. ``clock``/``wall_clock``/``sleep`` are injectable so tests drive limiters, token expiry
    and feed polling with a fake clock; the runtime uses the defaults.
    """

    name = "amazon"
    title = "Amazon Selling Partner API"
    config_model = AmazonConfig
    streams = (AmazonOrdersStream,)
    sinks = (ShipmentConfirmationSink, StockFeedSink)
    sandbox = "crossdock.connectors.amazon.sandbox:create_app"

    def __init__(
        self,
        config: AmazonConfig,
        context: ConnectorContext,
        *,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(config, context)
        self._clock = clock or time.monotonic
        self._wall_clock = wall_clock or time.time
        self._sleep = sleep or asyncio.sleep
        self.limiters: dict[str, OperationLimiter] = {
            name: OperationLimiter(rate, clock=self._clock, sleep=self._sleep) for name, rate in OPERATION_RATES.items()
        }
        self.limiters[LISTINGS_FEED_SUBMISSIONS.operation] = OperationLimiter(
            LISTINGS_FEED_SUBMISSIONS, clock=self._clock, sleep=self._sleep
        )
        self.auth = LwaAuth(
            token_url=config.lwa_endpoint,
            client_id=config.client_id,
            client_secret=config.client_secret.get_secret_value(),
            refresh_token=config.refresh_token.get_secret_value(),
            token_client=lambda: context.http_client(base_url="", policy=self._policy()),
            clock=self._clock,
        )
        self._client: httpx.AsyncClient | None = None
        self._document_client: httpx.AsyncClient | None = None

    # -- time -----------------------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.fromtimestamp(self._wall_clock(), UTC)

    def monotonic(self) -> float:
        return self._clock()

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds)

    # -- HTTP -----------------------------------------------------------------------------------
    def _policy(self) -> HttpPolicy:
        return HttpPolicy(
            timeout=self.config.timeout,
            retry=RetryPolicy(max_attempts=self.config.max_attempts),
            sleep=self._sleep,
            wall_clock=self._wall_clock,
        )

    @property
    def client(self) -> httpx.AsyncClient:
        """The SP-API client: LWA auth, shared retry policy; operation limiters come per request."""
        if self._client is None:
            self._client = self.context.http_client(
                base_url=self.config.api_endpoint,
                policy=self._policy(),
                auth=self.auth,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            )
        return self._client

    @property
    def document_client(self) -> httpx.AsyncClient:
        """For pre-signed feed document URLs: no SP-API credentials, absolute URLs."""
        if self._document_client is None:
            self._document_client = self.context.http_client(base_url="", policy=self._policy())
        return self._document_client

    def limiter_extension(self, operation: str, *, feed_type: str | None = None) -> dict[str, Any]:
        """The request extension carrying ``operation``'s limiter (and the JSON_LISTINGS_FEED quota)."""
        limiters: list[OperationLimiter] = [self.limiters[operation]]
        if operation == "createFeed" and feed_type == LISTINGS_FEED_TYPE:
            limiters.append(self.limiters[LISTINGS_FEED_SUBMISSIONS.operation])
        return {LIMITER_EXTENSION: tuple(limiters)}

    async def open(self) -> None:
        self.client  # noqa: B018 - made now so configuration problems surface when the job opens

    async def close(self) -> None:
        self._client = None  # the runtime's context closes the clients it made
        self._document_client = None

    # -- check ----------------------------------------------------------------------------------
    async def check(self) -> CheckResult:
        """An LWA token and one ``searchOrders`` call for a single order of the last day."""
        params = {
            "lastUpdatedAfter": iso_timestamp(self.now() - timedelta(days=1)),
            "marketplaceIds": ",".join(self.config.marketplace_ids),
            "maxResultsPerPage": 1,
        }
        try:
            response = await self.client.get(SEARCH_ORDERS_PATH, params=params, extensions=self.limiter_extension("searchOrders"))
        except ConnectorError as exc:
            details = {k: exc.details[k] for k in ("status", "url", "body") if k in exc.details}
            return CheckResult(ok=False, message=redact(exc.message), details=redact_value(details))
        return CheckResult(
            ok=True, message=f"searchOrders answered HTTP {response.status_code} for seller {self.config.seller_id}"
        )

    # -- sandbox --------------------------------------------------------------------------------
    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """A connection to the sandbox at ``base_url``: its LWA endpoint, credentials and marketplace;
        feeds polled without waiting (the sandbox finishes a feed after a few polls)."""
        base = base_url.rstrip("/")
        return {
            "endpoint": base,
            "lwa_endpoint": f"{base}/auth/o2/token",
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "refresh_token": SANDBOX_REFRESH_TOKEN,
            "seller_id": SANDBOX_SELLER_ID,
            "marketplace_ids": [SANDBOX_MARKETPLACE_ID],
            "initial_lookback": "P400D",
            "feed_poll_interval": 0.0,
            "feed_poll_timeout": 60.0,
        }
