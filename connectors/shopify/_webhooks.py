"""Receiving Shopify webhooks: verify the signature, drop duplicates, turn payloads into source records.

Shopify signs each delivery with ``X-Shopify-Hmac-SHA256``: the base64 HMAC-SHA256 of the *raw* body,
keyed with the app's client secret. The comparison is constant-time (``hmac.compare_digest``), so a
forger learns nothing from how long a rejection takes. Shopify delivers at least once and retries
for hours; ``X-Shopify-Webhook-Id`` is the same on every retry of one delivery, so the receiver
remembers it in the state store (``remember``, atomic) and reports a second arrival as a duplicate.
If handing the record on fails, the ID is forgotten again so Shopify's retry is processed.

Topics turned into records (REST-shaped payloads, as Shopify sends them):

- ``orders/create``, ``orders/updated`` → key: the order GID, cursor: ``updated_at``; mapped to a
  canonical Order by ``shopify/order_webhook``;
- ``inventory_levels/update`` → key ``<inventory item GID>@<location GID>``, cursor ``updated_at``;
  the payload is given the item and location GIDs, the Crossdock location code (from the config's
  ``location_ids``) and the SKU (looked up by item when a resolver is given); mapped to a StockLevel
  by ``shopify/inventory_level_webhook``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crossdock.core.contract import SourceRecord
from crossdock.core.errors import CrossdockError

__all__ = [
    "HMAC_HEADER",
    "TOPIC_HEADER",
    "WEBHOOK_ID_HEADER",
    "SHOP_DOMAIN_HEADER",
    "RECORD_TOPICS",
    "InvalidWebhookSignature",
    "WebhookPayloadError",
    "WebhookDelivery",
    "WebhookReceiver",
    "sign_webhook",
    "verify_webhook",
    "webhook_app",
]

HMAC_HEADER = "X-Shopify-Hmac-SHA256"
TOPIC_HEADER = "X-Shopify-Topic"
WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id"
SHOP_DOMAIN_HEADER = "X-Shopify-Shop-Domain"
RECORD_TOPICS: dict[str, str] = {
    "orders/create": "orders",
    "orders/updated": "orders",
    "inventory_levels/update": "stock",
}
"""Topic → the kind of record it becomes (``orders`` or ``stock``)."""

Secret = SecretStr | str | bytes
SkuResolver = Callable[[list[str]], Awaitable[Mapping[str, str]]]


class InvalidWebhookSignature(CrossdockError):
    """The delivery's HMAC does not match its body: not from Shopify, or altered on the way."""


class WebhookPayloadError(CrossdockError):
    """A correctly signed delivery whose body is not the JSON its topic should carry."""


def _key(secret: Secret) -> bytes:
    if isinstance(secret, SecretStr):
        return secret.get_secret_value().encode()
    return secret.encode() if isinstance(secret, str) else secret


def sign_webhook(raw_body: bytes, secret: Secret) -> str:
    """The ``X-Shopify-Hmac-SHA256`` value Shopify sends for ``raw_body`` (sandbox and tests use it)."""
    return base64.b64encode(hmac.new(_key(secret), raw_body, hashlib.sha256).digest()).decode()


def verify_webhook(raw_body: bytes, hmac_header: str | None, secret: Secret) -> bool:
    """Whether ``hmac_header`` is Shopify's signature of ``raw_body``, compared in constant time.

    ``raw_body`` must be the bytes as received: re-serialised JSON will not match.
    """
    expected = sign_webhook(raw_body, secret).encode()
    given = (hmac_header or "").strip().encode("utf-8", errors="replace")
    return hmac.compare_digest(expected, given)


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """What became of one delivery: ``accepted`` (with its record), ``duplicate`` or ``ignored`` (a topic
    or shop this receiver does not handle)."""

    status: Literal["accepted", "duplicate", "ignored"]
    topic: str
    webhook_id: str | None
    record: SourceRecord | None = None
    kind: str | None = None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class WebhookReceiver:
    """Verifies, de-duplicates and converts Shopify webhook deliveries.

    ``state`` is the job's state store (anything with ``remember(scope, key)`` / ``forget(scope, key)``).
    ``shop`` (``acme.myshopify.com``), when given, drops deliveries for other shops.
    """

    def __init__(
        self,
        *,
        secret: Secret,
        state: Any,
        shop: str | None = None,
        location_ids: Mapping[str, str] | None = None,
        sku_resolver: SkuResolver | None = None,
        scope: str = "shopify:webhooks",
    ) -> None:
        self._secret = secret
        self.state = state
        self.shop = shop
        self.locations_by_gid = {gid: code for code, gid in (location_ids or {}).items()}
        self.sku_resolver = sku_resolver
        self.scope = scope if shop is None else f"{scope}:{shop}"

    async def receive(
        self,
        headers: Mapping[str, str],
        raw_body: bytes,
        *,
        deliver: Callable[[WebhookDelivery], Awaitable[None]] | None = None,
    ) -> WebhookDelivery:
        """Handle one delivery; ``deliver`` is called with an accepted delivery before it counts as seen.

        Raises :class:`InvalidWebhookSignature` (answer 401) or :class:`WebhookPayloadError` (answer 400).
        """
        lowered = {name.lower(): value for name, value in headers.items()}
        if not verify_webhook(raw_body, lowered.get(HMAC_HEADER.lower()), self._secret):
            raise InvalidWebhookSignature("the webhook's X-Shopify-Hmac-SHA256 does not match its body")
        topic = lowered.get(TOPIC_HEADER.lower(), "")
        webhook_id = lowered.get(WEBHOOK_ID_HEADER.lower()) or None
        shop = lowered.get(SHOP_DOMAIN_HEADER.lower())
        kind = RECORD_TOPICS.get(topic)
        if kind is None or (self.shop is not None and shop not in (None, self.shop)):
            return WebhookDelivery("ignored", topic, webhook_id)
        try:
            payload = json.loads(raw_body)
        except (UnicodeDecodeError, ValueError):
            raise WebhookPayloadError(f"the {topic} webhook body is not JSON") from None
        if not isinstance(payload, dict):
            raise WebhookPayloadError(f"the {topic} webhook body is not a JSON object")
        if webhook_id is not None and not await self.state.remember(self.scope, webhook_id):
            return WebhookDelivery("duplicate", topic, webhook_id, kind=kind)
        try:
            record = await (self._order(payload) if kind == "orders" else self._stock(payload))
            delivery = WebhookDelivery("accepted", topic, webhook_id, record, kind)
            if deliver is not None:
                await deliver(delivery)
        except BaseException:
            if webhook_id is not None:
                await self.state.forget(self.scope, webhook_id)
            raise
        return delivery

    async def _order(self, payload: dict[str, Any]) -> SourceRecord:
        key = payload.get("admin_graphql_api_id") or (f"gid://shopify/Order/{payload['id']}" if payload.get("id") else None)
        if not key:
            raise WebhookPayloadError("the order webhook carries no order id")
        try:
            cursor = _timestamp(payload.get("updated_at"))
        except ValueError:
            raise WebhookPayloadError("the order webhook's updated_at is not a timestamp") from None
        return SourceRecord(key=str(key), payload=payload, cursor_value=cursor)

    async def _stock(self, payload: dict[str, Any]) -> SourceRecord:
        item, location = payload.get("inventory_item_id"), payload.get("location_id")
        if item is None or location is None:
            raise WebhookPayloadError("the inventory level webhook carries no inventory_item_id or location_id")
        item_gid, location_gid = f"gid://shopify/InventoryItem/{item}", f"gid://shopify/Location/{location}"
        enriched = {
            **payload,
            "inventory_item_gid": item_gid,
            "location_gid": location_gid,
            "crossdock_location_id": self.locations_by_gid.get(location_gid, location_gid),
        }
        if self.sku_resolver is not None and "sku" not in payload:
            skus = await self.sku_resolver([item_gid])
            enriched["sku"] = skus.get(item_gid)
        try:
            cursor = _timestamp(payload.get("updated_at"))
        except ValueError:
            raise WebhookPayloadError("the inventory level webhook's updated_at is not a timestamp") from None
        return SourceRecord(key=f"{item_gid}@{location_gid}", payload=enriched, cursor_value=cursor)


def webhook_app(
    receiver: WebhookReceiver,
    on_delivery: Callable[[WebhookDelivery], Awaitable[None]],
    *,
    path: str = "/webhooks/shopify",
) -> Starlette:
    """A small ASGI app receiving Shopify webhooks at ``POST path``.

    Answers 200 for accepted, duplicate and ignored deliveries (Shopify must not retry those), 401 for a
    bad signature, 400 for a malformed body, and 500 when ``on_delivery`` fails (Shopify retries later;
    the delivery ID was forgotten so the retry is processed).
    """

    async def endpoint(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            delivery = await receiver.receive(request.headers, body, deliver=on_delivery)
        except InvalidWebhookSignature:
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        except WebhookPayloadError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except Exception:
            return JSONResponse({"error": "the delivery could not be processed"}, status_code=500)
        return JSONResponse({"status": delivery.status})

    return Starlette(routes=[Route(path, endpoint, methods=["POST"])])
