"""Run history: every run recorded with how it ended and its counts, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crossdock.runtime.state import StateStore, UnknownIdError


async def test_run_history_newest_first(store: StateStore) -> None:
    first = await store.run_start("orders-to-erp")
    second = await store.run_start("stock-to-shop")
    third = await store.run_start("orders-to-erp")

    assert [r.id for r in await store.run_list()] == [third, second, first]
    assert [r.id for r in await store.run_list("orders-to-erp")] == [third, first]
    assert [r.id for r in await store.run_list(limit=1)] == [third]


async def test_a_finished_run_records_how_it_ended(store: StateStore) -> None:
    run_id = await store.run_start("orders-to-erp")
    running = await store.run_get(run_id)
    assert running is not None and (running.status, running.ended_at, running.read) == ("running", None, 0)

    await store.run_finish(run_id, status="partial", read=250, written=247, skipped=1, failed=2, message="2 parked")

    run = await store.run_get(run_id)
    assert run is not None
    assert (run.job, run.status, run.read, run.written, run.skipped, run.failed, run.message) == (
        "orders-to-erp", "partial", 250, 247, 1, 2, "2 parked",
    )  # fmt: skip
    assert run.ended_at is not None and run.ended_at >= run.started_at
    assert run.started_at.utcoffset() == timedelta(0)


async def test_latest_run_of_each_job(store: StateStore) -> None:
    await store.run_start("orders-to-erp")
    newest_orders = await store.run_start("orders-to-erp")
    stock = await store.run_start("stock-to-shop")
    await store.run_finish(stock, status="failed", read=0, written=0, skipped=0, failed=0, message="bad token")

    latest = await store.run_latest_per_job()
    assert [(r.job, r.id, r.status) for r in latest] == [
        ("orders-to-erp", newest_orders, "running"),
        ("stock-to-shop", stock, "failed"),
    ]


async def test_finishing_an_unknown_run_or_with_an_unknown_status_is_refused(store: StateStore) -> None:
    with pytest.raises(UnknownIdError):
        await store.run_finish(99999, status="succeeded", read=0, written=0, skipped=0, failed=0)
    run_id = await store.run_start("job")
    with pytest.raises(ValueError, match="a run finishes as"):
        await store.run_finish(run_id, status="running", read=0, written=0, skipped=0, failed=0)
    assert await store.run_get(99999) is None
