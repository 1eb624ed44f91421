"""The state store's backend-neutral interface: what "no order lost, none duplicated" rests on.

Every piece of durable state the runtime keeps lives behind this one interface:

* **cursors**: where each stream of each job stands, written only when the runner says so;
* **cross-references**: which record each system's ID names (one canonical ID, many systems);
* **the idempotency ledger**: a write is *begun* before the external call and *completed* after it, so
  after a crash a begun key is re-sent with the same key (the API de-duplicates) and a completed key is
  never sent again;
* **the error queue**: every failed record parked with its payload, replayable, one open error per record;
* **run history**, **sequences** (EDI control numbers), **remembered keys** (webhook/ISA13 de-duplication)
  and **snapshots** (the last digest written per record, for sinks that only send changed state).

Backends (SQLite, PostgreSQL) implement it with one schema (see ``_migrations``).  Batch methods are one
transaction and one round trip per call: the runner calls them once per page, never once per record.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from types import TracebackType
from typing import Any, ClassVar, Self

from crossdock.core.errors import CrossdockError

from ._migrations import Dialect, Migration
from ._rows import (
    EDI_ACK_STATUSES,
    ERROR_STATUSES,
    FINISHED_RUN_STATUSES,
    CursorRow,
    EdiAckRow,
    ErrorRow,
    LedgerEntry,
    MigrationRow,
    RunRow,
    XrefConflict,
)

__all__ = [
    "StateStore",
    "StateStoreError",
    "UnknownIdError",
    "XrefLink",
    "LedgerBegin",
    "LedgerResult",
    "LedgerRecord",
    "EdiAckExpected",
    "AUTO_RESOLUTION",
]

XrefLink = tuple[str, str, str, str]
"""``(entity, canonical_id, system, external_id)``."""
LedgerBegin = tuple[str, str, str, str]
"""``(key, job, flow, sink)``."""
LedgerResult = tuple[str, str | None]
"""``(key, external_id)``; the external ID may be unknown (``None``)."""
LedgerRecord = tuple[str, str, str, str, str | None]
"""``(key, job, flow, sink, external_id)``."""
EdiAckExpected = tuple[str, str, str, str, Sequence[str], datetime, datetime | None]
"""``(partner, group_control, interchange_control, document_type, set_controls, sent_at, due_by)``."""

AUTO_RESOLUTION = "auto: later success"

log = logging.getLogger("crossdock.state")


class StateStoreError(CrossdockError):
    """The state store cannot do what was asked (unreachable, newer schema, conflicting state).

    Messages never contain credentials: URLs in them are masked.
    """


class UnknownIdError(StateStoreError, LookupError):
    """An error or run ID that the store does not hold."""


class StateStore(ABC):
    """Durable state of every job: cursors, cross-references, ledger, error queue, runs, sequences.

    Open one with :func:`crossdock.runtime.state.open_store`, which also applies pending migrations.
    A store is an async context manager; ``close()`` releases its connections.
    """

    dialect: ClassVar[Dialect]

    def __init__(self, display_url: str) -> None:
        self.url = display_url
        """The store's URL with any password masked: safe to show and log."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @abstractmethod
    async def close(self) -> None:
        """Release the store's connections; safe to call twice."""

    # -- schema ---------------------------------------------------------------------------------
    @abstractmethod
    async def schema_version(self) -> int:
        """The highest migration version applied (0 for an empty store)."""

    @abstractmethod
    async def applied_migrations(self) -> list[MigrationRow]:
        """Every applied migration, oldest first."""

    # -- cursors --------------------------------------------------------------------------------
    @abstractmethod
    async def get_cursor(self, job: str, stream: str) -> dict[str, Any] | None:
        """The cursor state last saved for ``(job, stream)``, or ``None`` before the first save."""

    @abstractmethod
    async def save_cursor(self, job: str, stream: str, value: dict[str, Any]) -> None:
        """Replace the cursor state of ``(job, stream)``; committed when this returns."""

    @abstractmethod
    async def list_cursors(self, job: str | None = None) -> list[CursorRow]:
        """Every cursor (of ``job`` when given), ordered by job then stream."""

    # -- cross-references -----------------------------------------------------------------------
    @abstractmethod
    async def xref_link_many(self, rows: Sequence[XrefLink]) -> list[XrefConflict]:
        """Link ``(entity, canonical_id, system, external_id)`` rows, in one transaction.

        Linking what is already linked does nothing.  A system holds one external ID per canonical
        record and one canonical record per external ID: a row contradicting an existing link is not
        written (the first link stands) and is returned as a :class:`XrefConflict`, and logged, so a
        duplicate created in a target system is visible rather than silently re-pointed.
        """

    async def xref_link(self, entity: str, canonical_id: str, system: str, external_id: str) -> list[XrefConflict]:
        """Link one external ID to a canonical record (see :meth:`xref_link_many`)."""
        return await self.xref_link_many([(entity, canonical_id, system, external_id)])

    @abstractmethod
    async def xref_canonical(self, system: str, entity: str, external_id: str) -> str | None:
        """The canonical ID that ``system`` calls ``external_id``, if linked."""

    @abstractmethod
    async def xref_ensure(self, system: str, entity: str, external_id: str) -> str:
        """The canonical ID of ``external_id`` in ``system``, linking a new one (uuid4 hex) if it has none.

        Concurrent callers asking for the same external ID all get the same canonical ID.
        """

    @abstractmethod
    async def xref_external_ids(self, entity: str, canonical_id: str) -> dict[str, str]:
        """What each system calls the canonical record: ``{system: external_id}``."""

    # -- idempotency ledger ---------------------------------------------------------------------
    @abstractmethod
    async def ledger_get_many(self, keys: Sequence[str]) -> dict[str, LedgerEntry]:
        """The ledger entries of those keys that have one (one query)."""

    @abstractmethod
    async def ledger_begin_many(self, entries: Sequence[LedgerBegin]) -> None:
        """Record ``(key, job, flow, sink)`` writes as pending before they are sent (one transaction).

        A key already in the ledger is left as it is: a completed write stays completed.
        """

    @abstractmethod
    async def ledger_complete_many(self, results: Sequence[LedgerResult]) -> None:
        """Mark begun writes done with the external ID the system gave back (one transaction).

        A ``None`` external ID keeps one recorded earlier.  Keys that were never begun are not
        invented (their job/flow/sink are unknown); they are logged as a warning.
        """

    @abstractmethod
    async def ledger_record_many(self, entries: Sequence[LedgerRecord]) -> None:
        """Record writes as done in one statement, begun or not: ``(key, job, flow, sink, external_id)``.

        The runner's hot path: its idempotency keys are derived from the record's content, so a write
        interrupted before it was recorded is recomputed with the same key on the next read and the
        system absorbs the resend; a separate 'pending' row per record would add a second random-key
        write and no safety. A ``None`` external ID keeps one recorded earlier.
        """

    @abstractmethod
    async def ledger_forget(self, key: str) -> None:
        """Drop a key from the ledger, so the record can be sent again (a refused write, an operator's retry)."""

    # -- error queue ----------------------------------------------------------------------------
    @abstractmethod
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
        """Park a failed record and return its error ID (``open``, 1 attempt).

        If the record (``job, flow, trace_key``) already has an open or retrying error, that error is
        updated instead (new payload, error and details, one more attempt, status ``open``) and its ID
        returned: a record failing on every run is one error with many attempts, not many errors.
        """

    @abstractmethod
    async def error_get(self, error_id: int) -> ErrorRow | None:
        """One error, or ``None``."""

    @abstractmethod
    async def error_list(
        self, *, status: str | None = "open", job: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[ErrorRow]:
        """Errors in queue order (oldest first), filtered by status (``None``: all) and job."""

    @abstractmethod
    async def error_count(self, *, status: str | None = None, job: str | None = None) -> int:
        """How many errors match (``status`` ``None``: all)."""

    @abstractmethod
    async def error_set_status(self, error_id: int, status: str, resolution: str | None = None) -> None:
        """Move an error to ``open``, ``retrying`` or ``resolved`` (with ``resolution``, and ``resolved_at``).

        Re-opening a resolved error while its record has another open error is refused.
        """

    @abstractmethod
    async def error_update_payload(self, error_id: int, payload: Any) -> None:
        """Replace a parked record's payload (an operator fixed the data before retrying it)."""

    @abstractmethod
    async def error_record_attempt(
        self, error_id: int, error_class: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        """A retry failed again: count the attempt, keep its error, put the error back to ``open``."""

    @abstractmethod
    async def error_resolve_many(
        self, job: str, flow: str, trace_keys: Sequence[str], resolution: str = AUTO_RESOLUTION
    ) -> int:
        """Resolve the open/retrying errors of records that have since been written; returns how many."""

    async def error_resolve_trace(self, job: str, flow: str, trace_key: str, resolution: str = AUTO_RESOLUTION) -> int:
        """Resolve the open/retrying errors of one record after it succeeded; returns how many."""
        return await self.error_resolve_many(job, flow, [trace_key], resolution)

    # -- run history ----------------------------------------------------------------------------
    @abstractmethod
    async def run_start(self, job: str) -> int:
        """Record that a run of ``job`` started; returns its run ID."""

    @abstractmethod
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
        """Record how a run ended: ``succeeded``, ``failed``, ``interrupted`` or ``partial``, with its counts."""

    @abstractmethod
    async def run_get(self, run_id: int) -> RunRow | None:
        """One run, or ``None``."""

    @abstractmethod
    async def run_list(self, job: str | None = None, limit: int = 20) -> list[RunRow]:
        """Runs, newest first."""

    @abstractmethod
    async def run_latest_per_job(self) -> list[RunRow]:
        """The newest run of every job, ordered by job."""

    # -- sequences and remembered keys ----------------------------------------------------------
    @abstractmethod
    async def next_sequence(self, scope: str, name: str, *, start: int = 1, maximum: int = 999_999_999) -> int:
        """The next number of a counter (EDI interchange/group control numbers).

        Atomic and committed before it returns: never the same number twice, across concurrent
        callers, processes and crashes, until it wraps from ``maximum`` back to ``start``.  The first
        call returns ``start``.
        """

    @abstractmethod
    async def remember(self, scope: str, key: str) -> bool:
        """``True`` the first time ``(scope, key)`` is seen, ``False`` ever after (atomic)."""

    @abstractmethod
    async def forget(self, scope: str, key: str) -> None:
        """Forget a remembered key, so it is new again."""

    @abstractmethod
    async def forget_before(self, scope: str, before: datetime) -> int:
        """Forget a scope's keys remembered before ``before`` (retention); returns how many."""

    # -- snapshots ------------------------------------------------------------------------------
    @abstractmethod
    async def snapshot_get_many(self, job: str, flow: str, trace_keys: Sequence[str]) -> dict[str, str]:
        """The digest last written for each record that has one: ``{trace_key: digest}``."""

    @abstractmethod
    async def snapshot_put_many(self, job: str, flow: str, items: Sequence[tuple[str, str]]) -> None:
        """Record ``(trace_key, digest)`` as last written (one transaction)."""

    # -- EDI acknowledgments --------------------------------------------------------------------
    @abstractmethod
    async def edi_ack_expect_many(self, rows: Sequence[EdiAckExpected]) -> None:
        """Record functional groups sent to partners as ``awaiting`` their 997/999 (one transaction).

        A group already recorded under ``(partner, group_control)`` is left as it is: recording a
        resend of the same interchange again changes nothing, and a group already acknowledged stays so.
        """

    @abstractmethod
    async def edi_ack_get(self, partner: str, group_control: str) -> EdiAckRow | None:
        """One recorded group, or ``None``."""

    @abstractmethod
    async def edi_ack_settle(
        self,
        partner: str,
        group_control: str,
        *,
        status: str,
        set_statuses: dict[str, str],
        acknowledged_at: datetime,
    ) -> EdiAckRow | None:
        """Record the partner's acknowledgment of a group; the updated row, or ``None`` for an unknown group.

        A later acknowledgment of the same group replaces an earlier one (partners re-send 997s).
        """

    @abstractmethod
    async def edi_ack_list(
        self,
        *,
        status: str | None = "awaiting",
        partner: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[EdiAckRow]:
        """Recorded groups by status (``None``: all), earliest deadline first (those without one last).

        ``due_before`` keeps the groups whose deadline is before that moment: the overdue ones.
        """


# -- helpers shared by the backends -----------------------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json_default(value: Any) -> str:
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)  # Decimal (exact, as text), UUID, enums' values, anything else a connector left in


def dumps_json(value: Any) -> str:
    """JSON text for a JSON column; ``datetime`` becomes ISO 8601, ``Decimal`` and other strays strings."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def check_error_status(status: str | None, *, allow_none: bool = False) -> None:
    if status is None and allow_none:
        return
    if status not in ERROR_STATUSES:
        raise ValueError(f"error status must be one of {sorted(ERROR_STATUSES)}, not {status!r}")


def check_edi_ack_status(status: str | None, *, allow_none: bool = False) -> None:
    if status is None and allow_none:
        return
    if status not in EDI_ACK_STATUSES:
        raise ValueError(f"an EDI acknowledgment status is one of {sorted(EDI_ACK_STATUSES)}, not {status!r}")


def check_run_status(status: str) -> None:
    if status not in FINISHED_RUN_STATUSES:
        raise ValueError(f"a run finishes as one of {sorted(FINISHED_RUN_STATUSES)}, not {status!r}")


def check_sequence_bounds(start: int, maximum: int) -> None:
    if start > maximum:
        raise ValueError(f"sequence start {start} is above its maximum {maximum}")


def check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")


def last_per_key(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The last value given for each key, in first-seen key order (a batch may repeat a key)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        result[key] = value
    return result


def unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def log_xref_conflicts(conflicts: Sequence[XrefConflict]) -> None:
    """Make refused cross-reference links visible: they usually mean a duplicate in a target system."""
    if conflicts:
        first = conflicts[0]
        log.warning(
            "xref: %d link(s) contradict existing ones and were not made; e.g. %s in %s: asked %s <-> %s, "
            "the store has %s <-> %s",
            len(conflicts), first.entity, first.system, first.canonical_id, first.external_id,
            first.existing_canonical_id, first.existing_external_id,
        )  # fmt: skip


def migration_failed(url: str, migration: Migration, exc: BaseException) -> StateStoreError:
    return StateStoreError(
        f"state store {url}: migration {migration.version} ({migration.description}) failed and was rolled back: {exc}"
    )
