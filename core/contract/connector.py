"""The connector contract: what a connector declares and the few methods it implements.

A connector speaks canonical on one side and its system's real API on the other. It *declares* what it
can do (streams it reads, sinks it writes, its config model, its sandbox) and implements narrow hooks;
the runtime does the rest (scheduling, retries, rate limits, state, mapping, error queue). This keeps a
connector small enough that someone adding one copies nothing from another.

Found through the entry-point group ``crossdock.connectors``: a third party's package registers
``myconnector = "my_package:MyConnector"`` and it appears in ``crossdock connectors list``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from .cursor import CursorPosition
from .records import Page, WriteRequest, WriteResult

if TYPE_CHECKING:  # the canonical core must not import the runtime's HTTP stack at run time
    import logging

    import httpx

__all__ = [
    "ConnectorConfig",
    "ConnectorContext",
    "CheckResult",
    "Capabilities",
    "StreamInfo",
    "SinkInfo",
    "Stream",
    "Sink",
    "Connector",
    "WriteMode",
]


class ConnectorConfig(BaseModel):
    """Base of a connector's config model. Secrets are ``SecretStr`` fields: the job loader refuses them
    as YAML literals and registers their values for redaction."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ConnectorContext(Protocol):
    """What the runtime hands a connector. Connectors reach the outside world only through this."""

    job: str
    connection: str
    base_dir: Path
    logger: logging.Logger
    state: Any
    """The job's state store (``crossdock.runtime.state.StateStore``) for connector-owned state such as
    EDI control numbers or feeds in flight."""

    def http_client(
        self,
        *,
        base_url: str,
        policy: Any = None,
        auth: httpx.Auth | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` with the shared retry/rate-limit/logging policy, routed to the
        connection's sandbox when the job asks for one. The runtime closes it with the connector."""
        ...


@dataclass(frozen=True, slots=True)
class CheckResult:
    ok: bool
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class WriteMode:
    """How a sink decides a record needs writing.

    ``ONCE_PER_VERSION``: each distinct version of a record is written once (orders, shipments: a re-read
    of the same version writes nothing). ``LATEST_STATE``: write only when the record differs from the
    last state written for that key (stock levels: 5 → 3 → 5 writes three times, 5 → 5 never twice).
    """

    ONCE_PER_VERSION = "once_per_version"
    LATEST_STATE = "latest_state"


ConnectorT = TypeVar("ConnectorT", bound="Connector[Any]")


class Stream(ABC, Generic[ConnectorT]):
    """A readable collection of one entity type (orders, shipments, stock …).

    Declared with class attributes; implements :meth:`read` only. Records carry the system's raw payload
    and the runtime applies ``default_mapping`` (or the job's override) to make them canonical.
    """

    name: ClassVar[str]
    entity: ClassVar[str]
    """Canonical document name: ``Order``, ``Shipment``, ``StockLevel`` … (see ``CANONICAL_DOCUMENTS``)."""
    default_mapping: ClassVar[str | None] = None
    """Packaged mapping (``"shopify/order"``) from the raw payload to the entity; None when the stream
    yields canonical data itself."""
    cursor_field: ClassVar[str | None] = None
    """The source field the cursor follows (``updated_at``); None for a full-refresh stream."""
    sorted_by_cursor: ClassVar[bool] = True
    default_lookback: ClassVar[timedelta] = timedelta(0)
    page_size: ClassVar[int] = 100

    def __init__(self, connector: ConnectorT) -> None:
        self.connector = connector

    @abstractmethod
    def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        """Yield pages of records with cursor value ≥ ``position.since``, oldest first when sorted.

        Must be an async generator. The runner may stop consuming between pages (graceful shutdown).
        """

    async def acknowledge(self, page: Page) -> None:
        """Called after a page is durably processed; sources that consume (a mailbox, a queue) archive
        or delete here. Most API streams need nothing."""


class Sink(ABC, Generic[ConnectorT]):
    """A writable target for one entity type. Implements :meth:`write` for a batch."""

    name: ClassVar[str]
    entity: ClassVar[str]
    default_mapping: ClassVar[str | None] = None
    """Packaged mapping from the canonical entity to the system's payload; None when the sink builds
    its payload itself."""
    batch_size: ClassVar[int] = 1
    """The most records one API call takes (Shopify 250 stock lines, an SP-API feed 25,000 messages)."""
    write_mode: ClassVar[str] = WriteMode.ONCE_PER_VERSION

    def __init__(self, connector: ConnectorT) -> None:
        self.connector = connector

    @abstractmethod
    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        """Write ``batch`` (≤ ``batch_size``); return one result per request, in any order.

        Record-level failures are results with ``error`` set; batch-level failures are raised as
        ``crossdock.core.errors`` outcomes.
        """


@dataclass(frozen=True, slots=True)
class StreamInfo:
    name: str
    entity: str
    incremental: bool
    cursor_field: str | None
    default_mapping: str | None


@dataclass(frozen=True, slots=True)
class SinkInfo:
    name: str
    entity: str
    batch_size: int
    write_mode: str
    default_mapping: str | None


@dataclass(frozen=True, slots=True)
class Capabilities:
    streams: tuple[StreamInfo, ...]
    sinks: tuple[SinkInfo, ...]
    sandbox: bool


ConfigT = TypeVar("ConfigT", bound=ConnectorConfig)


class Connector(ABC, Generic[ConfigT]):
    """Base class of every connector.

    Subclasses set ``name``, ``title``, ``config_model``, ``streams``, ``sinks`` and (strongly
    recommended) ``sandbox``, and implement :meth:`check`. Open resources in :meth:`open`, release them
    in :meth:`close`; the runtime uses the connector as an async context manager.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    config_model: ClassVar[type[ConnectorConfig]]
    streams: ClassVar[tuple[type[Stream[Any]], ...]] = ()
    sinks: ClassVar[tuple[type[Sink[Any]], ...]] = ()
    sandbox: ClassVar[str | None] = None
    """``"package.module:factory"`` of the connector's sandbox: an ASGI app factory taking keyword
    options (``seed``, ``faults`` …) that emulates the system's real API."""

    def __init__(self, config: ConfigT, context: ConnectorContext) -> None:
        self.config = config
        self.context = context

    async def open(self) -> None:
        """Acquire resources (HTTP clients are made through ``context.http_client``)."""

    async def close(self) -> None:
        """Release what :meth:`open` acquired."""

    async def __aenter__(self: ConnectorT) -> ConnectorT:  # type: ignore[misc]
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abstractmethod
    async def check(self) -> CheckResult:
        """Prove the configuration works (credentials valid, endpoint reachable) without changing anything."""

    # -- declared capabilities -----------------------------------------------------------------
    def stream(self, name: str) -> Stream[Any]:
        for cls in self.streams:
            if cls.name == name:
                return cls(self)
        raise KeyError(f"connector '{self.name}' has no stream '{name}' (has: {', '.join(s.name for s in self.streams) or 'none'})")

    def sink(self, name: str) -> Sink[Any]:
        for cls in self.sinks:
            if cls.name == name:
                return cls(self)
        raise KeyError(f"connector '{self.name}' has no sink '{name}' (has: {', '.join(s.name for s in self.sinks) or 'none'})")

    @classmethod
    def capabilities(cls) -> Capabilities:
        return Capabilities(
            streams=tuple(
                StreamInfo(s.name, s.entity, s.cursor_field is not None, s.cursor_field, s.default_mapping)
                for s in cls.streams
            ),
            sinks=tuple(SinkInfo(s.name, s.entity, s.batch_size, s.write_mode, s.default_mapping) for s in cls.sinks),
            sandbox=cls.sandbox is not None,
        )

    @classmethod
    def sandbox_config(cls, base_url: str) -> dict[str, Any]:
        """Config that points this connector at its sandbox served at ``base_url`` (demo and conformance
        tests use it). Connectors with a sandbox override this."""
        raise NotImplementedError(f"connector '{cls.name}' has no sandbox configuration")
