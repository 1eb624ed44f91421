"""Relay connections as Shopify serves them: ``first``/``after``, ``last``/``before``, opaque cursors.

Cursors are keyset positions (the sort value and ID of the last record seen, as base64 JSON), so a record
that changes while a client pages moves in the order instead of shifting every page, as on Shopify.
Shopify's limits hold: a page is 1–250 records, one of ``first`` or ``last`` is required, and a query
pages through at most ``pagination_limit`` (25,000) records; past that the connection ends
(``hasNextPage: false``) even though more records match, which is what a client must notice and work
around by narrowing its query.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graphql import GraphQLError

__all__ = ["MAX_PAGE_SIZE", "PAGINATION_LIMIT", "connection", "encode_cursor", "decode_cursor", "id_number"]

MAX_PAGE_SIZE = 250
PAGINATION_LIMIT = 25_000


def id_number(global_id: str) -> int:
    """The number at the end of a GID (``gid://shopify/Order/5000001`` → 5000001)."""
    try:
        return int(global_id.rsplit("/", 1)[-1].split("?", 1)[0])
    except ValueError:
        return 0


def encode_cursor(key: tuple[Any, int], served: int) -> str:
    raw = json.dumps({"last_id": key[1], "last_value": key[0], "served": served}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[tuple[Any, int], int]:
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return (data["last_value"], int(data["last_id"])), int(data.get("served", 0))
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise GraphQLError("Invalid cursor.", extensions={"code": "BAD_REQUEST"}) from None


def _page_size(args: Mapping[str, Any]) -> tuple[int, bool]:
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last", extensions={"code": "BAD_REQUEST"})
    if first is not None and last is not None:
        raise GraphQLError("you must provide only one of first or last", extensions={"code": "BAD_REQUEST"})
    size, forward = (first, True) if first is not None else (last, False)
    name = "first" if forward else "last"
    if size < 0 or size > MAX_PAGE_SIZE:
        raise GraphQLError(
            f"The value of the argument `{name}` must be between 0 and {MAX_PAGE_SIZE}, got {size}.",
            extensions={"code": "BAD_REQUEST"},
        )
    return size, forward


def connection(
    records: Sequence[Mapping[str, Any]],
    args: Mapping[str, Any],
    *,
    sort_value: Callable[[Mapping[str, Any]], Any] | None = None,
    pagination_limit: int | None = None,
) -> dict[str, Any]:
    """One page of ``records`` as a connection (``edges``, ``nodes``, ``pageInfo``)."""
    size, forward = _page_size(args)

    def key(record: Mapping[str, Any]) -> tuple[Any, int]:
        number = id_number(str(record["id"]))
        return (sort_value(record) if sort_value else number, number)

    ordered = sorted(records, key=key, reverse=bool(args.get("reverse")))
    keys = [key(record) for record in ordered]

    def position(cursor_key: tuple[Any, int], *, include_equal: bool) -> int:
        """Index of the first record past ``cursor_key`` in page order (at it, with ``include_equal``)."""
        descending = bool(args.get("reverse"))
        for index, candidate in enumerate(keys):
            if candidate == cursor_key and include_equal:
                return index
            if (candidate < cursor_key) if descending else (candidate > cursor_key):
                return index
        return len(keys)

    served = 0
    if forward:
        start = 0
        if args.get("after"):
            cursor_key, served = decode_cursor(args["after"])
            start = position(cursor_key, include_equal=False)
        room = size if pagination_limit is None else max(min(size, pagination_limit - served), 0)
        page = list(range(start, min(start + room, len(ordered))))
        more = start + len(page) < len(ordered)
        if pagination_limit is not None and served + len(page) >= pagination_limit:
            more = False
        has_next, has_previous = more, start > 0
    else:
        end = len(ordered)
        if args.get("before"):
            cursor_key, served = decode_cursor(args["before"])
            end = position(cursor_key, include_equal=True)
        begin = max(end - size, 0)
        page = list(range(begin, end))
        has_next, has_previous = end < len(ordered), begin > 0
    total = served + len(page)
    edges = [{"cursor": encode_cursor(keys[i], served + n + 1), "node": ordered[i]} for n, i in enumerate(page)]
    return {
        "edges": edges,
        "nodes": [edge["node"] for edge in edges],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "_served": total,
    }
