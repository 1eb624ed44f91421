"""The runner's guarantees, shown on a file → REST job, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections import Counter

import httpx
import pytest

from crossdock.runtime.replay import replay_error
from crossdock.runtime.runner import JobRunner, ProgressEvent

from runtime_harness import ERP_TOKEN, Harness, ProcessDied


async def run_once(harness: Harness, **kwargs: object) -> object:
    async with await harness.open() as job:
        return await JobRunner(job, **kwargs).run()  # type: ignore[arg-type]


def assert_each_order_landed_once(harness: Harness, expected: int) -> None:
    counts = Counter(harness.erp.received_numbers())
    assert len(counts) == expected
    assert max(counts.values()) == 1, f"duplicated: {[n for n, c in counts.items() if c > 1]}"


async def test_first_run_delivers_every_order(harness: Harness) -> None:
    summary = await run_once(harness)
    assert summary.status == "succeeded"
    assert summary.totals.written == 30
    assert_each_order_landed_once(harness, 30)


async def test_rerun_writes_nothing_twice(harness: Harness) -> None:
    await run_once(harness)
    again = await run_once(harness)
    assert again.totals.written == 0
    assert_each_order_landed_once(harness, 30)


async def test_rerun_from_scratch_is_absorbed_by_the_ledger(harness: Harness) -> None:
    """Even with the cursor thrown away (a full refresh), nothing already written is posted again."""
    await run_once(harness)
    posts_after_first = harness.erp.posts
    async with await harness.open() as job:
        summary = await JobRunner(job, full_refresh=True).run()
    assert summary.totals.read == 30 and summary.totals.written == 0 and summary.totals.skipped == 30
    assert harness.erp.posts == posts_after_first


async def test_graceful_stop_checkpoints_and_the_next_run_resumes(harness: Harness) -> None:
    async with await harness.open() as job:
        runner = JobRunner(job)

        def stop_after_first_page(event: ProgressEvent) -> None:
            if event.counts.pages >= 1:
                runner.stop()

        runner.on_progress = stop_after_first_page
        first = await runner.run()
    assert first.status == "interrupted"
    assert first.totals.written == 10, "exactly the first page was delivered and checkpointed"

    second = await run_once(harness)
    assert second.status == "succeeded"
    assert second.totals.read == 20, "the second run resumed after the checkpoint"
    assert_each_order_landed_once(harness, 30)


async def test_the_next_page_is_mapped_while_the_previous_one_is_written(harness: Harness) -> None:
    second_page_prepared = asyncio.Event()

    async def hold_first_write_until_page_two_is_ready(number: int) -> None:
        if number == 1:
            await asyncio.wait_for(second_page_prepared.wait(), timeout=10)

    harness.erp.before_post = hold_first_write_until_page_two_is_ready
    async with await harness.open() as job:
        runner = JobRunner(job)

        def watch(event: ProgressEvent) -> None:
            if event.counts.pages >= 2:
                second_page_prepared.set()

        runner.on_progress = watch
        summary = await runner.run()
    assert summary.status == "succeeded", summary.message
    assert_each_order_landed_once(harness, 30)


async def test_resume_after_a_crash_mid_stream_loses_and_duplicates_nothing(harness: Harness) -> None:
    harness.erp.script[14] = "die_after_send"  # the ERP took order 14, then the process died
    with pytest.raises(ProcessDied):
        await run_once(harness)
    landed_before = len(harness.erp.received_numbers())
    assert 10 <= landed_before < 30

    runs = await harness.store.run_list("shop-to-erp")
    assert runs[0].status == "failed"

    summary = await run_once(harness)
    assert summary.status == "succeeded"
    assert_each_order_landed_once(harness, 30)
    assert harness.erp.erp.idempotency is not None


async def test_429_with_retry_after_is_waited_out(harness: Harness) -> None:
    harness.erp.script[3] = lambda: httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "slow down"})
    summary = await run_once(harness)
    assert summary.status == "succeeded"
    assert 7.0 in harness.waits, f"waits were {harness.waits}"
    assert_each_order_landed_once(harness, 30)


async def test_5xx_is_retried(harness: Harness) -> None:
    harness.erp.script[5] = lambda: httpx.Response(503, json={"error": "maintenance"})
    harness.erp.script[6] = lambda: httpx.Response(502, text="bad gateway")
    summary = await run_once(harness)
    assert summary.status == "succeeded"
    assert len(harness.waits) >= 2
    assert_each_order_landed_once(harness, 30)


async def test_400_parks_the_record_with_its_payload_and_retry_after_a_fix_delivers_it(harness: Harness) -> None:
    sku = _a_sku_of_exactly_one_order(harness)
    harness.erp.refuse_skus.add(sku)
    summary = await run_once(harness)
    assert summary.status == "partial"
    assert summary.totals.failed >= 1

    errors = await harness.store.error_list(status="open", job="shop-to-erp")
    assert len(errors) == summary.totals.failed
    error = errors[0]
    assert error.stage == "write" and error.error_class == "RecordError"
    assert "400" in error.message and sku in json.dumps(error.payload)
    assert error.payload["record"]["lines"], "the canonical record is kept whole for the retry"

    harness.erp.refuse_skus.clear()  # the item now exists in the ERP
    async with await harness.open() as job:
        result = await replay_error(job, error.id)
    assert result.status == "resolved"
    assert (await harness.store.error_get(error.id)).status == "resolved"
    assert error.payload["record"]["number"] in harness.erp.received_numbers()


async def test_retry_with_an_edited_payload_delivers_the_fixed_record(harness: Harness) -> None:
    sku = _a_sku_of_exactly_one_order(harness)
    harness.erp.refuse_skus.add(sku)
    await run_once(harness)
    error = (await harness.store.error_list(status="open", job="shop-to-erp"))[0]

    fixed = json.loads(json.dumps(error.payload))
    for line in fixed["record"]["lines"]:
        if line["sku"] == sku:
            line["sku"] = sku + "-V2"
    async with await harness.open() as job:
        result = await replay_error(job, error.id, payload=fixed)
    assert result.status == "resolved", result.message
    landed = [o for o in harness.erp.erp.received_orders if o["number"] == fixed["record"]["number"]]
    assert landed and any(line["sku"] == sku + "-V2" for line in landed[-1]["lines"])


async def test_a_later_success_resolves_older_errors_of_the_same_record(harness: Harness) -> None:
    sku = _a_sku_of_exactly_one_order(harness)
    harness.erp.refuse_skus.add(sku)
    await run_once(harness)
    assert await harness.store.error_count(status="open", job="shop-to-erp") >= 1
    harness.erp.refuse_skus.clear()
    async with await harness.open() as job:
        await JobRunner(job, full_refresh=True).run()  # the record is read again and this time goes through
    assert await harness.store.error_count(status="open", job="shop-to-erp") == 0


async def test_secret_never_reaches_logs_error_queue_or_exceptions(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    harness.erp.refuse_skus.add(_a_sku_of_exactly_one_order(harness))
    harness.erp.script[2] = lambda: httpx.Response(
        400, json={"error": {"message": f"token {ERP_TOKEN} is not allowed to post this"}}
    )
    harness.erp.script[4] = lambda: httpx.Response(503, json={"echo": f"Bearer {ERP_TOKEN}"})
    summary = await run_once(harness)
    errors = await harness.store.error_list(status=None, job="shop-to-erp")
    assert errors, "the scripted failures must have produced error-queue entries"

    assert ERP_TOKEN not in caplog.text
    dumped = json.dumps([dataclasses.asdict(e) for e in errors], default=str)
    assert ERP_TOKEN not in dumped
    assert ERP_TOKEN not in json.dumps(summary.as_dict(), default=str)
    for e in errors:
        assert ERP_TOKEN not in e.message


def _a_sku_of_exactly_one_order(harness: Harness) -> str:
    """Give the first order's first line a SKU that no other order has, and return it."""
    path = sorted((harness.tmp / "shop" / "orders").glob("*.jsonl"))[0]
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])
    first["lines"][0]["sku"] = "RETIRED-SKU-1"
    lines[0] = json.dumps(first)
    path.write_text("\n".join(lines) + "\n")
    return "RETIRED-SKU-1"


async def test_records_changed_by_operations_keep_their_trace_keys(harness: Harness) -> None:
    """Routing returns copies of the orders; counts and idempotency must still follow the source records."""
    path = harness.write_job()
    text = path.read_text().replace(
        "    sink: {connection: erp, sink: orders}\n",
        "    operations: [{op: route, default: wh, rules: [{to: partner, sku_prefix: ZZZ-}]}]\n"
        "    sink: {connection: erp, sink: orders}\n",
    )
    harness.write_job = lambda: (path.write_text(text), path)[1]  # type: ignore[method-assign]
    first = await run_once(harness)
    assert (first.totals.read, first.totals.written, first.totals.skipped) == (30, 30, 0)
    async with await harness.open() as job:
        again = await JobRunner(job, full_refresh=True).run()
    assert (again.totals.written, again.totals.skipped) == (0, 30), "same trace keys, so the ledger knows them"
    assert_each_order_landed_once(harness, 30)
