"""Versioned migrations: applied in order, once each, in their own transaction, and recorded."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from crossdock.runtime.state import LATEST_VERSION, MIGRATIONS, Migration, StateStore, StateStoreError, open_store
from crossdock.runtime.state._migrations import check_migrations


async def test_migrations_are_applied_once_and_recorded(state_url: str) -> None:
    async with await open_store(state_url) as store:
        first = await store.applied_migrations()
        assert await store.schema_version() == LATEST_VERSION
    assert [m.version for m in first] == [m.version for m in MIGRATIONS]
    assert [m.description for m in first] == [m.description for m in MIGRATIONS]
    assert all(m.applied_at.utcoffset() == timedelta(0) for m in first)

    async with await open_store(state_url) as store:
        assert await store.applied_migrations() == first


async def test_stores_opened_together_on_a_new_database_migrate_it_once(state_url: str) -> None:
    stores = await asyncio.gather(*(open_store(state_url) for _ in range(3)))
    try:
        for store in stores:
            assert [m.version for m in await store.applied_migrations()] == [m.version for m in MIGRATIONS]
    finally:
        for store in stores:
            await store.close()


async def test_a_failing_migration_is_rolled_back_and_not_recorded(state_url: str) -> None:
    broken = Migration(100, "half a table", ("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"))
    with pytest.raises(StateStoreError, match="migration 100"):
        await open_store(state_url, migrations=(*MIGRATIONS, broken))

    fixed = Migration(100, "a whole table", ("CREATE TABLE half_done (x INTEGER)",))
    async with await open_store(state_url, migrations=(*MIGRATIONS, fixed)) as store:
        # Creating half_done again succeeds only because the broken step left nothing behind.
        assert await store.schema_version() == 100
        assert (await store.applied_migrations())[-1].description == "a whole table"


async def test_a_store_newer_than_this_code_is_refused(state_url: str) -> None:
    async with await open_store(state_url):
        pass
    with pytest.raises(StateStoreError, match="newer than this Crossdock"):
        await open_store(state_url, migrations=MIGRATIONS[:1])


async def test_reopening_an_existing_database_keeps_its_data(state_url: str) -> None:
    async with await open_store(state_url) as store:
        await store.save_cursor("orders-to-erp", "orders", {"high_water": "2026-11-21T12:00:00+00:00"})
        await store.xref_link("order", "c-1", "shop", "1001")
        await store.ledger_begin_many([("k-1", "orders-to-erp", "orders", "erp")])
        await store.ledger_complete_many([("k-1", "SO-1")])
        error_id = await store.error_add(
            job="orders-to-erp", flow="orders", stage="write", system="erp", entity="order", trace_key="1001",
            payload={"id": 1001}, error_class="RecordError", message="bad SKU",
        )  # fmt: skip
        run_id = await store.run_start("orders-to-erp")
        assert await store.next_sequence("edi", "isa13") == 1

    async with await open_store(state_url) as store:
        assert await store.get_cursor("orders-to-erp", "orders") == {"high_water": "2026-11-21T12:00:00+00:00"}
        assert await store.xref_canonical("shop", "order", "1001") == "c-1"
        assert (await store.ledger_get_many(["k-1"]))["k-1"].status == "done"
        error = await store.error_get(error_id)
        assert error is not None and error.message == "bad SKU"
        assert [r.id for r in await store.run_list()] == [run_id]
        assert await store.next_sequence("edi", "isa13") == 2


async def test_the_in_memory_store_is_usable_and_private() -> None:
    async with await open_store("sqlite:///:memory:") as one, await open_store("sqlite:///:memory:") as other:
        await one.save_cursor("job", "stream", {"n": 1})
        assert await one.get_cursor("job", "stream") == {"n": 1}
        assert await other.get_cursor("job", "stream") is None
        assert one.url == "sqlite:///:memory:"


async def test_the_store_is_an_async_context_manager_that_closes(store: StateStore) -> None:
    async with store as same:
        assert same is store
    await store.close()  # closing twice is harmless


def test_migration_versions_must_increase() -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        check_migrations([Migration(2, "b"), Migration(1, "a")])


def test_both_dialects_render_the_same_tables() -> None:
    for migration in MIGRATIONS:
        sqlite, postgres = migration.render("sqlite"), migration.render("postgres")
        assert len(sqlite) == len(postgres)
        assert not any("{" in s for s in sqlite + postgres)
