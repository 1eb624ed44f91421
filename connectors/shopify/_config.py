"""The Shopify connector's configuration, checked when the job loads."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from crossdock.core.contract import ConnectorConfig

__all__ = ["ShopifyConfig", "PLAN_LIMITS", "DEFAULT_API_VERSION"]

DEFAULT_API_VERSION = "2026-04"
"""The Admin API version this connector is written and tested against (Shopify supports each for a year)."""

PLAN_LIMITS: dict[str, tuple[float, float]] = {
    "standard": (2000.0, 100.0),
    "advanced": (4000.0, 200.0),
    "plus": (20000.0, 1000.0),
    "enterprise": (40000.0, 2000.0),
}
"""Cost bucket size and restore rate (points per second) the client starts from, per Shopify plan.
The first response's ``throttleStatus`` replaces them with the shop's real figures."""

_SHOP = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VERSION = re.compile(r"^(\d{4}-(01|04|07|10)|unstable)$")
_LOCATION_GID = re.compile(r"^gid://shopify/Location/\d+$")


class ShopifyConfig(ConnectorConfig):
    """One Shopify store, reached through the Admin GraphQL API with an app's access token.

    ``location_ids`` maps Crossdock's location codes (``StockLevel.location_id``,
    ``Shipment.ship_from_location_id``) to the shop's location GIDs. ``base_url`` replaces
    ``https://{shop}.myshopify.com`` (a sandbox, a proxy). Page sizes start small and grow from the cost
    the shop reports, so queries stay under Shopify's 1,000-point single-query limit.
    """

    shop: str = Field(description="The shop: 'acme', 'acme.myshopify.com' or its https URL.")
    access_token: SecretStr
    api_version: str = DEFAULT_API_VERSION
    base_url: str | None = None
    location_ids: dict[str, str] = Field(default_factory=dict)
    webhook_secret: SecretStr | None = Field(default=None, description="The app's client secret (webhook HMAC key).")
    plan: Literal["standard", "advanced", "plus", "enterprise"] = "standard"
    restore_rate: float | None = Field(default=None, gt=0, description="Overrides the plan's restore rate.")
    bucket_size: float | None = Field(default=None, gt=0, description="Overrides the plan's bucket size.")
    orders_page_size: int = Field(default=5, ge=1, le=250, description="Orders on the first page; later pages are "
                                  "sized from the cost the shop reports.")
    line_items_page_size: int = Field(default=10, ge=1, le=250, description="Line items read with each order; the "
                                      "rest of a longer order is fetched separately.")
    pagination_limit: int = Field(default=25_000, ge=1, description="Shopify's ceiling on records paged through by "
                                  "one query; a pass that reaches it restarts from its last updatedAt.")
    notify_customer: bool = False
    inventory_quantity_name: Literal["available", "on_hand"] = "available"
    inventory_reason: str = "correction"
    timeout: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)

    @field_validator("shop")
    @classmethod
    def _shop_domain(cls, value: str) -> str:
        """Normalised to ``name.myshopify.com`` whatever form it was given in."""
        text = value.strip().lower()
        text = re.sub(r"^https?://", "", text).split("/", 1)[0]
        name = text.removesuffix(".myshopify.com")
        if not _SHOP.match(name):
            raise ValueError(f"'{value}' is not a shop name or a myshopify.com domain")
        return f"{name}.myshopify.com"

    @field_validator("api_version")
    @classmethod
    def _known_version_format(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError(f"'{value}' is not a Shopify API version (YYYY-01/04/07/10 or 'unstable')")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.match(r"^https?://[^/]+", value):
            raise ValueError("base_url must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("location_ids")
    @classmethod
    def _location_gids(cls, value: dict[str, str]) -> dict[str, str]:
        for code, gid in value.items():
            if not _LOCATION_GID.match(gid):
                raise ValueError(f"location '{code}': '{gid}' is not a location GID (gid://shopify/Location/<id>)")
        return value

    @property
    def endpoint_base(self) -> str:
        return self.base_url or f"https://{self.shop}"

    @property
    def graphql_path(self) -> str:
        return f"/admin/api/{self.api_version}/graphql.json"

    @property
    def bucket(self) -> tuple[float, float]:
        """(size, restore rate) the client's cost bucket starts from."""
        size, rate = PLAN_LIMITS[self.plan]
        return self.bucket_size or size, self.restore_rate or rate
