"""Checking a connection's ``config`` against its connector's config model.

The job document leaves ``config`` open because only the connector knows its settings; the runtime
calls :func:`validate_connection_config` once it has loaded the connector. Errors still name the job
file, line and field (``connections.erp.config.auth.token``), and a secret written into the file as a
literal is refused: job files get committed, copied and pasted into tickets.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from crossdock.core.redaction import register_secret

from ._errors import ConfigIssue, JobConfigError, format_field
from ._model_types import match_pattern, secret_field_patterns, secret_values
from ._models import JobConfig
from ._placeholders import SecretSource
from ._validation_issues import issues_from_validation_error

__all__ = ["validate_connection_config", "LITERAL_SECRET_MESSAGE"]

ConfigModel = TypeVar("ConfigModel", bound=BaseModel)

LITERAL_SECRET_MESSAGE = "secret given as a literal; use ${env:VAR} or ${file:path}"
_DEFAULT_SECRET_MESSAGE = "secret given as the default of ${env:VAR:-…}, i.e. a literal; use ${env:VAR} or ${file:path}"


def validate_connection_config(job: JobConfig, name: str, model: type[ConfigModel]) -> ConfigModel:
    """Connection ``name``'s config as an instance of ``model``; raises :class:`JobConfigError`.

    Every secret field (``SecretStr`` anywhere in ``model``: nested models, Optional/Union, lists,
    dicts) must come from ``${env:…}`` or ``${file:…}`` when the job was loaded from a file. Secret
    values are registered for redaction; a refused literal is too, and never appears in a message.
    """
    prefix = ("connections", name, "config")
    if name not in job.connections:
        known = ", ".join(sorted(job.connections))
        issue = ConfigIssue(job.file_label, None, format_field(prefix[:2]), f"no such connection (known: {known})")
        raise JobConfigError([issue])
    data = job.connections[name].config
    issues: list[ConfigIssue] = []
    literals: list[str] = []
    if job.has_provenance:
        for pattern in secret_field_patterns(model):
            for path, value in match_pattern(data, pattern):
                if value is None or value == "":
                    continue
                origin = job.value_origin((*prefix, *path))
                source = origin.source if origin is not None else SecretSource.LITERAL
                if source not in (SecretSource.LITERAL, SecretSource.ENV_DEFAULT):
                    continue
                if isinstance(value, str):
                    literals.append(value)
                    register_secret(value)
                message = LITERAL_SECRET_MESSAGE if source is SecretSource.LITERAL else _DEFAULT_SECRET_MESSAGE
                full = (*prefix, *path)
                issues.append(ConfigIssue(job.file_label, job.line_of(full), format_field(full), message))
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        found = issues_from_validation_error(
            exc, file=job.file_label, data=data, model=model, line_of=job.line_of, prefix=prefix
        )
        issues += [ConfigIssue(i.file, i.line, i.field, _scrub(i.message, literals)) for i in found]
        raise JobConfigError(issues) from None
    if issues:
        raise JobConfigError(issues)
    for secret in secret_values(validated):
        register_secret(secret)
    return validated


def _scrub(message: str, literals: list[str]) -> str:
    for literal in sorted(literals, key=len, reverse=True):
        message = message.replace(literal, "***")
    return message
