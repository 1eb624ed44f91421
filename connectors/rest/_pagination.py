"""Pagination styles: one small class each, all answering "what is the next request?".

A page request is a path (or, for ``Link`` headers, an absolute URL) plus query parameters. It
serialises to the page's ``resume_token``, so a pass interrupted after any page continues with exactly
the request that would have come next.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import jmespath

from crossdock.core.errors import FatalError

from ._config import (
    CursorPagination,
    LinkHeaderPagination,
    NoPagination,
    OffsetPagination,
    PagePagination,
    PaginationConfig,
)

__all__ = ["PageRequest", "Paginator", "build_paginator"]


@dataclass(frozen=True, slots=True)
class PageRequest:
    url: str
    params: dict[str, str] = field(default_factory=dict)

    def to_token(self) -> str:
        return json.dumps({"url": self.url, "params": self.params}, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_token(cls, token: str) -> PageRequest:
        try:
            data = json.loads(token)
            return cls(url=str(data["url"]), params={str(k): str(v) for k, v in data["params"].items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            raise FatalError("the saved resume token is not one this REST stream wrote; reset the stream's cursor") from None


class Paginator(Protocol):
    def first(self, request: PageRequest) -> PageRequest:
        """The first page's request, given the stream's base request (path, filters)."""
        ...

    def next(self, request: PageRequest, response: httpx.Response, body: Any, count: int) -> PageRequest | None:
        """The request for the page after ``request`` (which returned ``count`` records), or None."""
        ...


def _with(request: PageRequest, **params: str | int | None) -> PageRequest:
    merged = dict(request.params)
    for name, value in params.items():
        if value is not None:
            merged[name] = str(value)
    return PageRequest(request.url, merged)


@dataclass(frozen=True, slots=True)
class _CursorPaginator:
    config: CursorPagination
    size: int

    def first(self, request: PageRequest) -> PageRequest:
        return _with(request, **_size(self.config.size_param, self.size))

    def next(self, request: PageRequest, response: httpx.Response, body: Any, count: int) -> PageRequest | None:
        cursor = jmespath.search(self.config.cursor_path, body)
        if cursor in (None, "", False) or count == 0:
            return None
        return _with(request, **{self.config.param: str(cursor)})


@dataclass(frozen=True, slots=True)
class _PagePaginator:
    config: PagePagination
    size: int

    def first(self, request: PageRequest) -> PageRequest:
        return _with(request, **{self.config.param: self.config.start}, **_size(self.config.size_param, self.size))

    def next(self, request: PageRequest, response: httpx.Response, body: Any, count: int) -> PageRequest | None:
        if count < self.size:
            return None
        page = int(request.params.get(self.config.param, self.config.start))
        return _with(request, **{self.config.param: page + 1})


@dataclass(frozen=True, slots=True)
class _OffsetPaginator:
    config: OffsetPagination
    size: int

    def first(self, request: PageRequest) -> PageRequest:
        return _with(request, **{self.config.param: 0}, **_size(self.config.limit_param, self.size))

    def next(self, request: PageRequest, response: httpx.Response, body: Any, count: int) -> PageRequest | None:
        if count < self.size:
            return None
        offset = int(request.params.get(self.config.param, 0))
        return _with(request, **{self.config.param: offset + count})


@dataclass(frozen=True, slots=True)
class _LinkHeaderPaginator:
    config: LinkHeaderPagination
    size: int

    def first(self, request: PageRequest) -> PageRequest:
        return _with(request, **_size(self.config.size_param, self.size))

    def next(self, request: PageRequest, response: httpx.Response, body: Any, count: int) -> PageRequest | None:
        link = response.links.get("next", {}).get("url")
        if not link or count == 0:
            return None
        return PageRequest(url=str(response.url.join(link)))


class _SinglePage:
    def first(self, request: PageRequest) -> PageRequest:
        return request

    def next(self, request: PageRequest, response: httpx.Response, body: Any, count: int) -> PageRequest | None:
        return None


def _size(param: str | None, size: int) -> dict[str, int]:
    return {param: size} if param else {}


def build_paginator(config: PaginationConfig, page_size: int) -> Paginator:
    if isinstance(config, CursorPagination):
        return _CursorPaginator(config, page_size)
    if isinstance(config, PagePagination):
        return _PagePaginator(config, config.size or page_size)
    if isinstance(config, OffsetPagination):
        return _OffsetPaginator(config, config.size or page_size)
    if isinstance(config, LinkHeaderPagination):
        return _LinkHeaderPaginator(config, page_size)
    assert isinstance(config, NoPagination)
    return _SinglePage()
