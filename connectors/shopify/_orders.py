"""Reading orders incrementally: ``orders(sortKey: UPDATED_AT, query: "updated_at:>='…'")``, page by page.

Three Shopify limits shape the loop:

- **Single-query cost (1,000 points).** An order with its line items is worth ~20 points plus ~9 per
  line item asked for, so ``first: 250`` with line items is refused. The first page is small
  (``orders_page_size``); every response's ``requestedQueryCost`` says what one order costs, and the
  next page is sized to fit. A ``MAX_COST_EXCEEDED`` shrinks the page and asks again.
- **Line items per order.** Each order comes with its first ``line_items_page_size`` line items; an
  order with more has the rest fetched by ``order(id:) { lineItems(after:) }`` before it is yielded, so
  a record is always the whole order.
- **25,000 records per query.** Shopify stops paginating one query after 25,000 records
  (``hasNextPage`` turns false with more records matching). When a pass has served that many, the
  stream starts a new query at the last ``updatedAt`` it yielded (inclusive, so nothing updated in
  that same second is lost) and skips the orders it already yielded with exactly that timestamp.
  More than 25,000 orders sharing one timestamp cannot be split by ``updated_at`` and stop the read
  with a ``FatalError`` rather than looping.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from crossdock.core.contract import CursorPosition, Page, SourceRecord, Stream
from crossdock.core.errors import FatalError

from ._client import QueryTooCostly
from ._queries import ORDER_LINE_ITEMS, ORDER_LINE_ITEMS_PAGE, ORDERS, search_time

if TYPE_CHECKING:
    from ._connector import ShopifyConnector

__all__ = ["ShopifyOrdersStream", "fitted_page_size", "parse_shopify_time"]

MAX_QUERY_COST = 1000
"""Shopify's single-query cost limit."""
_MAX_PAGE = 250
_MAX_LINE_ITEM_PAGES = 100


def parse_shopify_time(text: str) -> datetime:
    """Shopify's ``DateTime`` (``2025-06-01T12:00:00Z``) as an aware datetime (UTC when no zone is given)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fitted_page_size(page_size: int, requested_cost: float | None, ceiling: float = MAX_QUERY_COST) -> int:
    """The largest page whose cost, at what this page cost per record, stays under ``ceiling`` (the
    single-query limit, or the shop's whole bucket when that is smaller)."""
    if not requested_cost or requested_cost <= 0:
        return page_size
    return max(1, min(_MAX_PAGE, math.floor(min(ceiling, MAX_QUERY_COST) * page_size / requested_cost)))


def _resume_token(since: datetime | None, after: str | None) -> str:
    return json.dumps({"since": since.isoformat() if since else None, "after": after})


def _from_resume_token(token: str) -> tuple[datetime | None, str | None]:
    data = json.loads(token)
    since = datetime.fromisoformat(data["since"]) if data.get("since") else None
    return since, data.get("after")


class ShopifyOrdersStream(Stream["ShopifyConnector"]):
    """Orders, oldest update first, as GraphQL ``Order`` nodes with all their line items."""

    name: ClassVar[str] = "orders"
    entity: ClassVar[str] = "Order"
    default_mapping: ClassVar[str | None] = "shopify/order"
    cursor_field: ClassVar[str | None] = "updatedAt"
    sorted_by_cursor: ClassVar[bool] = True
    default_lookback: ClassVar[timedelta] = timedelta(minutes=5)
    page_size: ClassVar[int] = _MAX_PAGE

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        config = self.connector.config
        graphql = self.connector.graphql
        since = position.since if isinstance(position.since, datetime) else None
        if isinstance(position.since, str):  # a configured start given as text
            since = parse_shopify_time(position.since)
        after: str | None = None
        if position.resume_token:
            since, after = _from_resume_token(position.resume_token)
        page_size = config.orders_page_size
        cost_per_order: float | None = None
        served = 0
        already_yielded: set[tuple[str, datetime]] = set()
        last_time: datetime | None = None
        at_last_time: set[str] = set()
        while True:
            variables: dict[str, Any] = {
                "first": page_size,
                "after": after,
                "query": f"updated_at:>={search_time(since)}" if since else None,
                "lineItems": config.line_items_page_size,
            }
            estimate = 2 + cost_per_order * page_size if cost_per_order else None
            try:
                result = await graphql.execute("CrossdockOrders", ORDERS, variables, cost=estimate)
            except QueryTooCostly as exc:
                smaller = fitted_page_size(page_size, exc.cost) if exc.cost else page_size // 2
                if smaller >= page_size:
                    smaller = page_size // 2
                if smaller < 1:
                    raise
                page_size = smaller
                continue
            if result.requested_cost:
                cost_per_order = max(result.requested_cost - 2, 1) / page_size
            page_size = fitted_page_size(page_size, result.requested_cost, self.connector.limiter.maximum)
            connection = result.data["orders"]
            nodes: list[dict[str, Any]] = connection["nodes"]
            records = []
            for node in nodes:
                updated = parse_shopify_time(node["updatedAt"])
                if (node["id"], updated) in already_yielded:
                    continue
                await self._complete_line_items(node)
                records.append(SourceRecord(key=node["id"], payload=node, cursor_value=updated))
                if last_time is None or updated > last_time:
                    last_time, at_last_time = updated, {node["id"]}
                elif updated == last_time:
                    at_last_time.add(node["id"])
            served += len(nodes)
            page_info = connection["pageInfo"]
            if page_info["hasNextPage"]:
                after = page_info["endCursor"]
                yield Page(records=records, resume_token=_resume_token(since, after))
                continue
            if served >= config.pagination_limit and nodes and last_time is not None:
                if since is not None and last_time <= since:
                    raise FatalError(
                        f"more than {config.pagination_limit} Shopify orders share updatedAt {last_time.isoformat()}: "
                        "they cannot be paged past Shopify's pagination limit by updated_at"
                    )
                self.connector.context.logger.info(
                    "orders: a query reached Shopify's %d-record pagination limit; continuing from updatedAt %s",
                    config.pagination_limit, last_time.isoformat(),
                )
                since, after, served = last_time, None, 0
                already_yielded = {(key, last_time) for key in at_last_time}
                yield Page(records=records, resume_token=_resume_token(since, None))
                continue
            yield Page(records=records, resume_token=None)
            return

    async def _complete_line_items(self, order: dict[str, Any]) -> None:
        """Fetch the line items beyond the first page, so the record is the whole order."""
        line_items = order.get("lineItems") or {}
        page_info = line_items.get("pageInfo") or {}
        if not page_info.get("hasNextPage"):
            return
        nodes = list(line_items.get("nodes") or [])
        after = page_info.get("endCursor")
        for _ in range(_MAX_LINE_ITEM_PAGES):
            result = await self.connector.graphql.execute(
                "CrossdockOrderLineItems", ORDER_LINE_ITEMS,
                {"id": order["id"], "first": ORDER_LINE_ITEMS_PAGE, "after": after},
            )
            connection = (result.data.get("order") or {}).get("lineItems") or {"nodes": [], "pageInfo": {}}
            nodes += connection["nodes"]
            after = connection["pageInfo"].get("endCursor")
            if not connection["pageInfo"].get("hasNextPage"):
                break
        order["lineItems"] = {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": after}}
