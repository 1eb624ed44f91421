"""Feeds API 2021-06-30: documents, feeds and their asynchronous processing.

A feed is ``IN_QUEUE`` when created, ``IN_PROGRESS`` from its second ``getFeed``, and finishes (``DONE``
or ``FATAL``, with a ``resultFeedDocumentId``) on its ``feed_polls``-th ``getFeed`` or once
``feed_seconds`` have passed on the sandbox clock, whichever comes first. Only ``JSON_LISTINGS_FEED``
is processed (see ``_listings``); other feed types are refused with 400. ``JSON_LISTINGS_FEED``
submissions also draw from the feed type's own quota (five per five minutes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .._rates import LISTINGS_FEED_SUBMISSIONS
from ._data import Listing, iso
from ._documents import DocumentStore
from ._gate import OperationGate
from ._listings import process_listings_feed
from ._responses import BadRequest, amazon_error, amazon_json, read_json_body

__all__ = ["FeedsApi", "Feed", "SUPPORTED_FEED_TYPES"]

SUPPORTED_FEED_TYPES = frozenset({"JSON_LISTINGS_FEED"})


@dataclass
class Feed:
    feed_id: str
    feed_type: str
    marketplace_ids: list[str]
    document_id: str
    created: datetime
    polls: int = 0
    status: str = "IN_QUEUE"
    started: datetime | None = None
    ended: datetime | None = None
    result_document_id: str | None = None
    messages: int = 0
    summary: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "feedId": self.feed_id,
            "feedType": self.feed_type,
            "marketplaceIds": self.marketplace_ids,
            "createdTime": iso(self.created),
            "processingStatus": self.status,
        }
        if self.started:
            body["processingStartTime"] = iso(self.started)
        if self.ended:
            body["processingEndTime"] = iso(self.ended)
        if self.result_document_id:
            body["resultFeedDocumentId"] = self.result_document_id
        return body


class FeedsApi:
    def __init__(
        self,
        *,
        documents: DocumentStore,
        gate: OperationGate,
        listings: Callable[[], dict[str, Listing]],
        seller_id: str,
        clock: Callable[[], datetime],
        feed_polls: int,
        feed_seconds: float,
    ) -> None:
        self._documents = documents
        self._gate = gate
        self._listings = listings
        self._seller_id = seller_id
        self._clock = clock
        self.feed_polls = max(1, feed_polls)
        self.feed_seconds = feed_seconds
        self.feeds: dict[str, Feed] = {}
        self._next_id = 50_021_000_001

    def reset(self) -> None:
        self.feeds.clear()
        self._next_id = 50_021_000_001

    async def create_feed_document(self, request: Request, headers: dict[str, str]) -> Response:
        body = await read_json_body(request)
        content_type = body.get("contentType") if isinstance(body, dict) else None
        if not isinstance(content_type, str) or not content_type.strip():
            raise BadRequest("contentType is required.")
        document = self._documents.new_input(content_type)
        return amazon_json(
            {"feedDocumentId": document.document_id, "url": self._documents.url(request, document, "PUT")},
            status=201,
            headers=headers,
        )

    async def create_feed(self, request: Request, headers: dict[str, str]) -> Response:
        body = await read_json_body(request)
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a CreateFeedSpecification object.")
        feed_type, marketplaces, document_id = body.get("feedType"), body.get("marketplaceIds"), body.get("inputFeedDocumentId")
        if not isinstance(feed_type, str) or not feed_type:
            raise BadRequest("feedType is required.")
        listed = isinstance(marketplaces, list) and all(isinstance(m, str) for m in marketplaces)
        if not listed or not 1 <= len(marketplaces) <= 25:
            raise BadRequest("marketplaceIds must list 1 to 25 marketplace ids.")
        if not isinstance(document_id, str) or document_id not in self._documents.documents:
            raise BadRequest("inputFeedDocumentId does not name a feed document of this selling partner.")
        if feed_type not in SUPPORTED_FEED_TYPES:
            raise BadRequest(f"The sandbox processes only {', '.join(sorted(SUPPORTED_FEED_TYPES))}, not {feed_type}.")
        if not self._gate.take(LISTINGS_FEED_SUBMISSIONS.operation):
            return self._gate.throttle_response(LISTINGS_FEED_SUBMISSIONS.operation)
        feed_id = str(self._next_id)
        self._next_id += 1
        self.feeds[feed_id] = Feed(feed_id, feed_type, list(marketplaces), document_id, created=self._clock())
        return amazon_json({"feedId": feed_id}, status=202, headers=headers)

    async def get_feed(self, request: Request, headers: dict[str, str]) -> Response:
        feed = self.feeds.get(request.path_params["feedId"])
        if feed is None:
            return amazon_error(404, "NotFound", "The requested feed was not found.", headers=headers)
        feed.polls += 1
        self.advance(feed)
        return amazon_json(feed.body(), headers=headers)

    async def get_feed_document(self, request: Request, headers: dict[str, str]) -> Response:
        document = self._documents.documents.get(request.path_params["feedDocumentId"])
        if document is None:
            return amazon_error(404, "NotFound", "The requested feed document was not found.", headers=headers)
        return amazon_json(self._documents.describe(request, document), headers=headers)

    # -- processing -----------------------------------------------------------------------------
    def advance(self, feed: Feed) -> None:
        """Move a feed along its life as polls and time pass."""
        if feed.status in ("DONE", "FATAL", "CANCELLED"):
            return
        now = self._clock()
        if feed.polls >= self.feed_polls or now - feed.created >= timedelta(seconds=self.feed_seconds):
            self.finish(feed)
        elif feed.polls >= 2 and feed.status == "IN_QUEUE":
            feed.status, feed.started = "IN_PROGRESS", now

    def finish(self, feed: Feed) -> None:
        """Process the feed now (also the ``/_sandbox/feeds/{id}/finish`` control)."""
        if feed.status in ("DONE", "FATAL", "CANCELLED"):
            return
        document = self._documents.documents[feed.document_id]
        listings = self._listings()
        result = process_listings_feed(
            document.text() if document.uploaded else None,
            feed_id=feed.feed_id,
            seller_id=self._seller_id,
            listings=listings,
        )
        for sku, quantity in result.quantities.items():
            listings[sku].quantity = quantity
        report = self._documents.new_result(json.dumps(result.report).encode())
        now = self._clock()
        feed.started = feed.started or now
        feed.ended = now
        feed.status = "FATAL" if result.fatal else "DONE"
        feed.result_document_id = report.document_id
        feed.messages = result.report["summary"]["messagesProcessed"]
        feed.summary = result.report["summary"]
