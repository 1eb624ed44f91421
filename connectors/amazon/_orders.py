"""The ``orders`` stream: Orders API v2026-01-01 ``searchOrders`` by ``lastUpdatedAfter``.

``GET /orders/2026-01-01/orders`` takes exactly one of ``createdAfter``/``lastUpdatedAfter``; this stream
uses ``lastUpdatedAfter`` (inclusive), 100 orders a page (the maximum), and asks for the datasets the
``amazon/order`` mapping reads (``includedData`` BUYER, RECIPIENT, PROCEEDS, FULFILLMENT; line items are
always part of an order). The next page is requested with ``paginationToken`` = the previous page's
``pagination.nextToken``.

Pages come in no particular ``lastUpdatedTime`` order, so the stream declares ``sorted_by_cursor =
False`` and returns each page's ``nextToken`` as ``Page.resume_token``: the runner keeps it with the
cursor and an interrupted pass continues from the page it stopped at instead of starting over or
losing its tail. Array parameters are comma-separated (Swagger 2.0's default ``collectionFormat``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream
from crossdock.core.errors import RetryableError

from ._wire import iso_timestamp, parse_timestamp, read_json

if TYPE_CHECKING:
    from ._connector import AmazonConnector

__all__ = ["AmazonOrdersStream", "SEARCH_ORDERS_PATH", "ORDER_DATASETS"]

SEARCH_ORDERS_PATH = "/orders/2026-01-01/orders"
ORDER_DATASETS = ("BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT")
MAX_RESULTS_PER_PAGE = 100


class AmazonOrdersStream(Stream["AmazonConnector"]):
    """Orders created or updated since the cursor, as v2026-01-01 ``Order`` objects."""

    name = "orders"
    entity = "Order"
    default_mapping = "amazon/order"
    cursor_field = "lastUpdatedTime"
    sorted_by_cursor = False
    default_lookback: ClassVar[timedelta] = timedelta(minutes=5)
    """Amazon's ``lastUpdatedAfter`` index lags a little behind the order itself."""
    page_size = MAX_RESULTS_PER_PAGE

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        connector = self.connector
        since = _since(position.since) or connector.now() - connector.config.initial_lookback
        query: dict[str, Any] = {
            "lastUpdatedAfter": iso_timestamp(since),
            "marketplaceIds": ",".join(connector.config.marketplace_ids),
            "maxResultsPerPage": self.page_size,
            "includedData": ",".join(ORDER_DATASETS),
        }
        token = position.resume_token
        while True:
            params = {**query, "paginationToken": token} if token else query
            response = await connector.client.get(
                SEARCH_ORDERS_PATH, params=params, extensions=connector.limiter_extension("searchOrders")
            )
            body = read_json(response)
            orders = body.get("orders") if isinstance(body, dict) else None
            if not isinstance(orders, list):
                raise RetryableError("searchOrders answered without an orders list", details={"status": response.status_code})
            token = (body.get("pagination") or {}).get("nextToken") or None
            yield Page(records=[_record(order) for order in orders], resume_token=token)
            if token is None:
                return


def _since(value: object) -> datetime | None:
    """The cursor's lower bound as an aware datetime (a job's ``initial_value`` may be ISO text)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value.strip():
        return parse_timestamp(value.strip())
    return None


def _record(order: dict[str, Any]) -> SourceRecord:
    updated = order.get("lastUpdatedTime")
    return SourceRecord(
        key=str(order.get("orderId", "")),
        payload=order,
        cursor_value=parse_timestamp(updated) if isinstance(updated, str) else None,
    )
