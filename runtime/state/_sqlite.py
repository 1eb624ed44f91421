"""The embedded backend: one SQLite file (or ``:memory:``) through aiosqlite.

WAL mode lets readers (the CLI) look while a run writes; ``synchronous=NORMAL`` survives a process crash,
which is what the ledger needs (its keys are deterministic, so a lost begin/complete only means a
de-duplicated resend).  Sequences and remembered keys are committed with ``synchronous=FULL``: a control
number handed out must survive a power cut too.  One connection serves the process; an ``asyncio.Lock``
keeps one transaction at a time on it, and ``busy_timeout`` makes another process wait its turn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from uuid import uuid4

import aiosqlite

from ._migrations import MIGRATIONS, Migration, check_migrations
from ._rows import CursorRow, EdiAckRow, ErrorRow, LedgerEntry, MigrationRow, RunRow, XrefConflict
from ._store import (
    AUTO_RESOLUTION,
    EdiAckExpected,
    LedgerBegin,
    LedgerRecord,
    LedgerResult,
    StateStore,
    StateStoreError,
    UnknownIdError,
    XrefLink,
    check_edi_ack_status,
    check_error_status,
    check_page,
    check_run_status,
    check_sequence_bounds,
    dumps_json,
    last_per_key,
    log_xref_conflicts,
    migration_failed,
    unique,
    utcnow,
)
from ._url import SqliteLocation

__all__ = ["SqliteStateStore"]

log = logging.getLogger("crossdock.state")

_BUSY_TIMEOUT_MS = 15_000

_ERROR_COLUMNS = (
    "id, job, flow, stage, system, entity, trace_key, payload, error_class, message, details, attempts, "
    "status, created_at, updated_at, resolved_at, resolution"
)
_RUN_COLUMNS = "id, job, status, started_at, ended_at, read, written, skipped, failed, message"
_LEDGER_COLUMNS = "idempotency_key, job, flow, sink, status, external_id, created_at, completed_at"
_EDI_ACK_COLUMNS = (
    "partner, group_control, interchange_control, document_type, set_controls, sent_at, due_by, status, "
    "set_statuses, acknowledged_at"
)
_JSON_ARRAY = "SELECT value FROM json_each(?)"
"""A whole list as one parameter: ``x IN (SELECT value FROM json_each(?))`` with ``json.dumps(list)``."""


def _ts(value: datetime) -> str:
    """Timestamps as fixed-width ISO 8601 UTC text, so comparing the text compares the times."""
    if value.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _now() -> str:
    return _ts(utcnow())


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _json(value: str | None) -> Any:
    return None if value is None else json.loads(value)


async def _use_wal(connection: aiosqlite.Connection) -> None:
    """Switch to WAL mode.  SQLite answers "locked" without waiting (busy_timeout does not apply) when
    another connection is opening the same new file at that moment, so retry for a while."""
    deadline = asyncio.get_running_loop().time() + _BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.02)


class SqliteStateStore(StateStore):
    """The state store in a SQLite database (see module docstring)."""

    dialect = "sqlite"

    def __init__(self, connection: aiosqlite.Connection, display_url: str) -> None:
        super().__init__(display_url)
        self._db = connection
        self._lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def connect(
        cls, location: SqliteLocation, display_url: str, *, migrations: Sequence[Migration] = MIGRATIONS
    ) -> Self:
        """Open (creating if needed) the database and bring its schema up to date."""
        check_migrations(migrations)
        if location.path != ":memory:":
            Path(location.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = await aiosqlite.connect(location.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StateStoreError(f"cannot open the SQLite state store {display_url}: {exc}") from exc
        store = cls(connection, display_url)
        try:
            connection.row_factory = sqlite3.Row
            await connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            await _use_wal(connection)
            await connection.execute("PRAGMA synchronous = NORMAL")
            # The page cache is what a long run's memory grows with: the ledger and xref indexes take
            # random keys, so their pages are touched all over the file. A fixed 4 MiB cache and no
            # memory map keep the process flat (bench/runtime.py: +3 MB from 10k to 50k orders, against
            # +46 MB with a 64 MiB cache and a 256 MiB map) for about 10 % of the 50k-order run's time.
            await connection.execute("PRAGMA cache_size = -4096")
            await connection.execute("PRAGMA temp_store = MEMORY")
            await store._migrate(migrations)
        except BaseException as exc:
            await connection.close()
            if isinstance(exc, sqlite3.Error):
                raise StateStoreError(f"cannot open the SQLite state store {display_url}: {exc}") from exc
            raise
        return store

    async def close(self) -> None:
        if self._closed:
            return
        async with self._lock:
            self._closed = True
            await self._db.close()

    # -- plumbing -------------------------------------------------------------------------------
    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; ``BEGIN IMMEDIATE`` takes the write lock up front, so it cannot deadlock."""
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                await self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise

    async def _fetch(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return list(await self._db.execute_fetchall(sql, tuple(params)))

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self._fetch(sql, params)
        return rows[0] if rows else None

    async def _execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement as its own transaction; returns how many rows it changed."""
        async with self._lock:
            cursor = await self._db.execute(sql, tuple(params))
            count = cursor.rowcount
            await cursor.close()
            return count

    @asynccontextmanager
    async def _durable(self) -> AsyncIterator[None]:
        """Commit with a sync of the WAL (for numbers and keys that must survive a power cut)."""
        async with self._lock:
            await self._db.execute("PRAGMA synchronous = FULL")
            try:
                yield
            finally:
                await self._db.execute("PRAGMA synchronous = NORMAL")

    # -- schema ---------------------------------------------------------------------------------
    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        known = max((m.version for m in migrations), default=0)
        async with self._transaction() as db:
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        current = await self.schema_version()
        if current > known:
            raise StateStoreError(
                f"the state store {self.url} has schema version {current}, newer than this Crossdock "
                f"understands ({known}); upgrade Crossdock rather than risk misreading it"
            )
        for migration in migrations:
            if migration.version <= current:
                continue
            async with self._transaction() as db:
                # Another process may have applied it while we waited for the write lock.
                async with db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)) as cur:
                    if await cur.fetchone() is not None:
                        continue
                try:
                    for statement in migration.render("sqlite"):
                        await db.execute(statement)
                except sqlite3.Error as exc:
                    raise migration_failed(self.url, migration, exc) from exc
                await db.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.description, _now()),
                )
                log.info(
                    "state store %s: applied migration %d (%s)", self.url, migration.version, migration.description
                )

    async def schema_version(self) -> int:
        row = await self._fetchone("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    async def applied_migrations(self) -> list[MigrationRow]:
        rows = await self._fetch("SELECT version, description, applied_at FROM schema_migrations ORDER BY version")
        return [MigrationRow(r["version"], r["description"], datetime.fromisoformat(r["applied_at"])) for r in rows]

    # -- cursors --------------------------------------------------------------------------------
    async def get_cursor(self, job: str, stream: str) -> dict[str, Any] | None:
        row = await self._fetchone("SELECT value FROM cursors WHERE job = ? AND stream = ?", (job, stream))
        return None if row is None else json.loads(row["value"])

    async def save_cursor(self, job: str, stream: str, value: dict[str, Any]) -> None:
        await self._execute(
            "INSERT INTO cursors (job, stream, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (job, stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (job, stream, dumps_json(value), _now()),
        )

    async def list_cursors(self, job: str | None = None) -> list[CursorRow]:
        sql = "SELECT job, stream, value, updated_at FROM cursors"
        params: tuple[Any, ...] = ()
        if job is not None:
            sql, params = sql + " WHERE job = ?", (job,)
        rows = await self._fetch(sql + " ORDER BY job, stream", params)
        return [
            CursorRow(r["job"], r["stream"], json.loads(r["value"]), datetime.fromisoformat(r["updated_at"]))
            for r in rows
        ]

    # -- cross-references -----------------------------------------------------------------------
    async def xref_link_many(self, rows: Sequence[XrefLink]) -> list[XrefConflict]:
        links = list(dict.fromkeys(tuple(r) for r in rows))
        if not links:
            return []
        now = _now()
        async with self._transaction() as db:
            before = db.total_changes
            await db.executemany(
                "INSERT INTO xref (system, entity, external_id, canonical_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [
                    (system, entity, external_id, canonical_id, now)
                    for entity, canonical_id, system, external_id in links
                ],
            )
            if db.total_changes - before == len(links):
                return []
            found = await db.execute_fetchall(
                """WITH input AS (
                        SELECT json_extract(value, '$[0]') AS entity, json_extract(value, '$[1]') AS canonical_id,
                               json_extract(value, '$[2]') AS system, json_extract(value, '$[3]') AS external_id
                        FROM json_each(?))
                    SELECT i.entity, i.system, i.canonical_id, i.external_id,
                           x.canonical_id AS existing_canonical_id, x.external_id AS existing_external_id
                    FROM input i JOIN xref x ON x.system = i.system AND x.entity = i.entity
                     AND ((x.external_id = i.external_id AND x.canonical_id <> i.canonical_id)
                       OR (x.canonical_id = i.canonical_id AND x.external_id <> i.external_id))""",
                (json.dumps(links),),
            )
        conflicts = [XrefConflict(*r) for r in found]
        log_xref_conflicts(conflicts)
        return conflicts

    async def xref_canonical(self, system: str, entity: str, external_id: str) -> str | None:
        row = await self._fetchone(
            "SELECT canonical_id FROM xref WHERE system = ? AND entity = ? AND external_id = ?",
            (system, entity, external_id),
        )
        return None if row is None else row[0]

    async def xref_ensure(self, system: str, entity: str, external_id: str) -> str:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO xref (system, entity, external_id, canonical_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (system, entity, external_id) DO NOTHING",
                (system, entity, external_id, uuid4().hex, _now()),
            )
            async with db.execute(
                "SELECT canonical_id FROM xref WHERE system = ? AND entity = ? AND external_id = ?",
                (system, entity, external_id),
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return str(row[0])

    async def xref_external_ids(self, entity: str, canonical_id: str) -> dict[str, str]:
        rows = await self._fetch(
            "SELECT system, external_id FROM xref WHERE entity = ? AND canonical_id = ? ORDER BY system",
            (entity, canonical_id),
        )
        return {r["system"]: r["external_id"] for r in rows}

    # -- idempotency ledger ---------------------------------------------------------------------
    async def ledger_get_many(self, keys: Sequence[str]) -> dict[str, LedgerEntry]:
        if not keys:
            return {}
        rows = await self._fetch(
            f"SELECT {_LEDGER_COLUMNS} FROM ledger WHERE idempotency_key IN ({_JSON_ARRAY})",
            (json.dumps(unique(keys)),),
        )
        return {r["idempotency_key"]: _ledger_entry(r) for r in rows}

    async def ledger_begin_many(self, entries: Sequence[LedgerBegin]) -> None:
        if not entries:
            return
        now = _now()
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO ledger (idempotency_key, job, flow, sink, status, created_at) "
                "VALUES (?, ?, ?, ?, 'pending', ?) ON CONFLICT (idempotency_key) DO NOTHING",
                [(key, job, flow, sink, now) for key, job, flow, sink in entries],
            )

    async def ledger_complete_many(self, results: Sequence[LedgerResult]) -> None:
        by_key = last_per_key(results)
        if not by_key:
            return
        now = _now()
        async with self._transaction() as db:
            before = db.total_changes
            await db.executemany(
                "UPDATE ledger SET status = 'done', external_id = COALESCE(?, external_id), "
                "completed_at = COALESCE(completed_at, ?) WHERE idempotency_key = ?",
                [(external_id, now, key) for key, external_id in by_key.items()],
            )
            updated = db.total_changes - before
        if updated < len(by_key):
            log.warning("ledger: %d of %d completed write(s) had not been begun", len(by_key) - updated, len(by_key))

    async def ledger_record_many(self, entries: Sequence[LedgerRecord]) -> None:
        if not entries:
            return
        now = _now()
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO ledger (idempotency_key, job, flow, sink, status, external_id, created_at, completed_at) "
                "VALUES (?, ?, ?, ?, 'done', ?, ?, ?) ON CONFLICT (idempotency_key) DO UPDATE SET status = 'done', "
                "external_id = COALESCE(excluded.external_id, ledger.external_id), "
                "completed_at = COALESCE(ledger.completed_at, excluded.completed_at)",
                [(key, job, flow, sink, external_id, now, now) for key, job, flow, sink, external_id in entries],
            )

    async def ledger_forget(self, key: str) -> None:
        await self._execute("DELETE FROM ledger WHERE idempotency_key = ?", (key,))

    # -- error queue ----------------------------------------------------------------------------
    async def error_add(
        self,
        *,
        job: str,
        flow: str,
        stage: str,
        system: str,
        entity: str,
        trace_key: str,
        payload: Any,
        error_class: str,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> int:
        now = _now()
        rows = await self._fetch(
            """INSERT INTO errors (job, flow, stage, system, entity, trace_key, payload, error_class, message, details,
                                   attempts, status, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'open', ?, ?)
               ON CONFLICT (job, flow, trace_key) WHERE status IN ('open', 'retrying') DO UPDATE SET
                   stage = excluded.stage, system = excluded.system, entity = excluded.entity,
                   payload = excluded.payload, error_class = excluded.error_class, message = excluded.message,
                   details = excluded.details, attempts = errors.attempts + 1, status = 'open',
                   updated_at = excluded.updated_at
               RETURNING id""",
            (
                job,
                flow,
                stage,
                system,
                entity,
                trace_key,
                dumps_json(payload),
                error_class,
                message,
                None if details is None else dumps_json(details),
                now,
                now,
            ),
        )
        return int(rows[0][0])

    async def error_get(self, error_id: int) -> ErrorRow | None:
        row = await self._fetchone(f"SELECT {_ERROR_COLUMNS} FROM errors WHERE id = ?", (error_id,))
        return None if row is None else _error_row(row)

    async def error_list(
        self, *, status: str | None = "open", job: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[ErrorRow]:
        check_error_status(status, allow_none=True)
        check_page(limit, offset)
        where, params = _error_filter(status, job)
        rows = await self._fetch(
            f"SELECT {_ERROR_COLUMNS} FROM errors{where} ORDER BY id LIMIT ? OFFSET ?", (*params, limit, offset)
        )
        return [_error_row(r) for r in rows]

    async def error_count(self, *, status: str | None = None, job: str | None = None) -> int:
        check_error_status(status, allow_none=True)
        where, params = _error_filter(status, job)
        row = await self._fetchone(f"SELECT COUNT(*) FROM errors{where}", params)
        return int(row[0]) if row else 0

    async def error_set_status(self, error_id: int, status: str, resolution: str | None = None) -> None:
        check_error_status(status)
        now = _now()
        if status == "resolved":
            sql = "UPDATE errors SET status = 'resolved', resolution = ?, resolved_at = ?, updated_at = ? WHERE id = ?"
            params: tuple[Any, ...] = (resolution, now, now, error_id)
        else:
            sql = "UPDATE errors SET status = ?, resolution = NULL, resolved_at = NULL, updated_at = ? WHERE id = ?"
            params = (status, now, error_id)
        await self._update_error(error_id, sql, params)

    async def error_update_payload(self, error_id: int, payload: Any) -> None:
        await self._update_error(
            error_id,
            "UPDATE errors SET payload = ?, updated_at = ? WHERE id = ?",
            (dumps_json(payload), _now(), error_id),
        )

    async def error_record_attempt(
        self, error_id: int, error_class: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        await self._update_error(
            error_id,
            "UPDATE errors SET attempts = attempts + 1, status = 'open', error_class = ?, message = ?, details = ?, "
            "resolution = NULL, resolved_at = NULL, updated_at = ? WHERE id = ?",
            (error_class, message, None if details is None else dumps_json(details), _now(), error_id),
        )

    async def _update_error(self, error_id: int, sql: str, params: tuple[Any, ...]) -> None:
        try:
            changed = await self._execute(sql, params)
        except sqlite3.IntegrityError:
            other = await self._fetchone(
                "SELECT o.id FROM errors e JOIN errors o "
                "ON o.job = e.job AND o.flow = e.flow AND o.trace_key = e.trace_key "
                "AND o.id <> e.id AND o.status IN ('open', 'retrying') WHERE e.id = ?",
                (error_id,),
            )
            raise StateStoreError(
                f"error {error_id} cannot be re-opened: its record already has open error {other[0] if other else '?'}"
            ) from None
        if changed == 0:
            raise UnknownIdError(f"no error with id {error_id}")

    async def error_resolve_many(
        self, job: str, flow: str, trace_keys: Sequence[str], resolution: str = AUTO_RESOLUTION
    ) -> int:
        if not trace_keys:
            return 0
        now = _now()
        return await self._execute(
            "UPDATE errors SET status = 'resolved', resolution = ?, resolved_at = ?, updated_at = ? "
            f"WHERE job = ? AND flow = ? AND status IN ('open', 'retrying') AND trace_key IN ({_JSON_ARRAY})",
            (resolution, now, now, job, flow, json.dumps(unique(trace_keys))),
        )

    # -- run history ----------------------------------------------------------------------------
    async def run_start(self, job: str) -> int:
        rows = await self._fetch(
            "INSERT INTO runs (job, status, started_at) VALUES (?, 'running', ?) RETURNING id", (job, _now())
        )
        return int(rows[0][0])

    async def run_finish(
        self,
        run_id: int,
        *,
        status: str,
        read: int,
        written: int,
        skipped: int,
        failed: int,
        message: str | None = None,
    ) -> None:
        check_run_status(status)
        changed = await self._execute(
            "UPDATE runs SET status = ?, ended_at = ?, read = ?, written = ?, skipped = ?, failed = ?, message = ? "
            "WHERE id = ?",
            (status, _now(), read, written, skipped, failed, message, run_id),
        )
        if changed == 0:
            raise UnknownIdError(f"no run with id {run_id}")

    async def run_get(self, run_id: int) -> RunRow | None:
        row = await self._fetchone(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        return None if row is None else _run_row(row)

    async def run_list(self, job: str | None = None, limit: int = 20) -> list[RunRow]:
        check_page(limit, 0)
        if job is None:
            rows = await self._fetch(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = await self._fetch(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE job = ? ORDER BY id DESC LIMIT ?", (job, limit)
            )
        return [_run_row(r) for r in rows]

    async def run_latest_per_job(self) -> list[RunRow]:
        rows = await self._fetch(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY job) ORDER BY job"
        )
        return [_run_row(r) for r in rows]

    # -- sequences and remembered keys ----------------------------------------------------------
    async def next_sequence(self, scope: str, name: str, *, start: int = 1, maximum: int = 999_999_999) -> int:
        check_sequence_bounds(start, maximum)
        async with self._durable():
            rows = await self._db.execute_fetchall(
                "INSERT INTO sequences (scope, name, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (scope, name) DO UPDATE SET "
                "value = CASE WHEN sequences.value >= ? OR sequences.value < ? THEN ? ELSE sequences.value + 1 END, "
                "updated_at = excluded.updated_at RETURNING value",
                (scope, name, start, _now(), maximum, start, start),
            )
        return int(next(iter(rows))[0])

    async def remember(self, scope: str, key: str) -> bool:
        async with self._durable():
            cursor = await self._db.execute(
                "INSERT INTO remembered (scope, item_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (scope, key, _now()),
            )
            inserted = cursor.rowcount == 1
            await cursor.close()
        return inserted

    async def forget(self, scope: str, key: str) -> None:
        await self._execute("DELETE FROM remembered WHERE scope = ? AND item_key = ?", (scope, key))

    async def forget_before(self, scope: str, before: datetime) -> int:
        return await self._execute("DELETE FROM remembered WHERE scope = ? AND created_at < ?", (scope, _ts(before)))

    # -- snapshots ------------------------------------------------------------------------------
    async def snapshot_get_many(self, job: str, flow: str, trace_keys: Sequence[str]) -> dict[str, str]:
        if not trace_keys:
            return {}
        rows = await self._fetch(
            f"SELECT trace_key, digest FROM snapshots WHERE job = ? AND flow = ? AND trace_key IN ({_JSON_ARRAY})",
            (job, flow, json.dumps(unique(trace_keys))),
        )
        return {r["trace_key"]: r["digest"] for r in rows}

    async def snapshot_put_many(self, job: str, flow: str, items: Sequence[tuple[str, str]]) -> None:
        latest = last_per_key(items)
        if not latest:
            return
        now = _now()
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO snapshots (job, flow, trace_key, digest, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (job, flow, trace_key) "
                "DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at",
                [(job, flow, trace_key, digest, now) for trace_key, digest in latest.items()],
            )

    # -- EDI acknowledgments --------------------------------------------------------------------
    async def edi_ack_expect_many(self, rows: Sequence[EdiAckExpected]) -> None:
        if not rows:
            return
        async with self._transaction() as db:
            await db.executemany(
                f"INSERT INTO edi_acks ({_EDI_ACK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 'awaiting', NULL, NULL) "
                "ON CONFLICT (partner, group_control) DO NOTHING",
                [
                    (partner, group, interchange, doc_type, dumps_json(list(sets)), _ts(sent_at),
                     None if due_by is None else _ts(due_by))
                    for partner, group, interchange, doc_type, sets, sent_at, due_by in rows
                ],
            )  # fmt: skip

    async def edi_ack_get(self, partner: str, group_control: str) -> EdiAckRow | None:
        row = await self._fetchone(
            f"SELECT {_EDI_ACK_COLUMNS} FROM edi_acks WHERE partner = ? AND group_control = ?", (partner, group_control)
        )
        return None if row is None else _edi_ack_row(row)

    async def edi_ack_settle(
        self,
        partner: str,
        group_control: str,
        *,
        status: str,
        set_statuses: dict[str, str],
        acknowledged_at: datetime,
    ) -> EdiAckRow | None:
        check_edi_ack_status(status)
        async with self._transaction() as db:
            await db.execute(
                "UPDATE edi_acks SET status = ?, set_statuses = ?, acknowledged_at = ? WHERE partner = ? AND group_control = ?",
                (status, dumps_json(set_statuses), _ts(acknowledged_at), partner, group_control),
            )
            cursor = await db.execute(
                f"SELECT {_EDI_ACK_COLUMNS} FROM edi_acks WHERE partner = ? AND group_control = ?", (partner, group_control)
            )
            row = await cursor.fetchone()
            await cursor.close()
        return None if row is None else _edi_ack_row(row)

    async def edi_ack_list(
        self,
        *,
        status: str | None = "awaiting",
        partner: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[EdiAckRow]:
        check_edi_ack_status(status, allow_none=True)
        check_page(limit, 0)
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if partner is not None:
            clauses.append("partner = ?")
            params.append(partner)
        if due_before is not None:
            clauses.append("due_by < ?")
            params.append(_ts(due_before))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = await self._fetch(
            f"SELECT {_EDI_ACK_COLUMNS} FROM edi_acks{where} "
            "ORDER BY due_by IS NULL, due_by, sent_at, partner, group_control LIMIT ?",
            (*params, limit),
        )
        return [_edi_ack_row(r) for r in rows]


def _edi_ack_row(r: sqlite3.Row) -> EdiAckRow:
    return EdiAckRow(
        partner=r["partner"], group_control=r["group_control"], interchange_control=r["interchange_control"],
        document_type=r["document_type"], set_controls=list(_json(r["set_controls"]) or []),
        sent_at=datetime.fromisoformat(r["sent_at"]), due_by=_dt(r["due_by"]), status=r["status"],
        set_statuses=_json(r["set_statuses"]), acknowledged_at=_dt(r["acknowledged_at"]),
    )  # fmt: skip


def _error_filter(status: str | None, job: str | None) -> tuple[str, tuple[Any, ...]]:
    clauses, params = [], []
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if job is not None:
        clauses.append("job = ?")
        params.append(job)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _error_row(r: sqlite3.Row) -> ErrorRow:
    return ErrorRow(
        id=r["id"], job=r["job"], flow=r["flow"], stage=r["stage"], system=r["system"], entity=r["entity"],
        trace_key=r["trace_key"], payload=_json(r["payload"]), error_class=r["error_class"], message=r["message"],
        details=_json(r["details"]), attempts=r["attempts"], status=r["status"],
        created_at=datetime.fromisoformat(r["created_at"]), updated_at=datetime.fromisoformat(r["updated_at"]),
        resolved_at=_dt(r["resolved_at"]), resolution=r["resolution"],
    )  # fmt: skip


def _run_row(r: sqlite3.Row) -> RunRow:
    return RunRow(
        id=r["id"], job=r["job"], status=r["status"], started_at=datetime.fromisoformat(r["started_at"]),
        ended_at=_dt(r["ended_at"]), read=r["read"], written=r["written"], skipped=r["skipped"], failed=r["failed"],
        message=r["message"],
    )  # fmt: skip


def _ledger_entry(r: sqlite3.Row) -> LedgerEntry:
    return LedgerEntry(
        key=r["idempotency_key"], job=r["job"], flow=r["flow"], sink=r["sink"], status=r["status"],
        external_id=r["external_id"], created_at=datetime.fromisoformat(r["created_at"]),
        completed_at=_dt(r["completed_at"]),
    )  # fmt: skip
