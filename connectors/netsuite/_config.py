"""The NetSuite connector's configuration, checked when the job loads.

Example (a job YAML's ``config`` block)::

    account_id: "1234567_SB1"                      # sandbox account → host 1234567-sb1.suitetalk.api.netsuite.com
    auth:
      type: tba                                   # or: {type: oauth2, client_id, client_secret, refresh_token}
      consumer_key: "${env:NS_CONSUMER_KEY}"
      consumer_secret: "${env:NS_CONSUMER_SECRET}"
      token_id: "${env:NS_TOKEN_ID}"
      token_secret: "${env:NS_TOKEN_SECRET}"
    concurrency_limit: 5                          # this integration's share of the account's limit
    time_zone: America/Los_Angeles                # the integration user's time zone preference
    default_customer_id: "100"                    # the customer marketplace/web orders are booked to
    location_map: {wh-east: "2", wh-main: "1"}     # Crossdock location ID → NetSuite location internal ID
    subsidiary_map: {"*": "1"}                    # order channel → subsidiary internal ID ("*": any other)
    item_lookup: itemid                           # SKU = item name/number (itemid); or externalid
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from crossdock.core.contract import ConnectorConfig

__all__ = ["AuthConfig", "NetSuiteConfig", "OAuth2AuthConfig", "TbaAuthConfig", "TOKEN_PATH"]

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
_ACCOUNT_ID = re.compile(r"^[0-9A-Za-z]+(?:_[A-Za-z]+[0-9]*)?$")


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TbaAuthConfig(_Block):
    """Token-based authentication: an integration record's consumer key/secret and a user's access
    token. Requests are signed with OAuth 1.0a HMAC-SHA256, ``realm`` = the account ID."""

    type: Literal["tba"]
    consumer_key: str = Field(min_length=1)
    consumer_secret: SecretStr
    token_id: SecretStr
    token_secret: SecretStr


class OAuth2AuthConfig(_Block):
    """OAuth 2.0 with the refresh-token grant: a user authorised the integration once (authorization
    code grant) and the refresh token it got is exchanged for hour-long access tokens.

    ``token_url`` defaults to the account's ``/services/rest/auth/oauth2/v1/token``.
    """

    type: Literal["oauth2"]
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    refresh_token: SecretStr
    token_url: str | None = None

    @field_validator("token_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("token_url must start with http:// or https://")
        return value


AuthConfig = Annotated[TbaAuthConfig | OAuth2AuthConfig, Field(discriminator="type")]


class NetSuiteConfig(ConnectorConfig):
    """One NetSuite account reached through SuiteTalk REST web services."""

    account_id: str
    """``1234567`` for production, ``1234567_SB1`` for a sandbox, ``1234567_RP`` for release preview."""
    base_url: str | None = None
    """Overrides ``https://<account>.suitetalk.api.netsuite.com`` (a sandbox, a proxy)."""
    auth: AuthConfig
    concurrency_limit: int = Field(default=5, ge=1, le=1000)
    """Requests this connection keeps in flight at most: the account's limit (15 + 10 per SuiteCloud
    Plus licence on tier 1) or the share allocated to this integration."""
    time_zone: str = "UTC"
    """The integration user's time zone preference: SuiteQL reads and writes date-times in it."""
    default_customer_id: str | None = None
    """Internal ID of the customer orders are booked to when they do not name one NetSuite knows."""
    customer_by_external_id: bool = False
    """Book an order to the customer whose external ID is ``<channel>-<customer.external_id>``."""
    subsidiary_map: dict[str, str] = Field(default_factory=dict)
    """Order channel → subsidiary internal ID (OneWorld); ``"*"`` for every other channel."""
    location_map: dict[str, str] = Field(default_factory=dict)
    """Crossdock location ID → NetSuite location internal ID (order lines, shipments, stock)."""
    default_location_id: str | None = None
    """Location internal ID for orders whose lines were not routed to one."""
    item_lookup: Literal["itemid", "externalid"] = "itemid"
    """How a SKU finds its item: its Name/Number (``itemid``, looked up once with SuiteQL and cached),
    or its external ID (``externalid``: items were imported with the SKU as external ID)."""
    async_writes: bool = False
    """Send upserts with ``Prefer: respond-async`` and an idempotency key, then poll the job."""
    async_poll_interval: float = Field(default=1.0, ge=0)
    async_max_polls: int = Field(default=60, ge=1)
    page_size: int = Field(default=1000, ge=1, le=1000)
    """SuiteQL rows per request (NetSuite's maximum is 1000)."""
    stock_full_refresh: bool = False
    """Read every item-location on each run instead of only those whose available quantity changed."""
    timeout: float = Field(default=60.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: str) -> str:
        value = value.strip()
        if not _ACCOUNT_ID.match(value):
            raise ValueError("account_id looks like 1234567 or 1234567_SB1 (Setup > Company > Company Information)")
        return value.upper()

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"time_zone must be an IANA zone name such as America/Los_Angeles, not {value!r}") from None
        return value

    @property
    def realm(self) -> str:
        """The TBA ``realm``: the account ID as NetSuite writes it (``1234567_SB1``)."""
        return self.account_id

    @property
    def api_base_url(self) -> str:
        """``https://1234567-sb1.suitetalk.api.netsuite.com``: the account ID in lower case, ``_`` → ``-``."""
        if self.base_url:
            return self.base_url
        return f"https://{self.account_id.lower().replace('_', '-')}.suitetalk.api.netsuite.com"

    @property
    def token_url(self) -> str:
        if isinstance(self.auth, OAuth2AuthConfig) and self.auth.token_url:
            return self.auth.token_url
        return self.api_base_url + TOKEN_PATH
