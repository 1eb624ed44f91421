"""Opening a state store from its URL: pick the backend, connect, apply pending migrations."""

from __future__ import annotations

from collections.abc import Sequence

from ._migrations import MIGRATIONS, Migration
from ._store import StateStore, StateStoreError
from ._url import PostgresLocation, mask_url, parse_store_url

__all__ = ["open_store"]


async def open_store(url: str, *, migrations: Sequence[Migration] = MIGRATIONS) -> StateStore:
    """Connect to the state store at ``url`` and bring its schema up to date.

    ``sqlite:///path/state.db`` (relative), ``sqlite:////abs/state.db``, ``sqlite:///:memory:`` or
    ``postgresql://user:password@host/db[?schema=name]``.  ``migrations`` is for tests and tools that
    need a different schema history; jobs use the default.  Raises :class:`StateStoreError` (URL
    masked) when the store cannot be opened.
    """
    try:
        location = parse_store_url(url)
    except ValueError as exc:
        raise StateStoreError(str(exc)) from None
    if isinstance(location, PostgresLocation):
        from ._postgres import PostgresStateStore

        return await PostgresStateStore.connect(location, migrations=migrations)
    from ._sqlite import SqliteStateStore

    return await SqliteStateStore.connect(location, mask_url(url), migrations=migrations)
