"""The Shopify connector: orders in, fulfilments and stock out, over the Admin GraphQL API.

::

    connections:
      shop:
        connector: shopify
        config:
          shop: acme                       # or acme.myshopify.com
          access_token: "${env:SHOPIFY_TOKEN}"
          api_version: "2026-04"           # the default; pinned, configurable
          location_ids: {WH-EAST: "gid://shopify/Location/123"}
          webhook_secret: "${env:SHOPIFY_CLIENT_SECRET}"   # only to receive webhooks
          plan: standard                   # the cost bucket to start from (learnt from the shop anyway)

Streams: ``orders`` (Order via ``shopify/order``; incremental on ``updatedAt`` with a 5-minute lookback).
Sinks: ``fulfilments`` (Shipment → ``fulfillmentCreate`` on the order's open fulfillment orders, with
tracking; a resend creates nothing) and ``stock`` (StockLevel → ``inventorySetQuantities`` with
``changeFromQuantity`` and ``@idempotent``, 250 lines per call). Webhooks: :func:`verify_webhook`,
:class:`WebhookReceiver` (de-duplicated by ``X-Shopify-Webhook-Id``) and :func:`webhook_app`.

Rate limits follow Shopify's calculated query cost: the connection's ``CostBucketLimiter`` is fed by
every response's ``throttleStatus``, each call is charged what Shopify said its previous call of the
same shape cost, and ``THROTTLED`` answers are waited out by the HTTP policy, never reported as record
errors. ``crossdock sandbox serve shopify`` serves the emulated Admin API (see ``.sandbox``).
"""

from ._client import GraphQLResult, QueryTooCostly, ShopifyGraphQL
from ._config import DEFAULT_API_VERSION, PLAN_LIMITS, ShopifyConfig
from ._connector import ACCESS_TOKEN_HEADER, ShopifyConnector
from ._fulfilments import ShopifyFulfilmentsSink
from ._inventory import InventoryResolver, ItemLookup, LevelState
from ._orders import ShopifyOrdersStream, fitted_page_size
from ._stock import MAX_QUANTITIES_PER_CALL, ShopifyStockSink, mutation_idempotency_key
from ._webhooks import (
    HMAC_HEADER,
    RECORD_TOPICS,
    SHOP_DOMAIN_HEADER,
    TOPIC_HEADER,
    WEBHOOK_ID_HEADER,
    InvalidWebhookSignature,
    WebhookDelivery,
    WebhookPayloadError,
    WebhookReceiver,
    sign_webhook,
    verify_webhook,
    webhook_app,
)

__all__ = [
    "ACCESS_TOKEN_HEADER",
    "DEFAULT_API_VERSION",
    "GraphQLResult",
    "HMAC_HEADER",
    "InvalidWebhookSignature",
    "InventoryResolver",
    "ItemLookup",
    "LevelState",
    "MAX_QUANTITIES_PER_CALL",
    "PLAN_LIMITS",
    "QueryTooCostly",
    "RECORD_TOPICS",
    "SHOP_DOMAIN_HEADER",
    "ShopifyConfig",
    "ShopifyConnector",
    "ShopifyFulfilmentsSink",
    "ShopifyGraphQL",
    "ShopifyOrdersStream",
    "ShopifyStockSink",
    "TOPIC_HEADER",
    "WEBHOOK_ID_HEADER",
    "WebhookDelivery",
    "WebhookPayloadError",
    "WebhookReceiver",
    "fitted_page_size",
    "mutation_idempotency_key",
    "sign_webhook",
    "verify_webhook",
    "webhook_app",
]
