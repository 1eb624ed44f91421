"""The four pagination styles of the ERP sandbox's list endpoints.

Real APIs each pick one; this sandbox speaks all four so the REST connector's every style is tested
against a server rather than against itself:

- ``cursor``: ``?cursor=…&limit=``, body ``meta.next_cursor`` (null on the last page),
- ``page``: ``?page=&per_page=``, body ``meta.{page, per_page, total, total_pages}``,
- ``offset``: ``?offset=&limit=``, body ``meta.{offset, limit, total}``,
- ``link``: RFC 8288 ``Link: <…>; rel="next"`` header, no paging fields in the body.

The style is the ``pagination`` query parameter if given, else implied by the paging parameter
present (``page``, ``offset``, ``cursor``), else the sandbox's default. Cursors are keyset cursors over
``(updated_at, id)``: a record inserted while a client pages never shifts what it sees.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "PAGINATION_STYLES", "PaginationError", "paginate"]

PAGINATION_STYLES = ("cursor", "page", "offset", "link")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class PaginationError(ValueError):
    """A bad paging parameter: answered with 400 and this message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _sort_key(item: dict[str, Any]) -> tuple[str, str]:
    return (str(item["updated_at"]), str(item["id"]))


def _encode_cursor(item: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(_sort_key(item))).encode()).decode().rstrip("=")


def _decode_cursor(token: str) -> tuple[str, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        updated_at, item_id = json.loads(base64.urlsafe_b64decode(padded))
        return str(updated_at), str(item_id)
    except (ValueError, TypeError, binascii.Error):
        raise PaginationError("cursor", "cursor is not one this API issued") from None


def _int_param(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PaginationError(name, f"{name} must be a whole number") from None
    if value < minimum:
        raise PaginationError(name, f"{name} must be at least {minimum}")
    return value


def _style(request: Request, default: str) -> str:
    params = request.query_params
    style = params.get("pagination") or next((s for s in ("page", "offset", "cursor") if s in params), default)
    if style not in PAGINATION_STYLES:
        raise PaginationError("pagination", f"pagination must be one of {', '.join(PAGINATION_STYLES)}")
    return style


def paginate(request: Request, items: Sequence[dict[str, Any]], *, default_style: str) -> JSONResponse:
    """One page of ``items`` (already filtered) in the style the request asks for."""
    ordered = sorted(items, key=_sort_key)
    style = _style(request, default_style)
    size_param = "per_page" if "per_page" in request.query_params else "limit"
    size = min(_int_param(request, size_param, DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    total = len(ordered)

    if style == "page":
        page = _int_param(request, "page", 1, 1)
        chunk = ordered[(page - 1) * size : page * size]
        meta = {"page": page, "per_page": size, "total": total, "total_pages": math.ceil(total / size)}
        return JSONResponse({"data": list(chunk), "meta": meta})

    if style == "offset":
        offset = _int_param(request, "offset", 0, 0)
        chunk = ordered[offset : offset + size]
        return JSONResponse({"data": list(chunk), "meta": {"offset": offset, "limit": size, "total": total}})

    token = request.query_params.get("cursor")
    remaining = list(ordered)
    if token:
        after = _decode_cursor(token)
        remaining = [item for item in ordered if _sort_key(item) > after]
    chunk = remaining[:size]
    next_cursor = _encode_cursor(chunk[-1]) if len(remaining) > size else None
    if style == "cursor":
        return JSONResponse({"data": chunk, "meta": {"next_cursor": next_cursor, "limit": size}})
    headers = {}
    if next_cursor is not None:
        url = request.url.include_query_params(cursor=next_cursor, pagination="link", limit=size)
        headers["Link"] = f'<{url}>; rel="next"'
    return JSONResponse({"data": chunk}, headers=headers)
