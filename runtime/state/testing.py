"""Run a test suite against every state-store backend, each test on its own scratch store.

In a ``conftest.py``::

    from crossdock.runtime.state.testing import state_url_backends, store_backends

    store = store_backends()          # fixture "store": an open StateStore, once per backend
    state_url = state_url_backends()  # fixture "state_url": a scratch URL, once per backend

SQLite runs everywhere.  PostgreSQL runs when ``CROSSDOCK_TEST_POSTGRES_DSN`` names a reachable server
and is skipped with that reason otherwise; each test gets a schema of its own (random name, dropped
afterwards), so tests never see each other's rows and can run against a shared database.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import pytest

from ._postgres import PostgresStateStore
from ._sqlite import SqliteStateStore
from ._store import StateStore
from ._url import PostgresLocation, SqliteLocation, mask_url, parse_store_url

__all__ = [
    "BACKENDS",
    "POSTGRES_DSN_ENV",
    "postgres_dsn_or_skip",
    "make_test_store",
    "scratch_state_url",
    "store_backends",
    "state_url_backends",
]

BACKENDS: tuple[str, ...] = ("sqlite", "postgres")
POSTGRES_DSN_ENV = "CROSSDOCK_TEST_POSTGRES_DSN"
_SCHEMA_PREFIX = "crossdock_test_"


def postgres_dsn_or_skip() -> str:
    """The test PostgreSQL DSN, or skip the calling test saying how to enable it."""
    dsn = os.environ.get(POSTGRES_DSN_ENV, "").strip()
    if not dsn:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_DSN_ENV}; set it to run them")
    problem = _unreachable(dsn)
    if problem:
        pytest.skip(f"PostgreSQL at {mask_url(dsn)} ({POSTGRES_DSN_ENV}) is unreachable: {problem}")
    return dsn


@lru_cache(maxsize=8)
def _unreachable(dsn: str) -> str | None:
    """Why the server cannot be reached over TCP, or ``None`` (checked once per DSN per session)."""
    parts = urlsplit(dsn)
    host = parts.hostname or dict(parse_qsl(parts.query)).get("host") or "localhost"
    if host.startswith("/"):
        return None  # a Unix socket directory: let the driver try
    try:
        port = parts.port or 5432
    except ValueError:
        return "its port is not a number"
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def _with_schema(dsn: str, schema: str) -> str:
    parts = urlsplit(dsn)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("schema", schema)])))


async def _drop_schema(dsn: str, schema: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()


@asynccontextmanager
async def scratch_state_url(backend: str, directory: Path | None = None) -> AsyncIterator[str]:
    """A state URL no other test uses, removed afterwards (a SQLite file, or a PostgreSQL schema).

    Open and close stores on it as often as the test likes: reopening keeps the data until exit.
    """
    if backend == "sqlite":
        scratch = Path(tempfile.mkdtemp(prefix="crossdock-state-")) if directory is None else None
        folder = directory if directory is not None else scratch
        assert folder is not None
        try:
            yield f"sqlite:///{folder / f'state-{uuid4().hex[:8]}.db'}"
        finally:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
    elif backend == "postgres":
        dsn = postgres_dsn_or_skip()
        schema = f"{_SCHEMA_PREFIX}{uuid4().hex[:12]}"
        try:
            yield _with_schema(dsn, schema)
        finally:
            await _drop_schema(dsn, schema)
    else:
        raise ValueError(f"unknown state store backend {backend!r}; known: {', '.join(BACKENDS)}")


class _ScratchSqliteStore(SqliteStateStore):
    """A SQLite store in a temporary folder that disappears with the store."""

    scratch_dir: Path | None = None

    async def close(self) -> None:
        await super().close()
        if self.scratch_dir is not None:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)
            self.scratch_dir = None


class _ScratchPostgresStore(PostgresStateStore):
    """A PostgreSQL store in a schema of its own that is dropped when the store closes."""

    scratch: tuple[str, str] | None = None

    async def close(self) -> None:
        await super().close()
        if self.scratch is not None:
            dsn, schema = self.scratch
            self.scratch = None
            await _drop_schema(dsn, schema)


async def make_test_store(backend: str) -> StateStore:
    """An empty, migrated store on ``backend`` whose ``close()`` also removes everything it stored.

    Skips the calling test when ``backend`` is ``postgres`` and no server is configured or reachable.
    """
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="crossdock-state-"))
        path = folder / "state.db"
        try:
            store = await _ScratchSqliteStore.connect(SqliteLocation(str(path)), f"sqlite:///{path}")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        store.scratch_dir = folder
        return store
    if backend == "postgres":
        dsn = postgres_dsn_or_skip()
        schema = f"{_SCHEMA_PREFIX}{uuid4().hex[:12]}"
        location = parse_store_url(_with_schema(dsn, schema))
        assert isinstance(location, PostgresLocation)
        try:
            pg_store = await _ScratchPostgresStore.connect(location)
        except BaseException:
            await _drop_schema(dsn, schema)
            raise
        pg_store.scratch = (dsn, schema)
        return pg_store
    raise ValueError(f"unknown state store backend {backend!r}; known: {', '.join(BACKENDS)}")


def _backend_params(backends: Sequence[str]) -> list[Any]:
    return [pytest.param(b, id=b, marks=[pytest.mark.postgres] if b == "postgres" else []) for b in backends]


def store_backends(*, name: str = "store", backends: Sequence[str] = BACKENDS) -> Callable[..., Any]:
    """A fixture named ``name`` giving each test an open scratch store, once per backend."""

    @pytest.fixture(name=name, params=_backend_params(backends))
    async def _store(request: pytest.FixtureRequest) -> AsyncIterator[StateStore]:
        store = await make_test_store(request.param)
        try:
            yield store
        finally:
            await store.close()

    return _store


def state_url_backends(*, name: str = "state_url", backends: Sequence[str] = BACKENDS) -> Callable[..., Any]:
    """A fixture named ``name`` giving each test a scratch state URL, once per backend."""

    @pytest.fixture(name=name, params=_backend_params(backends))
    async def _state_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
        async with scratch_state_url(request.param, tmp_path) as url:
            yield url

    return _state_url
