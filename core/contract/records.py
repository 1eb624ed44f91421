"""What flows between connectors and the runtime: raw records read, pages, write requests and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import ConnectorError

__all__ = ["CursorValue", "SourceRecord", "Page", "WriteRequest", "WriteResult"]

CursorValue = datetime | int | str
"""A stream's cursor value: a timezone-aware timestamp (``updated_at``), a sequence number, or a string
that sorts in order (a file name with a timestamp)."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record as the source system gave it.

    ``key`` is the system's own ID of the record: the trace key that ties error-queue entries, the
    cross-reference table and idempotency keys to the same record across runs. ``payload`` is the raw,
    JSON-like body, run through the stream's mapping by the runtime; a stream that produces canonical
    data itself (an EDI translator) passes the canonical dict or model and declares no mapping.
    """

    key: str
    payload: Any
    cursor_value: CursorValue | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A page of records, the unit the runner checkpoints after.

    ``resume_token`` is what :meth:`Stream.read` needs to continue right after this page (Amazon's
    ``paginationToken``, Shopify's ``endCursor``); ``None`` on the last page. The runner stores it only
    for streams that are not sorted by their cursor, where the high-water mark alone cannot resume.
    """

    records: list[SourceRecord]
    resume_token: str | None = None


@dataclass(slots=True)
class WriteRequest:
    """A canonical record to write, with the sink-side payload its mapping produced.

    ``idempotency_key`` is stable for the same version of the same record in the same flow: the sink
    must pass it to the system where the API takes one (Shopify ``@idempotent``, NetSuite
    ``X-NetSuite-Idempotency-Key``, an upsert by external ID) so a write resent after a crash is
    absorbed by the system too.
    """

    idempotency_key: str
    trace_key: str
    record: Any
    payload: Any = None


@dataclass(slots=True)
class WriteResult:
    """Outcome of one :class:`WriteRequest`.

    ``external_id`` is the ID the target system gave the record (linked in the xref table). ``error``
    is a record-level failure (the rest of the batch still counts); raise instead for failures that
    concern the whole batch (rate limit, outage, bad credentials). ``skipped`` marks a success that
    made no change.
    """

    idempotency_key: str
    external_id: str | None = None
    error: ConnectorError | None = None
    details: dict[str, Any] = field(default_factory=dict)
    skipped: bool = False
    """Nothing needed writing (already there, or not the system's business yet): recorded as done, so the
    same version is never offered again, but counted as skipped rather than written."""

    @property
    def ok(self) -> bool:
        return self.error is None
