"""The error queue: every failed record parked with its payload, one open error per record, replayable."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from crossdock.runtime.state import StateStore, StateStoreError, UnknownIdError


async def park(store: StateStore, trace_key: str = "1001", **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "job": "orders-to-erp",
        "flow": "orders",
        "stage": "write",
        "system": "erp",
        "entity": "order",
        "trace_key": trace_key,
        "payload": {"record": {"id": trace_key, "lines": [{"sku": "A-1", "qty": 2}]}},
        "error_class": "RecordError",
        "message": "unknown SKU A-1",
        "details": {"status": 400},
    }
    fields.update(overrides)
    return await store.error_add(**fields)


async def test_error_queue_keeps_payload_and_counts_attempts(store: StateStore) -> None:
    error_id = await park(store)
    error = await store.error_get(error_id)
    assert error is not None
    assert (error.job, error.flow, error.stage, error.system, error.entity, error.trace_key) == (
        "orders-to-erp", "orders", "write", "erp", "order", "1001",
    )  # fmt: skip
    assert error.payload == {"record": {"id": "1001", "lines": [{"sku": "A-1", "qty": 2}]}}
    assert (error.error_class, error.message, error.details) == ("RecordError", "unknown SKU A-1", {"status": 400})
    assert (error.attempts, error.status, error.resolved_at, error.resolution) == (1, "open", None, None)
    assert error.created_at.utcoffset() == timedelta(0) and error.updated_at >= error.created_at

    await store.error_record_attempt(error_id, "RecordError", "SKU A-1 still unknown", {"status": 422})
    retried = await store.error_get(error_id)
    assert retried is not None
    assert (retried.attempts, retried.status, retried.message, retried.details) == (
        2,
        "open",
        "SKU A-1 still unknown",
        {"status": 422},
    )
    assert retried.payload == error.payload


async def test_payloads_may_be_lists_text_or_hold_decimals(store: StateStore) -> None:
    as_list = await park(store, "a", payload=[{"qty": Decimal("1.50")}])
    as_text = await park(store, "b", payload="ISA*00*...~", details=None)
    assert (await store.error_get(as_list)).payload == [{"qty": "1.50"}]  # type: ignore[union-attr]
    text = await store.error_get(as_text)
    assert text is not None and text.payload == "ISA*00*...~" and text.details is None


async def test_same_record_failing_twice_updates_one_error(store: StateStore) -> None:
    first = await park(store, payload={"v": 1}, message="first failure")
    second = await park(store, payload={"v": 2}, message="second failure", stage="map")
    other_record = await park(store, "1002")

    assert second == first and other_record != first
    error = await store.error_get(first)
    assert error is not None
    assert (error.attempts, error.payload, error.message, error.stage) == (2, {"v": 2}, "second failure", "map")
    assert await store.error_count() == 2


async def test_a_retrying_error_that_fails_again_is_open_with_one_more_attempt(store: StateStore) -> None:
    error_id = await park(store)
    await store.error_set_status(error_id, "retrying")
    assert await park(store) == error_id
    error = await store.error_get(error_id)
    assert error is not None and (error.status, error.attempts) == ("open", 2)


async def test_a_record_failing_after_its_error_was_resolved_gets_a_new_error(store: StateStore) -> None:
    old = await park(store)
    await store.error_set_status(old, "resolved", resolution="fixed in ERP")
    new = await park(store)
    assert new != old
    assert (await store.error_get(old)).status == "resolved"  # type: ignore[union-attr]
    assert (await store.error_get(new)).attempts == 1  # type: ignore[union-attr]


async def test_later_success_resolves_older_errors_of_that_record(store: StateStore) -> None:
    failed = await park(store, "1001")
    retrying = await park(store, "1002")
    await store.error_set_status(retrying, "retrying")
    untouched = await park(store, "1003")
    other_flow = await park(store, "1001", flow="refunds")

    assert await store.error_resolve_trace("orders-to-erp", "orders", "1001") == 1
    assert (
        await store.error_resolve_many("orders-to-erp", "orders", ["1002", "1002", "9999"], resolution="replayed") == 1
    )
    assert await store.error_resolve_trace("orders-to-erp", "orders", "1001") == 0

    resolved = await store.error_get(failed)
    assert resolved is not None
    assert (resolved.status, resolved.resolution) == ("resolved", "auto: later success")
    assert resolved.resolved_at is not None and resolved.resolved_at.utcoffset() == timedelta(0)
    assert (await store.error_get(retrying)).resolution == "replayed"  # type: ignore[union-attr]
    assert (await store.error_get(untouched)).status == "open"  # type: ignore[union-attr]
    assert (await store.error_get(other_flow)).status == "open"  # type: ignore[union-attr]


async def test_errors_are_listed_in_queue_order_and_filtered(store: StateStore) -> None:
    ids = [await park(store, f"r{n}") for n in range(5)]
    other_job = await park(store, "x", job="stock-to-shop")
    await store.error_set_status(ids[1], "resolved", resolution="by hand")
    await store.error_set_status(ids[2], "retrying")

    assert [e.id for e in await store.error_list()] == [ids[0], ids[3], ids[4], other_job]
    assert [e.id for e in await store.error_list(status="resolved")] == [ids[1]]
    assert [e.id for e in await store.error_list(status=None, job="orders-to-erp")] == ids
    assert [e.id for e in await store.error_list(status=None, limit=2, offset=1)] == ids[1:3]
    assert await store.error_count() == 6
    assert await store.error_count(status="open") == 4
    assert await store.error_count(status="open", job="stock-to-shop") == 1


async def test_error_status_moves_and_reopening_clears_the_resolution(store: StateStore) -> None:
    error_id = await park(store)
    await store.error_set_status(error_id, "resolved", resolution="ignored: test order")
    resolved = await store.error_get(error_id)
    assert resolved is not None and resolved.resolution == "ignored: test order" and resolved.resolved_at is not None

    await store.error_set_status(error_id, "open")
    reopened = await store.error_get(error_id)
    assert reopened is not None and (reopened.status, reopened.resolution, reopened.resolved_at) == ("open", None, None)


async def test_reopening_is_refused_while_the_record_has_another_open_error(store: StateStore) -> None:
    old = await park(store)
    await store.error_set_status(old, "resolved")
    new = await park(store)
    with pytest.raises(StateStoreError, match=f"already has open error {new}"):
        await store.error_set_status(old, "open")
    assert (await store.error_get(old)).status == "resolved"  # type: ignore[union-attr]


async def test_an_operator_can_fix_the_payload_before_a_retry(store: StateStore) -> None:
    error_id = await park(store)
    await store.error_update_payload(error_id, {"record": {"id": "1001", "lines": [{"sku": "A-2", "qty": 2}]}})
    error = await store.error_get(error_id)
    assert error is not None and error.payload["record"]["lines"][0]["sku"] == "A-2" and error.attempts == 1


async def test_unknown_ids_and_statuses_are_refused(store: StateStore) -> None:
    assert await store.error_get(424242) is None
    with pytest.raises(UnknownIdError):
        await store.error_set_status(424242, "resolved")
    with pytest.raises(UnknownIdError):
        await store.error_update_payload(424242, {})
    with pytest.raises(UnknownIdError):
        await store.error_record_attempt(424242, "RecordError", "again")
    error_id = await park(store)
    with pytest.raises(ValueError, match="error status"):
        await store.error_set_status(error_id, "closed")
    with pytest.raises(ValueError, match="error status"):
        await store.error_list(status="all")
