"""Reading a configured REST collection page by page."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import jmespath

from crossdock.core.contract import CursorPosition, CursorValue, Page, SourceRecord, Stream
from crossdock.core.errors import FatalError, RetryableError

from ._config import CursorConfig, StreamConfig
from ._pagination import PageRequest, Paginator, build_paginator

if TYPE_CHECKING:
    from ._connector import RestConnector

__all__ = ["RestStream", "format_cursor", "parse_cursor"]


class RestStream(Stream["RestConnector"]):
    """A stream whose name, entity and mapping come from the connector's config.

    :class:`RestConnector` makes one subclass per configured stream (so the class attributes the
    runtime reads, ``cursor_field`` and friends, are right); the behaviour lives here.
    """

    name = "rest"
    entity = "Order"

    def __init__(self, connector: RestConnector) -> None:
        super().__init__(connector)
        self.settings: StreamConfig = connector.config.streams[self.name]
        self.paginator: Paginator = build_paginator(self.settings.pagination, self.settings.page_size)

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        client = self.connector.client
        request: PageRequest | None = (
            PageRequest.from_token(position.resume_token) if position.resume_token else self._first_request(position.since)
        )
        while request is not None:
            response = await client.get(request.url, params=request.params or None)
            try:
                body = _json_body(response)
            except RetryableError:
                # Cut off in transit: a GET is safe to ask once more before giving the run up.
                response = await client.get(request.url, params=request.params or None)
                body = _json_body(response)
            items = self._records_in(body)
            records = [self._record(item) for item in items]
            request = self.paginator.next(request, response, body, len(items))
            yield Page(records=records, resume_token=request.to_token() if request else None)

    def _first_request(self, since: CursorValue | None) -> PageRequest:
        params = {name: _param_text(value) for name, value in self.settings.params.items()}
        cursor = self.settings.cursor
        if cursor is not None and since is not None:
            params[cursor.param] = format_cursor(since, cursor)
        return self.paginator.first(PageRequest(self.settings.path, params))

    def _records_in(self, body: Any) -> list[Any]:
        path = self.settings.record_path
        items = jmespath.search(path, body) if path else body
        if items is None:
            return []
        if not isinstance(items, list):
            where = f"record_path '{path}'" if path else "the response body"
            raise FatalError(f"stream '{self.name}': {where} is a {type(items).__name__}, not a list of records")
        return items

    def _record(self, item: Any) -> SourceRecord:
        key = jmespath.search(self.settings.key_path, item) if isinstance(item, dict) else None
        if key is None or key == "":
            raise FatalError(f"stream '{self.name}': a record has no ID at key_path '{self.settings.key_path}'")
        cursor = self.settings.cursor
        value = None
        if cursor is not None:
            raw = jmespath.search(cursor.field, item)
            value = None if raw is None else parse_cursor(raw, cursor, where=f"stream '{self.name}', record {key}")
        return SourceRecord(key=str(key), payload=item, cursor_value=value)


def _json_body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        # A 2xx whose body is cut off: the next attempt will most likely read it whole.
        raise RetryableError(
            f"GET {response.request.url.path} returned an unreadable JSON body (HTTP {response.status_code})",
            details={"status": response.status_code, "bytes": len(response.content)},
        ) from None


def _param_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def format_cursor(since: CursorValue, cursor: CursorConfig) -> str:
    """``since`` as the API wants it in the cursor query parameter."""
    if isinstance(since, datetime):
        moment = since if since.tzinfo else since.replace(tzinfo=UTC)
        if cursor.format == "epoch":
            return str(int(moment.timestamp()))
        if cursor.format == "epoch_ms":
            return str(int(moment.timestamp() * 1000))
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(since)


def parse_cursor(raw: Any, cursor: CursorConfig, *, where: str) -> CursorValue:
    """A record's cursor field as a comparable value: timestamps become aware datetimes."""
    try:
        if cursor.format == "iso":
            if not isinstance(raw, str):
                raise ValueError
            moment = datetime.fromisoformat(raw)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if cursor.format in ("epoch", "epoch_ms"):
            if isinstance(raw, bool):
                raise ValueError
            seconds = float(raw) / (1000 if cursor.format == "epoch_ms" else 1)
            return datetime.fromtimestamp(seconds, UTC)
        if isinstance(raw, (int, str)) and not isinstance(raw, bool):
            return raw
        raise ValueError
    except (ValueError, TypeError, OverflowError):
        raise FatalError(
            f"{where}: cursor field '{cursor.field}' holds {raw!r}, which is not a {cursor.format} cursor value"
        ) from None
