"""The Amazon Selling Partner API connector.

Reads orders with the Orders API v2026-01-01 (``searchOrders``), confirms shipments with
``confirmShipment`` (Orders API v0, which v2026-01-01 does not replace for writes) and writes
merchant-fulfilled stock in bulk as JSON_LISTINGS_FEED feeds::

    connections:
      amazon:
        connector: amazon
        config:
          region: na                          # or endpoint: https://… (a proxy, the sandbox)
          client_id: amzn1.application-oa2-client.…
          client_secret: "${env:AMAZON_LWA_CLIENT_SECRET}"
          refresh_token: "${env:AMAZON_REFRESH_TOKEN}"
          seller_id: A2…
          marketplace_ids: [ATVPDKIKX0DER]

Streams: ``orders`` (``Order``, mapping ``amazon/order``). Sinks: ``shipments`` (``Shipment``),
``stock`` (``StockLevel``, latest state, 25,000 per feed). ``crossdock sandbox serve amazon`` serves
the sandbox (``crossdock.connectors.amazon.sandbox``).
"""

from ._auth import LwaAuth, is_expired_token_response
from ._config import (
    REGION_ENDPOINTS,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_MARKETPLACE_ID,
    SANDBOX_REFRESH_TOKEN,
    SANDBOX_SELLER_ID,
    AmazonConfig,
)
from ._connector import USER_AGENT, AmazonConnector
from ._feed_ledger import FeedLedger, batch_digest
from ._feeds import FeedsClient
from ._orders import AmazonOrdersStream
from ._rates import LISTINGS_FEED_SUBMISSIONS, MAX_LISTINGS_FEED_MESSAGES, OPERATION_RATES, OperationLimiter, OperationRate
from ._shipments import ShipmentConfirmationSink, package_reference_id
from ._stock import LISTINGS_FEED_TYPE, StockFeedSink, listings_feed_document

__all__ = [
    "AmazonConfig",
    "AmazonConnector",
    "AmazonOrdersStream",
    "FeedLedger",
    "FeedsClient",
    "LISTINGS_FEED_SUBMISSIONS",
    "LISTINGS_FEED_TYPE",
    "LwaAuth",
    "MAX_LISTINGS_FEED_MESSAGES",
    "OPERATION_RATES",
    "OperationLimiter",
    "OperationRate",
    "REGION_ENDPOINTS",
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_MARKETPLACE_ID",
    "SANDBOX_REFRESH_TOKEN",
    "SANDBOX_SELLER_ID",
    "ShipmentConfirmationSink",
    "StockFeedSink",
    "USER_AGENT",
    "batch_digest",
    "is_expired_token_response",
    "listings_feed_document",
    "package_reference_id",
]
