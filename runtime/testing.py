"""The connector conformance kit: the standard tests every connector passes against its sandbox.

A connector author — ours or a third party's — gets the suite by subclassing::

    from crossdock.runtime.testing import ConnectorConformance

    class TestShopifyConformance(ConnectorConformance):
        connector_class = ShopifyConnector
        sandbox_options = {"seed": 7}

pytest collects the inherited ``test_*`` methods. They check what the runtime relies on: the connector
declares canonical entities, its mappings compile and produce valid canonical records from the
sandbox's data, incremental streams resume without duplicates, sinks accept their batches and absorb a
resend, secrets are ``SecretStr`` and never show in ``repr``.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from pydantic import BaseModel, SecretStr

from crossdock.core.contract import Connector, CursorPosition, IncrementalCursor, WriteRequest, load_object
from crossdock.core.models import CANONICAL_DOCUMENTS

from .context import RuntimeContext
from .job import SANDBOX_BASE_URL
from .keys import idempotency_key, record_digest
from .state import open_store

__all__ = ["ConnectorConformance", "open_sandboxed_connector"]

_SECRET_NAME_HINTS = ("token", "secret", "password", "api_key", "apikey", "private_key")


async def open_sandboxed_connector(
    connector_class: type[Connector[Any]],
    *,
    base_dir: Path,
    sandbox_options: dict[str, Any] | None = None,
    config_overrides: dict[str, Any] | None = None,
    state: Any = None,
) -> tuple[Connector[Any], RuntimeContext, Any]:
    """A connector wired to a fresh instance of its own sandbox, as the runtime would wire it."""
    if connector_class.sandbox is None:
        raise AssertionError(f"{connector_class.__name__} declares no sandbox")
    app = load_object(connector_class.sandbox)(**(sandbox_options or {}))
    raw = dict(connector_class.sandbox_config(SANDBOX_BASE_URL))
    raw.update(config_overrides or {})
    config = connector_class.config_model.model_validate(raw)
    context = RuntimeContext(
        job="conformance", connection=connector_class.name, base_dir=base_dir, state=state,
        transport=httpx.ASGITransport(app=app) if _is_asgi(app) else None,
    )
    connector = connector_class(config, context)
    await connector.open()
    return connector, context, app


def _is_asgi(app: Any) -> bool:
    return callable(app)


def _annotation_has_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    return any(_annotation_has_secret(arg) for arg in typing.get_args(annotation))


class ConnectorConformance:
    """Base class of a connector's conformance tests. Set ``connector_class``; override hooks as needed."""

    connector_class: ClassVar[type[Connector[Any]]]
    sandbox_options: ClassVar[dict[str, Any]] = {}
    config_overrides: ClassVar[dict[str, Any]] = {}
    max_pages: ClassVar[int] = 3
    """How many pages of each stream the read tests consume (the sandbox may hold thousands)."""

    # -- fixtures ------------------------------------------------------------------------------
    @pytest.fixture
    async def connector(self, tmp_path: Path) -> AsyncIterator[Connector[Any]]:
        store = await open_store(f"sqlite:///{tmp_path / 'state.db'}")
        connector, context, _app = await open_sandboxed_connector(
            self.connector_class, base_dir=tmp_path, sandbox_options=self.sandbox_options,
            config_overrides=self.config_overrides, state=store,
        )
        try:
            yield connector
        finally:
            await connector.close()
            await context.aclose()
            await store.close()

    def sample_records(self, sink_name: str) -> list[BaseModel]:
        """Canonical records to write to ``sink_name`` in the sink tests. Override to provide them;
        by default the sink tests use what the connector's own stream of the same entity yields."""
        return []

    # -- declarations --------------------------------------------------------------------------
    def test_declares_streams_or_sinks_of_canonical_entities(self) -> None:
        caps = self.connector_class.capabilities()
        assert caps.streams or caps.sinks, "a connector must read or write something"
        for info in (*caps.streams, *caps.sinks):
            assert info.entity in CANONICAL_DOCUMENTS, f"{info.name}: '{info.entity}' is not a canonical document"

    def test_has_a_sandbox(self) -> None:
        assert self.connector_class.sandbox, "every connector ships a sandbox of its system's API"
        assert callable(load_object(self.connector_class.sandbox))

    def test_default_mappings_compile(self) -> None:
        from crossdock.mappings import load_mapping

        caps = self.connector_class.capabilities()
        for info in (*caps.streams, *caps.sinks):
            if info.default_mapping:
                load_mapping(info.default_mapping)

    def test_secret_fields_are_secretstr(self) -> None:
        def walk(model: type[BaseModel], prefix: str) -> list[str]:
            bad = []
            for name, field in model.model_fields.items():
                annotation = field.annotation
                nested = [a for a in (annotation, *typing.get_args(annotation))
                          if isinstance(a, type) and issubclass(a, BaseModel)]
                for sub in nested:
                    bad += walk(sub, f"{prefix}{name}.")
                lowered = name.lower()
                looks_secret = any(h in lowered for h in _SECRET_NAME_HINTS) and not lowered.endswith(
                    ("_url", "_path", "_name", "_header", "_file", "_env")
                )
                if looks_secret and not _annotation_has_secret(annotation) and not nested:
                    bad.append(prefix + name)
            return bad

        assert walk(self.connector_class.config_model, "") == [], "credential fields must be SecretStr"

    def test_config_rejects_unknown_fields(self) -> None:
        raw = dict(self.connector_class.sandbox_config(SANDBOX_BASE_URL))
        raw["definitely_not_a_field"] = 1
        with pytest.raises(Exception):
            self.connector_class.config_model.model_validate(raw)

    def test_repr_of_config_hides_secrets(self) -> None:
        config = self.connector_class.config_model.model_validate(self.connector_class.sandbox_config(SANDBOX_BASE_URL))
        secrets = _secret_values(config)
        text = repr(config) + str(config)
        for secret in secrets:
            assert secret not in text

    # -- behaviour against the sandbox ---------------------------------------------------------
    async def test_check_passes_against_sandbox(self, connector: Connector[Any]) -> None:
        result = await connector.check()
        assert result.ok, result.message

    async def test_streams_yield_valid_canonical_records(self, connector: Connector[Any]) -> None:
        from crossdock.mappings import load_mapping

        for stream_cls in connector.streams:
            stream = connector.stream(stream_cls.name)
            model = CANONICAL_DOCUMENTS[stream.entity]
            mapping = load_mapping(stream.default_mapping) if stream.default_mapping else None
            seen = 0
            async for page in _limited(stream.read(CursorPosition()), self.max_pages):
                for record in page.records:
                    assert record.key, f"{stream.name}: every record needs its system ID as key"
                    if mapping is not None:
                        mapping.apply_to(record.payload, model, record_key=record.key)
                    elif not isinstance(record.payload, model):
                        model.model_validate(record.payload)
                    seen += 1
            assert seen > 0, f"stream '{stream.name}' yielded nothing from a seeded sandbox"

    async def test_incremental_streams_resume_without_duplicates(self, connector: Connector[Any]) -> None:
        for stream_cls in connector.streams:
            if stream_cls.cursor_field is None:
                continue
            stream = connector.stream(stream_cls.name)
            cursor = IncrementalCursor(lookback=stream.default_lookback)
            first: list[str] = []
            async for page in stream.read(cursor.position()):
                fresh = cursor.new_records(page.records)
                first += [r.key for r in fresh]
                cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=stream.sorted_by_cursor)
            cursor.finish()
            assert len(first) == len(set(first)), f"{stream.name}: a record came twice in one pass"
            again: list[str] = []
            async for page in stream.read(cursor.position()):
                again += [r.key for r in cursor.new_records(page.records)]
            assert again == [], f"{stream.name}: re-reading from the saved cursor produced {len(again)} records again"

    async def test_sinks_accept_a_batch_and_absorb_a_resend(self, connector: Connector[Any]) -> None:
        from crossdock.mappings import load_mapping

        for sink_cls in connector.sinks:
            sink = connector.sink(sink_cls.name)
            records = self.sample_records(sink.name) or await self._records_from_own_stream(connector, sink.entity)
            if not records:
                pytest.skip(f"sink '{sink.name}': no sample {sink.entity} records (override sample_records)")
            records = records[: max(1, min(sink.batch_size, 5))]
            mapping = load_mapping(sink.default_mapping) if sink.default_mapping else None
            batch = []
            for i, record in enumerate(records):
                trace = f"conformance-{i}"
                payload = mapping.apply(record.model_dump(mode="json"), record_key=trace) if mapping else None
                key = idempotency_key("conformance", sink.name, trace, record_digest(record))
                batch.append(WriteRequest(idempotency_key=key, trace_key=trace, record=record, payload=payload))
            first = await sink.write(batch)
            assert {r.idempotency_key for r in first} == {r.idempotency_key for r in batch}
            assert all(r.ok for r in first), [str(r.error) for r in first if not r.ok]
            second = await sink.write(batch)
            assert all(r.ok for r in second), "a resend with the same idempotency keys must be absorbed"
            ids_first = {r.idempotency_key: r.external_id for r in first}
            for r in second:
                if ids_first[r.idempotency_key] is not None:
                    assert r.external_id == ids_first[r.idempotency_key], "a resend must not create a second record"

    async def _records_from_own_stream(self, connector: Connector[Any], entity: str) -> list[BaseModel]:
        from crossdock.mappings import load_mapping

        for stream_cls in connector.streams:
            if stream_cls.entity != entity:
                continue
            stream = connector.stream(stream_cls.name)
            model = CANONICAL_DOCUMENTS[entity]
            mapping = load_mapping(stream.default_mapping) if stream.default_mapping else None
            async for page in _limited(stream.read(CursorPosition()), 1):
                out = []
                for record in page.records[:5]:
                    if mapping is not None:
                        out.append(mapping.apply_to(record.payload, model, record_key=record.key))
                    else:
                        out.append(record.payload if isinstance(record.payload, model) else model.model_validate(record.payload))
                return out
        return []


async def _limited(pages: AsyncIterator[Any], limit: int) -> AsyncIterator[Any]:
    count = 0
    async for page in pages:
        yield page
        count += 1
        if count >= limit:
            break
    aclose = getattr(pages, "aclose", None)
    if aclose is not None:
        await aclose()


def _secret_values(model: BaseModel) -> list[str]:
    values = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            values.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            values += _secret_values(value)
    return [v for v in values if v]
