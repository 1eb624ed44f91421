"""The ``stock`` sink: canonical StockLevels → one JSON_LISTINGS_FEED of PATCH messages per batch.

Each record becomes ``{messageId, sku, operationType: "PATCH", productType, patches: [{op: "replace",
path: "/attributes/fulfillment_availability", value: [{fulfillment_channel_code: "DEFAULT", quantity}]}]}``
under the header ``{sellerId, version: "2.0", issueLocale}`` (schemas/feeds/listings-feed-schema-v2.json).
A feed holds at most 25,000 messages, the sink's ``batch_size``.

Messages are numbered in the order of the batch's sorted idempotency keys, so a re-sent batch numbers
its records exactly as the feed in flight did (and a batch over the limit splits the same way each time).
The processing report (listings-feed-processing-report-schema-v2.json) lists ``issues`` by
``messageId``: a message with an ``ERROR`` issue is that record's ``RecordError`` (Amazon's code and
message, so it lands in the error queue), every other message was accepted. A ``FATAL`` or ``CANCELLED`` feed fails every record of the batch with the reason.

Quantities below zero (an oversold ``available``) are sent as 0: Amazon refuses negative quantities, and
refusing the message would leave the old, positive quantity on sale.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from crossdock.core.contract import Sink, WriteMode, WriteRequest, WriteResult
from crossdock.core.errors import RecordError
from crossdock.core.models import StockLevel

from ._feed_ledger import FeedLedger, batch_digest
from ._feeds import FeedsClient
from ._rates import MAX_LISTINGS_FEED_MESSAGES

if TYPE_CHECKING:
    from ._connector import AmazonConnector

__all__ = ["StockFeedSink", "LISTINGS_FEED_TYPE", "listings_feed_document"]

LISTINGS_FEED_TYPE = "JSON_LISTINGS_FEED"
AVAILABILITY_PATH = "/attributes/fulfillment_availability"


def listings_feed_document(
    levels: Sequence[StockLevel],
    *,
    seller_id: str,
    issue_locale: str,
    product_type: str,
    channel_code: str,
) -> dict[str, Any]:
    """The feed: message ``n`` (from 1) patches ``levels[n-1]``'s SKU to its available quantity."""
    if len(levels) > MAX_LISTINGS_FEED_MESSAGES:
        raise ValueError(f"a JSON_LISTINGS_FEED holds at most {MAX_LISTINGS_FEED_MESSAGES} messages, not {len(levels)}")
    messages = [
        {
            "messageId": number,
            "sku": level.sku,
            "operationType": "PATCH",
            "productType": product_type,
            "patches": [
                {
                    "op": "replace",
                    "path": AVAILABILITY_PATH,
                    "value": [{"fulfillment_channel_code": channel_code, "quantity": _quantity(level)}],
                }
            ],
        }
        for number, level in enumerate(levels, start=1)
    ]
    return {"header": {"sellerId": seller_id, "version": "2.0", "issueLocale": issue_locale}, "messages": messages}


def _quantity(level: StockLevel) -> int:
    return max(level.available or 0, 0)


class StockFeedSink(Sink["AmazonConnector"]):
    """Merchant-fulfilled quantities, written in bulk through the Feeds API."""

    name = "stock"
    entity = "StockLevel"
    default_mapping = None  # the feed is built from the canonical records
    batch_size = MAX_LISTINGS_FEED_MESSAGES
    write_mode = WriteMode.LATEST_STATE

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        """One feed per 25,000 records (a caller that hands over more still gets valid feeds)."""
        requests = sorted(batch, key=lambda r: r.idempotency_key)
        results: list[WriteResult] = []
        for start in range(0, len(requests), MAX_LISTINGS_FEED_MESSAGES):
            results += await self._write_feed(requests[start : start + MAX_LISTINGS_FEED_MESSAGES])
        return results

    async def _write_feed(self, requests: Sequence[WriteRequest]) -> list[WriteResult]:
        connector = self.connector
        levels = [r.record if isinstance(r.record, StockLevel) else StockLevel.model_validate(r.record) for r in requests]
        config = connector.config
        document = listings_feed_document(
            levels,
            seller_id=config.seller_id,
            issue_locale=config.issue_locale,
            product_type=config.product_type,
            channel_code=config.fulfillment_channel_code,
        )
        ledger = FeedLedger(connector.context.state, job=connector.context.job, connection=connector.context.connection)
        digest = batch_digest([r.idempotency_key for r in requests])
        feeds = FeedsClient(connector)
        entry = await ledger.get(digest)
        if entry is not None:
            feed_id = entry.feed_id
            connector.context.logger.info("stock batch %s: polling feed %s already submitted for it", digest, feed_id)
        else:
            content = json.dumps(document, separators=(",", ":")).encode()
            feed_id = await feeds.submit(LISTINGS_FEED_TYPE, content)
            await ledger.submitted(digest, feed_id)
        feed = await feeds.wait(feed_id)
        status = str(feed.get("processingStatus"))
        report = await feeds.result_document(feed) if status != "CANCELLED" else None
        await ledger.finished(digest, feed_id, status)
        return _results(requests, levels, feed_id, status, report)


def _results(
    requests: Sequence[WriteRequest], levels: Sequence[StockLevel], feed_id: str, status: str, report: Any
) -> list[WriteResult]:
    issues = report.get("issues") if isinstance(report, dict) else None
    issues = [i for i in issues or [] if isinstance(i, dict)]
    by_message: dict[int, list[dict[str, Any]]] = {}
    unattached: list[dict[str, Any]] = []
    for issue in issues:
        message_id = issue.get("messageId")
        if isinstance(message_id, int):
            by_message.setdefault(message_id, []).append(issue)
        else:
            unattached.append(issue)
    accepted = (report.get("summary") or {}).get("messagesAccepted") if isinstance(report, dict) else None
    whole_feed_failed = status != "DONE" or (
        accepted == 0 and any(i.get("severity") == "ERROR" for i in unattached)
    )

    results = []
    for number, (request, level) in enumerate(zip(requests, levels, strict=True), start=1):
        details: dict[str, Any] = {"feed_id": feed_id, "message_id": number}
        if level.available is not None and level.available < 0:
            details["available"] = level.available
            details["quantity_sent"] = 0
        if whole_feed_failed:
            error = RecordError(
                f"Amazon did not process stock feed {feed_id} ({status}): "
                + ("; ".join(_describe(i) for i in unattached) or "no processing report issues"),
                details={**details, "processingStatus": status, "issues": unattached},
            )
            results.append(WriteResult(request.idempotency_key, error=error, details=details))
            continue
        mine = by_message.get(number, [])
        errors = [i for i in mine if i.get("severity") == "ERROR"]
        if errors:
            error = RecordError(
                f"Amazon rejected the stock update of SKU {level.sku}: " + "; ".join(_describe(i) for i in errors),
                details={**details, "sku": level.sku, "issues": mine},
            )
            results.append(WriteResult(request.idempotency_key, error=error, details=details))
        else:
            if mine:
                details["warnings"] = mine
            results.append(WriteResult(request.idempotency_key, details=details))
    return results


def _describe(issue: dict[str, Any]) -> str:
    code = issue.get("code")
    return f"{code}: {issue.get('message', '')}" if code else str(issue.get("message", ""))
