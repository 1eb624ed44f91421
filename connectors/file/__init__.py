"""The file connector: orders and stock as CSV and JSONL files in a folder.

Registered as ``file`` (``crossdock.connectors.file:FileConnector``). File formats, cursor positions,
archiving and the sinks' output are described in ``README.md`` beside this module.
"""

from ._config import CsvDialect, FileConnectorConfig, FileFormat
from ._connector import FileConnector
from ._sinks import FileOrdersSink, FileStockSink
from ._streams import UNREADABLE, FileOrdersStream, FileStockStream
from ._transforms import file_readable  # registers the transform the default mappings use

__all__ = [
    "CsvDialect",
    "FileConnector",
    "FileConnectorConfig",
    "FileFormat",
    "FileOrdersSink",
    "FileOrdersStream",
    "FileStockSink",
    "FileStockStream",
    "UNREADABLE",
    "file_readable",
]
