"""``NetSuiteConnector``: sales orders in, fulfilments and stock out, over SuiteTalk REST web services."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import httpx

from crossdock.core.contract import CheckResult, Connector, ConnectorContext
from crossdock.core.errors import ConnectorError
from crossdock.core.redaction import redact, redact_value, register_secret
from crossdock.runtime.http import RAISE_ERRORS_EXTENSION, ConcurrencyLimiter, HttpPolicy, RetryPolicy

from ._auth import RefreshTokenAuth, TokenBasedAuth
from ._config import NetSuiteConfig, OAuth2AuthConfig, TbaAuthConfig
from ._fulfilments import FulfilmentsStream
from ._orders import SalesOrdersSink
from ._references import ReferenceResolver
from ._sandbox_credentials import (
    SANDBOX_ACCOUNT_ID,
    SANDBOX_DEFAULT_CUSTOMER_ID,
    SANDBOX_LOCATION_MAP,
    SANDBOX_TBA,
    SANDBOX_TIME_ZONE,
)
from ._stock import StockStream
from ._suiteql import run_query

__all__ = ["NetSuiteConnector"]

GOVERNANCE_PATH = "/services/rest/system/v1/governanceLimits"


class NetSuiteConnector(Connector[NetSuiteConfig]):
    """Oracle NetSuite through SuiteTalk REST web services.

    - sink ``orders`` (Order → ``salesOrder``, upsert by external ID, ``netsuite/sales_order``);
    - stream ``fulfilments`` (``itemFulfillment`` → Shipment, SuiteQL, ``netsuite/item_fulfillment``);
    - stream ``stock`` (``aggregateItemLocation`` → StockLevel, SuiteQL, ``netsuite/stock``).

    Every request of the connection shares one :class:`ConcurrencyLimiter` of ``concurrency_limit``
    slots: NetSuite refuses requests beyond the account's limit instead of queueing them, so the
    connector queues them itself.
    """

    name = "netsuite"
    title = "Oracle NetSuite (SuiteTalk REST web services)"
    config_model = NetSuiteConfig
    streams = (FulfilmentsStream, StockStream)
    sinks = (SalesOrdersSink,)
    sandbox = "crossdock.connectors.netsuite.sandbox:create_app"

    def __init__(self, config: NetSuiteConfig, context: ConnectorContext) -> None:
        super().__init__(config, context)
        self.zone = ZoneInfo(config.time_zone)
        self.references = ReferenceResolver(self)
        self.limiter = ConcurrencyLimiter(config.concurrency_limit)
        self._client: httpx.AsyncClient | None = None
        self._token_client: httpx.AsyncClient | None = None
        self._locations_by_netsuite_id = {ns_id: crossdock_id for crossdock_id, ns_id in config.location_map.items()}

    # -- HTTP ------------------------------------------------------------------------------------
    @property
    def client(self) -> httpx.AsyncClient:
        """The connection's API client: authentication on every request, at most ``concurrency_limit`` in flight."""
        if self._client is None:
            policy = HttpPolicy(
                timeout=self.config.timeout,
                retry=RetryPolicy(max_attempts=self.config.max_attempts),
                limiter=self.limiter,
            )
            self._client = self.context.http_client(
                base_url=self.config.api_base_url,
                policy=policy,
                auth=self._auth(),
                headers={"Accept": "application/json"},
            )
        return self._client

    def _auth(self) -> httpx.Auth:
        auth = self.config.auth
        if isinstance(auth, TbaAuthConfig):
            return TokenBasedAuth(
                realm=self.config.realm,
                consumer_key=auth.consumer_key,
                consumer_secret=auth.consumer_secret.get_secret_value(),
                token_id=auth.token_id.get_secret_value(),
                token_secret=auth.token_secret.get_secret_value(),
            )
        assert isinstance(auth, OAuth2AuthConfig)
        return RefreshTokenAuth(
            token_client=self._oauth_client,
            token_url=self.config.token_url,
            client_id=auth.client_id,
            client_secret=auth.client_secret.get_secret_value(),
            refresh_token=auth.refresh_token.get_secret_value(),
        )

    def _oauth_client(self) -> httpx.AsyncClient:
        """The token endpoint's own client: outside the API's concurrency slots (it may be asked for a
        token while every slot is held by requests waiting for that very token)."""
        if self._token_client is None:
            policy = HttpPolicy(timeout=self.config.timeout, retry=RetryPolicy(max_attempts=self.config.max_attempts))
            self._token_client = self.context.http_client(base_url=self.config.token_url, policy=policy)
        return self._token_client

    async def open(self) -> None:
        auth = self.config.auth
        secrets = [auth.consumer_secret, auth.token_id, auth.token_secret] if isinstance(auth, TbaAuthConfig) else [
            auth.client_secret, auth.refresh_token,
        ]
        for secret in secrets:
            register_secret(secret.get_secret_value())
        self.client  # noqa: B018 - made now so configuration problems surface when the job opens

    async def close(self) -> None:
        self._client = None  # the runtime's context closes the clients it made
        self._token_client = None

    def crossdock_location(self, netsuite_location_id: str | None) -> str | None:
        """The Crossdock location of a NetSuite location internal ID (itself when no ``location_map``)."""
        if netsuite_location_id is None:
            return None
        if not self.config.location_map:
            return str(netsuite_location_id)
        return self._locations_by_netsuite_id.get(str(netsuite_location_id))

    # -- check -----------------------------------------------------------------------------------
    async def check(self) -> CheckResult:
        """A one-row SuiteQL query proves the credentials and the role; the account's concurrency limit
        is compared with ``concurrency_limit`` when the role may read it (administrators only)."""
        try:
            await run_query(self.client, "SELECT l.id AS id FROM location l ORDER BY l.id", limit=1)
        except ConnectorError as exc:
            details = {k: exc.details[k] for k in ("status", "url", "body") if k in exc.details}
            return CheckResult(ok=False, message=redact(exc.message), details=redact_value(details))
        details: dict[str, Any] = {"account": self.config.account_id, "concurrency_limit": self.config.concurrency_limit}
        message = f"SuiteQL answered for account {self.config.account_id}"
        try:
            response = await self.client.get(GOVERNANCE_PATH, extensions={RAISE_ERRORS_EXTENSION: False})
            limits = response.json() if response.status_code == 200 else None
        except (ConnectorError, ValueError):
            limits = None
        if isinstance(limits, dict):
            available = limits.get("integrationConcurrencyLimit", limits.get("accountConcurrencyLimit"))
            details["governance"] = limits
            if isinstance(available, int) and available < self.config.concurrency_limit:
                message += f"; warning: concurrency_limit {self.config.concurrency_limit} exceeds the {available} NetSuite allows"
        return CheckResult(ok=True, message=message, details=details)

    # -- sandbox ---------------------------------------------------------------------------------
    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """TBA credentials, locations and default customer of the seeded sandbox served at ``base_url``."""
        return {
            "account_id": SANDBOX_ACCOUNT_ID,
            "base_url": base_url,
            "auth": {"type": "tba", **SANDBOX_TBA},
            "concurrency_limit": 5,
            "time_zone": SANDBOX_TIME_ZONE,
            "default_customer_id": SANDBOX_DEFAULT_CUSTOMER_ID,
            "location_map": dict(SANDBOX_LOCATION_MAP),
            "subsidiary_map": {"*": "1"},
            "item_lookup": "itemid",
            "async_poll_interval": 0.0,
        }
