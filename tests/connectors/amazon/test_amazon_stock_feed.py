"""Stock as JSON_LISTINGS_FEED: document, pre-signed upload, feed, polling, processing report, error results."""

from __future__ import annotations

import asyncio
import gzip
import json
from typing import Any

import jsonschema
import pytest

from crossdock.connectors.amazon import MAX_LISTINGS_FEED_MESSAGES, FeedsClient, batch_digest
from crossdock.core.contract import WriteRequest
from crossdock.core.errors import RecordError, RetryableError
from crossdock.core.models import StockLevel

DOCUMENTS = r"/feeds/2021-06-30/documents"
FEEDS = r"/feeds/2021-06-30/feeds"
UPLOAD = r"/feed-documents/[^/]+"


def stock(sku: str, available: int, *, key: str | None = None) -> WriteRequest:
    level = StockLevel(sku=sku, location_id="WH-EAST", available=available)
    return WriteRequest(idempotency_key=key or f"stock-{sku}-{available}", trace_key=level.key, record=level)


async def test_stock_feed_flow_end_to_end_with_rejected_messages_to_error_results(
    sandbox: Any, open_amazon: Any, control: Any, listings_schemas: Any
) -> None:
    batch = [stock("CD-00001", 7), stock("CD-00002", 0), stock("NOT-LISTED-1", 4), stock("CD-00003", 12)]
    async with open_amazon(sandbox) as connector:
        results = await connector.sink("stock").write(batch)

    steps = [(e.method, collection_of(e.path), e.status) for e in sandbox.exchanges if e.path != "/auth/o2/token"]
    assert steps == [
        ("POST", "/feeds/2021-06-30/documents", 201),
        ("PUT", "/feed-documents", 200),
        ("POST", "/feeds/2021-06-30/feeds", 202),
        ("GET", "/feeds/2021-06-30/feeds", 200),
        ("GET", "/feeds/2021-06-30/feeds", 200),
        ("GET", "/feeds/2021-06-30/feeds", 200),
        ("GET", "/feeds/2021-06-30/documents", 200),
        ("GET", "/feed-documents", 200),
    ], "createFeedDocument → upload → createFeed → getFeed until DONE → getFeedDocument → download"
    [create_document] = sandbox.calls("POST", DOCUMENTS)
    assert create_document.json() == {"contentType": "application/json"}
    [upload] = sandbox.calls("PUT", UPLOAD)
    assert "x-amz-access-token" not in upload.headers, "the pre-signed URL is the upload's only credential"
    assert upload.headers["content-type"] == "application/json"
    document = json.loads(upload.body)
    jsonschema.validate(document, listings_schemas["feed"])
    assert document["header"] == {"sellerId": "A2CROSSDOCKSANDBOX", "version": "2.0", "issueLocale": "en_US"}
    assert document["messages"][0] == {
        "messageId": 1,
        "sku": document["messages"][0]["sku"],
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability",
                     "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": document["messages"][0]["patches"][0]["value"][0]["quantity"]}]}],
    }  # fmt: skip
    [create_feed] = sandbox.calls("POST", FEEDS)
    assert create_feed.json() == {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "inputFeedDocumentId": create_document.response_json()["feedDocumentId"],
    }
    [poll_1, poll_2, poll_3] = sandbox.calls("GET", FEEDS + "/[^/]+")
    assert [p.response_json()["processingStatus"] for p in (poll_1, poll_2, poll_3)] == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    [report_document] = sandbox.calls("GET", DOCUMENTS + "/[^/]+")
    assert report_document.response_json()["compressionAlgorithm"] == "GZIP"
    report = json.loads(gzip.decompress(sandbox.calls("GET", UPLOAD)[0].response_body))
    jsonschema.validate(report, listings_schemas["report"])

    by_sku = {request.record.sku: result for request, result in zip(batch, sorted_results(batch, results), strict=True)}
    assert [sku for sku, r in by_sku.items() if not r.ok] == ["NOT-LISTED-1"]
    refused = by_sku["NOT-LISTED-1"].error
    assert isinstance(refused, RecordError)
    assert "NOT_FOUND" in refused.message and "NOT-LISTED-1" in refused.message
    [issue] = refused.details["issues"]
    assert issue["code"] == "NOT_FOUND" and issue["severity"] == "ERROR" and issue["sku"] == "NOT-LISTED-1"
    assert refused.details["feed_id"] == create_feed.response_json()["feedId"]
    quantities = (await control(sandbox, "GET", "/_sandbox/stock"))["quantities"]
    assert (quantities["CD-00001"], quantities["CD-00002"], quantities["CD-00003"]) == (7, 0, 12)


def collection_of(path: str) -> str:
    """``/feeds/2021-06-30/feeds/123`` → ``/feeds/2021-06-30/feeds``; ``/feed-documents/x`` → ``/feed-documents``."""
    parts = path.split("/")
    return "/".join(parts[:4]) if path.startswith("/feeds/") else "/".join(parts[:2])


def sorted_results(batch: list[WriteRequest], results: list[Any]) -> list[Any]:
    by_key = {r.idempotency_key: r for r in results}
    return [by_key[request.idempotency_key] for request in batch]


async def test_an_oversold_quantity_is_sent_as_zero(sandbox: Any, open_amazon: Any, control: Any) -> None:
    async with open_amazon(sandbox) as connector:
        [result] = await connector.sink("stock").write([stock("CD-00004", -3)])
    assert result.ok and result.details["quantity_sent"] == 0 and result.details["available"] == -3
    assert (await control(sandbox, "GET", "/_sandbox/stock"))["quantities"]["CD-00004"] == 0


async def test_the_sandbox_refuses_negative_quantities_and_schema_violations_message_by_message(
    sandbox: Any, open_amazon: Any, control: Any
) -> None:
    messages = [
        {"messageId": 1, "sku": "CD-00001", "operationType": "PATCH", "productType": "PRODUCT",
         "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability",
                      "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": -2}]}]},
        {"messageId": 2, "sku": "CD-00002", "operationType": "PATCH", "productType": "PRODUCT"},
        {"messageId": 3, "sku": "CD-00003", "operationType": "PATCH", "productType": "PRODUCT",
         "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability",
                      "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 9}]}]},
    ]  # fmt: skip
    document = {"header": {"sellerId": "A2CROSSDOCKSANDBOX", "version": "2.0"}, "messages": messages}
    async with open_amazon(sandbox) as connector:
        feeds = FeedsClient(connector)
        feed = await feeds.wait(await feeds.submit("JSON_LISTINGS_FEED", json.dumps(document).encode()))
        report = await feeds.result_document(feed)
    assert feed["processingStatus"] == "DONE"
    assert [(i["messageId"], i["code"]) for i in report["issues"]] == [(1, "BAD_REQUEST"), (2, "4002008")]
    assert report["issues"][0]["attributeName"] == "fulfillment_availability"
    assert report["summary"] == {"errors": 2, "warnings": 0, "messagesProcessed": 3, "messagesAccepted": 1, "messagesInvalid": 2}
    assert (await control(sandbox, "GET", "/_sandbox/stock"))["quantities"]["CD-00003"] == 9


async def test_feed_in_flight_is_not_resubmitted_after_crash(
    sandbox: Any, open_amazon: Any, store: Any, clock: Any
) -> None:
    batch = [stock("CD-00005", 3), stock("CD-00006", 8), stock("NOT-LISTED-2", 1)]
    never = asyncio.Event()

    async def stalled_sleep(seconds: float) -> None:
        await never.wait()  # the process is killed while it waits to poll again

    async with open_amazon(sandbox, store=store, sleep=stalled_sleep, feed_poll_interval=30.0) as crashing:
        writing = asyncio.create_task(crashing.sink("stock").write(batch))
        while not sandbox.calls("GET", FEEDS + "/[^/]+"):
            await asyncio.sleep(0)
        writing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await writing
    [submitted] = sandbox.calls("POST", FEEDS)
    feed_id = submitted.response_json()["feedId"]
    saved = await store.get_cursor("amazon-tests", f"amazon:amazon:feed:{batch_digest([r.idempotency_key for r in batch])}")
    assert saved == {"feed_id": feed_id, "status": "SUBMITTED"}

    async with open_amazon(sandbox, store=store) as restarted:
        results = await restarted.sink("stock").write(list(reversed(batch)))  # the runner re-sends the same records

    assert len(sandbox.calls("POST", FEEDS)) == 1, "the resend polled the feed in flight instead of submitting another"
    assert len(sandbox.calls("POST", DOCUMENTS)) == 1
    by_key = {r.idempotency_key: r for r in results}
    assert by_key["stock-NOT-LISTED-2-1"].error is not None and by_key["stock-CD-00005-3"].ok
    assert {r.details["feed_id"] for r in results} == {feed_id}
    assert (await store.get_cursor("amazon-tests", f"amazon:amazon:feed:{batch_digest(list(by_key))}"))["status"] == "DONE"


async def test_a_feed_still_running_at_the_poll_timeout_is_retryable_and_polled_again(
    make_sandbox: Any, open_amazon: Any, store: Any
) -> None:
    sandbox = make_sandbox(seed=3, feed_polls=50, feed_seconds=100_000)
    batch = [stock("CD-00007", 2)]
    async with open_amazon(sandbox, store=store, feed_poll_interval=30.0, feed_poll_timeout=90.0) as connector:
        with pytest.raises(RetryableError) as raised:
            await connector.sink("stock").write(batch)
        assert raised.value.details["processingStatus"] == "IN_PROGRESS"
        feeds_api = sandbox.state.amazon.feeds_api
        feeds_api.finish(feeds_api.feeds[raised.value.details["feed_id"]])  # Amazon gets to it at last
        [result] = await connector.sink("stock").write(batch)
    assert result.ok and len(sandbox.calls("POST", FEEDS)) == 1


async def test_a_fatal_feed_fails_every_record_with_amazons_reason(sandbox: Any, open_amazon: Any) -> None:
    async with open_amazon(sandbox, seller_id="A-SOMEONE-ELSE") as connector:
        results = await connector.sink("stock").write([stock("CD-00001", 1), stock("CD-00002", 2)])
    assert all(isinstance(r.error, RecordError) for r in results)
    assert all("FATAL" in r.error.message and "sellerId" in r.error.message for r in results)


async def test_feed_batches_at_most_25000_messages(make_sandbox: Any, open_amazon: Any, control: Any) -> None:
    sandbox = make_sandbox(seed=1, orders=1, skus=MAX_LISTINGS_FEED_MESSAGES + 1)
    async with open_amazon(sandbox) as connector:
        sink = connector.sink("stock")
        assert sink.batch_size == MAX_LISTINGS_FEED_MESSAGES == 25_000, "the runner never hands the sink more"
        batch = [stock(f"CD-{n:05d}", n % 50, key=f"k{n:06d}") for n in range(1, MAX_LISTINGS_FEED_MESSAGES + 2)]
        results = await sink.write(batch)  # one over: a caller that ignores batch_size still gets two feeds
    feeds = (await control(sandbox, "GET", "/_sandbox/feeds"))["feeds"]
    assert sorted(f["summary"]["messagesProcessed"] for f in feeds) == [1, MAX_LISTINGS_FEED_MESSAGES]
    assert all(f["processingStatus"] == "DONE" for f in feeds)
    assert len(results) == len(batch) and all(r.ok for r in results)

    too_big = {
        "header": {"sellerId": "A2CROSSDOCKSANDBOX", "version": "2.0"},
        "messages": [{"messageId": n, "sku": "CD-00001", "operationType": "DELETE"} for n in range(1, MAX_LISTINGS_FEED_MESSAGES + 2)],
    }
    async with open_amazon(sandbox) as connector:
        feeds_client = FeedsClient(connector)
        feed = await feeds_client.wait(await feeds_client.submit("JSON_LISTINGS_FEED", json.dumps(too_big).encode()))
        report = await feeds_client.result_document(feed)
    assert feed["processingStatus"] == "FATAL"
    assert report["issues"][0]["message"].startswith("feed messages list beyond allowed size")
