"""Helpers shared by the CLI commands: finding the state store, printing, turning errors into exit codes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from crossdock.core.errors import CrossdockError
from crossdock.core.redaction import redact

__all__ = ["console", "err_console", "DEFAULT_STATE_URL", "state_url_for", "run_async", "print_json", "fail"]

console = Console()
err_console = Console(stderr=True)

DEFAULT_STATE_URL = "sqlite:///.crossdock/state.db"

T = TypeVar("T")


def state_url_for(job_file: Path | None, state: str | None) -> str:
    """The state store to use: ``--state``, else the job's, else ``$CROSSDOCK_STATE``, else the default."""
    if state:
        return state
    if job_file is not None:
        from crossdock.config.jobs import load_job

        return load_job(job_file).state_url
    return os.environ.get("CROSSDOCK_STATE", DEFAULT_STATE_URL)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(Text("error: ", style="red") + Text(redact(message)), highlight=False, soft_wrap=True)
    return typer.Exit(code)


def run_async(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine, turning Crossdock's own errors into a clean message and exit code 1."""
    from crossdock.config.jobs import JobConfigError

    try:
        return asyncio.run(factory())
    except (CrossdockError, JobConfigError) as exc:
        raise fail(str(exc)) from None


def print_json(data: Any) -> None:
    sys.stdout.write(redact(json.dumps(data, indent=2, default=str)) + "\n")
