"""Sync-job configuration: the job YAML document, its loader and its checks.

    job = load_job("config/examples/orders.yaml")            # env=os.environ by default
    config = validate_connection_config(job, "erp", RestConnector.config_model)

Every problem is reported as ``file:line: field: message``; secrets come only from ``${env:VAR}`` or
``${file:path}`` and are registered for redaction. See ``config/jobs/README.md``.
"""

from ._connection_config import LITERAL_SECRET_MESSAGE, validate_connection_config
from ._durations import Duration, format_duration, parse_duration
from ._errors import ConfigIssue, JobConfigError, format_field
from ._loader import load_job, parse_job
from ._models import (
    DEFAULT_STATE_URL,
    ConnectionConfig,
    FlowConfig,
    JobConfig,
    JobOptions,
    SinkConfig,
    SourceConfig,
)
from ._placeholders import SecretSource, ValueOrigin
from ._schedule import Schedule
from ._schema import job_json_schema

__all__ = [
    "load_job",
    "parse_job",
    "JobConfig",
    "ConnectionConfig",
    "FlowConfig",
    "SourceConfig",
    "SinkConfig",
    "Schedule",
    "JobOptions",
    "JobConfigError",
    "ConfigIssue",
    "validate_connection_config",
    "job_json_schema",
    "SecretSource",
    "ValueOrigin",
    "Duration",
    "parse_duration",
    "format_duration",
    "format_field",
    "DEFAULT_STATE_URL",
    "LITERAL_SECRET_MESSAGE",
]
