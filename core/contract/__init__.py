"""The connector contract (depends on pydantic only)."""

from .connector import (
    Capabilities,
    CheckResult,
    Connector,
    ConnectorConfig,
    ConnectorContext,
    Sink,
    SinkInfo,
    Stream,
    StreamInfo,
    WriteMode,
)
from .cursor import CursorPosition, IncrementalCursor
from .records import CursorValue, Page, SourceRecord, WriteRequest, WriteResult
from .registry import ENTRY_POINT_GROUP, available_connectors, load_connector_class, load_object

__all__ = [
    "Capabilities",
    "CheckResult",
    "Connector",
    "ConnectorConfig",
    "ConnectorContext",
    "CursorPosition",
    "CursorValue",
    "ENTRY_POINT_GROUP",
    "IncrementalCursor",
    "Page",
    "Sink",
    "SinkInfo",
    "SourceRecord",
    "Stream",
    "StreamInfo",
    "WriteMode",
    "WriteRequest",
    "WriteResult",
    "available_connectors",
    "load_connector_class",
    "load_object",
]
