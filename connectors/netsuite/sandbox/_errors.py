"""NetSuite's error body, shared by every endpoint of the sandbox.

REST web services answer every failure with the same shape (RFC 7807-like, Oracle's ``o:`` fields)::

    {"type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1",
     "title": "Bad Request", "status": 400,
     "o:errorDetails": [{"detail": "…", "o:errorCode": "USER_ERROR", "o:errorPath": "item.items[0].item"}]}

``o:errorPath`` points into the request body, ``o:errorQueryParam`` / ``o:errorHeader`` name the query
parameter or header at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse

__all__ = ["ERROR_CONTENT_TYPE", "ErrorDetail", "NetSuiteError", "detail", "error_response", "invalid_login"]

ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error; charset=UTF-8"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
_TYPES = {
    400: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1",
    401: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
    403: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.4",
    404: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.5",
    405: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.6",
    409: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.10",
    415: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.16",
    429: "https://tools.ietf.org/html/rfc6585#section-4",
    500: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.5.1",
}

ErrorDetail = dict[str, str]


def detail(text: str, code: str, *, path: str | None = None, query_param: str | None = None, header: str | None = None) -> ErrorDetail:
    entry: ErrorDetail = {"detail": text, "o:errorCode": code}
    if path is not None:
        entry["o:errorPath"] = path
    if query_param is not None:
        entry["o:errorQueryParam"] = query_param
    if header is not None:
        entry["o:errorHeader"] = header
    return entry


def error_response(
    status: int, details: list[ErrorDetail], *, headers: Mapping[str, str] | None = None, title: str | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": _TYPES.get(status, _TYPES[400]),
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "o:errorDetails": details,
    }
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=ERROR_CONTENT_TYPE)


class NetSuiteError(Exception):
    """Raised inside a handler to answer with NetSuite's error body."""

    def __init__(self, status: int, *details: ErrorDetail, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(details[0]["detail"] if details else str(status))
        self.status = status
        self.details = list(details)
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        return error_response(self.status, self.details, headers=self.headers)


def invalid_login() -> JSONResponse:
    """NetSuite says no more than this about a failed login; the reason is in the Login Audit Trail."""
    return error_response(401, [detail(
        "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
        "Setup > Users/Roles > User Management > View Login Audit Trail.",
        "INVALID_LOGIN",
    )])

