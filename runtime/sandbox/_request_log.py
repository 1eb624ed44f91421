"""The request log: what a sandbox was asked, so tests and benchmarks can count API calls."""

from __future__ import annotations

from typing import NamedTuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._faults import CONTROL_PREFIX

__all__ = ["RequestLogEntry", "RequestLogMiddleware"]


class RequestLogEntry(NamedTuple):
    """One API request as the client saw it answered (injected faults and 429s included)."""

    method: str
    path: str
    status: int


class RequestLogMiddleware:
    """Appends a :class:`RequestLogEntry` to ``log`` for every API request (control endpoints excluded).

    Installed outermost, so a request rejected by fault injection or a rate limit is logged with the
    status the client actually received.
    """

    def __init__(self, app: ASGIApp, log: list[RequestLogEntry], exempt_prefixes: tuple[str, ...] = (CONTROL_PREFIX,)) -> None:
        self.app = app
        self.log = log
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or any(path == p or path.startswith(p + "/") for p in self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        status = 500

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            self.log.append(RequestLogEntry(scope["method"], path, status))
