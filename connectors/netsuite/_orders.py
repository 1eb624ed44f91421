"""The ``orders`` sink: canonical orders upserted as NetSuite sales orders by external ID.

``PUT /services/rest/record/v1/salesOrder/eid:{externalId}`` creates the order or updates the one with
that external ID, so a resend (after a crash, a lost answer, a retry) can never make a second order:
the write is idempotent by construction. The external ID is ``<channel>-<number>`` with everything but
letters, digits, ``_`` and ``-`` folded to ``-`` (``shopify-1001``, ``amazon-113-4431562-0987611``,
``edi-acme-PO-4711``). NetSuite answers ``204 No Content`` with ``Location: …/salesOrder/{id}``; that
internal ID is the write's external ID in Crossdock's cross-reference table.

With ``async_writes`` the upsert is sent with ``Prefer: respond-async`` and
``X-NetSuite-Idempotency-Key`` (a UUID derived from the runtime's idempotency key), and the job is
polled until its result is in; a resend of the same write finds the job already submitted
(``IDEMPOTENCY_ERROR`` + ``Location``) and reads its result instead of submitting it again.

Refusals (``400`` with ``o:errorDetails``) become this record's error with NetSuite's detail and
``o:errorPath``; rate limits, outages and authentication failures are raised for the whole batch.
"""

from __future__ import annotations

import asyncio
import copy
import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from crossdock.core.contract import Sink, WriteRequest, WriteResult
from crossdock.core.errors import ConnectorError, RecordError, RetryableError
from crossdock.core.redaction import redact
from crossdock.runtime.http import RAISE_ERRORS_EXTENSION, raise_for_outcome

from ._errors import error_details, record_error

if TYPE_CHECKING:
    from ._connector import NetSuiteConnector

__all__ = ["SalesOrdersSink", "idempotency_uuid"]

RECORD_PATH = "/services/rest/record/v1/salesOrder"
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_IDEMPOTENCY_NAMESPACE = uuid.UUID("0b7d2d0e-4bb1-4c5c-9a55-4f1c1a6e7d21")


def idempotency_uuid(key: str) -> str:
    """NetSuite wants idempotency keys as UUIDs; the runtime's key maps to one, the same every time."""
    return str(uuid.uuid5(_IDEMPOTENCY_NAMESPACE, key))


def _jsonable(value: Any) -> Any:
    """The mapped payload as JSON: NetSuite's numbers are JSON numbers, dates ISO text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _internal_id(location: str | None) -> str | None:
    if not location:
        return None
    last = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return last if last.isdigit() else None


class SalesOrdersSink(Sink["NetSuiteConnector"]):
    """Orders → sales orders (one REST call per order; the batch's calls run concurrently within the
    connection's concurrency limit)."""

    name = "orders"
    entity = "Order"
    default_mapping = "netsuite/sales_order"
    batch_size = 1

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        outcomes = await asyncio.gather(*(self._write_one(request) for request in batch), return_exceptions=True)
        results: list[WriteResult] = []
        failure: BaseException | None = None
        for request, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, WriteResult):
                results.append(outcome)
            elif isinstance(outcome, RecordError):
                results.append(WriteResult(request.idempotency_key, error=outcome))
            else:
                failure = failure or outcome
        if failure is not None:
            raise failure
        return results

    def _body(self, request: WriteRequest) -> dict[str, Any]:
        payload = request.payload
        if payload is None:
            from crossdock.mappings import MappingError, load_mapping

            try:
                payload = load_mapping(self.default_mapping or "").apply(request.record.model_dump(mode="json"), record_key=request.trace_key)
            except MappingError as exc:
                raise RecordError(str(exc)) from None
        if not isinstance(payload, dict):
            raise RecordError(f"the sales order payload must be an object, not {type(payload).__name__}")
        return _jsonable(copy.deepcopy(payload))

    async def _write_one(self, request: WriteRequest) -> WriteResult:
        body = self._body(request)
        external_id = body.pop("externalId", None)
        if not isinstance(external_id, str) or not _EXTERNAL_ID.match(external_id):
            raise RecordError(
                redact(f"the sales order's externalId {external_id!r} is not a NetSuite external ID (letters, digits, _ and -)"),
                details={"error_path": "externalId"},
            )
        await self.connector.references.resolve(body, request.record)
        what = f"sales order eid:{external_id}"
        if self.connector.config.async_writes:
            internal_id = await self._upsert_async(external_id, body, request.idempotency_key, what)
        else:
            internal_id = await self._upsert(external_id, body, what)
        return WriteResult(request.idempotency_key, external_id=internal_id, details={"externalId": external_id})

    async def _upsert(self, external_id: str, body: dict[str, Any], what: str) -> str:
        try:
            response = await self.connector.client.put(f"{RECORD_PATH}/eid:{external_id}", json=body)
        except RecordError as exc:
            raise record_error(exc, what=what) from None
        return self._created_id(response, what)

    def _created_id(self, response: httpx.Response, what: str) -> str:
        internal_id = _internal_id(response.headers.get("location"))
        if internal_id is None:
            raise RetryableError(
                f"{what}: NetSuite answered HTTP {response.status_code} without the record's Location",
                details={"status": response.status_code},
            )
        return internal_id

    # -- asynchronous upserts --------------------------------------------------------------------
    async def _upsert_async(self, external_id: str, body: dict[str, Any], key: str, what: str) -> str:
        client = self.connector.client
        response = await client.put(
            f"{RECORD_PATH}/eid:{external_id}",
            json=body,
            headers={"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": idempotency_uuid(key)},
            extensions={RAISE_ERRORS_EXTENSION: False},
        )
        await response.aread()
        job = response.headers.get("location")
        submitted_before = response.status_code == 400 and any(
            e["code"] == "IDEMPOTENCY_ERROR" for e in error_details(_json_or_none(response))
        )
        if response.status_code != 202 and not submitted_before:
            _raise(response, what)
        if not job:
            raise RetryableError(f"{what}: the async upsert was accepted without a job Location", details={"status": response.status_code})
        job_path = urlsplit(job).path
        await self._wait_for(job_path, what)
        try:
            tasks = (await client.get(f"{job_path}/task")).json()
            task_path = urlsplit(tasks["items"][0]["links"][0]["href"]).path
        except (ValueError, KeyError, IndexError, TypeError):
            raise RetryableError(f"{what}: the async job {job_path} lists no readable task") from None
        result = await client.get(f"{task_path}/result", extensions={RAISE_ERRORS_EXTENSION: False})
        await result.aread()
        if result.status_code >= 400:
            _raise(result, what)
        return self._created_id(result, what)

    async def _wait_for(self, job_path: str, what: str) -> None:
        config = self.connector.config
        sleep = getattr(getattr(self.connector.client, "policy", None), "sleep", asyncio.sleep)
        for attempt in range(config.async_max_polls):
            try:
                completed = bool((await self.connector.client.get(job_path)).json().get("completed"))
            except (ValueError, AttributeError):
                completed = False  # an unreadable status is asked for again
            if completed:
                return
            if attempt + 1 < config.async_max_polls:
                await sleep(config.async_poll_interval)
        raise RetryableError(f"{what}: the async job {job_path} did not complete after {config.async_max_polls} polls")


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _raise(response: httpx.Response, what: str) -> None:
    """The standard outcome for a refused async submission or result; a 4xx is this record's error."""
    try:
        raise_for_outcome(response)
    except RecordError as exc:
        raise record_error(exc, what=what) from None
    except ConnectorError:
        raise
    raise RetryableError(f"{what}: unexpected HTTP {response.status_code}", details={"status": response.status_code})
