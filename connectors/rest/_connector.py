"""``RestConnector``: streams and sinks built from the job's config instead of declared in code."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from crossdock.core.contract import CheckResult, Connector, ConnectorContext, Sink, Stream
from crossdock.core.errors import ConnectorError
from crossdock.core.redaction import redact, redact_value
from crossdock.runtime.http import FixedWindowLimiter, HttpPolicy, RetryPolicy, TokenBucketLimiter

from ._auth import build_auth
from ._config import SINK_TEMPLATES, STREAM_TEMPLATES, RestConfig, TokenBucketRate
from ._sink import RestSink
from ._stream import RestStream

__all__ = ["RestConnector", "SANDBOX_TOKEN"]

SANDBOX_TOKEN = "crossdock-sandbox-erp-token"
"""The bearer token the REST sandbox accepts by default (not a secret: it opens nothing real)."""


def _template_stream(name: str, entity: str, mapping: str | None) -> type[RestStream]:
    return type(
        f"RestStream[{name}]",
        (RestStream,),
        {"name": name, "entity": entity, "default_mapping": mapping, "cursor_field": "updated_at", "__module__": __name__},
    )


def _template_sink(name: str, entity: str, mapping: str | None) -> type[RestSink]:
    stock = entity == "StockLevel"  # stock endpoints typically take batches and want the latest level only
    return type(
        f"RestSink[{name}]",
        (RestSink,),
        {
            "name": name,
            "entity": entity,
            "default_mapping": mapping,
            "batch_size": 100 if stock else 1,
            "write_mode": "latest_state" if stock else "once_per_version",
            "__module__": __name__,
        },
    )


class RestConnector(Connector[RestConfig]):
    """Any REST/JSON API, described in the job YAML (Deposco, Shopventory, Scout TopShelf, an in-house ERP).

    Its streams and sinks are whatever the config names. The class-level ``streams``/``sinks`` (and so
    ``capabilities()``) list the *templates*: the names that get an entity and a default mapping
    without saying so (``orders`` → ``Order`` via ``rest/order``, ``stock`` → ``StockLevel`` via
    ``rest/stock``, ``shipments`` → ``Shipment``); a configured instance's ``streams``/``sinks`` are the
    configured ones, and ``stream(name)`` / ``sink(name)`` return them.
    """

    name = "rest"
    title = "Generic REST API (streams and sinks from config)"
    config_model = RestConfig
    streams: ClassVar[tuple[type[Stream[Any]], ...]] = tuple(
        _template_stream(name, entity, mapping) for name, (entity, mapping) in STREAM_TEMPLATES.items()
    )
    sinks: ClassVar[tuple[type[Sink[Any]], ...]] = tuple(
        _template_sink(name, entity, mapping) for name, (entity, mapping) in SINK_TEMPLATES.items()
    )
    sandbox = "crossdock.connectors.rest.sandbox:create_app"

    def __init__(self, config: RestConfig, context: ConnectorContext) -> None:
        super().__init__(config, context)
        # Instance attributes shadow the class-level templates: the base class's stream()/sink() and
        # the conformance kit iterate ``self.streams``, which must be what this config configured.
        self.streams = tuple(self._stream_class(name) for name in config.streams)  # type: ignore[misc]
        self.sinks = tuple(self._sink_class(name) for name in config.sinks)  # type: ignore[misc]
        self._client: httpx.AsyncClient | None = None

    def _stream_class(self, name: str) -> type[RestStream]:
        settings = self.config.streams[name]
        entity, mapping = self.config.stream_entity_and_mapping(name)
        attributes = {
            "name": name,
            "entity": entity,
            "default_mapping": mapping,
            "cursor_field": settings.cursor.field if settings.cursor else None,
            "sorted_by_cursor": settings.sorted_by_cursor,
            "default_lookback": settings.lookback,
            "page_size": settings.page_size,
            "__module__": __name__,
        }
        return type(f"RestStream[{name}]", (RestStream,), attributes)

    def _sink_class(self, name: str) -> type[RestSink]:
        settings = self.config.sinks[name]
        entity, mapping = self.config.sink_entity_and_mapping(name)
        attributes = {
            "name": name,
            "entity": entity,
            "default_mapping": mapping,
            "batch_size": settings.batch_size if settings.batch else 1,
            "write_mode": settings.write_mode,
            "__module__": __name__,
        }
        return type(f"RestSink[{name}]", (RestSink,), attributes)

    # -- the HTTP client ---------------------------------------------------------------------------
    @property
    def client(self) -> httpx.AsyncClient:
        """The connection's client (shared policy, rate limit, auth), made on first use."""
        if self._client is None:
            self._client = self.context.http_client(
                base_url=self.config.base_url,
                policy=self._policy(),
                auth=build_auth(self.config.auth),
                headers=dict(self.config.headers) or None,
            )
        return self._client

    def _policy(self) -> HttpPolicy:
        rate = self.config.rate_limit
        limiter: TokenBucketLimiter | FixedWindowLimiter | None = None
        if isinstance(rate, TokenBucketRate):
            limiter = TokenBucketLimiter(rate.requests_per_second, rate.burst)
        elif rate is not None:
            limiter = FixedWindowLimiter(rate.limit, rate.window_seconds)
        return HttpPolicy(timeout=self.config.timeout, retry=RetryPolicy(max_attempts=self.config.max_attempts), limiter=limiter)

    async def open(self) -> None:
        self.client  # noqa: B018 - made now so configuration problems surface when the job opens

    async def close(self) -> None:
        self._client = None  # the runtime's context closes the clients it made

    # -- check -------------------------------------------------------------------------------------
    async def check(self) -> CheckResult:
        """An authenticated GET of ``check_path`` (default: the first stream's path)."""
        path = self.config.check_path or next((s.path for s in self.config.streams.values()), "/")
        try:
            response = await self.client.get(path)
        except ConnectorError as exc:
            details = {k: exc.details[k] for k in ("status", "url", "body") if k in exc.details}
            return CheckResult(ok=False, message=redact(exc.message), details=redact_value(details))
        return CheckResult(ok=True, message=f"GET {path} answered HTTP {response.status_code}")

    # -- sandbox -----------------------------------------------------------------------------------
    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """The config of a job against this connector's sandbox (an ERP-like API) at ``base_url``."""
        return {
            "base_url": base_url,
            "auth": {"type": "bearer", "token": SANDBOX_TOKEN},
            "check_path": "/orders?limit=1",
            "streams": {
                "orders": {
                    "path": "/orders",
                    "record_path": "data",
                    "key_path": "id",
                    "cursor": {"param": "updated_since", "field": "updated_at", "format": "iso"},
                    "pagination": {"type": "cursor", "cursor_path": "meta.next_cursor", "param": "cursor"},
                    "page_size": 100,
                },
                "shipments": {
                    "path": "/shipments",
                    "record_path": "data",
                    "key_path": "id",
                    "cursor": {"param": "updated_since", "field": "updated_at", "format": "iso"},
                    "pagination": {"type": "offset", "param": "offset", "limit_param": "limit"},
                    "page_size": 100,
                },
                "stock": {
                    "path": "/stock",
                    "record_path": "data",
                    "key_path": "id",
                    "cursor": {"param": "updated_since", "field": "updated_at", "format": "iso"},
                    "pagination": {"type": "page", "param": "page", "size_param": "per_page"},
                    "page_size": 100,
                },
            },
            "sinks": {
                "orders": {"path": "/orders", "method": "POST", "key_header": "Idempotency-Key", "id_path": "id"},
                "stock": {
                    "path": "/stock/batch",
                    "method": "POST",
                    "batch": True,
                    "batch_size": 100,
                    "items_key": "items",
                    "results_path": "results",
                    "id_path": "id",
                    "write_mode": "latest_state",
                },
            },
        }
