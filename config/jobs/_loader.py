"""``load_job``: a job YAML file in, a validated :class:`JobConfig` out, or every problem with its line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError

from ._errors import ConfigIssue, JobConfigError, format_field
from ._models import DEFER_CROSS_CHECKS, JobConfig, cross_reference_problems
from ._validation_issues import issues_from_validation_error
from ._yaml_document import read_yaml_document

__all__ = ["load_job", "parse_job"]


def load_job(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> JobConfig:
    """Read and validate a job file; ``env`` defaults to ``os.environ`` (tests pass their own).

    Raises :class:`JobConfigError` listing every problem as ``file:line: field: message``, and
    ``FileNotFoundError`` when there is no such file.
    """
    source = Path(path)
    return parse_job(source.read_text(encoding="utf-8"), source_file=source, env=env)


def parse_job(text: str, *, source_file: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> JobConfig:
    """Validate job YAML ``text`` as if read from ``source_file`` (which names it in messages and
    anchors ``${file:…}`` and relative paths)."""
    label = str(source_file)
    absolute = Path(source_file).absolute()
    document = read_yaml_document(
        text, file_label=label, env=os.environ if env is None else env, base_dir=absolute.parent
    )
    issues: list[ConfigIssue] = list(document.issues)
    if document.syntax_error:
        raise JobConfigError(issues)
    data = document.data
    if not isinstance(data, dict):
        message = "a job file is a mapping with keys job, connections, flows …"
        issues.append(ConfigIssue(label, document.lines.get((), 1), "", message))
        raise JobConfigError(issues)

    def line_of(path: tuple[str | int, ...]) -> int | None:
        for end in range(len(path), -1, -1):
            if (line := document.lines.get(path[:end])) is not None:
                return line
        return None

    for path, message in cross_reference_problems(data):
        issues.append(ConfigIssue(label, line_of(path), format_field(path), message))
    config: JobConfig | None = None
    try:
        config = JobConfig.model_validate(data, context={DEFER_CROSS_CHECKS: True})
    except ValidationError as exc:
        issues += issues_from_validation_error(
            exc, file=label, data=data, model=JobConfig, line_of=line_of, skip=document.unresolved
        )
    if issues or config is None:
        raise JobConfigError(issues)
    config._attach_source(absolute, label, document.lines, document.origins)
    return config
