"""Writing to a configured REST endpoint, one record per request or in batches.

Every write carries the runtime's idempotency key in the configured header, so a write resent after a
crash or a lost response is absorbed by an API that honours the key. A record the API refuses (a 4xx)
becomes that record's :class:`WriteResult` error and the rest carry on; failures that concern every
record (rate limits, outages, bad credentials) are raised for the runtime to handle.

A batch refused as a whole (400/413/422: one bad item fails the lot on most batch endpoints) is split
in halves and each half sent again, down to single records, so the bad ones are isolated and the good
ones still land. Each half has its own idempotency key, derived from the keys of the records in it.

An accepted write whose answer arrives cut off is sent once more with the same key, which an API that
honours keys answers by replaying its first response; HTTP status retries stay in the shared policy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import string
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import jmespath

from crossdock.core.contract import Sink, WriteRequest, WriteResult
from crossdock.core.errors import RecordError, RetryableError
from crossdock.core.redaction import redact, redact_value
from crossdock.mappings import compile_path

from ._config import SinkConfig

if TYPE_CHECKING:
    from ._connector import RestConnector

__all__ = ["RestSink", "batch_idempotency_key"]

_SPLITTABLE_STATUSES = frozenset({400, 413, 422})
_URLS_KEPT = 256
"""Absolute URLs a sink remembers (one per path; a path with the record's ID in it has many)."""


class RestSink(Sink["RestConnector"]):
    """A sink whose name, entity, mapping and batching come from the connector's config."""

    name = "rest"
    entity = "Order"

    def __init__(self, connector: RestConnector) -> None:
        super().__init__(connector)
        self.settings: SinkConfig = connector.config.sinks[self.name]
        self._read_id = compile_path(self.settings.id_path) if self.settings.id_path else None
        self._urls: dict[str, httpx.URL] = {}

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        if not self.settings.batch:
            return [await self._write_one(request) for request in batch]
        results: list[WriteResult] = []
        size = self.settings.batch_size
        for start in range(0, len(batch), size):
            results += await self._write_many(list(batch[start : start + size]))
        return results

    # -- one record per request -----------------------------------------------------------------
    async def _write_one(self, request: WriteRequest) -> WriteResult:
        payload = _payload_of(request)
        try:
            path = _render_path(self.settings.path, payload)
        except RecordError as exc:
            return WriteResult(request.idempotency_key, error=exc)
        try:
            body = await self._exchange(path, payload, request.idempotency_key, self.settings.id_path is not None)
        except RecordError as exc:
            return WriteResult(request.idempotency_key, error=_record_error(exc))
        return WriteResult(request.idempotency_key, external_id=_external_id(self._read_id, body))

    # -- batches --------------------------------------------------------------------------------
    async def _write_many(self, requests: list[WriteRequest]) -> list[WriteResult]:
        items = [_payload_of(r) for r in requests]
        body: Any = {self.settings.items_key: items} if self.settings.items_key else items
        key = requests[0].idempotency_key if len(requests) == 1 else batch_idempotency_key(r.idempotency_key for r in requests)
        try:
            answer = await self._exchange(self.settings.path, body, key, self.settings.results_path is not None)
        except RecordError as exc:
            status = exc.details.get("status")
            if len(requests) > 1 and status in _SPLITTABLE_STATUSES:
                middle = len(requests) // 2
                return await self._write_many(requests[:middle]) + await self._write_many(requests[middle:])
            return [WriteResult(r.idempotency_key, error=_record_error(exc)) for r in requests]
        return self._batch_results(requests, answer)

    def _batch_results(self, requests: list[WriteRequest], body: Any) -> list[WriteResult]:
        if self.settings.results_path is None:
            return [WriteResult(r.idempotency_key) for r in requests]
        entries = jmespath.search(self.settings.results_path, body)
        if not isinstance(entries, list) or len(entries) != len(requests):
            raise RetryableError(
                f"sink '{self.name}': results_path '{self.settings.results_path}' did not give one result per item",
                details={"items": len(requests), "results": len(entries) if isinstance(entries, list) else None},
            )
        results = []
        for request, entry in zip(requests, entries, strict=True):
            problem = jmespath.search(self.settings.item_error_path, entry) if self.settings.item_error_path else None
            if problem:
                error = RecordError(
                    redact(f"{self.name}: the API refused record {request.trace_key}"),
                    details={"item_error": redact_value(problem)},
                )
                results.append(WriteResult(request.idempotency_key, error=error))
            else:
                results.append(WriteResult(request.idempotency_key, external_id=_external_id(self._read_id, entry)))
        return results

    async def _exchange(self, path: str, body: Any, idempotency_key: str, answer_needed: bool) -> Any:
        """Send one write and return its parsed answer.

        An accepted write whose answer was cut off in transit is sent once more with the same
        idempotency key: the API replays its first answer instead of writing again. If that is
        unreadable too, :class:`RetryableError` leaves the record to the next run (same key again).
        """
        response = await self._send(path, body, idempotency_key)
        try:
            return _response_json(response, answer_needed)
        except RetryableError:
            return _response_json(await self._send(path, body, idempotency_key), answer_needed)

    async def _send(self, path: str, body: Any, idempotency_key: str) -> httpx.Response:
        return await self.connector.client.request(
            self.settings.method, self._url(path), json=body, headers={self.settings.key_header: idempotency_key}
        )

    def _url(self, path: str) -> httpx.URL:
        """The absolute URL of ``path`` on the client's base URL, worked out once per path.

        httpx parses a relative URL and joins it to ``base_url`` on every request, which costs more
        than the rest of building the request; the sink writes to the same path again and again.
        The join is httpx's own: the base URL's path, then ``path`` without its leading slash.
        """
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(path)
            if url.is_relative_url:
                base = self.connector.client.base_url
                url = base.copy_with(raw_path=base.raw_path + url.raw_path.lstrip(b"/"))
            if len(self._urls) < _URLS_KEPT:
                self._urls[path] = url
        return url


def batch_idempotency_key(keys: Any) -> str:
    """A stable key for a batch: the same records in the same order always give the same key."""
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    return f"batch-{digest[:40]}"


def _payload_of(request: WriteRequest) -> Any:
    """The mapped payload, or the canonical record as JSON when the sink has no mapping."""
    if request.payload is not None:
        return request.payload
    record = request.record
    return record.model_dump(mode="json") if hasattr(record, "model_dump") else record


@functools.lru_cache(maxsize=64)
def _path_fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _render_path(template: str, payload: Any) -> str:
    names = _path_fields(template)
    if not names:
        return template
    values = {}
    for name in names:
        value = jmespath.search(name, payload) if isinstance(payload, dict) else None
        if value is None or value == "":
            raise RecordError(f"the payload has no '{name}' for the path {template}")
        values[name] = quote(str(value), safe="")
    return template.format_map(values)


def _response_json(response: httpx.Response, needed: bool) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        if not needed:
            return None
        # The write was accepted but its answer was lost: resending with the same key replays it.
        raise RetryableError(
            f"{response.request.method} {response.request.url.path} was accepted (HTTP {response.status_code}) "
            "but its response body is unreadable",
            details={"status": response.status_code},
        ) from None


def _external_id(read_id: Callable[[Any], Any] | None, body: Any) -> str | None:
    if read_id is None or not isinstance(body, (dict, list)):
        return None
    value = read_id(body)
    return None if value is None else str(value)


def _record_error(exc: RecordError) -> RecordError:
    """The API's refusal of one record, with its (already redacted) status and body kept for the error queue."""
    details = redact_value(dict(exc.details))
    reason = _api_message(details.get("body"))
    message = f"{exc.message}: {reason}" if reason else exc.message
    return RecordError(redact(message), details=details)


def _api_message(body: Any) -> str | None:
    """The human part of common error bodies: ``{"error": {"message": …}}``, ``{"message": …}``, ``{"errors": [...]}``."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            text = error.get("message")
            field = error.get("field")
            if text:
                return f"{text} (field {field})" if field and str(field) not in str(text) else str(text)
        if isinstance(error, str):
            return error
        if isinstance(body.get("message"), str):
            return body["message"]
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors[:5])
    if isinstance(body, str) and body.strip():
        return body.strip()[:300]
    return None
