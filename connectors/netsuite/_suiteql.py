"""Running SuiteQL through REST web services, page by page, within NetSuite's limits.

``POST /services/rest/query/v1/suiteql?limit=…&offset=…`` with ``Prefer: transient`` and ``{"q": …}``
answers ``{"items", "count", "hasMore", "offset", "totalResults", "links"}``; every value comes back as
text, and NULLs are left out of an item. Two limits shape how queries are written and read:

- a query reaches at most 100,000 rows through ``offset``. :func:`read_rows` reads queries ordered by a
  timestamp and, before the window runs out, starts the same query again from the last timestamp it
  reached, skipping the rows it already gave at that timestamp;
- date-times are read and written in the integration user's time zone, in the account's display format
  unless converted. Queries render them with ``TO_CHAR(x, 'YYYY-MM-DD"T"HH24:MI:SS')`` and compare them
  with ``TO_TIMESTAMP('…', 'YYYY-MM-DD HH24:MI:SS')``; :func:`parse_timestamp` and
  :func:`timestamp_literal` convert between those and aware UTC date-times.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import httpx

from crossdock.core.errors import FatalError, RecordError, RetryableError
from crossdock.core.redaction import redact
from crossdock.runtime.http import IDEMPOTENT_EXTENSION

from ._errors import error_details

__all__ = [
    "MAX_RESULTS",
    "QUERY_PATH",
    "TIMESTAMP_FORMAT",
    "RowsPage",
    "SuiteQLPage",
    "id_list",
    "literal",
    "parse_timestamp",
    "read_rows",
    "run_query",
    "timestamp_literal",
]

QUERY_PATH = "/services/rest/query/v1/suiteql"
MAX_RESULTS = 100_000
TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS'
"""``TO_CHAR`` format of every date-time the connector reads (local time of the integration user)."""

Row = dict[str, Any]


def literal(text: str) -> str:
    """``text`` as a SuiteQL string literal (quotes doubled: a SKU can never end the string)."""
    return "'" + text.replace("'", "''") + "'"


def id_list(ids: list[str]) -> str:
    """Internal IDs for an ``IN (…)`` list, refusing anything that is not a number."""
    if not ids or not all(i.isdigit() for i in ids):
        raise ValueError(f"internal IDs must be digits, got {ids[:5]!r}")
    return ", ".join(ids)


def timestamp_literal(moment: datetime, zone: tzinfo) -> str:
    """``TO_TIMESTAMP('2025-06-01 05:00:00', …)`` for ``moment`` in the account's time zone (to the second, rounded down)."""
    local = moment.astimezone(zone)
    return f"TO_TIMESTAMP('{local:%Y-%m-%d %H:%M:%S}', 'YYYY-MM-DD HH24:MI:SS')"


def parse_timestamp(text: str, zone: tzinfo) -> datetime:
    """A ``TIMESTAMP_FORMAT`` value read in ``zone``, as an aware UTC date-time."""
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class SuiteQLPage:
    items: list[Row]
    offset: int
    has_more: bool
    total: int

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.items)


async def run_query(client: httpx.AsyncClient, query: str, *, limit: int, offset: int = 0) -> SuiteQLPage:
    """One page of ``query``. A body cut off in transit is asked for once more (a query changes nothing)."""
    for attempt in (1, 2):
        try:
            response = await client.post(
                QUERY_PATH,
                params={"limit": limit, "offset": offset},
                json={"q": query},
                headers={"Prefer": "transient"},
                extensions={IDEMPOTENT_EXTENSION: True},
            )
        except RecordError as exc:
            # A refused query is not one record's problem: the table, a field or the role's
            # permissions are missing, and no record of the run can be read without them.
            errors = error_details(exc.details.get("body"))
            reason = errors[0]["detail"] if errors else exc.message
            raise FatalError(redact(f"NetSuite refused a SuiteQL query: {reason}"), details=dict(exc.details)) from None
        try:
            body = response.json()
            items = [{k: v for k, v in item.items() if k != "links"} for item in body["items"]]
            return SuiteQLPage(items, int(body.get("offset", offset)), bool(body.get("hasMore")), int(body.get("totalResults", 0)))
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError, AttributeError):
            if attempt == 2:
                raise RetryableError(
                    f"SuiteQL answered HTTP {response.status_code} with an unreadable body",
                    details={"status": response.status_code, "bytes": len(response.content)},
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class RowsPage:
    """Rows of one SuiteQL page and where the next read would start (for resume tokens)."""

    rows: list[Row]
    since: datetime | None
    next_offset: int
    has_more: bool


@dataclass
class _Tail:
    """The keys already given at the latest timestamp: what a restarted query must not give again."""

    cursor: datetime | None = None
    keys: set[Hashable] = field(default_factory=set)

    def add(self, cursor: datetime | None, key: Hashable) -> None:
        if cursor != self.cursor:
            self.cursor, self.keys = cursor, set()
        self.keys.add(key)


async def read_rows(
    client: httpx.AsyncClient,
    *,
    query: Callable[[datetime | None], str],
    since: datetime | None,
    limit: int,
    cursor_of: Callable[[Row], datetime],
    key_of: Callable[[Row], Hashable],
    offset: int = 0,
    max_results: int = MAX_RESULTS,
) -> AsyncIterator[RowsPage]:
    """Every row of ``query(since)``, which must be ordered by ``cursor_of`` (then by ``key_of``).

    ``offset`` resumes inside a pass (any row offset: reads start on a page boundary, as NetSuite wants
    offsets to be multiples of the limit, and skip up to it).
    """
    skip = offset % limit
    offset -= skip
    tail = _Tail()
    repeat: set[Hashable] = set()
    while True:
        page = await run_query(client, query(since), limit=limit, offset=offset)
        rows = []
        for row in page.items[skip:]:
            cursor = cursor_of(row)
            if repeat and cursor == since and key_of(row) in repeat:
                continue
            tail.add(cursor, key_of(row))
            rows.append(row)
        skip = 0
        # NetSuite's window ends at max_results rows: totalResults still counts what lies beyond it.
        more = page.has_more or page.total > page.next_offset
        yield RowsPage(rows, since, page.next_offset, more)
        if not more:
            return
        if not page.has_more or page.next_offset + limit > max_results:
            if tail.cursor is None or tail.cursor == since:
                raise FatalError(
                    f"more than {max_results} SuiteQL rows share the timestamp {since}: cannot page past them"
                )
            since, offset, repeat = tail.cursor, 0, set(tail.keys)
        else:
            offset = page.next_offset
