"""The sync runner: source stream → mapping → operations → sink, page by page.

Guarantees, and where each comes from:
- *Nothing lost*: every record read either reaches the sink, is skipped as already written, or is
  parked in the error queue with its payload before the cursor moves past it.
- *Nothing duplicated*: reads are at-least-once (the cursor is saved only after a page's writes are
  durable), writes are idempotent (each write is recorded in the ledger under a key derived from the
  record's identity and content, begun before the call and completed after it, and the key is sent to
  the system where its API takes one). Together: effectively once.
- *Bounded memory*: one page in flight per flow; nothing accumulates across pages.
- *Graceful stop*: :meth:`JobRunner.stop` lets the current page finish and checkpoint.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from crossdock.core.contract import (
    IncrementalCursor,
    Page,
    Sink,
    SourceRecord,
    Stream,
    WriteMode,
    WriteRequest,
    WriteResult,
)
from crossdock.core.errors import ConnectorError, FatalError, RecordError, RetryableError
from crossdock.core.redaction import redact, redact_value

from .gc_policy import run_gc_settings
from .job import FlowPlan, OpenJob
from .keys import canonical_id, idempotency_key, record_digest

__all__ = ["FlowCounts", "RunSummary", "JobRunner", "ProgressEvent"]

log = logging.getLogger("crossdock.runner")

MAX_HELD_PAGES = 200
"""Pages a flow may hold to fill a bulk sink's batch before it writes and checkpoints anyway."""

DERIVED_SYSTEM = "crossdock"
"""The system name under which records made by operations (not read from a source) are cross-referenced."""


@dataclass
class FlowCounts:
    read: int = 0
    skipped: int = 0
    written: int = 0
    failed: int = 0
    pages: int = 0

    def add(self, other: FlowCounts) -> None:
        self.read += other.read
        self.skipped += other.skipped
        self.written += other.written
        self.failed += other.failed
        self.pages += other.pages


@dataclass
class ProgressEvent:
    """Emitted after every page, for progress bars and logs."""

    flow: str
    counts: FlowCounts
    done: bool = False


@dataclass
class RunSummary:
    job: str
    run_id: int | None
    status: str
    flows: dict[str, FlowCounts] = field(default_factory=dict)
    entities: dict[str, str] = field(default_factory=dict)
    """Flow name → the canonical entity it moves (for summaries by kind: orders, shipments, stock)."""
    message: str | None = None
    dry_run: bool = False
    would_write: list[dict[str, Any]] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def totals(self) -> FlowCounts:
        total = FlowCounts()
        for counts in self.flows.values():
            total.add(counts)
        return total

    def by_entity(self) -> dict[str, FlowCounts]:
        totals: dict[str, FlowCounts] = {}
        for name, counts in self.flows.items():
            totals.setdefault(self.entities.get(name, "?"), FlowCounts()).add(counts)
        return totals

    def as_dict(self) -> dict[str, Any]:
        totals = self.totals
        return {
            "job": self.job,
            "run_id": self.run_id,
            "status": self.status,
            "message": self.message,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
            "totals": vars(totals),
            "flows": {name: {**vars(c), "entity": self.entities.get(name)} for name, c in self.flows.items()},
            "by_entity": {entity: vars(c) for entity, c in self.by_entity().items()},
            "api_calls": self.api_calls,
            "would_write": self.would_write,
        }


class JobRunner:
    """Runs a job's flows once. Scheduling (``--once`` or a loop) is the caller's business."""

    def __init__(
        self,
        job: OpenJob,
        *,
        dry_run: bool | None = None,
        on_progress: Callable[[ProgressEvent], None] | None = None,
        dry_run_sample: int = 20,
        full_refresh: bool | None = None,
    ) -> None:
        self.job = job
        self.store = job.store
        self.dry_run = job.config.options.dry_run if dry_run is None else dry_run
        self.full_refresh = job.config.options.full_refresh if full_refresh is None else full_refresh
        self.on_progress = on_progress
        self.dry_run_sample = dry_run_sample
        self._stop = asyncio.Event()
        self._would_write: list[dict[str, Any]] = []
        self._open_errors: dict[str, bool] = {}

    def stop(self) -> None:
        """Ask the run to end after the page in flight is written and checkpointed."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self) -> RunSummary:
        with run_gc_settings():  # fewer, cheaper collections while records stream through
            return await self._run()

    async def _run(self) -> RunSummary:
        started = time.perf_counter()
        summary = RunSummary(job=self.job.name, run_id=None, status="succeeded", dry_run=self.dry_run)
        run_id = None
        if not self.dry_run:
            await self._close_abandoned_runs()
            run_id = await self.store.run_start(self.job.name)
        summary.run_id = run_id
        try:
            for plan in self.job.flows:
                counts = FlowCounts()
                summary.flows[plan.name] = counts
                summary.entities[plan.name] = plan.entity
                await self._run_flow(plan, counts)
                if self.stopping:
                    summary.status = "interrupted"
                    summary.message = "stopped on request after a checkpoint"
                    break
        except FatalError as exc:
            summary.status, summary.message = "failed", redact(f"{type(exc).__name__}: {exc}")
        except RetryableError as exc:
            summary.status = "failed"
            summary.message = redact(f"{type(exc).__name__}: {exc} (cursor kept; the next run resumes here)")
        except ConnectorError as exc:
            summary.status, summary.message = "failed", redact(f"{type(exc).__name__}: {exc}")
        except BaseException as exc:
            # Not a connector outcome: a bug, a cancelled task, a dying process. Record what we can.
            summary.status, summary.message = "failed", redact(f"aborted: {type(exc).__name__}: {exc}")
            raise
        finally:
            summary.seconds = time.perf_counter() - started
            summary.api_calls = self.job.api_calls()
            summary.would_write = self._would_write
            totals = summary.totals
            if summary.status == "succeeded" and totals.failed:
                summary.status = "partial"
            if run_id is not None:
                await self._finish_run(run_id, summary, totals)
        return summary

    async def _finish_run(self, run_id: int, summary: RunSummary, totals: FlowCounts) -> None:
        try:
            await self.store.run_finish(
                    run_id,
                    status=summary.status,
                    read=totals.read,
                    written=totals.written,
                    skipped=totals.skipped,
                    failed=totals.failed,
                    message=summary.message,
                )
        except Exception:  # the store itself failing must not hide the run's own outcome
            log.exception("could not record the end of run %s", run_id)

    async def _close_abandoned_runs(self) -> None:
        """A run still 'running' when this job starts again was ended by a crash or a kill."""
        for run in await self.store.run_list(self.job.name, limit=20):
            if run.status == "running":
                await self.store.run_finish(
                    run.id, status="interrupted", read=run.read or 0, written=run.written or 0,
                    skipped=run.skipped or 0, failed=run.failed or 0,
                    message="the process ended before the run finished; the next run resumed from its checkpoint",
                )

    # -- one flow ------------------------------------------------------------------------------
    async def _run_flow(self, plan: FlowPlan, counts: FlowCounts) -> None:
        """Read, prepare and deliver the flow's pages, checkpointing after each delivery.

        A sink that takes bigger batches than the stream's pages (an SP-API feed holds 25,000 messages,
        Shopify's ``inventorySetQuantities`` 250 quantities) gets full batches: prepared pages are held,
        unacknowledged and not checkpointed, until they fill at least one batch; then only whole
        batches are written, and what is left over waits for the next delivery together with its page,
        which is checkpointed once all of it is written. What is held is bounded by the sink's batch
        size and ``MAX_HELD_PAGES``; the end of the stream, or a stop, writes whatever is held.

        One delivery runs in the background while the next pages are read and mapped, so the API is
        not left idle while this process maps. Deliveries never overlap: each starts only once the one
        before it has written and checkpointed, so checkpoints stay in order and at most one delivery
        and one batch in preparation are in memory.
        """
        cursor_name = plan.cursor_name
        state = None if self.full_refresh else await self.store.get_cursor(self.job.name, cursor_name)
        cursor = IncrementalCursor.from_state(state, lookback=plan.lookback, initial_value=plan.initial_value)
        await self._count_open_errors(plan)
        stream: Stream[Any] = plan.stream
        batch = self.batch_size(plan)
        held: list[_HeldPage] = []
        delivering: asyncio.Task[None] | None = None
        try:
            async for page in stream.read(cursor.position()):
                page_counts, pairs = await self._prepare_page(plan, cursor, page)
                counts.add(page_counts)
                self._emit(plan.name, counts)
                held.append(_HeldPage(page, pairs))
                everything = len(held) >= MAX_HELD_PAGES or self.stopping
                if everything or sum(len(h.pairs) for h in held) >= batch:
                    pages, ready, held = _take_batches(held, batch, everything=everything)
                    if delivering is not None:
                        await delivering
                    delivering = asyncio.create_task(self._deliver_held(plan, cursor, pages, ready, counts))
                if self.stopping:
                    assert delivering is not None
                    await delivering  # the page in flight is written and checkpointed, then the run ends
                    return
            if delivering is not None:
                await delivering
        except BaseException:
            await _settle(delivering)
            raise
        if held:
            pages, ready, _ = _take_batches(held, batch, everything=True)
            await self._deliver_held(plan, cursor, pages, ready, counts)
        if not self.dry_run:
            cursor.finish()
            await self.store.save_cursor(self.job.name, cursor_name, cursor.to_state())
        self._emit(plan.name, counts, done=True)

    def batch_size(self, plan: FlowPlan) -> int:
        """The sink's own batch size, capped by the job's ``batch_size`` only when the job sets one."""
        options = self.job.config.options
        size = plan.sink.batch_size
        if "batch_size" in options.model_fields_set:
            size = min(size, options.batch_size)
        return max(1, size)

    async def _deliver_held(
        self,
        plan: FlowPlan,
        cursor: IncrementalCursor,
        pages: list[Page],
        pairs: list[tuple[SourceRecord, BaseModel]],
        counts: FlowCounts,
    ) -> None:
        written, skipped, failed = await self.deliver(plan, pairs)
        counts.written += written
        counts.skipped += skipped
        counts.failed += failed
        if self.dry_run or not pages:  # no page complete yet: its checkpoint waits for the rest of it
            return
        for page in pages:
            cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=plan.stream.sorted_by_cursor)
        await self.store.save_cursor(self.job.name, plan.cursor_name, cursor.to_state())
        for page in pages:
            await plan.stream.acknowledge(page)

    def _emit(self, flow: str, counts: FlowCounts, done: bool = False) -> None:
        if self.on_progress is not None:
            self.on_progress(ProgressEvent(flow=flow, counts=counts, done=done))

    async def _prepare_page(
        self, plan: FlowPlan, cursor: IncrementalCursor, page: Page
    ) -> tuple[FlowCounts, list[tuple[SourceRecord, BaseModel]]]:
        """Map a page to canonical and apply the operations; records that cannot be mapped are parked."""
        counts = FlowCounts(pages=1, read=len(page.records))
        fresh = cursor.new_records(page.records)
        counts.skipped += len(page.records) - len(fresh)

        canonical: list[tuple[SourceRecord, BaseModel]] = []
        for record in fresh:
            try:
                canonical.append((record, plan.to_canonical(record)))
            except RecordError as exc:
                counts.failed += 1
                await self._park(plan, "map", record.key, record.payload, exc)

        for record, model in canonical:
            model._origin_key = record.key
        models = await plan.apply_operations([model for _, model in canonical])
        counts.skipped += max(len(canonical) - len(models), 0)  # dropped by a filter or a routing rule
        pairs = [(SourceRecord(key=plan.trace_key_of(m, fallback=_origin_key(m)), payload=None), m) for m in models]
        return counts, pairs

    # -- delivery (also used by `errors retry`) ---------------------------------------------------
    async def deliver(
        self, plan: FlowPlan, pairs: Sequence[tuple[SourceRecord, BaseModel]], *, attempt: int = 0
    ) -> tuple[int, int, int]:
        """Map canonical records to the sink, skip what was already written, write the rest in batches."""
        sink: Sink[Any] = plan.sink
        if sink.write_mode == WriteMode.LATEST_STATE:
            latest = {record.key: (record, model) for record, model in pairs}  # a later level replaces an earlier
            pairs = list(latest.values())
        requests: list[WriteRequest] = []
        digests: dict[str, str] = {}
        failed = 0
        for record, model in pairs:
            trace = plan.trace_key_of(model, fallback=record.key)
            text = model.model_dump_json()  # once, for both the digest and the payload
            digest = record_digest(model, json_text=text)
            try:
                payload = plan.to_sink_payload(model, trace, json_text=text)
            except RecordError as exc:
                failed += 1
                await self._park(plan, "map_out", trace, model.model_dump(mode="json"), exc)
                continue
            key = idempotency_key(self.job.name, plan.name, trace, digest, attempt=attempt)
            if key in digests:
                continue  # the same version of the same record twice in held pages: write it once
            digests[key] = digest
            requests.append(WriteRequest(idempotency_key=key, trace_key=trace, record=model, payload=payload))

        skipped = 0
        if requests and attempt == 0:
            before = len(requests)
            requests = await self._not_yet_written(plan, requests, digests)
            skipped = before - len(requests)
        if not requests:
            return 0, skipped, failed

        if self.dry_run:
            for request in requests[: max(0, self.dry_run_sample - len(self._would_write))]:
                self._would_write.append(
                    {"flow": plan.name, "sink": sink.name, "trace_key": request.trace_key,
                     "payload": redact_value(_jsonable(request.payload if request.payload is not None else request.record))}
                )
            return len(requests), skipped, failed

        size = self.batch_size(plan)
        batches = [requests[i : i + size] for i in range(0, len(requests), size)]
        semaphore = asyncio.Semaphore(max(1, self.job.config.options.concurrency))
        # No 'pending' ledger rows before the calls: keys derive from each record's content, so a write
        # that a crash interrupts before it is recorded gets the same key when the page is read again,
        # and the system absorbs the resend (idempotency header or upsert by external ID).

        async def one(batch: list[WriteRequest]) -> list[tuple[WriteRequest, WriteResult]]:
            async with semaphore:
                return await self._write_batch(plan, batch)

        outcomes = await asyncio.gather(*(one(b) for b in batches), return_exceptions=True)
        settled = [pair for outcome in outcomes if not isinstance(outcome, BaseException) for pair in outcome]
        written, batch_failed = await self._record_results(plan, settled, digests)
        unchanged = sum(1 for _, result in settled if result.ok and result.skipped)
        written -= unchanged
        skipped += unchanged
        failed += batch_failed
        errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        if errors:
            raise errors[0]  # after recording what did go through
        return written, skipped, failed

    async def _not_yet_written(
        self, plan: FlowPlan, requests: list[WriteRequest], digests: dict[str, str]
    ) -> list[WriteRequest]:
        if plan.sink.write_mode == WriteMode.LATEST_STATE:
            last = await self.store.snapshot_get_many(self.job.name, plan.name, [r.trace_key for r in requests])
            requests = [r for r in requests if last.get(r.trace_key) != digests[r.idempotency_key]]
            if not requests:
                return requests
        entries = await self.store.ledger_get_many([r.idempotency_key for r in requests])
        return [r for r in requests if getattr(entries.get(r.idempotency_key), "status", None) != "done"]

    async def _write_batch(self, plan: FlowPlan, batch: list[WriteRequest]) -> list[tuple[WriteRequest, WriteResult]]:
        try:
            results = await plan.sink.write(batch)
        except RecordError as exc:
            # The whole batch was refused as one record would be (a single-record call's 4xx).
            results = [WriteResult(idempotency_key=r.idempotency_key, error=exc) for r in batch]
        by_key = {r.idempotency_key: r for r in results}
        missing = RecordError("the sink returned no result for this record")
        return [(r, by_key.get(r.idempotency_key) or WriteResult(r.idempotency_key, error=missing)) for r in batch]

    async def _record_results(
        self, plan: FlowPlan, settled: list[tuple[WriteRequest, WriteResult]], digests: dict[str, str]
    ) -> tuple[int, int]:
        """Make a page's outcomes durable: a handful of round trips, whatever the page size."""
        store, job = self.store, self.job.name
        done: list[tuple[str, str, str, str, str | None]] = []
        snapshots: list[tuple[str, str]] = []
        links: list[tuple[str, str, str, str]] = []
        failed = 0
        for request, result in settled:
            if result.ok:
                done.append((request.idempotency_key, job, plan.name, plan.sink.name, result.external_id))
                snapshots.append((request.trace_key, digests[request.idempotency_key]))
                # A record an operation made (an available-to-sell figure) belongs to no source system.
                origin = plan.source_system if _origin_key(request.record) else DERIVED_SYSTEM
                cid = canonical_id(plan.entity, origin, request.trace_key)
                links.append((plan.entity, cid, origin, request.trace_key))
                if result.external_id:
                    links.append((plan.entity, cid, plan.sink_system, result.external_id))
            else:
                failed += 1
                await self._park(plan, "write", request.trace_key, {"record": _jsonable(request.record)}, result.error)
        if done:
            await store.ledger_record_many(done)
            await store.xref_link_many(links)
            if plan.sink.write_mode == WriteMode.LATEST_STATE:
                await store.snapshot_put_many(job, plan.name, snapshots)
            if self._may_have_open_errors(plan):
                await store.error_resolve_many(job, plan.name, [trace for trace, _ in snapshots])
        return len(done), failed

    def _may_have_open_errors(self, plan: FlowPlan) -> bool:
        return self._open_errors.get(plan.name, True)

    async def _count_open_errors(self, plan: FlowPlan) -> None:
        """Whether a success can have older errors to resolve; when none are open, resolving is skipped."""
        open_count = await self.store.error_count(status="open", job=self.job.name)
        retrying = await self.store.error_count(status="retrying", job=self.job.name)
        self._open_errors[plan.name] = bool(open_count or retrying)

    async def _park(self, plan: FlowPlan, stage: str, trace_key: str, payload: Any, error: BaseException | None) -> None:
        """Put a record in the error queue with what is needed to replay it."""
        self._open_errors[plan.name] = True
        if self.dry_run:
            log.warning("dry run: %s would be parked at stage %s: %s", trace_key, stage, redact(str(error)))
            return
        details = getattr(error, "details", None) or {}
        await self.store.error_add(
            job=self.job.name,
            flow=plan.name,
            stage=stage,
            system=plan.sink_system if stage.startswith("write") else plan.source_system,
            entity=plan.entity,
            trace_key=trace_key,
            payload=redact_value(_jsonable(payload)),
            error_class=type(error).__name__ if error else "Error",
            message=redact(str(error)) if error else "",
            details=redact_value(_jsonable(details)),
        )


@dataclass
class _HeldPage:
    """A page read and prepared but not yet checkpointed, with its records not yet handed to the sink."""

    page: Page
    pairs: list[tuple[SourceRecord, BaseModel]]


def _take_batches(
    held: list[_HeldPage], batch: int, *, everything: bool
) -> tuple[list[Page], list[tuple[SourceRecord, BaseModel]], list[_HeldPage]]:
    """Split what is held into the records to write now and what waits.

    Returns the pages whose records are all in this delivery (to checkpoint after it), the records to
    write (whole batches only, unless ``everything``), and the pages still held: a page whose records
    are split stays held with its remaining records, and so does every page after it.
    """
    total = sum(len(h.pairs) for h in held)
    take = total if everything else total - total % batch
    pages: list[Page] = []
    ready: list[tuple[SourceRecord, BaseModel]] = []
    for index, entry in enumerate(held):
        if take >= len(entry.pairs):
            ready += entry.pairs
            take -= len(entry.pairs)
            pages.append(entry.page)
            continue
        ready += entry.pairs[:take]
        return pages, ready, [_HeldPage(entry.page, entry.pairs[take:]), *held[index + 1 :]]
    return pages, ready, []


async def _settle(delivering: asyncio.Task[None] | None) -> None:
    """After a failure while reading or mapping: let the delivery in flight finish, so what it wrote
    is recorded and checkpointed, before the failure propagates (a cancellation cancels it too)."""
    if delivering is None or delivering.done():
        if delivering is not None and not delivering.cancelled():
            delivering.exception()  # retrieved: the original failure is the one reported
        return
    current = asyncio.current_task()
    if current is not None and current.cancelling():
        delivering.cancel()
    await asyncio.wait([delivering])
    if not delivering.cancelled():
        delivering.exception()


def _origin_key(model: Any) -> str | None:
    """A document's ``_origin_key`` (None for a model without one).

    Read from pydantic's private-attribute store: ``model._origin_key`` goes through a failed
    attribute lookup and ``BaseModel.__getattr__``, about 2 us, twice for every record.
    """
    private = getattr(model, "__pydantic_private__", None)
    return private.get("_origin_key") if private else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def validation_error_to_record_error(exc: ValidationError, model: str) -> RecordError:
    """A pydantic error as a record error naming the fields, without echoing whole input values."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or model}: {err['msg']}" for err in exc.errors(include_input=False)[:10]
    )
    return RecordError(f"{model} is not valid: {problems}")
