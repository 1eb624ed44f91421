"""Turning a validated job config into running parts: the state store, connectors, compiled flows.

Everything that can be wrong with a job (an unknown connector, a literal secret, a missing stream, a
mapping that does not compile) is found here, before the first record is read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pydantic_core
from pydantic import BaseModel, ValidationError

from crossdock.config.jobs import JobConfig, validate_connection_config
from crossdock.core.contract import Connector, CursorValue, Sink, SourceRecord, Stream, load_connector_class, load_object
from crossdock.core.errors import FatalError, RecordError
from crossdock.core.models import CANONICAL_DOCUMENTS
from crossdock.mappings import MappingError, load_mapping

from .context import RuntimeContext
from . import availability as _availability  # noqa: F401  (registers available_to_sell)
from . import routing as _routing  # noqa: F401  (registers the route operation)
from .operations import Operation, build_operation
from .state import StateStore, open_store

__all__ = ["OpenJob", "FlowPlan", "open_job", "SANDBOX_BASE_URL"]

log = logging.getLogger("crossdock.job")

SANDBOX_BASE_URL = "http://sandbox.crossdock.invalid"
"""Base URL given to connectors that run against an in-process sandbox (never resolved on a network)."""


@dataclass
class FlowPlan:
    """A flow with everything resolved: the stream, the sink, compiled mappings and operations."""

    name: str
    stream: Stream[Any]
    sink: Sink[Any]
    entity: str
    model: type[BaseModel]
    source_system: str
    sink_system: str
    in_mapping: Any | None
    out_mapping: Any | None
    operations: list[Operation]
    lookback: timedelta
    initial_value: CursorValue | None = None

    @property
    def cursor_name(self) -> str:
        return f"{self.name}:{self.stream.name}"

    def to_canonical(self, record: SourceRecord) -> BaseModel:
        """The source payload as a canonical model; a :class:`RecordError` names what is wrong."""
        payload = record.payload
        try:
            if isinstance(payload, self.model):
                return payload
            if self.in_mapping is not None:
                return self.in_mapping.apply_to(payload, self.model, record_key=record.key)
            return self.model.model_validate(payload)
        except MappingError as exc:
            raise RecordError(str(exc)) from None
        except ValidationError as exc:
            from .runner import validation_error_to_record_error

            raise validation_error_to_record_error(exc, self.entity) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise RecordError(f"record {record.key}: cannot be read as {self.entity}: {exc}") from None

    def to_sink_payload(self, model: BaseModel, trace_key: str, *, json_text: str | None = None) -> Any:
        """The sink's payload for ``model`` (None when the sink takes canonical records as they are).

        ``json_text`` is the model's ``model_dump_json()`` when the caller has it already.
        """
        if self.out_mapping is None:
            return None
        try:
            # The runner has the record's JSON already (for its digest): parsing it back with pydantic-core's
            # parser (no string cache: these strings are not repeated) is faster than model_dump(mode="json")
            # and than json.loads, and gives the same data.
            text = json_text if json_text is not None else model.model_dump_json()
            data = pydantic_core.from_json(text, cache_strings=False)
            return self.out_mapping.apply(data, record_key=trace_key)
        except MappingError as exc:
            raise RecordError(str(exc)) from None

    async def apply_operations(self, models: Sequence[BaseModel]) -> list[BaseModel]:
        out = list(models)
        for operation in self.operations:
            out = await operation(out)
        return out

    def trace_key_of(self, model: BaseModel, fallback: str | None = None) -> str:
        if fallback is not None:
            return fallback
        source = getattr(model, "source", None)
        if source is not None and getattr(source, "id", None):
            return str(source.id)
        number = getattr(model, "number", None) or getattr(model, "key", None)
        if number:
            return str(number)
        raise RecordError(f"cannot tell which record this {self.entity} is (no source, number or key)")


@dataclass
class OpenJob:
    """A job ready to run: store open, connectors open, flows planned. Use as an async context manager."""

    config: JobConfig
    store: StateStore
    connectors: dict[str, Connector[Any]] = field(default_factory=dict)
    contexts: dict[str, RuntimeContext] = field(default_factory=dict)
    flows: list[FlowPlan] = field(default_factory=list)
    sandboxes: dict[str, Any] = field(default_factory=dict)
    owns_store: bool = True

    @property
    def name(self) -> str:
        return self.config.name

    def api_calls(self) -> dict[str, int]:
        return {name: ctx.request_count() for name, ctx in self.contexts.items() if ctx.clients or ctx.request_count()}

    async def __aenter__(self) -> OpenJob:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        for name, connector in self.connectors.items():
            try:
                await connector.close()
            finally:
                await self.contexts[name].aclose()
        self.connectors.clear()
        if self.owns_store:
            await self.store.close()


async def open_job(
    config: JobConfig,
    *,
    store: StateStore | None = None,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    sandbox_all: bool = False,
    sandbox_options: dict[str, Any] | None = None,
    flows: Sequence[str] | None = None,
    http_sleep: Any = None,
) -> OpenJob:
    """Open the job's store and connectors and plan its flows.

    ``transports`` routes named connections to a given transport (tests mount a sandbox this way);
    ``sandbox_all`` runs every connection against its connector's in-process sandbox (the demo).
    """
    owns_store = store is None
    if store is None:
        store = await open_store(config.state_url)
    job = OpenJob(config=config, store=store, owns_store=owns_store)
    try:
        for name, connection in config.connections.items():
            await _open_connection(
                job, name, connection, transports or {}, sandbox_all, sandbox_options or {}, http_sleep
            )
        for flow in config.flows:
            if flows and flow.name not in flows:
                continue
            job.flows.append(_plan_flow(job, flow))
    except BaseException:
        await job.close()
        raise
    return job


async def _open_connection(
    job: OpenJob,
    name: str,
    connection: Any,
    transports: dict[str, httpx.AsyncBaseTransport],
    sandbox_all: bool,
    sandbox_options: dict[str, Any],
    http_sleep: Any,
) -> None:
    cls = load_connector_class(connection.connector)
    transport = transports.get(name)
    use_sandbox = transport is None and (sandbox_all or getattr(connection, "sandbox", False))
    if use_sandbox:
        if cls.sandbox is None:
            raise FatalError(f"connection '{name}': connector '{cls.name}' has no sandbox")
        options = {**getattr(connection, "sandbox_options", {}), **sandbox_options.get(name, {})}
        app = load_object(cls.sandbox)(**options)
        job.sandboxes[name] = app
        transport = httpx.ASGITransport(app=app)
    if use_sandbox and not connection.config:
        config = cls.config_model.model_validate(cls.sandbox_config(SANDBOX_BASE_URL))
    else:
        config = validate_connection_config(job.config, name, cls.config_model)
    context = RuntimeContext(
        job=job.config.name, connection=name, base_dir=job.config.base_dir, state=job.store, transport=transport,
        sleep=http_sleep,
    )
    connector = cls(config, context)
    job.contexts[name] = context
    job.connectors[name] = connector
    await connector.open()


def _resolve_mapping_ref(job: OpenJob, ref: str | None) -> str | Path | None:
    if ref is None:
        return None
    if ref.endswith((".yaml", ".yml")):
        path = Path(ref)
        return path if path.is_absolute() else job.config.base_dir / path
    return ref


def _plan_flow(job: OpenJob, flow: Any) -> FlowPlan:
    where = f"flow '{flow.name}'"
    try:
        source = job.connectors[flow.source.connection]
        target = job.connectors[flow.sink.connection]
        stream = source.stream(flow.source.stream)
        sink = target.sink(flow.sink.sink)
    except KeyError as exc:
        raise FatalError(f"{where}: {exc.args[0]}") from None
    if stream.entity != sink.entity:
        raise FatalError(f"{where}: stream '{stream.name}' yields {stream.entity} but sink '{sink.name}' takes {sink.entity}")
    try:
        model = CANONICAL_DOCUMENTS[stream.entity]
    except KeyError:
        raise FatalError(f"{where}: unknown canonical entity '{stream.entity}'") from None
    try:
        in_ref = _resolve_mapping_ref(job, flow.source.mapping or stream.default_mapping)
        out_ref = _resolve_mapping_ref(job, flow.sink.mapping or sink.default_mapping)
        in_mapping = load_mapping(in_ref, overrides=flow.source.mapping_overrides) if in_ref else None
        out_mapping = load_mapping(out_ref, overrides=flow.sink.mapping_overrides) if out_ref else None
    except MappingError as exc:
        raise FatalError(f"{where}: {exc}") from None
    operations = [build_operation(dict(spec), context=job) for spec in flow.operations]
    options = job.config.options
    lookback = options.lookback if options.lookback is not None else stream.default_lookback
    return FlowPlan(
        name=flow.name,
        stream=stream,
        sink=sink,
        entity=stream.entity,
        model=model,
        source_system=flow.source.connection,
        sink_system=flow.sink.connection,
        in_mapping=in_mapping,
        out_mapping=out_mapping,
        operations=operations,
        lookback=lookback,
        initial_value=getattr(options, "start_from", None),
    )
