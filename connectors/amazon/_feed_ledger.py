"""Feeds in flight, remembered in the job's state store so a crash never submits the same batch twice.

A JSON_LISTINGS_FEED is processed by Amazon for minutes after ``createFeed`` returned. If the process
stops meanwhile, the runner re-sends the batch on the next run (its ledger keys were begun, never
completed); submitting a second feed would double the work Amazon queues and spend the five-per-five-
minutes feed quota. So the ``feedId`` is saved under the batch's digest (its idempotency keys) as soon
as ``createFeed`` answers, and a batch with the same keys polls that feed instead.

Saved with the state store's cursor API under a connector-owned name (``amazon:<connection>:feed:<digest>``
in the job's namespace), the only store call that keeps a small JSON value per name; ``crossdock cursors``
lists them, which shows the feeds in flight. Without a store (a bare test context) the ledger lives in
memory and survives only as long as the connector.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FeedLedger", "FeedEntry", "batch_digest"]


def batch_digest(idempotency_keys: Sequence[str]) -> str:
    """The same digest for the same set of keys, whatever their order."""
    return hashlib.sha256("\x1f".join(sorted(idempotency_keys)).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    feed_id: str
    status: str
    """``SUBMITTED`` until the feed finished, then Amazon's terminal ``processingStatus``."""


class FeedLedger:
    """``digest → feedId`` for one connection, in the state store (or memory without one)."""

    def __init__(self, store: Any, *, job: str, connection: str) -> None:
        self._store = store
        self._job = job
        self._prefix = f"amazon:{connection}:feed:"
        self._memory: dict[str, dict[str, Any]] = {}

    async def get(self, digest: str) -> FeedEntry | None:
        value = await self._load(self._prefix + digest)
        if not value or not isinstance(value.get("feed_id"), str):
            return None
        return FeedEntry(feed_id=value["feed_id"], status=str(value.get("status", "SUBMITTED")))

    async def submitted(self, digest: str, feed_id: str) -> None:
        await self._save(self._prefix + digest, {"feed_id": feed_id, "status": "SUBMITTED"})

    async def finished(self, digest: str, feed_id: str, status: str) -> None:
        await self._save(self._prefix + digest, {"feed_id": feed_id, "status": status})

    async def _load(self, name: str) -> dict[str, Any] | None:
        if self._store is None:
            return self._memory.get(name)
        value = await self._store.get_cursor(self._job, name)
        return value if isinstance(value, dict) else None

    async def _save(self, name: str, value: dict[str, Any]) -> None:
        if self._store is None:
            self._memory[name] = value
        else:
            await self._store.save_cursor(self._job, name, value)
