"""EDI acknowledgments awaited from partners: recorded once, settled by the partner's 997/999, listed by deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crossdock.runtime.state import StateStore, open_store

SENT = datetime(2024, 1, 2, 10, 30, tzinfo=UTC)


async def test_sent_groups_await_their_acknowledgment_and_are_recorded_once(store: StateStore) -> None:
    await store.edi_ack_expect_many(
        [
            ("acme", "7", "42", "850", ["0007", "0008"], SENT, SENT + timedelta(hours=24)),
            ("acme", "9", "42", "856", ["0009"], SENT, None),
        ]
    )
    await store.edi_ack_expect_many([("acme", "7", "99", "810", ["1"], SENT + timedelta(days=1), None)])
    row = await store.edi_ack_get("acme", "7")
    assert row is not None
    assert (row.interchange_control, row.document_type, row.set_controls, row.status) == ("42", "850", ["0007", "0008"], "awaiting")
    assert (row.sent_at, row.due_by, row.set_statuses, row.acknowledged_at) == (SENT, SENT + timedelta(hours=24), None, None)
    assert await store.edi_ack_get("acme", "8") is None
    assert await store.edi_ack_get("globex", "7") is None


async def test_an_acknowledgment_settles_a_group_and_a_later_one_replaces_it(store: StateStore) -> None:
    await store.edi_ack_expect_many([("acme", "7", "42", "850", ["0007"], SENT, None)])
    settled = await store.edi_ack_settle(
        "acme", "7", status="rejected", set_statuses={"0007": "R"}, acknowledged_at=SENT + timedelta(hours=1)
    )
    assert settled is not None and (settled.status, settled.set_statuses) == ("rejected", {"0007": "R"})
    again = await store.edi_ack_settle(
        "acme", "7", status="accepted", set_statuses={"0007": "A"}, acknowledged_at=SENT + timedelta(hours=2)
    )
    assert again is not None and (again.status, again.acknowledged_at) == ("accepted", SENT + timedelta(hours=2))
    assert await store.edi_ack_settle("acme", "8", status="accepted", set_statuses={}, acknowledged_at=SENT) is None
    with pytest.raises(ValueError):
        await store.edi_ack_settle("acme", "7", status="lost", set_statuses={}, acknowledged_at=SENT)


async def test_awaited_groups_are_listed_by_deadline_and_overdue_ones_found(store: StateStore) -> None:
    await store.edi_ack_expect_many(
        [
            ("acme", "3", "40", "850", ["3"], SENT, SENT + timedelta(hours=48)),
            ("acme", "1", "40", "850", ["1"], SENT, None),
            ("globex", "2", "41", "856", ["2"], SENT, SENT + timedelta(hours=24)),
            ("acme", "4", "40", "850", ["4"], SENT, SENT + timedelta(hours=12)),
        ]
    )
    await store.edi_ack_settle("acme", "4", status="accepted", set_statuses={"4": "A"}, acknowledged_at=SENT)
    assert [(r.partner, r.group_control) for r in await store.edi_ack_list()] == [
        ("globex", "2"), ("acme", "3"), ("acme", "1"),
    ]  # fmt: skip
    overdue = await store.edi_ack_list(due_before=SENT + timedelta(hours=30))
    assert [r.group_control for r in overdue] == ["2"]
    assert [r.group_control for r in await store.edi_ack_list(partner="acme")] == ["3", "1"]
    assert [r.group_control for r in await store.edi_ack_list(status="accepted")] == ["4"]
    assert len(await store.edi_ack_list(status=None)) == 4
    assert len(await store.edi_ack_list(status=None, limit=2)) == 2
    with pytest.raises(ValueError):
        await store.edi_ack_list(status="late")


async def test_awaited_acknowledgments_survive_reopen(state_url: str) -> None:
    async with await open_store(state_url) as store:
        await store.edi_ack_expect_many([("acme", "7", "42", "850", ["0007"], SENT, SENT + timedelta(hours=24))])
    async with await open_store(state_url) as store:
        (row,) = await store.edi_ack_list()
        assert (row.partner, row.group_control, row.due_by) == ("acme", "7", SENT + timedelta(hours=24))


async def test_naive_timestamps_are_refused(store: StateStore) -> None:
    with pytest.raises(ValueError):
        await store.edi_ack_expect_many([("acme", "7", "42", "850", ["7"], datetime(2024, 1, 2), None)])
