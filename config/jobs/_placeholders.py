"""``${env:VAR}``, ``${env:VAR:-default}`` and ``${file:path}`` in job files.

Secrets never sit in a job file: the file names where a secret comes from, and the value is read at
load time. Every value read from ``${env:VAR}`` or ``${file:path}`` is registered with
:mod:`crossdock.core.redaction`, so it is masked wherever it appears later (logs, error payloads).

``${env:VAR:-default}`` is for non-secret settings (a batch size, a base URL): its values are not
registered, because masking ``false`` or ``1000`` everywhere would make logs unreadable. A secret has
no default; a ``SecretStr`` field given one is refused by the connection-config check.

``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from crossdock.core.redaction import register_secret

__all__ = ["SecretSource", "ValueOrigin", "ResolvedString", "resolve_placeholders"]

_PLACEHOLDER = re.compile(r"(?P<escape>\$\$\{)|\$\{(?P<source>[A-Za-z][A-Za-z0-9_]*):(?P<body>[^}]*)\}")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SecretSource(StrEnum):
    """Where a value in a job file came from; the literal-secret check accepts ``ENV`` and ``FILE``."""

    LITERAL = "literal"
    """Written in the job file as is."""
    ENV = "env"
    """From ``${env:VAR}`` (or ``${env:VAR:-}`` with an empty default)."""
    FILE = "file"
    """From ``${file:path}``."""
    ENV_DEFAULT = "env_default"
    """From ``${env:VAR:-default}`` with a non-empty default: the job file holds a usable value itself."""


@dataclass(frozen=True, slots=True)
class ValueOrigin:
    """The line a value was written on and where it came from."""

    line: int | None
    source: SecretSource

    @property
    def from_placeholder(self) -> bool:
        return self.source is not SecretSource.LITERAL


@dataclass(slots=True)
class ResolvedString:
    """A string after substitution; ``problems`` (if any) say why it could not be resolved."""

    value: str
    source: SecretSource = SecretSource.LITERAL
    problems: list[str] = field(default_factory=list)


_STRENGTH = {SecretSource.LITERAL: 0, SecretSource.ENV_DEFAULT: 1, SecretSource.ENV: 2, SecretSource.FILE: 2}


def resolve_placeholders(text: str, *, env: Mapping[str, str], base_dir: Path) -> ResolvedString:
    """Substitute every placeholder in ``text``; register what came from ``${env:…}``/``${file:…}``.

    Problem messages name the variable or file, never a value.
    """
    result = ResolvedString(value=text)
    if "${" not in text:
        return result
    sources: list[SecretSource] = []

    def substitute(match: re.Match[str]) -> str:
        if match.group("escape"):
            return "${"
        source, body = match.group("source"), match.group("body")
        if source == "env":
            value, kind = _from_env(body, env, result.problems)
        elif source == "file":
            value, kind = _from_file(body, base_dir, result.problems)
        else:
            result.problems.append(f"unknown placeholder '${{{source}:…}}' (use ${{env:VAR}} or ${{file:path}})")
            return match.group(0)
        sources.append(kind)
        if kind in (SecretSource.ENV, SecretSource.FILE):
            register_secret(value)
        return value

    result.value = _PLACEHOLDER.sub(substitute, text)
    if sources:
        result.source = max(sources, key=_STRENGTH.__getitem__)
    return result


def _from_env(body: str, env: Mapping[str, str], problems: list[str]) -> tuple[str, SecretSource]:
    name, has_default, default = body.partition(":-")
    if not _ENV_NAME.match(name):
        problems.append(f"'{name}' is not an environment variable name")
        return "", SecretSource.ENV
    kind = SecretSource.ENV_DEFAULT if has_default and default else SecretSource.ENV
    if name in env:
        return env[name], kind
    if has_default:
        return default, kind
    problems.append(f"environment variable '{name}' is not set")
    return "", kind


def _from_file(body: str, base_dir: Path, problems: list[str]) -> tuple[str, SecretSource]:
    written = body.strip()
    path = Path(written).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(f"secret file not found: {path}")
        return "", SecretSource.FILE
    except IsADirectoryError:
        problems.append(f"secret file is a directory: {path}")
        return "", SecretSource.FILE
    except PermissionError:
        problems.append(f"secret file cannot be read (permission denied): {path}")
        return "", SecretSource.FILE
    except UnicodeDecodeError:
        problems.append(f"secret file is not UTF-8 text: {path}")
        return "", SecretSource.FILE
    if content.endswith("\r\n"):
        content = content[:-2]
    elif content.endswith("\n"):
        content = content[:-1]
    return content, SecretSource.FILE
