"""The durable state store: cursors, cross-references, idempotency ledger, error queue, run history.

``await open_store(url)`` gives a :class:`StateStore` on SQLite (embedded default) or PostgreSQL, with
its schema migrated.  Test helpers that run a suite against both backends are in
``crossdock.runtime.state.testing``.
"""

from ._migrations import LATEST_VERSION, MIGRATIONS, Migration
from ._open import open_store
from ._rows import (
    CursorRow,
    EdiAckRow,
    EdiAckStatus,
    ErrorRow,
    ErrorStatus,
    LedgerEntry,
    LedgerStatus,
    MigrationRow,
    RunRow,
    RunStatus,
    XrefConflict,
)
from ._store import AUTO_RESOLUTION, StateStore, StateStoreError, UnknownIdError
from ._url import mask_url

__all__ = [
    "open_store",
    "StateStore",
    "StateStoreError",
    "UnknownIdError",
    "CursorRow",
    "EdiAckRow",
    "EdiAckStatus",
    "XrefConflict",
    "LedgerEntry",
    "LedgerStatus",
    "ErrorRow",
    "ErrorStatus",
    "RunRow",
    "RunStatus",
    "MigrationRow",
    "Migration",
    "MIGRATIONS",
    "LATEST_VERSION",
    "AUTO_RESOLUTION",
    "mask_url",
]
