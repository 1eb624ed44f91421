"""The REST connector's configuration: one pydantic model per YAML block, checked at load time.

Everything the connector needs to talk to an API nobody wrote a connector for is data here: where the
records are in a response, which field is their ID, how pages follow each other, which query parameter
takes the incremental cursor. JMESPath expressions are compiled while the config is validated, so a
typo is reported with its field path before the first request, not as an empty read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from crossdock.core.contract import ConnectorConfig
from crossdock.core.models import CANONICAL_DOCUMENTS
from crossdock.core.redaction import is_sensitive_name

__all__ = [
    "AuthConfig",
    "BasicAuthConfig",
    "BearerAuthConfig",
    "CursorConfig",
    "CursorPagination",
    "FixedWindowRate",
    "HeaderAuthConfig",
    "LinkHeaderPagination",
    "NoAuthConfig",
    "NoPagination",
    "OffsetPagination",
    "PagePagination",
    "PaginationConfig",
    "RateLimitConfig",
    "RestConfig",
    "SINK_TEMPLATES",
    "STREAM_TEMPLATES",
    "SinkConfig",
    "StreamConfig",
    "TokenBucketRate",
]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _jmespath(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        jmespath.compile(value)
    except JMESPathError as exc:
        raise ValueError(f"'{value}' is not a valid JMESPath expression: {exc}") from None
    return value


# -- authentication ----------------------------------------------------------------------------
class BearerAuthConfig(_Block):
    """``Authorization: Bearer <token>``."""

    type: Literal["bearer"]
    token: SecretStr


class HeaderAuthConfig(_Block):
    """An API key in a header of the API's choosing (``X-Api-Key``)."""

    type: Literal["header"]
    name: str = Field(min_length=1)
    value: SecretStr


class BasicAuthConfig(_Block):
    type: Literal["basic"]
    username: str
    password: SecretStr


class NoAuthConfig(_Block):
    type: Literal["none"] = "none"


AuthConfig = Annotated[
    BearerAuthConfig | HeaderAuthConfig | BasicAuthConfig | NoAuthConfig, Field(discriminator="type")
]


# -- client-side rate limit --------------------------------------------------------------------
class TokenBucketRate(_Block):
    """``requests_per_second`` on average, ``burst`` at once."""

    requests_per_second: float = Field(gt=0)
    burst: int = Field(default=1, ge=1)


class FixedWindowRate(_Block):
    """``limit`` requests per ``window_seconds``."""

    limit: int = Field(ge=1)
    window_seconds: float = Field(gt=0)


RateLimitConfig = TokenBucketRate | FixedWindowRate


# -- reading -----------------------------------------------------------------------------------
class CursorConfig(_Block):
    """Incremental reading: the query parameter that takes the lower bound and the record field it filters.

    ``format`` says how both are written: ``iso`` (ISO 8601 timestamps; a value without a zone is read
    as UTC), ``epoch`` / ``epoch_ms`` (Unix time, in seconds or milliseconds), or ``raw`` (a sequence
    number or a string that sorts in order, passed through as it is).
    """

    param: str = Field(min_length=1)
    field: str = Field(min_length=1)
    format: Literal["iso", "epoch", "epoch_ms", "raw"] = "iso"

    _check_field = field_validator("field")(_jmespath)


class CursorPagination(_Block):
    """The response names the next page's cursor (``meta.next_cursor``); null or missing ends."""

    type: Literal["cursor"]
    cursor_path: str
    param: str = "cursor"
    size_param: str | None = "limit"

    _check_path = field_validator("cursor_path")(_jmespath)


class PagePagination(_Block):
    """Numbered pages from ``start``; a page shorter than ``size`` ends."""

    type: Literal["page"]
    param: str = "page"
    size_param: str | None = "per_page"
    size: int | None = Field(default=None, ge=1)
    start: int = 1


class OffsetPagination(_Block):
    """``offset``/``limit``; a page shorter than ``size`` ends."""

    type: Literal["offset"]
    param: str = "offset"
    limit_param: str | None = "limit"
    size: int | None = Field(default=None, ge=1)


class LinkHeaderPagination(_Block):
    """RFC 8288 ``Link: <…>; rel="next"`` (GitHub, Shopify REST); no next link ends."""

    type: Literal["link_header"]
    size_param: str | None = "limit"


class NoPagination(_Block):
    """One request returns everything."""

    type: Literal["none"] = "none"


PaginationConfig = Annotated[
    CursorPagination | PagePagination | OffsetPagination | LinkHeaderPagination | NoPagination,
    Field(discriminator="type"),
]

Scalar = str | int | float | bool


class StreamConfig(_Block):
    """One readable collection. ``entity`` and ``mapping`` default from the stream's name (see
    ``STREAM_TEMPLATES``: ``orders`` is ``Order`` mapped by ``rest/order``)."""

    path: str = Field(min_length=1)
    entity: str | None = None
    mapping: str | None = None
    record_path: str | None = None
    """JMESPath to the list of records in a response body; None when the body is the list."""
    key_path: str = "id"
    """JMESPath to a record's ID in its system (the trace key)."""
    cursor: CursorConfig | None = None
    pagination: PaginationConfig = NoPagination()
    page_size: int = Field(default=100, ge=1)
    params: dict[str, Scalar] = Field(default_factory=dict)
    """Fixed query parameters sent with every page (``status: any``)."""
    sorted_by_cursor: bool = True
    """Whether the API returns records oldest-first by the cursor field (resume by high-water mark)."""
    lookback: timedelta = timedelta(0)
    """How far behind the last high-water mark a run re-reads (for APIs whose filters lag)."""

    _check_paths = field_validator("record_path", "key_path")(_jmespath)


# -- writing -----------------------------------------------------------------------------------
class SinkConfig(_Block):
    """One writable target. With ``batch: true`` up to ``batch_size`` records go in one request as
    ``{items_key: [...]}`` (or a bare list when ``items_key`` is null)."""

    path: str = Field(min_length=1)
    """May name payload fields in braces: ``/items/{sku}`` (values are URL-encoded)."""
    method: Literal["POST", "PUT", "PATCH"] = "POST"
    entity: str | None = None
    mapping: str | None = None
    key_header: str = "Idempotency-Key"
    """The header carrying the idempotency key on every write."""
    id_path: str | None = "id"
    """JMESPath to the created record's ID in the response (or in each batch result)."""
    batch: bool = False
    batch_size: int = Field(default=100, ge=1)
    items_key: str | None = "items"
    results_path: str | None = None
    """For batches: JMESPath to the per-item results, in request order."""
    item_error_path: str | None = "error"
    """For batches: JMESPath, inside one result, to that item's error (present means it failed)."""
    write_mode: Literal["once_per_version", "latest_state"] = "once_per_version"
    """See :class:`~crossdock.core.contract.WriteMode`: ``latest_state`` for stock levels."""

    _check_paths = field_validator("id_path", "results_path", "item_error_path")(_jmespath)


# -- defaults by name --------------------------------------------------------------------------
STREAM_TEMPLATES: dict[str, tuple[str, str | None]] = {
    "orders": ("Order", "rest/order"),
    "stock": ("StockLevel", "rest/stock"),
    "shipments": ("Shipment", "rest/shipment"),
}
"""Stream name → (entity, default mapping) used when the config leaves them out."""

SINK_TEMPLATES: dict[str, tuple[str, str | None]] = {
    "orders": ("Order", "rest/order_out"),
    "stock": ("StockLevel", "rest/stock_out"),
}
"""Sink name → (entity, default mapping) used when the config leaves them out."""


def _entity_and_mapping(
    kind: str, name: str, block: StreamConfig | SinkConfig, templates: dict[str, tuple[str, str | None]]
) -> tuple[str, str | None]:
    default_entity, default_mapping = templates.get(name, (None, None))
    entity = block.entity or default_entity
    if entity is None:
        raise ValueError(f"{kind} '{name}': set 'entity' (one of {', '.join(CANONICAL_DOCUMENTS)})")
    if entity not in CANONICAL_DOCUMENTS:
        raise ValueError(f"{kind} '{name}': '{entity}' is not a canonical document ({', '.join(CANONICAL_DOCUMENTS)})")
    if "mapping" in block.model_fields_set:
        return entity, block.mapping
    return entity, default_mapping if entity == default_entity else None


class RestConfig(ConnectorConfig):
    """A REST/JSON API described in the job YAML (see the package docstring for an example)."""

    base_url: str
    auth: AuthConfig = NoAuthConfig()
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra, non-secret headers on every request (``Accept-Version: 2``). Credentials go in ``auth``."""
    timeout: float = Field(default=30.0, gt=0)
    max_attempts: int = Field(default=5, ge=1)
    rate_limit: RateLimitConfig | None = None
    check_path: str | None = None
    """Path of the cheap authenticated GET that ``check`` makes; defaults to the first stream's path."""
    streams: dict[str, StreamConfig] = Field(default_factory=dict)
    sinks: dict[str, SinkConfig] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("headers")
    @classmethod
    def _no_credentials_in_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if is_sensitive_name(name):
                raise ValueError(f"header '{name}' looks like a credential: use auth: {{type: header, name: {name}, value: ...}}")
        return value

    @model_validator(mode="after")
    def _entities_known(self) -> RestConfig:
        for name, stream in self.streams.items():
            _entity_and_mapping("stream", name, stream, STREAM_TEMPLATES)
        for name, sink in self.sinks.items():
            _entity_and_mapping("sink", name, sink, SINK_TEMPLATES)
        return self

    def stream_entity_and_mapping(self, name: str) -> tuple[str, str | None]:
        return _entity_and_mapping("stream", name, self.streams[name], STREAM_TEMPLATES)

    def sink_entity_and_mapping(self, name: str) -> tuple[str, str | None]:
        return _entity_and_mapping("sink", name, self.sinks[name], SINK_TEMPLATES)
