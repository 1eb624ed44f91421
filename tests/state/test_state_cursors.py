"""Cursors: one opaque JSON value per (job, stream), written only when the runner saves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from crossdock.runtime.state import StateStore


async def test_cursor_round_trips_and_is_per_job_and_stream(store: StateStore) -> None:
    assert await store.get_cursor("orders-to-erp", "orders") is None
    state = {
        "high_water": "2026-11-21T12:00:00+00:00",
        "seen": {"1001": "2026-11-21T12:00:00+00:00"},
        "resume_token": None,
    }
    await store.save_cursor("orders-to-erp", "orders", state)
    await store.save_cursor("orders-to-erp", "refunds", {"high_water": 7})
    await store.save_cursor("stock-to-shop", "orders", {"high_water": 9})

    assert await store.get_cursor("orders-to-erp", "orders") == state
    assert await store.get_cursor("orders-to-erp", "refunds") == {"high_water": 7}
    assert await store.get_cursor("stock-to-shop", "orders") == {"high_water": 9}


async def test_saving_a_cursor_replaces_the_previous_value(store: StateStore) -> None:
    await store.save_cursor("job", "orders", {"high_water": 1, "seen": {"a": 1}})
    await store.save_cursor("job", "orders", {"high_water": 2})
    assert await store.get_cursor("job", "orders") == {"high_water": 2}
    assert len(await store.list_cursors()) == 1


async def test_cursors_are_listed_by_job_and_stream_with_when_they_moved(store: StateStore) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    await store.save_cursor("b-job", "orders", {"n": 1})
    await store.save_cursor("a-job", "stock", {"n": 2})
    await store.save_cursor("a-job", "orders", {"n": 3})

    rows = await store.list_cursors()
    assert [(r.job, r.stream) for r in rows] == [("a-job", "orders"), ("a-job", "stock"), ("b-job", "orders")]
    assert rows[0].value == {"n": 3}
    assert all(r.updated_at.utcoffset() == timedelta(0) and r.updated_at > before for r in rows)
    assert [r.stream for r in await store.list_cursors("a-job")] == ["orders", "stock"]


async def test_decimals_and_datetimes_in_a_cursor_are_kept_as_text(store: StateStore) -> None:
    moment = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    await store.save_cursor("job", "stock", {"at": moment, "qty": Decimal("12.50")})
    assert await store.get_cursor("job", "stock") == {"at": "2026-11-21T12:00:00+00:00", "qty": "12.50"}
