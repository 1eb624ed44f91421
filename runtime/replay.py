"""Replaying parked records: ``crossdock errors retry``.

A record is re-entered at the stage where it failed, with its stored payload (or an operator's edited
one): a mapping failure is mapped again from the raw source payload, a write failure is written again
from the canonical record. A fresh idempotency key is used (a system may have cached its 400 under the
old one). Success resolves the error; failure records another attempt and leaves it open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crossdock.core.contract import SourceRecord
from crossdock.core.errors import FatalError, RecordError

from .job import OpenJob
from .runner import JobRunner

__all__ = ["ReplayResult", "replay_error"]


@dataclass
class ReplayResult:
    error_id: int
    status: str
    message: str


async def replay_error(job: OpenJob, error_id: int, *, payload: Any = None) -> ReplayResult:
    store = job.store
    error = await store.error_get(error_id)
    if error is None:
        raise FatalError(f"no error with id {error_id}")
    if error.job != job.name:
        raise FatalError(f"error {error_id} belongs to job '{error.job}', not '{job.name}'")
    if error.status == "resolved":
        return ReplayResult(error_id, "resolved", "already resolved; nothing to do")
    plan = next((p for p in job.flows if p.name == error.flow), None)
    if plan is None:
        raise FatalError(f"error {error_id} is from flow '{error.flow}', which this job no longer has")
    if payload is not None:
        await store.error_update_payload(error_id, payload)
    else:
        payload = error.payload

    await store.error_set_status(error_id, "retrying")
    runner = JobRunner(job, dry_run=False)
    attempt = max(1, int(error.attempts))
    try:
        if error.stage == "map":
            record = SourceRecord(key=error.trace_key, payload=payload)
            model = plan.to_canonical(record)
        else:
            canonical = payload.get("record") if isinstance(payload, dict) and "record" in payload else payload
            model = plan.model.model_validate(canonical)
            record = SourceRecord(key=error.trace_key, payload=None)
        model._origin_key = error.trace_key
        models = await plan.apply_operations([model])
        pairs = [(SourceRecord(key=plan.trace_key_of(m, fallback=m._origin_key), payload=None), m) for m in models]
        written, _skipped, failed = await runner.deliver(plan, pairs, attempt=attempt)
    except RecordError as exc:
        await store.error_record_attempt(error_id, type(exc).__name__, str(exc), getattr(exc, "details", None))
        return ReplayResult(error_id, "open", str(exc))
    except Exception:
        await store.error_set_status(error_id, "open")
        raise

    current = await store.error_get(error_id)
    if failed == 0 and current is not None and current.status != "resolved":
        await store.error_set_status(error_id, "resolved", resolution=f"retried: {written} written")
        current = await store.error_get(error_id)
    if current is not None and current.status == "retrying":
        await store.error_set_status(error_id, "open")
        current = await store.error_get(error_id)
    status = current.status if current else "unknown"
    message = "delivered" if status == "resolved" else (current.message if current else "")
    return ReplayResult(error_id, status, message)
