"""Incremental reading: where a stream starts, how far back it looks, and which records it already took.

The same idea as dlt's ``incremental``: the cursor, its lookback window and its boundary
de-duplication live in one small value that the runner stores per (job, stream) after each page.

Why a lookback *and* de-duplication: APIs filter ``updated_at >= since`` with clocks and indexes that
lag (Shopify's search index, Amazon's ``lastUpdatedAfter``), so a record updated just before the last
run's high-water mark can appear only later. Re-reading a window behind the mark catches it; remembering
the (key, cursor value) pairs already taken inside that window keeps the re-read from producing
duplicates. A record updated again gets a new cursor value and is taken again, as it should be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .records import CursorValue, SourceRecord

__all__ = ["CursorPosition", "IncrementalCursor"]


@dataclass(frozen=True, slots=True)
class CursorPosition:
    """Where :meth:`Stream.read` should start.

    ``since`` is the lower bound (inclusive) to ask the API for: the high-water mark minus the lookback,
    or the configured initial value on a first run. ``resume_token`` continues an interrupted pass of a
    stream that is not sorted by its cursor; when it is set the stream must continue from it instead of
    starting a new query.
    """

    since: CursorValue | None = None
    resume_token: str | None = None


def _encode(value: CursorValue | None) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def _decode(value: Any) -> CursorValue | None:
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    return value


def _key(value: CursorValue) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


@dataclass(slots=True)
class IncrementalCursor:
    """High-water mark + lookback + the keys already taken inside the lookback window.

    ``observe`` is called by the runner only after a page's writes are durable, so a crash before that
    re-reads the page (at-least-once) and the idempotency ledger keeps the re-read from writing twice.
    """

    lookback: timedelta = timedelta(0)
    initial_value: CursorValue | None = None
    high_water: CursorValue | None = None
    seen: dict[str, str] = field(default_factory=dict)
    resume_token: str | None = None
    pass_since: CursorValue | None = None
    pass_high_water: CursorValue | None = None

    # -- where to start -------------------------------------------------------------------------
    def position(self) -> CursorPosition:
        if self.resume_token is not None:
            return CursorPosition(since=self.pass_since, resume_token=self.resume_token)
        return CursorPosition(since=self._window_start())

    def _window_start(self) -> CursorValue | None:
        if self.high_water is None:
            return self.initial_value
        if isinstance(self.high_water, datetime):
            return self.high_water - self.lookback
        return self.high_water

    # -- what to take ---------------------------------------------------------------------------
    def is_new(self, record: SourceRecord) -> bool:
        """False for a record already taken at this very cursor value (re-read inside the window)."""
        if record.cursor_value is None:
            return True
        return self.seen.get(record.key) != _key(record.cursor_value)

    def new_records(self, records: Iterable[SourceRecord]) -> list[SourceRecord]:
        return [r for r in records if self.is_new(r)]

    # -- after a durable page -------------------------------------------------------------------
    def observe(self, records: Iterable[SourceRecord], *, resume_token: str | None, sorted_by_cursor: bool) -> None:
        """Advance past ``records``.

        For a stream sorted by its cursor the high-water mark moves with every page. For an unsorted
        stream (Amazon returns pages in no cursor order) the mark only moves when the pass completes;
        until then the page token is kept so a crash resumes the pass instead of losing its tail.
        """
        top = self.pass_high_water if not sorted_by_cursor else self.high_water
        for record in records:
            if record.cursor_value is None:
                continue
            self.seen[record.key] = _key(record.cursor_value)
            if top is None or record.cursor_value > top:
                top = record.cursor_value
        if sorted_by_cursor:
            self.high_water = top
        else:
            if self.resume_token is None and self.pass_since is None:
                self.pass_since = self._window_start()
            self.pass_high_water = top
            self.resume_token = resume_token
            if resume_token is None:
                self._finish_pass()
        self._prune()

    def finish(self) -> None:
        """The stream reached its last page: close any open pass."""
        if self.pass_high_water is not None or self.pass_since is not None:
            self._finish_pass()

    def _finish_pass(self) -> None:
        if self.pass_high_water is not None and (self.high_water is None or self.pass_high_water > self.high_water):
            self.high_water = self.pass_high_water
        self.pass_high_water = None
        self.pass_since = None
        self.resume_token = None

    def _prune(self) -> None:
        """Forget keys that fell out of the window: they can no longer be re-read."""
        start = self._window_start()
        if start is None or not self.seen:
            return
        floor = _key(start)
        if isinstance(start, datetime):
            floor_dt = start
            self.seen = {k: v for k, v in self.seen.items() if datetime.fromisoformat(v) >= floor_dt}
        elif isinstance(start, int):
            self.seen = {k: v for k, v in self.seen.items() if int(v) >= start}
        else:
            self.seen = {k: v for k, v in self.seen.items() if v >= floor}

    # -- persistence ----------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        return {
            "high_water": _encode(self.high_water),
            "seen": self.seen,
            "resume_token": self.resume_token,
            "pass_since": _encode(self.pass_since),
            "pass_high_water": _encode(self.pass_high_water),
        }

    @classmethod
    def from_state(
        cls, state: dict[str, Any] | None, *, lookback: timedelta, initial_value: CursorValue | None = None
    ) -> IncrementalCursor:
        cursor = cls(lookback=lookback, initial_value=initial_value)
        if state:
            cursor.high_water = _decode(state.get("high_water"))
            cursor.seen = dict(state.get("seen") or {})
            cursor.resume_token = state.get("resume_token")
            cursor.pass_since = _decode(state.get("pass_since"))
            cursor.pass_high_water = _decode(state.get("pass_high_water"))
        return cursor
