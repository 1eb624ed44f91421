"""``connectors list``, ``schema`` and ``sandbox serve``."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from crossdock.core.contract import available_connectors, load_connector_class

from ._common import console, fail, print_json

__all__ = ["connectors_app", "sandbox_app", "schema_command"]

connectors_app = typer.Typer(help="Installed connectors.", no_args_is_help=True)
sandbox_app = typer.Typer(help="Connector sandboxes (emulated APIs).", no_args_is_help=True)


@connectors_app.command("list")
def connectors_list(json_out: bool = typer.Option(False, "--json")) -> None:
    """Every connector found through the ``crossdock.connectors`` entry points, with what it can do."""
    rows = []
    for name, target in sorted(available_connectors().items()):
        try:
            cls = load_connector_class(name)
        except Exception as exc:  # a broken third-party package must not hide the others
            rows.append({"name": name, "target": target, "error": f"{type(exc).__name__}: {exc}"})
            continue
        caps = cls.capabilities()
        rows.append({
            "name": name,
            "title": cls.title,
            "target": target,
            "streams": [{"name": s.name, "entity": s.entity, "incremental": s.incremental} for s in caps.streams],
            "sinks": [{"name": s.name, "entity": s.entity, "batch_size": s.batch_size, "write_mode": s.write_mode} for s in caps.sinks],
            "sandbox": caps.sandbox,
        })
    if json_out:
        print_json(rows)
        return
    table = Table(title="connectors", title_justify="left")
    for column in ("name", "title", "streams (read)", "sinks (write)", "sandbox"):
        table.add_column(column)
    for r in rows:
        if "error" in r:
            table.add_row(r["name"], f"[red]{r['error']}[/red]", "", "", "")
            continue
        table.add_row(
            r["name"], r["title"],
            ", ".join(f"{s['name']}→{s['entity']}" + (" (incremental)" if s["incremental"] else "") for s in r["streams"]),
            ", ".join(f"{s['name']}←{s['entity']} (batch {s['batch_size']})" for s in r["sinks"]),
            "yes" if r["sandbox"] else "no",
        )
    console.print(table)


def schema_command(
    name: str = typer.Argument(None, help="One canonical document (Order, Shipment …); all when omitted."),
    job: bool = typer.Option(False, "--job", help="Print the JSON Schema of job YAML files instead."),
) -> None:
    """Print the JSON Schema of the canonical models (or of job files)."""
    if job:
        from crossdock.config.jobs import job_json_schema

        schema = job_json_schema()
    else:
        from crossdock.core.models.schema import canonical_json_schema

        try:
            schema = canonical_json_schema(name)
        except KeyError as exc:
            raise fail(str(exc.args[0])) from None
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")


@sandbox_app.command("serve")
def sandbox_serve(
    name: str = typer.Argument(..., help="Connector name (see `crossdock connectors list`)."),
    port: int = typer.Option(8080, "--port"),
    host: str = typer.Option("127.0.0.1", "--host", help="Loopback by default; sandboxes are for local use."),
    seed: int = typer.Option(0, "--seed", help="Seed of the generated data and of fault injection."),
    faults: float = typer.Option(0.0, "--faults", help="Share of requests answered with an injected fault (0–1)."),
) -> None:
    """Serve a connector's sandbox on 127.0.0.1 for manual testing or another client."""
    from crossdock.runtime.sandbox import create_sandbox, serve

    try:
        app = create_sandbox(name, seed=seed, faults=faults)
    except Exception as exc:
        raise fail(f"cannot start sandbox '{name}': {exc}") from None
    console.print(f"sandbox '{name}' on http://{host}:{port} (seed {seed}, faults {faults})")
    serve(app, host=host, port=port)
