"""The test kit other suites use: scratch stores on both backends that leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from crossdock.runtime.state import StateStore, open_store
from crossdock.runtime.state.testing import BACKENDS, make_test_store, postgres_dsn_or_skip, scratch_state_url


async def _schemas(dsn: str) -> set[str]:
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'crossdock_test_%'")
    finally:
        await connection.close()
    return {r["nspname"] for r in rows}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_scratch_store_is_empty_migrated_and_removed_on_close(backend: str) -> None:
    before = await _schemas(postgres_dsn_or_skip()) if backend == "postgres" else set()
    store = await make_test_store(backend)
    assert store.dialect == backend
    assert await store.error_count() == 0 and await store.list_cursors() == []
    await store.save_cursor("job", "stream", {"n": 1})
    if backend == "sqlite":
        folder = Path(store.url.removeprefix("sqlite:///")).parent
        assert folder.exists()
    else:
        assert len(await _schemas(postgres_dsn_or_skip()) - before) == 1
    await store.close()
    if backend == "sqlite":
        assert not folder.exists()
    else:
        assert await _schemas(postgres_dsn_or_skip()) == before


@pytest.mark.parametrize("backend", BACKENDS)
async def test_scratch_urls_are_private_to_each_test(backend: str, tmp_path: Path) -> None:
    async with scratch_state_url(backend, tmp_path) as one, scratch_state_url(backend, tmp_path) as two:
        assert one != two
        async with await open_store(one) as first, await open_store(two) as second:
            await first.save_cursor("job", "stream", {"n": 1})
            assert await second.get_cursor("job", "stream") is None


async def test_the_store_fixture_gives_an_open_store(store: StateStore) -> None:
    assert await store.schema_version() > 0
