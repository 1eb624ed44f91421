"""The rows the state store hands back: small frozen values, the same whichever backend stored them.

Frozen dataclasses rather than driver rows so callers never depend on aiosqlite or asyncpg types, and
so ``dataclasses.asdict`` turns any of them into JSON-ready data for the CLI.  Every timestamp is a
timezone-aware UTC ``datetime``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

__all__ = [
    "LedgerStatus",
    "ErrorStatus",
    "RunStatus",
    "EdiAckStatus",
    "EDI_ACK_STATUSES",
    "LEDGER_STATUSES",
    "ERROR_STATUSES",
    "ACTIVE_ERROR_STATUSES",
    "RUN_STATUSES",
    "FINISHED_RUN_STATUSES",
    "MigrationRow",
    "CursorRow",
    "XrefConflict",
    "LedgerEntry",
    "ErrorRow",
    "RunRow",
    "EdiAckRow",
]

LedgerStatus = Literal["pending", "done"]
EdiAckStatus = Literal["awaiting", "accepted", "accepted_with_errors", "partially_accepted", "rejected"]
ErrorStatus = Literal["open", "retrying", "resolved"]
RunStatus = Literal["running", "succeeded", "failed", "interrupted", "partial"]

LEDGER_STATUSES: frozenset[str] = frozenset({"pending", "done"})
ERROR_STATUSES: frozenset[str] = frozenset({"open", "retrying", "resolved"})
ACTIVE_ERROR_STATUSES: frozenset[str] = frozenset({"open", "retrying"})
"""Statuses of an error that still needs attention; a record has at most one such error per flow."""
EDI_ACK_STATUSES: frozenset[str] = frozenset(
    {"awaiting", "accepted", "accepted_with_errors", "partially_accepted", "rejected"}
)
RUN_STATUSES: frozenset[str] = frozenset({"running", "succeeded", "failed", "interrupted", "partial"})
FINISHED_RUN_STATUSES: frozenset[str] = RUN_STATUSES - {"running"}


@dataclass(frozen=True, slots=True)
class MigrationRow:
    """One applied schema migration, as recorded in ``schema_migrations``."""

    version: int
    description: str
    applied_at: datetime


@dataclass(frozen=True, slots=True)
class CursorRow:
    """Where one stream of one job stands: the runner's opaque cursor state."""

    job: str
    stream: str
    value: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class XrefConflict:
    """A link that was not made because the system already links one side of it elsewhere.

    ``existing_canonical_id``/``existing_external_id`` are what the store already holds for the
    conflicting side; the requested link is ``canonical_id`` ↔ ``external_id``.
    """

    entity: str
    system: str
    canonical_id: str
    external_id: str
    existing_canonical_id: str
    existing_external_id: str


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One write in the idempotency ledger.

    ``pending``: begun, the external call may or may not have happened (resend with the same key);
    ``done``: the external system confirmed it (never send again).
    """

    key: str
    job: str
    flow: str
    sink: str
    status: LedgerStatus
    external_id: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """A record parked in the error queue, with everything needed to replay it."""

    id: int
    job: str
    flow: str
    stage: str
    system: str
    entity: str
    trace_key: str
    payload: Any
    error_class: str
    message: str
    details: dict[str, Any] | None
    attempts: int
    status: ErrorStatus
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run of a job; ``status`` is ``running`` until the runner finishes it."""

    id: int
    job: str
    status: RunStatus
    started_at: datetime
    ended_at: datetime | None
    read: int
    written: int
    skipped: int
    failed: int
    message: str | None


@dataclass(frozen=True, slots=True)
class EdiAckRow:
    """One functional group sent to an EDI partner, and what the partner's 997/999 said about it.

    ``status`` is ``awaiting`` until an acknowledgment arrives; ``set_statuses`` maps each ST02 to
    its AK5/IK5 code (``A``, ``E``, ``R`` …) once it has.  ``due_by`` is when the partner's window
    for acknowledging ends (``None``: never reported overdue).
    """

    partner: str
    group_control: str
    interchange_control: str
    document_type: str
    set_controls: list[str]
    sent_at: datetime
    due_by: datetime | None
    status: EdiAckStatus
    set_statuses: dict[str, str] | None
    acknowledged_at: datetime | None
