"""The ``crossdock`` command line (typer + rich)."""

from __future__ import annotations

import typer

from ._logging import setup_logging
from .info_commands import connectors_app, sandbox_app, schema_command
from .run import run_command
from .state_commands import errors_app, jobs_app, xref_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="crossdock",
    help="Crossdock: orders, shipments and stock between storefronts, marketplaces, EDI partners and ERPs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    log_level: str = typer.Option("WARNING", "--log-level", envvar="CROSSDOCK_LOG_LEVEL"),
    json_logs: bool | None = typer.Option(None, "--json-logs/--no-json-logs", help="Default: JSON when stderr is not a terminal."),
) -> None:
    setup_logging(log_level, json_logs=json_logs)


app.command("run")(run_command)
app.command("schema")(schema_command)
app.add_typer(jobs_app, name="jobs")
app.add_typer(errors_app, name="errors")
app.add_typer(xref_app, name="xref")
app.add_typer(connectors_app, name="connectors")
app.add_typer(sandbox_app, name="sandbox")


def _register_optional(name: str, module: str) -> None:
    """Attach command groups of optional parts (EDI, demo) when they are present."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the module exists but something it imports is missing: say so
            raise
        return
    register = getattr(mod, "register", None)
    if register is not None:
        register(app)


_register_optional("edi", "crossdock.edi.cli")
_register_optional("demo", "crossdock.runtime.demo")


def main() -> None:
    app()
