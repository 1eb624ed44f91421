"""The shared backend: PostgreSQL through an asyncpg pool, for several workers or machines on one state.

Batch methods pass whole pages as arrays (``unnest($1::text[], …)``), so a page of 250 ledger entries is
one statement and one round trip.  Batch look-ups are written as one index probe per key (a ``LATERAL``
subquery the planner cannot flatten): asyncpg's prepared statements end up on generic plans, where
``key = ANY($1)`` can fall back to a sequential scan comparing every row with every key, which grows
with the table while a run fills it faster than autovacuum refreshes its statistics.  Keys are sorted
before they are written so that two workers touching overlapping keys lock them in the same order and
cannot deadlock.  JSON columns are JSONB, encoded the
same way as SQLite's text (``Decimal``/``datetime`` become strings).  The DSN may hold a password: it is
never put in a message; connection failures are reported with the URL masked and the driver's text
scrubbed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self
from uuid import uuid4

import asyncpg

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
    log,
    log_xref_conflicts,
    migration_failed,
    unique,
)
from ._url import PostgresLocation, scrub

__all__ = ["PostgresStateStore"]

_CONNECT_TIMEOUT_S = 10.0

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


async def _init_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec("jsonb", encoder=dumps_json, decoder=json.loads, schema="pg_catalog")


def _count(status: str) -> int:
    """Rows affected, from a command status such as ``INSERT 0 3`` or ``UPDATE 2``."""
    return int(status.rsplit(" ", 1)[-1])


class PostgresStateStore(StateStore):
    """The state store in a PostgreSQL database (see module docstring)."""

    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool, location: PostgresLocation) -> None:
        super().__init__(location.masked)
        self._pool = pool
        self._schema = location.schema

    @classmethod
    async def connect(
        cls,
        location: PostgresLocation,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        min_size: int = 1,
        max_size: int = 10,
    ) -> Self:
        """Open a pool and bring the schema up to date; failures never show the password."""
        check_migrations(migrations)
        settings = {"application_name": "crossdock"}
        if location.schema:
            settings["search_path"] = f'"{location.schema}"'
        try:
            pool = await asyncpg.create_pool(
                location.dsn,
                min_size=min_size,
                max_size=max_size,
                init=_init_connection,
                server_settings=settings,
                timeout=_CONNECT_TIMEOUT_S,
            )
        except Exception as exc:  # the driver's own text may quote the DSN: scrub it, drop the chain
            raise StateStoreError(
                f"cannot connect to the PostgreSQL state store {location.masked}: "
                f"{type(exc).__name__}: {scrub(str(exc), location.dsn)}"
            ) from None
        store = cls(pool, location)
        try:
            await store._migrate(migrations)
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        if not self._pool.is_closing():
            await self._pool.close()

    # -- schema ---------------------------------------------------------------------------------
    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        # One advisory lock per schema: two processes starting together apply each step once.
        lock = f"crossdock.state.migrations:{self._schema or ''}"
        known = max((m.version for m in migrations), default=0)
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", lock)
                if self._schema:
                    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
                )
            current = await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            if current > known:
                raise StateStoreError(
                    f"the state store {self.url} has schema version {current}, newer than this Crossdock "
                    f"understands ({known}); upgrade Crossdock rather than risk misreading it"
                )
            for migration in migrations:
                if migration.version <= current:
                    continue
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", lock)
                    if await conn.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", migration.version):
                        continue
                    try:
                        for statement in migration.render("postgres"):
                            await conn.execute(statement)
                    except asyncpg.PostgresError as exc:
                        raise migration_failed(self.url, migration, exc) from exc
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, now())",
                        migration.version,
                        migration.description,
                    )
                log.info(
                    "state store %s: applied migration %d (%s)", self.url, migration.version, migration.description
                )

    async def schema_version(self) -> int:
        return int(await self._pool.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))

    async def applied_migrations(self) -> list[MigrationRow]:
        rows = await self._pool.fetch("SELECT version, description, applied_at FROM schema_migrations ORDER BY version")
        return [MigrationRow(r["version"], r["description"], r["applied_at"]) for r in rows]

    # -- cursors --------------------------------------------------------------------------------
    async def get_cursor(self, job: str, stream: str) -> dict[str, Any] | None:
        value: dict[str, Any] | None = await self._pool.fetchval(
            "SELECT value FROM cursors WHERE job = $1 AND stream = $2", job, stream
        )
        return value

    async def save_cursor(self, job: str, stream: str, value: dict[str, Any]) -> None:
        await self._pool.execute(
            "INSERT INTO cursors (job, stream, value, updated_at) VALUES ($1, $2, $3, now()) "
            "ON CONFLICT (job, stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            job,
            stream,
            value,
        )

    async def list_cursors(self, job: str | None = None) -> list[CursorRow]:
        rows = await self._pool.fetch(
            "SELECT job, stream, value, updated_at FROM cursors WHERE $1::text IS NULL OR job = $1 "
            "ORDER BY job, stream",
            job,
        )
        return [CursorRow(r["job"], r["stream"], r["value"], r["updated_at"]) for r in rows]

    # -- cross-references -----------------------------------------------------------------------
    async def xref_link_many(self, rows: Sequence[XrefLink]) -> list[XrefConflict]:
        links = sorted(set(tuple(r) for r in rows), key=lambda r: (r[2], r[0], r[3]))
        if not links:
            return []
        columns = [list(c) for c in zip(*links, strict=True)]
        async with self._pool.acquire() as conn:
            status = await conn.execute(
                """INSERT INTO xref (system, entity, external_id, canonical_id, created_at)
                   SELECT t.system, t.entity, t.external_id, t.canonical_id, now()
                   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                        AS t(entity, canonical_id, system, external_id)
                   ON CONFLICT DO NOTHING""",
                *columns,
            )
            if _count(status) == len(links):
                return []
            found = await conn.fetch(
                """SELECT i.entity, i.system, i.canonical_id, i.external_id,
                          x.canonical_id AS existing_canonical_id, x.external_id AS existing_external_id
                   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
                        AS i(entity, canonical_id, system, external_id)
                   JOIN xref x ON x.system = i.system AND x.entity = i.entity
                    AND ((x.external_id = i.external_id AND x.canonical_id <> i.canonical_id)
                      OR (x.canonical_id = i.canonical_id AND x.external_id <> i.external_id))""",
                *columns,
            )
        conflicts = [XrefConflict(*r) for r in found]
        log_xref_conflicts(conflicts)
        return conflicts

    async def xref_canonical(self, system: str, entity: str, external_id: str) -> str | None:
        value: str | None = await self._pool.fetchval(
            "SELECT canonical_id FROM xref WHERE system = $1 AND entity = $2 AND external_id = $3",
            system,
            entity,
            external_id,
        )
        return value

    async def xref_ensure(self, system: str, entity: str, external_id: str) -> str:
        existing = await self.xref_canonical(system, entity, external_id)
        if existing is not None:
            return existing
        created: str | None = await self._pool.fetchval(
            "INSERT INTO xref (system, entity, external_id, canonical_id, created_at) VALUES ($1, $2, $3, $4, now()) "
            "ON CONFLICT (system, entity, external_id) DO NOTHING RETURNING canonical_id",
            system,
            entity,
            external_id,
            uuid4().hex,
        )
        if created is not None:
            return created
        # Another caller linked it between our look and our insert: theirs stands.
        winner = await self.xref_canonical(system, entity, external_id)
        assert winner is not None
        return winner

    async def xref_external_ids(self, entity: str, canonical_id: str) -> dict[str, str]:
        rows = await self._pool.fetch(
            "SELECT system, external_id FROM xref WHERE entity = $1 AND canonical_id = $2 ORDER BY system",
            entity,
            canonical_id,
        )
        return {r["system"]: r["external_id"] for r in rows}

    # -- idempotency ledger ---------------------------------------------------------------------
    async def ledger_get_many(self, keys: Sequence[str]) -> dict[str, LedgerEntry]:
        if not keys:
            return {}
        rows = await self._pool.fetch(
            f"SELECT {_LEDGER_COLUMNS} FROM unnest($1::text[]) AS k(key) "
            "CROSS JOIN LATERAL (SELECT * FROM ledger WHERE idempotency_key = k.key OFFSET 0) AS l",
            unique(keys),
        )
        return {r["idempotency_key"]: _ledger_entry(r) for r in rows}

    async def ledger_begin_many(self, entries: Sequence[LedgerBegin]) -> None:
        if not entries:
            return
        ordered = sorted({e[0]: e for e in entries}.values())
        await self._pool.execute(
            """INSERT INTO ledger (idempotency_key, job, flow, sink, status, created_at)
               SELECT t.key, t.job, t.flow, t.sink, 'pending', now()
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(key, job, flow, sink)
               ON CONFLICT (idempotency_key) DO NOTHING""",
            *[list(c) for c in zip(*ordered, strict=True)],
        )

    async def ledger_complete_many(self, results: Sequence[LedgerResult]) -> None:
        by_key = last_per_key(results)
        if not by_key:
            return
        keys = sorted(by_key)
        status = await self._pool.execute(
            """UPDATE ledger l SET status = 'done', external_id = COALESCE(t.external_id, l.external_id),
                                   completed_at = COALESCE(l.completed_at, now())
               FROM unnest($1::text[], $2::text[]) AS t(key, external_id)
               WHERE l.idempotency_key = t.key""",
            keys,
            [by_key[k] for k in keys],
        )
        updated = _count(status)
        if updated < len(keys):
            log.warning("ledger: %d of %d completed write(s) had not been begun", len(keys) - updated, len(keys))

    async def ledger_record_many(self, entries: Sequence[LedgerRecord]) -> None:
        by_key = {key: (job, flow, sink, external_id) for key, job, flow, sink, external_id in entries}
        if not by_key:
            return
        keys = sorted(by_key)  # a stable order keeps concurrent upserts from deadlocking
        columns = list(zip(*(by_key[k] for k in keys), strict=True))
        await self._pool.execute(
            """INSERT INTO ledger (idempotency_key, job, flow, sink, status, external_id, created_at, completed_at)
               SELECT t.key, t.job, t.flow, t.sink, 'done', t.external_id, now(), now()
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                    AS t(key, job, flow, sink, external_id)
               ON CONFLICT (idempotency_key) DO UPDATE SET status = 'done',
                    external_id = COALESCE(EXCLUDED.external_id, ledger.external_id),
                    completed_at = COALESCE(ledger.completed_at, EXCLUDED.completed_at)""",
            keys, list(columns[0]), list(columns[1]), list(columns[2]), list(columns[3]),
        )

    async def ledger_forget(self, key: str) -> None:
        await self._pool.execute("DELETE FROM ledger WHERE idempotency_key = $1", key)

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
        error_id = await self._pool.fetchval(
            """INSERT INTO errors (job, flow, stage, system, entity, trace_key, payload, error_class, message, details,
                                   attempts, status, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, 'open', now(), now())
               ON CONFLICT (job, flow, trace_key) WHERE status IN ('open', 'retrying') DO UPDATE SET
                   stage = excluded.stage, system = excluded.system, entity = excluded.entity,
                   payload = excluded.payload, error_class = excluded.error_class, message = excluded.message,
                   details = excluded.details, attempts = errors.attempts + 1, status = 'open',
                   updated_at = excluded.updated_at
               RETURNING id""",
            job, flow, stage, system, entity, trace_key, payload, error_class, message, details,
        )  # fmt: skip
        return int(error_id)

    async def error_get(self, error_id: int) -> ErrorRow | None:
        row = await self._pool.fetchrow(f"SELECT {_ERROR_COLUMNS} FROM errors WHERE id = $1", error_id)
        return None if row is None else _error_row(row)

    async def error_list(
        self, *, status: str | None = "open", job: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[ErrorRow]:
        check_error_status(status, allow_none=True)
        check_page(limit, offset)
        rows = await self._pool.fetch(
            f"SELECT {_ERROR_COLUMNS} FROM errors WHERE ($1::text IS NULL OR status = $1) "
            "AND ($2::text IS NULL OR job = $2) ORDER BY id LIMIT $3 OFFSET $4",
            status,
            job,
            limit,
            offset,
        )
        return [_error_row(r) for r in rows]

    async def error_count(self, *, status: str | None = None, job: str | None = None) -> int:
        check_error_status(status, allow_none=True)
        count = await self._pool.fetchval(
            "SELECT COUNT(*) FROM errors WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR job = $2)",
            status,
            job,
        )
        return int(count)

    async def error_set_status(self, error_id: int, status: str, resolution: str | None = None) -> None:
        check_error_status(status)
        if status == "resolved":
            await self._update_error(
                error_id,
                "UPDATE errors SET status = 'resolved', resolution = $2, resolved_at = now(), updated_at = now() "
                "WHERE id = $1",
                resolution,
            )
        else:
            await self._update_error(
                error_id,
                "UPDATE errors SET status = $2, resolution = NULL, resolved_at = NULL, updated_at = now() "
                "WHERE id = $1",
                status,
            )

    async def error_update_payload(self, error_id: int, payload: Any) -> None:
        await self._update_error(error_id, "UPDATE errors SET payload = $2, updated_at = now() WHERE id = $1", payload)

    async def error_record_attempt(
        self, error_id: int, error_class: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        await self._update_error(
            error_id,
            "UPDATE errors SET attempts = attempts + 1, status = 'open', error_class = $2, message = $3, details = $4, "
            "resolution = NULL, resolved_at = NULL, updated_at = now() WHERE id = $1",
            error_class,
            message,
            details,
        )

    async def _update_error(self, error_id: int, sql: str, *params: Any) -> None:
        try:
            status = await self._pool.execute(sql, error_id, *params)
        except asyncpg.UniqueViolationError:
            other = await self._pool.fetchval(
                "SELECT o.id FROM errors e JOIN errors o "
                "ON o.job = e.job AND o.flow = e.flow AND o.trace_key = e.trace_key "
                "AND o.id <> e.id AND o.status IN ('open', 'retrying') WHERE e.id = $1",
                error_id,
            )
            raise StateStoreError(
                f"error {error_id} cannot be re-opened: its record already has open error {other if other else '?'}"
            ) from None
        if _count(status) == 0:
            raise UnknownIdError(f"no error with id {error_id}")

    async def error_resolve_many(
        self, job: str, flow: str, trace_keys: Sequence[str], resolution: str = AUTO_RESOLUTION
    ) -> int:
        if not trace_keys:
            return 0
        status = await self._pool.execute(
            "UPDATE errors SET status = 'resolved', resolution = $1, resolved_at = now(), updated_at = now() "
            "WHERE job = $2 AND flow = $3 AND status IN ('open', 'retrying') AND trace_key = ANY($4::text[])",
            resolution,
            job,
            flow,
            sorted(set(trace_keys)),
        )
        return _count(status)

    # -- run history ----------------------------------------------------------------------------
    async def run_start(self, job: str) -> int:
        return int(
            await self._pool.fetchval(
                "INSERT INTO runs (job, status, started_at) VALUES ($1, 'running', now()) RETURNING id", job
            )
        )

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
        result = await self._pool.execute(
            "UPDATE runs SET status = $2, ended_at = now(), read = $3, written = $4, skipped = $5, failed = $6, "
            "message = $7 WHERE id = $1",
            run_id, status, read, written, skipped, failed, message,
        )  # fmt: skip
        if _count(result) == 0:
            raise UnknownIdError(f"no run with id {run_id}")

    async def run_get(self, run_id: int) -> RunRow | None:
        row = await self._pool.fetchrow(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = $1", run_id)
        return None if row is None else _run_row(row)

    async def run_list(self, job: str | None = None, limit: int = 20) -> list[RunRow]:
        check_page(limit, 0)
        rows = await self._pool.fetch(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE $1::text IS NULL OR job = $1 ORDER BY id DESC LIMIT $2", job, limit
        )
        return [_run_row(r) for r in rows]

    async def run_latest_per_job(self) -> list[RunRow]:
        rows = await self._pool.fetch(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY job) ORDER BY job"
        )
        return [_run_row(r) for r in rows]

    # -- sequences and remembered keys ----------------------------------------------------------
    async def next_sequence(self, scope: str, name: str, *, start: int = 1, maximum: int = 999_999_999) -> int:
        check_sequence_bounds(start, maximum)
        value = await self._pool.fetchval(
            "INSERT INTO sequences (scope, name, value, updated_at) VALUES ($1, $2, $3, now()) "
            "ON CONFLICT (scope, name) DO UPDATE SET "
            "value = CASE WHEN sequences.value >= $4 OR sequences.value < $3 THEN $3 ELSE sequences.value + 1 END, "
            "updated_at = excluded.updated_at RETURNING value",
            scope,
            name,
            start,
            maximum,
        )
        return int(value)

    async def remember(self, scope: str, key: str) -> bool:
        status = await self._pool.execute(
            "INSERT INTO remembered (scope, item_key, created_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING",
            scope,
            key,
        )
        return _count(status) == 1

    async def forget(self, scope: str, key: str) -> None:
        await self._pool.execute("DELETE FROM remembered WHERE scope = $1 AND item_key = $2", scope, key)

    async def forget_before(self, scope: str, before: datetime) -> int:
        if before.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        status = await self._pool.execute("DELETE FROM remembered WHERE scope = $1 AND created_at < $2", scope, before)
        return _count(status)

    # -- snapshots ------------------------------------------------------------------------------
    async def snapshot_get_many(self, job: str, flow: str, trace_keys: Sequence[str]) -> dict[str, str]:
        if not trace_keys:
            return {}
        rows = await self._pool.fetch(
            "SELECT s.trace_key, s.digest FROM unnest($3::text[]) AS k(key) CROSS JOIN LATERAL "
            "(SELECT * FROM snapshots WHERE job = $1 AND flow = $2 AND trace_key = k.key OFFSET 0) AS s",
            job,
            flow,
            unique(trace_keys),
        )
        return {r["trace_key"]: r["digest"] for r in rows}

    async def snapshot_put_many(self, job: str, flow: str, items: Sequence[tuple[str, str]]) -> None:
        latest = last_per_key(items)
        if not latest:
            return
        keys = sorted(latest)
        await self._pool.execute(
            """INSERT INTO snapshots (job, flow, trace_key, digest, updated_at)
               SELECT $1, $2, t.trace_key, t.digest, now() FROM unnest($3::text[], $4::text[]) AS t(trace_key, digest)
               ON CONFLICT (job, flow, trace_key)
               DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at""",
            job,
            flow,
            keys,
            [latest[k] for k in keys],
        )

    # -- EDI acknowledgments --------------------------------------------------------------------
    async def edi_ack_expect_many(self, rows: Sequence[EdiAckExpected]) -> None:
        if not rows:
            return
        for *_, sent_at, due_by in rows:
            if sent_at.tzinfo is None or (due_by is not None and due_by.tzinfo is None):
                raise ValueError("timestamps must be timezone-aware")
        ordered = sorted(rows, key=lambda r: (r[0], r[1]))
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await conn.executemany(
                    f"INSERT INTO edi_acks ({_EDI_ACK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, 'awaiting', NULL, NULL) "
                    "ON CONFLICT (partner, group_control) DO NOTHING",
                    [
                        (partner, group, interchange, doc_type, list(sets), sent_at, due_by)
                        for partner, group, interchange, doc_type, sets, sent_at, due_by in ordered
                    ],
                )

    async def edi_ack_get(self, partner: str, group_control: str) -> EdiAckRow | None:
        row = await self._pool.fetchrow(
            f"SELECT {_EDI_ACK_COLUMNS} FROM edi_acks WHERE partner = $1 AND group_control = $2", partner, group_control
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
        if acknowledged_at.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        row = await self._pool.fetchrow(
            f"UPDATE edi_acks SET status = $3, set_statuses = $4, acknowledged_at = $5 "
            f"WHERE partner = $1 AND group_control = $2 RETURNING {_EDI_ACK_COLUMNS}",
            partner, group_control, status, set_statuses, acknowledged_at,
        )  # fmt: skip
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
        if due_before is not None and due_before.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        rows = await self._pool.fetch(
            f"SELECT {_EDI_ACK_COLUMNS} FROM edi_acks WHERE ($1::text IS NULL OR status = $1) "
            "AND ($2::text IS NULL OR partner = $2) AND ($3::timestamptz IS NULL OR due_by < $3) "
            "ORDER BY due_by ASC NULLS LAST, sent_at, partner, group_control LIMIT $4",
            status, partner, due_before, limit,
        )  # fmt: skip
        return [_edi_ack_row(r) for r in rows]


def _edi_ack_row(r: asyncpg.Record) -> EdiAckRow:
    return EdiAckRow(
        partner=r["partner"], group_control=r["group_control"], interchange_control=r["interchange_control"],
        document_type=r["document_type"], set_controls=list(r["set_controls"] or []), sent_at=r["sent_at"],
        due_by=r["due_by"], status=r["status"], set_statuses=r["set_statuses"], acknowledged_at=r["acknowledged_at"],
    )  # fmt: skip


def _error_row(r: asyncpg.Record) -> ErrorRow:
    return ErrorRow(
        id=r["id"], job=r["job"], flow=r["flow"], stage=r["stage"], system=r["system"], entity=r["entity"],
        trace_key=r["trace_key"], payload=r["payload"], error_class=r["error_class"], message=r["message"],
        details=r["details"], attempts=r["attempts"], status=r["status"], created_at=r["created_at"],
        updated_at=r["updated_at"], resolved_at=r["resolved_at"], resolution=r["resolution"],
    )  # fmt: skip


def _run_row(r: asyncpg.Record) -> RunRow:
    return RunRow(
        id=r["id"], job=r["job"], status=r["status"], started_at=r["started_at"], ended_at=r["ended_at"],
        read=r["read"], written=r["written"], skipped=r["skipped"], failed=r["failed"], message=r["message"],
    )  # fmt: skip


def _ledger_entry(r: asyncpg.Record) -> LedgerEntry:
    return LedgerEntry(
        key=r["idempotency_key"], job=r["job"], flow=r["flow"], sink=r["sink"], status=r["status"],
        external_id=r["external_id"], created_at=r["created_at"], completed_at=r["completed_at"],
    )  # fmt: skip
