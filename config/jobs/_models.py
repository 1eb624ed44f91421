"""The job document as pydantic models: what an operator writes in a job YAML file.

The models describe the document only. Loading (lines, placeholders) is in ``_loader``; what a
connection's ``config`` holds is for its connector to say (see ``validate_connection_config``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ._durations import Duration
from ._errors import DocPath, format_field
from ._placeholders import ValueOrigin
from ._schedule import Schedule

__all__ = [
    "DEFAULT_STATE_URL",
    "NAME_PATTERN",
    "ConnectionConfig",
    "SourceConfig",
    "SinkConfig",
    "FlowConfig",
    "JobOptions",
    "JobConfig",
    "cross_reference_problems",
    "DEFER_CROSS_CHECKS",
]

DEFAULT_STATE_URL = "sqlite:///.crossdock/state.db"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_NAME = re.compile(NAME_PATTERN)
_STATE_SCHEMES = ("sqlite://", "postgresql://", "postgres://")

DEFER_CROSS_CHECKS = "crossdock.defer_cross_checks"
"""Validation-context flag: the loader runs the cross-reference checks itself, with line numbers."""


def _check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError("a name is letters, digits, '_', '-' and '.', starting with a letter or digit")
    return value


Name = Annotated[str, AfterValidator(_check_name), WithJsonSchema({"type": "string", "pattern": NAME_PATTERN})]
"""Job, connection and flow names: they become keys of cursors, run history and parked errors."""


def _check_operation(spec: dict[str, Any]) -> dict[str, Any]:
    name = spec.get("op", spec.get("type"))
    if not isinstance(name, str) or not name:
        raise ValueError("an operation needs 'op: <name>' (e.g. {op: filter, when: ...})")
    return spec


OperationSpec = Annotated[
    dict[str, Any],
    AfterValidator(_check_operation),
    WithJsonSchema(
        {
            "type": "object",
            "required": ["op"],
            "properties": {"op": {"type": "string", "description": "Operation name: filter, set, route …"}},
            "additionalProperties": True,
        }
    ),
]
"""``{op: name, …parameters}``; the runtime knows the operations and checks their parameters."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConnectionConfig(_Strict):
    """A named connection: which connector, and that connector's own settings."""

    connector: str = Field(description="Entry-point name of the connector (see `crossdock connectors list`).")
    sandbox: bool = Field(
        default=False, description="Run this connection against the connector's in-process sandbox."
    )
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="The connector's settings; secrets only as ${env:VAR} or ${file:path}.",
    )
    sandbox_options: dict[str, Any] = Field(
        default_factory=dict,
        description="Options for the sandbox factory when `sandbox` is on (seed, faults, catalogue …).",
    )


class SourceConfig(_Strict):
    """Where a flow reads: a stream of a connection, and how its records become canonical."""

    connection: Name
    stream: str = Field(description="Stream name offered by the connection's connector.")
    mapping: str | None = Field(
        default=None,
        description="Mapping to canonical: packaged ('shopify/order') or a YAML path; default: the stream's.",
    )
    mapping_overrides: dict[str, Any] | None = Field(default=None, description="Changes layered over the mapping.")


class SinkConfig(_Strict):
    """Where a flow writes: a sink of a connection, and how canonical records become its payloads."""

    connection: Name
    sink: str = Field(description="Sink name offered by the connection's connector.")
    mapping: str | None = Field(
        default=None, description="Mapping from canonical: packaged ('rest/order') or a YAML path; default: the sink's."
    )
    mapping_overrides: dict[str, Any] | None = Field(default=None, description="Changes layered over the mapping.")


class FlowConfig(_Strict):
    """Source stream → mapping → operations → sink."""

    name: Name
    source: SourceConfig
    operations: list[OperationSpec] = Field(
        default_factory=list, description="Operations on canonical records, applied in order."
    )
    sink: SinkConfig


class JobOptions(_Strict):
    """How the runner runs the job's flows."""

    batch_size: int = Field(
        default=100, ge=1,
        description="At most this many records per write for sinks that write in batches; when the job does not set it, each sink's own batch size applies.",
    )
    concurrency: int = Field(default=4, ge=1, description="Writes in flight at once per flow.")
    dry_run: bool = Field(default=False, description="Read and map, write nothing.")
    lookback: Duration | None = Field(
        default=None, description="Re-read this far behind the cursor (late-arriving updates); default: the stream's."
    )
    full_refresh: bool = Field(default=False, description="Ignore saved cursors and read everything.")
    start_from: int | datetime | str | None = Field(
        default=None,
        union_mode="left_to_right",  # an ISO timestamp string is a datetime, not an opaque string
        description="Cursor value for the very first run (e.g. 2026-01-01T00:00:00Z; naive times are UTC).",
    )

    @field_validator("start_from")
    @classmethod
    def _naive_times_are_utc(cls, value: int | datetime | str | None) -> int | datetime | str | None:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class JobConfig(_Strict):
    """A sync job: connections, the flows between them, when to run and how.

    Built by :func:`load_job`, which also remembers the file, the line of every value and which
    values came from placeholders; a ``JobConfig`` built in code has none of that (lines are None,
    relative paths resolve against the working directory).
    """

    model_config = ConfigDict(
        title="Crossdock job",
        json_schema_extra={"patternProperties": {"^x-": {"description": "YAML anchors shared by the job"}}},
    )

    job: Name = Field(description="Job name: the key of its cursors, run history and parked errors.")
    description: str | None = None
    state: str = Field(
        default=DEFAULT_STATE_URL,
        description="State store: sqlite:///path (relative to the working directory) or postgresql://…",
    )
    connections: dict[Name, ConnectionConfig] = Field(min_length=1)
    flows: list[FlowConfig] = Field(min_length=1)
    schedule: Schedule | None = Field(default=None, description="When to run again; none: run once.")
    options: JobOptions = Field(default_factory=JobOptions)

    _source_file: Path | None = PrivateAttr(default=None)
    _file_label: str = PrivateAttr(default="<job>")
    _lines: dict[DocPath, int] = PrivateAttr(default_factory=dict)
    _origins: dict[DocPath, ValueOrigin] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _drop_extension_keys(cls, data: Any) -> Any:
        """Top-level ``x-…`` keys hold YAML anchors shared by the job (a catalogue, a block of options),
        as in docker-compose files; they are not settings."""
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data

    @field_validator("state")
    @classmethod
    def _state_is_a_store_url(cls, value: str) -> str:
        if not value.startswith(_STATE_SCHEMES):
            raise ValueError("state is sqlite:///path/to/state.db or postgresql://user@host/db")
        return value

    @model_validator(mode="after")
    def _references_resolve(self, info: ValidationInfo) -> JobConfig:
        if info.context and info.context.get(DEFER_CROSS_CHECKS):
            return self
        problems = cross_reference_problems(
            {"connections": self.connections, "flows": [flow.model_dump() for flow in self.flows]}
        )
        if problems:
            raise ValueError("; ".join(f"{format_field(path)}: {message}" for path, message in problems))
        return self

    def _attach_source(
        self, source_file: Path, file_label: str, lines: dict[DocPath, int], origins: dict[DocPath, ValueOrigin]
    ) -> None:
        self._source_file = source_file
        self._file_label = file_label
        self._lines = lines
        self._origins = origins

    @property
    def name(self) -> str:
        return self.job

    @property
    def state_url(self) -> str:
        return self.state

    @property
    def source_file(self) -> Path:
        """The job file (absolute); ``<job>`` for a job built in code."""
        return self._source_file if self._source_file is not None else Path("<job>")

    @property
    def base_dir(self) -> Path:
        """The job file's folder: connectors resolve relative paths in their config against it."""
        return self._source_file.parent if self._source_file is not None else Path.cwd()

    @property
    def file_label(self) -> str:
        """The job file as the operator named it, for messages."""
        return self._file_label

    def line_of(self, path: DocPath) -> int | None:
        """The line of ``path``, or of its nearest parent written in the file (for a missing key)."""
        for end in range(len(path), -1, -1):
            line = self._lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None

    def value_origin(self, path: DocPath) -> ValueOrigin | None:
        """Line and source (literal or placeholder) of a scalar in the file; None if not from a file."""
        return self._origins.get(tuple(path))

    @property
    def has_provenance(self) -> bool:
        return self._source_file is not None


def cross_reference_problems(data: Mapping[str, Any]) -> list[tuple[DocPath, str]]:
    """Checks across the document that no single field can make: flow names are unique and flows use
    defined connections. Works on raw data too, so it can report alongside other errors."""
    problems: list[tuple[DocPath, str]] = []
    connections = data.get("connections")
    known = sorted(connections) if isinstance(connections, Mapping) else []
    flows = data.get("flows")
    if not isinstance(flows, list):
        return problems
    first_index: dict[str, int] = {}
    for index, flow in enumerate(flows):
        if not isinstance(flow, Mapping):
            continue
        name = flow.get("name")
        if isinstance(name, str):
            if name in first_index:
                message = f"duplicate flow name '{name}' (first used by flows[{first_index[name]}])"
                problems.append((("flows", index, "name"), message))
            else:
                first_index[name] = index
        if not isinstance(connections, Mapping):
            continue
        for end in ("source", "sink"):
            ref = flow.get(end)
            connection = ref.get("connection") if isinstance(ref, Mapping) else None
            if isinstance(connection, str) and connection not in connections:
                listed = f"known: {', '.join(known)}" if known else "no connections are defined"
                path = ("flows", index, end, "connection")
                problems.append((path, f"unknown connection '{connection}' ({listed})"))
    return problems
