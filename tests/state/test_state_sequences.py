"""Sequences (EDI control numbers) and remembered keys (webhook / ISA13 de-duplication)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from crossdock.runtime.state import StateStore, open_store


async def test_next_sequence_starts_at_start_and_counts_up_per_scope_and_name(store: StateStore) -> None:
    assert [await store.next_sequence("edi:acme", "isa13") for _ in range(3)] == [1, 2, 3]
    assert await store.next_sequence("edi:acme", "gs06", start=100) == 100
    assert await store.next_sequence("edi:globex", "isa13") == 1


async def test_next_sequence_wraps_to_start_after_its_maximum(store: StateStore) -> None:
    numbers = [await store.next_sequence("edi", "st02", start=1, maximum=3) for _ in range(5)]
    assert numbers == [1, 2, 3, 1, 2]
    with pytest.raises(ValueError):
        await store.next_sequence("edi", "st02", start=10, maximum=3)


async def test_next_sequence_never_repeats_under_concurrency(store: StateStore) -> None:
    numbers = await asyncio.gather(*(store.next_sequence("edi", "isa13") for _ in range(200)))
    assert sorted(numbers) == list(range(1, 201))


async def test_next_sequence_never_repeats_across_separate_stores(state_url: str) -> None:
    # Two stores on one database: two processes, or for PostgreSQL two pools.
    async with await open_store(state_url) as one, await open_store(state_url) as two:
        numbers = await asyncio.gather(
            *(store.next_sequence("edi", "isa13") for _ in range(100) for store in (one, two))
        )
    assert sorted(numbers) == list(range(1, 201))


async def test_next_sequence_survives_reopen(state_url: str) -> None:
    async with await open_store(state_url) as store:
        assert [await store.next_sequence("edi", "isa13") for _ in range(3)] == [1, 2, 3]
    async with await open_store(state_url) as store:
        assert await store.next_sequence("edi", "isa13") == 4


async def test_remember_is_true_only_once(store: StateStore) -> None:
    assert await store.remember("webhook:shop", "evt_1") is True
    assert await store.remember("webhook:shop", "evt_1") is False
    assert await store.remember("webhook:other", "evt_1") is True
    await store.forget("webhook:shop", "evt_1")
    assert await store.remember("webhook:shop", "evt_1") is True


async def test_remember_is_atomic_under_concurrency(store: StateStore) -> None:
    results = await asyncio.gather(*(store.remember("isa13:acme", "000000042") for _ in range(50)))
    assert results.count(True) == 1


async def test_old_remembered_keys_can_be_forgotten(store: StateStore) -> None:
    await store.remember("webhook:shop", "evt_1")
    assert await store.forget_before("webhook:shop", datetime.now(UTC) - timedelta(days=1)) == 0
    assert await store.forget_before("webhook:other", datetime.now(UTC) + timedelta(days=1)) == 0
    assert await store.forget_before("webhook:shop", datetime.now(UTC) + timedelta(days=1)) == 1
    assert await store.remember("webhook:shop", "evt_1") is True
