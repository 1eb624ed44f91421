"""Feed documents and their pre-signed URLs, standing in for the S3 bucket behind the Feeds API.

``createFeedDocument`` and ``getFeedDocument`` hand out URLs under ``/feed-documents/{id}`` carrying an
``X-Amz-*`` query signature that expires after five minutes, as S3 pre-signed URLs do. The URL needs no
SP-API credentials, and like S3 it refuses what it was not signed for: a tampered or expired signature, an
upload whose ``Content-Type`` differs from the one the document was created with, and any request
carrying an unsigned ``x-amz-access-token`` header (``AccessDenied``: "There were headers present in the
request which were not signed"). Errors are S3's XML. Result documents are stored GZIP-compressed and
reported with ``compressionAlgorithm: GZIP``.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["FeedDocument", "DocumentStore", "URL_LIFETIME"]

URL_LIFETIME = timedelta(minutes=5)
_SIGNED_HEADERS = "host"
_SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you provided."


@dataclass
class FeedDocument:
    document_id: str
    content_type: str
    content: bytes | None = None
    compressed: bool = False

    @property
    def uploaded(self) -> bool:
        return self.content is not None

    def text(self) -> str:
        assert self.content is not None
        raw = gzip.decompress(self.content) if self.compressed else self.content
        return raw.decode("utf-8", errors="replace")


class DocumentStore:
    """Input and result documents by id, and the signer of their URLs."""

    def __init__(self, *, seed: int, clock: Callable[[], datetime], public_url: str | None = None) -> None:
        self._seed = seed
        self._clock = clock
        self._public_url = public_url.rstrip("/") if public_url else None
        self._key = hashlib.sha256(f"sandbox-s3-signing-key:{seed}".encode()).digest()
        self._random = random.Random(f"documents:{seed}")
        self.documents: dict[str, FeedDocument] = {}

    def reset(self) -> None:
        self._random = random.Random(f"documents:{self._seed}")
        self.documents.clear()

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def new_input(self, content_type: str) -> FeedDocument:
        document = FeedDocument(document_id=self._uuid(), content_type=content_type)
        self.documents[document.document_id] = document
        return document

    def new_result(self, body: bytes) -> FeedDocument:
        document_id = f"amzn1.tortuga.4.na.{self._uuid()}.T{self._random.randint(10**11, 10**12 - 1)}"
        document = FeedDocument(document_id, "application/json", gzip.compress(body, mtime=0), compressed=True)
        self.documents[document_id] = document
        return document

    # -- pre-signed URLs ------------------------------------------------------------------------
    def url(self, request: Request, document: FeedDocument, method: str) -> str:
        base = self._public_url or str(request.base_url).rstrip("/")
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        query = {
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Date": stamp,
            "X-Amz-Expires": str(int(URL_LIFETIME.total_seconds())),
            "X-Amz-SignedHeaders": _SIGNED_HEADERS,
            "X-Amz-Signature": self._signature(method, document.document_id, stamp),
        }
        return f"{base}/feed-documents/{document.document_id}?{urlencode(query)}"

    def _signature(self, method: str, document_id: str, stamp: str) -> str:
        return hmac.new(self._key, f"{method}\n{document_id}\n{stamp}".encode(), hashlib.sha256).hexdigest()

    def _refusal(self, request: Request, method: str) -> Response | None:
        document_id = request.path_params["documentId"]
        params = request.query_params
        stamp = params.get("X-Amz-Date", "")
        expected = self._signature(method, document_id, stamp)
        if not hmac.compare_digest(params.get("X-Amz-Signature", ""), expected):
            return _s3_error(403, "SignatureDoesNotMatch", _SIGNATURE_MISMATCH)
        try:
            signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return _s3_error(403, "AccessDenied", "Invalid date")
        if self._clock() > signed_at + URL_LIFETIME:
            return _s3_error(403, "AccessDenied", "Request has expired")
        if "x-amz-access-token" in request.headers:
            return _s3_error(403, "AccessDenied", "There were headers present in the request which were not signed")
        if document_id not in self.documents:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        return None

    # -- routes ---------------------------------------------------------------------------------
    async def upload(self, request: Request) -> Response:
        refusal = self._refusal(request, "PUT")
        if refusal is not None:
            return refusal
        document = self.documents[request.path_params["documentId"]]
        if request.headers.get("content-type", "") != document.content_type:
            return _s3_error(403, "SignatureDoesNotMatch", _SIGNATURE_MISMATCH + " Check your key and signing method.")
        body = await request.body()
        document.content = body
        return Response(status_code=200, headers={"ETag": f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'})

    async def download(self, request: Request) -> Response:
        refusal = self._refusal(request, "GET")
        if refusal is not None:
            return refusal
        document = self.documents[request.path_params["documentId"]]
        if document.content is None:
            return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
        media_type = "application/octet-stream" if document.compressed else document.content_type
        return Response(document.content, media_type=media_type)

    def describe(self, request: Request, document: FeedDocument) -> dict[str, Any]:
        """The ``FeedDocument`` body of ``getFeedDocument``."""
        body: dict[str, Any] = {"feedDocumentId": document.document_id, "url": self.url(request, document, "GET")}
        if document.compressed:
            body["compressionAlgorithm"] = "GZIP"
        return body


def _s3_error(status: int, code: str, message: str) -> Response:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>SANDBOX</RequestId></Error>"
    )
    return Response(xml, status_code=status, media_type="application/xml")
