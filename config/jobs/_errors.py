"""How a problem in a job file is reported: file, line, field, message.

An operator fixing a job reads these in a terminal, so each problem is one line that an editor can jump
to (``config/examples/orders.yaml:14: flows[0].sink.connection: unknown connection 'erpp'``), and all
problems of a file are reported together instead of one per attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crossdock.core.redaction import redact

__all__ = ["DocPath", "ConfigIssue", "JobConfigError", "format_field"]

DocPath = tuple[str | int, ...]
"""Where a value sits in the job document: ``("flows", 0, "sink", "connection")``."""


def format_field(path: Iterable[str | int]) -> str:
    """``("flows", 0, "sink", "connection")`` → ``flows[0].sink.connection``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem in a job file. ``line`` is 1-based; None when the job was not read from a file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


def _issue_order(issue: ConfigIssue) -> tuple[str, int, str]:
    return (issue.file, issue.line if issue.line is not None else 1 << 30, issue.field)


class JobConfigError(ValueError):
    """A job file that cannot be run, with every problem found in it (sorted by file and line).

    Messages are redacted once more on the way in: they are built never to contain a value, and this
    keeps that true even for a message that quotes something it should not.
    """

    def __init__(self, issues: Sequence[ConfigIssue]) -> None:
        cleaned = [
            ConfigIssue(i.file, i.line, i.field, redact(i.message)) for i in issues
        ]
        self.issues: list[ConfigIssue] = sorted(cleaned, key=_issue_order)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.issues)
