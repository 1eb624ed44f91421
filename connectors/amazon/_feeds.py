"""The Feeds API (2021-06-30) round trip: document, upload, feed, polling, processing report.

1. ``createFeedDocument`` (``POST /feeds/2021-06-30/documents`` ``{contentType}``) returns a
   ``feedDocumentId`` and a pre-signed ``url``;
2. the content is ``PUT`` to that URL with the same ``Content-Type`` and **no** SP-API credentials
   (the URL's signature is the authorisation; an extra ``x-amz-*`` header would break it);
3. ``createFeed`` (``POST /feeds/2021-06-30/feeds`` ``{feedType, marketplaceIds, inputFeedDocumentId}``)
   returns the ``feedId``;
4. ``getFeed`` is polled until ``processingStatus`` is ``DONE``, ``FATAL`` or ``CANCELLED``;
5. ``getFeedDocument`` of ``resultFeedDocumentId`` gives the report's URL (and ``compressionAlgorithm``
   ``GZIP`` when it is compressed), downloaded like the upload, without credentials.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import TYPE_CHECKING, Any

import httpx

from crossdock.core.errors import RetryableError
from crossdock.runtime.http import RAISE_ERRORS_EXTENSION, raise_for_outcome

from ._wire import read_json

if TYPE_CHECKING:
    from ._connector import AmazonConnector

__all__ = ["FeedsClient", "FEED_DOCUMENTS_PATH", "FEEDS_PATH", "TERMINAL_STATUSES", "JSON_CONTENT_TYPE"]

FEED_DOCUMENTS_PATH = "/feeds/2021-06-30/documents"
FEEDS_PATH = "/feeds/2021-06-30/feeds"
TERMINAL_STATUSES = frozenset({"DONE", "FATAL", "CANCELLED"})
JSON_CONTENT_TYPE = "application/json"


class FeedsClient:
    """Submits one feed document and follows it to its processing report."""

    def __init__(self, connector: AmazonConnector) -> None:
        self._connector = connector

    async def submit(self, feed_type: str, content: bytes, *, content_type: str = JSON_CONTENT_TYPE) -> str:
        """Create the document, upload ``content``, create the feed; returns the ``feedId``."""
        connector = self._connector
        extra = connector.limiter_extension("createFeedDocument")
        response = await connector.client.post(FEED_DOCUMENTS_PATH, json={"contentType": content_type}, extensions=extra)
        document = read_json(response)
        document_id, url = document.get("feedDocumentId"), document.get("url")
        if not isinstance(document_id, str) or not isinstance(url, str):
            raise RetryableError("createFeedDocument answered without feedDocumentId and url")
        await self._upload(url, content, content_type)
        extensions = connector.limiter_extension("createFeed", feed_type=feed_type)
        body = {
            "feedType": feed_type,
            "marketplaceIds": list(connector.config.marketplace_ids),
            "inputFeedDocumentId": document_id,
        }
        response = await connector.client.post(FEEDS_PATH, json=body, extensions=extensions)
        feed_id = read_json(response).get("feedId")
        if not isinstance(feed_id, str) or not feed_id:
            raise RetryableError("createFeed answered without a feedId")
        return feed_id

    async def _upload(self, url: str, content: bytes, content_type: str) -> None:
        response = await self._connector.document_client.put(
            url, content=content, headers={"Content-Type": content_type}, extensions={RAISE_ERRORS_EXTENSION: False}
        )
        await response.aread()
        if response.status_code == 403:  # an expired or rejected pre-signed URL: start over with a new document
            raise RetryableError("the feed document upload URL was refused", details={"status": 403, "body": response.text[:500]})
        raise_for_outcome(response)

    async def wait(self, feed_id: str) -> dict[str, Any]:
        """Poll ``getFeed`` until the feed is finished; a feed still running after ``feed_poll_timeout``
        is retryable (the caller remembers the feed, so the retry polls it again)."""
        connector = self._connector
        started = connector.monotonic()
        while True:
            response = await connector.client.get(f"{FEEDS_PATH}/{feed_id}", extensions=connector.limiter_extension("getFeed"))
            feed = read_json(response)
            status = feed.get("processingStatus")
            if status in TERMINAL_STATUSES:
                return feed
            if connector.monotonic() - started >= connector.config.feed_poll_timeout:
                raise RetryableError(
                    f"feed {feed_id} is still {status} after {connector.config.feed_poll_timeout:.0f} s",
                    details={"feed_id": feed_id, "processingStatus": status},
                )
            await connector.sleep(connector.config.feed_poll_interval)

    async def result_document(self, feed: dict[str, Any]) -> Any | None:
        """The feed's processing report as parsed JSON, or None when the feed has none."""
        document_id = feed.get("resultFeedDocumentId")
        if not isinstance(document_id, str) or not document_id:
            return None
        connector = self._connector
        response = await connector.client.get(
            f"{FEED_DOCUMENTS_PATH}/{document_id}", extensions=connector.limiter_extension("getFeedDocument")
        )
        document = read_json(response)
        download = await connector.document_client.get(document["url"])
        content = _decompressed(download, document.get("compressionAlgorithm"))
        try:
            return json.loads(content)
        except ValueError:
            raise RetryableError(
                f"the processing report of feed {feed.get('feedId')} is not readable JSON",
                details={"feed_id": feed.get("feedId"), "bytes": len(content)},
            ) from None


def _decompressed(response: httpx.Response, algorithm: Any) -> bytes:
    content = response.content
    if algorithm != "GZIP":
        return content
    try:
        return gzip.decompress(content)
    except (OSError, EOFError, zlib.error):
        raise RetryableError("the processing report did not decompress as GZIP", details={"bytes": len(content)}) from None
