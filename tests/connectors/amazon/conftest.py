"""The Amazon connector wired to its sandbox through the real HTTP policy client, on a hand-driven clock.

``clock`` is one fake time for both sides: the sandbox's token expiry, quotas and feed processing and
the connector's limiters, token cache and feed polling. Nothing sleeps for real: a wait advances it.
``recorder`` wraps a sandbox and keeps every exchange (request and answer) so tests can hold them to the
vendor models (``vendor_models``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jsonschema
import pytest

from crossdock.connectors.amazon import AmazonConfig, AmazonConnector
from crossdock.connectors.amazon.sandbox import create_app
from crossdock.runtime.http import create_client
from crossdock.runtime.state import open_store

BASE_URL = "http://sellingpartnerapi.sandbox.test"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


class FakeClock:
    """Aware "now" for the sandbox (call it), float seconds for the connector; moved only by sleeps.

    Both sides read the same microsecond-resolution instant. A sleep wakes a microsecond late, as real
    sleeps never wake early: a limiter that waited exactly until its bucket refilled finds the sandbox's
    bucket refilled too, instead of a rounding error short of it.
    """

    def __init__(self, start: datetime = START) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    def wall(self) -> float:
        return self.now.timestamp()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(math.ceil(max(seconds, 0.0) * 1_000_000) / 1_000_000 + 0.000_001)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(microseconds=round(seconds * 1_000_000))


@dataclass
class Exchange:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def response_json(self) -> Any:
        return json.loads(self.response_body) if self.response_body else None


class Recorder:
    """ASGI middleware around a sandbox: every request and its answer, control endpoints excluded."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state
        self.exchanges: list[Exchange] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def receiving() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=parse_qsl(scope.get("query_string", b"").decode(), keep_blank_values=True),
            headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
            body=b"",
        )
        answer: list[bytes] = []

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                exchange.response_headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
            elif message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        finally:
            exchange.body = b"".join(chunks)
            exchange.response_body = b"".join(answer)
            self.exchanges.append(exchange)

    def calls(self, method: str, path_pattern: str) -> list[Exchange]:
        regex = re.compile(path_pattern)
        return [e for e in self.exchanges if e.method == method and regex.fullmatch(e.path)]


@dataclass
class SandboxContext:
    """Implements ``ConnectorContext``: every client goes to ``app``; the state store is optional."""

    app: Any
    base_dir: Path
    state: Any = None
    job: str = "amazon-tests"
    connection: str = "amazon"
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("crossdock.connector.amazon"))
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def http_client(
        self, *, base_url: str, policy: Any = None, auth: httpx.Auth | None = None, headers: dict[str, str] | None = None
    ) -> httpx.AsyncClient:
        client = create_client(
            base_url=base_url, policy=policy, auth=auth, headers=headers,
            transport=httpx.ASGITransport(app=self.app), name=self.connection,
        )  # fmt: skip
        self.clients.append(client)
        return client

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sandbox(clock: FakeClock) -> Callable[..., Recorder]:
    """``make_sandbox(**create_app options)``: a recorded sandbox on the fake clock."""

    def make(**options: Any) -> Recorder:
        options.setdefault("clock", clock)
        options.setdefault("orders", 60)
        return Recorder(create_app(**options))

    return make


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Recorder]) -> Recorder:
    return make_sandbox(seed=3)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Any]:
    state = await open_store(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        yield state
    finally:
        await state.close()


@pytest.fixture
def open_amazon(tmp_path: Path, clock: FakeClock) -> Callable[..., Any]:
    """``async with open_amazon(app, store=None, fake_time=True, sleep=None, **config_overrides) as connector``."""

    @asynccontextmanager
    async def opened(
        app: Any, *, store: Any = None, fake_time: bool = True, sleep: Any = None, **overrides: Any
    ) -> AsyncIterator[AmazonConnector]:
        raw = AmazonConnector.sandbox_config(BASE_URL)
        raw.update(overrides)
        context = SandboxContext(app=app, base_dir=tmp_path, state=store)
        times = {"clock": clock.monotonic, "wall_clock": clock.wall, "sleep": sleep or clock.sleep} if fake_time else {}
        connector = AmazonConnector(AmazonConfig.model_validate(raw), context, **times)
        await connector.open()
        try:
            yield connector
        finally:
            await connector.close()
            await context.aclose()

    return opened


async def _control(app: Any, method: str, path: str, **kwargs: Any) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://control") as client:
        response = await client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()


@pytest.fixture
def control() -> Callable[..., Any]:
    """``await control(app, "GET", "/_sandbox/shipments")``."""
    return _control


# -- the vendor models ------------------------------------------------------------------------------

OPERATIONS = (
    # method, path pattern, model file, model path, operationId
    ("GET", r"/orders/2026-01-01/orders", "amazon-spapi-orders2026.json", "/orders/2026-01-01/orders", "searchOrders"),
    ("GET", r"/orders/2026-01-01/orders/[^/]+", "amazon-spapi-orders2026.json", "/orders/2026-01-01/orders/{orderId}", "getOrder"),
    ("POST", r"/orders/v0/orders/[^/]+/shipmentConfirmation", "amazon-spapi-ordersV0.json",
     "/orders/v0/orders/{orderId}/shipmentConfirmation", "confirmShipment"),
    ("POST", r"/feeds/2021-06-30/documents", "amazon-spapi-feeds_2021-06-30.json", "/feeds/2021-06-30/documents", "createFeedDocument"),
    ("GET", r"/feeds/2021-06-30/documents/[^/]+", "amazon-spapi-feeds_2021-06-30.json",
     "/feeds/2021-06-30/documents/{feedDocumentId}", "getFeedDocument"),
    ("POST", r"/feeds/2021-06-30/feeds", "amazon-spapi-feeds_2021-06-30.json", "/feeds/2021-06-30/feeds", "createFeed"),
    ("GET", r"/feeds/2021-06-30/feeds/[^/]+", "amazon-spapi-feeds_2021-06-30.json", "/feeds/2021-06-30/feeds/{feedId}", "getFeed"),
)  # fmt: skip

_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    return True


class VendorModels:
    """The SP-API models in ``vendor-specs``: which operation an exchange is, and whether it holds to it.

    Swagger 2.0 definitions are JSON-Schema-like: a body is validated against ``{"$ref": …,
    "definitions": <the model's definitions>}`` with Draft 4; query parameters against their declared
    type, ``enum``, ``maxItems`` and ``format`` (arrays are comma-separated, Swagger's default).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._models: dict[str, dict[str, Any]] = {}

    def model(self, name: str) -> dict[str, Any]:
        if name not in self._models:
            self._models[name] = json.loads((self.folder / name).read_text())
        return self._models[name]

    def operation_of(self, exchange: Exchange) -> tuple[str, str, dict[str, Any]] | None:
        for method, pattern, file, path, operation_id in OPERATIONS:
            if exchange.method == method and re.fullmatch(pattern, exchange.path):
                operation = self.model(file)["paths"][path][method.lower()]
                assert operation["operationId"] == operation_id
                return file, operation_id, operation
        return None

    def schema_errors(self, file: str, schema: dict[str, Any], value: Any) -> list[str]:
        document = {**schema, "definitions": self.model(file)["definitions"]}
        validator = jsonschema.Draft4Validator(document, format_checker=_FORMATS)
        return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(value)]

    def request_errors(self, exchange: Exchange, *, strict_query: bool = True) -> list[str]:
        found = self.operation_of(exchange)
        assert found is not None, f"{exchange.method} {exchange.path} is no operation the tests know"
        file, operation_id, operation = found
        where = f"{file} {operation_id} request"
        params = {p["name"]: p for p in operation.get("parameters", [])}
        errors = []
        sent = dict(exchange.query)
        for name, param in params.items():
            if param.get("in") == "query" and param.get("required") and name not in sent:
                errors.append(f"{where}: required query parameter {name} missing")
        for name, value in exchange.query:
            param = params.get(name)
            if param is None or param.get("in") != "query":
                if strict_query:
                    errors.append(f"{where}: query parameter {name} is not in the model")
                continue
            errors += [f"{where}: {name}: {e}" for e in _query_value_errors(param, value)]
        body = next((p for p in params.values() if p.get("in") == "body"), None)
        if body is not None:
            try:
                value = exchange.json()
            except ValueError:
                return [*errors, f"{where}: body is not JSON"]
            errors += [f"{where} body {e}" for e in self.schema_errors(file, body["schema"], value)]
        return errors

    def response_errors(self, exchange: Exchange) -> list[str]:
        found = self.operation_of(exchange)
        assert found is not None
        file, operation_id, operation = found
        where = f"{file} {operation_id} response {exchange.status}"
        response = operation["responses"].get(str(exchange.status))
        if response is None:
            return [f"{where}: status not in the model ({sorted(operation['responses'])})"]
        errors = []
        for header in response.get("headers", {}):
            if header.lower() not in exchange.response_headers:
                errors.append(f"{where}: header {header} missing")
        if "schema" in response:
            try:
                value = exchange.response_json()
            except ValueError:
                return [*errors, f"{where}: body is not JSON"]
            errors += [f"{where} body {e}" for e in self.schema_errors(file, response["schema"], value)]
        elif exchange.response_body:
            errors.append(f"{where}: the model gives this status no body")
        return errors


def _query_value_errors(param: dict[str, Any], value: str) -> list[str]:
    kind = param.get("type")
    values = value.split(",") if kind == "array" else [value]
    item = param.get("items", {}) if kind == "array" else param
    errors = []
    if kind == "array" and "maxItems" in param and len(values) > param["maxItems"]:
        errors.append(f"{len(values)} values, at most {param['maxItems']}")
    for v in values:
        if item.get("type") == "integer" and not re.fullmatch(r"-?\d+", v):
            errors.append(f"{v!r} is not an integer")
        if item.get("type") == "boolean" and v not in ("true", "false"):
            errors.append(f"{v!r} is not a boolean")
        if "enum" in item and v not in item["enum"]:
            errors.append(f"{v!r} is not one of {item['enum']}")
        if item.get("format") == "date-time":
            try:
                _is_date_time(v)
            except ValueError as exc:
                errors.append(str(exc))
    return errors


@pytest.fixture
def make_exchange() -> type[Exchange]:
    """``make_exchange(method, path, query, headers, body)``: an exchange written by hand."""
    return Exchange


@pytest.fixture(scope="session")
def vendor_models(vendor_specs_dir: Path) -> VendorModels:
    return VendorModels(vendor_specs_dir)


# -- the JSON listings feed documents ---------------------------------------------------------------
# Written for these tests from amzn/selling-partner-api-models schemas/feeds/listings-feed-schema-v2.json and
# listings-feed-processing-report-schema-v2.json (the parts a PATCH of fulfillment_availability and its report
# use), with the 25,000-message limit of the 2025-05-06 changelog.

LISTINGS_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["header", "messages"],
    "properties": {
        "header": {
            "type": "object",
            "required": ["sellerId", "version"],
            "properties": {"sellerId": {"type": "string"}, "version": {"enum": ["2.0"]}, "issueLocale": {"type": "string"}},
        },
        "messages": {
            "type": "array",
            "minItems": 1,
            "maxItems": 25_000,
            "items": {
                "type": "object",
                "required": ["messageId", "sku", "operationType", "productType", "patches"],
                "properties": {
                    "messageId": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
                    "sku": {"type": "string", "minLength": 1},
                    "operationType": {"enum": ["PATCH"]},
                    "productType": {"type": "string", "minLength": 1},
                    "patches": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["op", "path"],
                            "properties": {
                                "op": {"enum": ["add", "replace", "merge", "delete"]},
                                "path": {"type": "string"},
                                "value": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    },
                },
                "not": {"anyOf": [{"required": ["attributes"]}, {"required": ["requirements"]}]},
            },
        },
    },
}

PROCESSING_REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["header", "issues", "summary"],
    "properties": {
        "header": {
            "type": "object",
            "required": ["sellerId", "version", "feedId"],
            "properties": {"sellerId": {"type": "string"}, "version": {"enum": ["2.0"]}, "feedId": {"type": "string"}},
        },
        "issues": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["severity", "message"],
                "properties": {
                    "messageId": {"type": "integer", "minimum": 1},
                    "sku": {"type": "string", "minLength": 1},
                    "code": {"type": "string", "minLength": 1},
                    "severity": {"enum": ["ERROR", "WARNING", "INFO"]},
                    "message": {"type": "string", "minLength": 1},
                    "attributeName": {"type": "string"},
                },
            },
        },
        "summary": {
            "type": "object",
            "required": ["errors", "warnings", "messagesProcessed", "messagesAccepted", "messagesInvalid"],
            "properties": {
                name: {"type": "integer", "minimum": 0}
                for name in ("errors", "warnings", "messagesProcessed", "messagesAccepted", "messagesInvalid")
            },
        },
    },
}


@pytest.fixture
def listings_schemas() -> dict[str, dict[str, Any]]:
    return {"feed": LISTINGS_FEED_SCHEMA, "report": PROCESSING_REPORT_SCHEMA}
