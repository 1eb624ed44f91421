"""What a connection to one seller's Selling Partner API account needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, SecretStr, model_validator

from crossdock.core.contract import ConnectorConfig

__all__ = [
    "AmazonConfig",
    "REGION_ENDPOINTS",
    "DEFAULT_LWA_ENDPOINT",
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_REFRESH_TOKEN",
    "SANDBOX_SELLER_ID",
    "SANDBOX_MARKETPLACE_ID",
]

REGION_ENDPOINTS: dict[str, str] = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
"""SP-API hosts per region (NA from the vendor models' ``host``; EU/FE as python-amazon-sp-api uses them)."""

DEFAULT_LWA_ENDPOINT = "https://api.amazon.com/auth/o2/token"
"""Login with Amazon's token endpoint, the same for every region."""

SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.crossdocksandbox"
SANDBOX_CLIENT_SECRET = "amzn1.oa2-cs.v1.crossdock-sandbox-client-secret"
SANDBOX_REFRESH_TOKEN = "Atzr|crossdock-sandbox-refresh-token"
SANDBOX_SELLER_ID = "A2CROSSDOCKSANDBOX"
SANDBOX_MARKETPLACE_ID = "ATVPDKIKX0DER"
"""Credentials the sandbox accepts (not secrets: they open nothing real) and its marketplace (Amazon.com)."""


class AmazonConfig(ConnectorConfig):
    """One seller's SP-API authorisation.

    ``client_id``/``client_secret`` are the LWA credentials of the developer's app, ``refresh_token`` the
    seller's authorisation of it. ``endpoint`` and ``lwa_endpoint`` override the region's hosts (a
    sandbox, a proxy). Feed polling: a JSON_LISTINGS_FEED usually takes minutes; the sink polls every
    ``feed_poll_interval`` seconds for at most ``feed_poll_timeout`` before handing the batch back to the
    runtime as retryable (the feed itself is remembered and polled again on the next attempt).
    """

    region: Literal["na", "eu", "fe"] = "na"
    endpoint: str | None = None
    lwa_endpoint: str = DEFAULT_LWA_ENDPOINT
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    refresh_token: SecretStr
    seller_id: str = Field(min_length=1)
    marketplace_ids: list[str] = Field(min_length=1, max_length=50)
    initial_lookback: timedelta = timedelta(days=30)
    """How far back the first read of orders starts when the job gives no initial cursor value."""
    issue_locale: str = "en_US"
    product_type: str = "PRODUCT"
    """``productType`` of stock PATCH messages (Amazon accepts ``PRODUCT`` for offer-level attributes)."""
    fulfillment_channel_code: str = "DEFAULT"
    """``DEFAULT`` is the seller's own (MFN) stock; FBA quantities are Amazon's and are never written."""
    feed_poll_interval: float = Field(default=30.0, ge=0)
    feed_poll_timeout: float = Field(default=1800.0, ge=0)
    timeout: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _no_blank_marketplace(self) -> AmazonConfig:
        if any(not m.strip() for m in self.marketplace_ids):
            raise ValueError("marketplace_ids must not contain blank entries")
        return self

    @property
    def api_endpoint(self) -> str:
        """The SP-API base URL: ``endpoint`` when given, else the region's host."""
        return (self.endpoint or REGION_ENDPOINTS[self.region]).rstrip("/")
