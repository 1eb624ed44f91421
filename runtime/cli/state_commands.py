"""Operator commands over the state store: ``jobs status``, ``errors …``, ``xref lookup``."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from crossdock.core.redaction import redact_value

from ..state import open_store
from ._common import console, fail, print_json, run_async, state_url_for

__all__ = ["jobs_app", "errors_app", "xref_app"]

jobs_app = typer.Typer(help="Job run history and cursors.", no_args_is_help=True)
errors_app = typer.Typer(help="The error queue: list, show, retry, resolve.", no_args_is_help=True)
xref_app = typer.Typer(help="Cross-references between systems' IDs.", no_args_is_help=True)

JobOpt = typer.Option(None, "--job", help="Job YAML (its state store is used; required by retry).")
StateOpt = typer.Option(None, "--state", help="State store URL (default: the job's, $CROSSDOCK_STATE, or sqlite:///.crossdock/state.db).")
JsonOpt = typer.Option(False, "--json", help="Machine-readable output.")


def _row(obj: Any) -> dict[str, Any]:
    if is_dataclass(obj):
        return asdict(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return dict(obj)


@jobs_app.command("status")
def jobs_status(job: Path | None = JobOpt, state: str | None = StateOpt, json_out: bool = JsonOpt) -> None:
    """The latest run of every job and where each stream's cursor stands."""

    async def main() -> tuple[list[Any], list[Any]]:
        async with await open_store(state_url_for(job, state)) as store:
            return await store.run_latest_per_job(), await store.list_cursors()

    runs, cursors = run_async(main)
    if json_out:
        print_json({"runs": [_row(r) for r in runs], "cursors": [_row(c) for c in cursors]})
        return
    table = Table(title="jobs", title_justify="left")
    for column in ("job", "run", "status", "started", "ended", "read", "written", "skipped", "failed", "message"):
        table.add_column(column)
    for r in runs:
        d = _row(r)
        table.add_row(*(str(d.get(k, "") if d.get(k) is not None else "") for k in
                        ("job", "id", "status", "started_at", "ended_at", "read", "written", "skipped", "failed", "message")))
    console.print(table)
    if cursors:
        ct = Table(title="cursors", title_justify="left")
        for column in ("job", "stream", "high water", "updated"):
            ct.add_column(column)
        for c in cursors:
            d = _row(c)
            value = d.get("value") or {}
            ct.add_row(d["job"], d["stream"], json.dumps(value.get("high_water"), default=str), str(d.get("updated_at", "")))
        console.print(ct)


@errors_app.command("list")
def errors_list(
    job: Path | None = JobOpt,
    state: str | None = StateOpt,
    status: str = typer.Option("open", "--status", help="open, retrying, resolved or all."),
    limit: int = typer.Option(50, "--limit"),
    json_out: bool = JsonOpt,
) -> None:
    """Records parked in the error queue."""
    job_name = _job_name(job)

    async def main() -> list[Any]:
        async with await open_store(state_url_for(job, state)) as store:
            return await store.error_list(status=None if status == "all" else status, job=job_name, limit=limit)

    rows = run_async(main)
    if json_out:
        print_json([_row(r) for r in rows])
        return
    table = Table(title=f"errors ({status})", title_justify="left")
    for column in ("id", "job", "flow", "stage", "record", "class", "attempts", "status", "message"):
        table.add_column(column, overflow="fold")
    for r in rows:
        d = _row(r)
        table.add_row(str(d["id"]), d["job"], d["flow"], d["stage"], d["trace_key"], d["error_class"],
                      str(d["attempts"]), d["status"], (d["message"] or "")[:120])
    console.print(table)


@errors_app.command("show")
def errors_show(error_id: int, job: Path | None = JobOpt, state: str | None = StateOpt) -> None:
    """One error in full, with its payload (as JSON, ready to edit and pass to ``errors retry --payload``)."""

    async def main() -> Any:
        async with await open_store(state_url_for(job, state)) as store:
            return await store.error_get(error_id)

    row = run_async(main)
    if row is None:
        raise fail(f"no error with id {error_id}")
    print_json(redact_value(_row(row)))


@errors_app.command("retry")
def errors_retry(
    error_ids: list[int] = typer.Argument(..., help="Error IDs to retry."),
    job: Path = typer.Option(..., "--job", help="The job YAML the errors came from."),
    payload: Path | None = typer.Option(None, "--payload", help="A JSON file with the fixed payload (one ID only)."),
    sandbox: bool = typer.Option(False, "--sandbox", help="Run connections against their sandboxes."),
    json_out: bool = JsonOpt,
) -> None:
    """Send parked records again (after fixing the data, the mapping or the target system)."""
    from crossdock.config.jobs import JobConfigError, load_job

    from ..job import open_job
    from ..replay import replay_error

    if payload is not None and len(error_ids) != 1:
        raise fail("--payload goes with exactly one error ID")
    edited = json.loads(payload.read_text()) if payload is not None else None
    try:
        config = load_job(job)
    except JobConfigError as exc:
        raise fail(str(exc)) from None

    async def main() -> list[Any]:
        results = []
        async with await open_job(config, sandbox_all=sandbox) as open_:
            for error_id in error_ids:
                results.append(await replay_error(open_, error_id, payload=edited))
        return results

    results = run_async(main)
    if json_out:
        print_json([_row(r) for r in results])
    else:
        for r in results:
            console.print(f"error {r.error_id}: {r.status} — {r.message}", markup=False)
    if any(r.status != "resolved" for r in results):
        raise typer.Exit(1)


@errors_app.command("resolve")
def errors_resolve(
    error_ids: list[int] = typer.Argument(...),
    note: str = typer.Option("resolved by operator", "--note"),
    job: Path | None = JobOpt,
    state: str | None = StateOpt,
) -> None:
    """Mark errors resolved without resending (handled by hand, or not worth sending)."""

    async def main() -> None:
        async with await open_store(state_url_for(job, state)) as store:
            for error_id in error_ids:
                if await store.error_get(error_id) is None:
                    raise fail(f"no error with id {error_id}")
                await store.error_set_status(error_id, "resolved", resolution=note)

    run_async(main)
    console.print(f"resolved {len(error_ids)} error(s)")


@xref_app.command("lookup")
def xref_lookup(
    system: str = typer.Argument(..., help="The connection name, as in the job (e.g. shop, erp)."),
    entity: str = typer.Argument(..., help="Canonical entity: Order, Shipment, StockLevel …"),
    external_id: str = typer.Argument(...),
    job: Path | None = JobOpt,
    state: str | None = StateOpt,
    json_out: bool = JsonOpt,
) -> None:
    """What a record is called in every system Crossdock has linked it to."""

    async def main() -> tuple[str | None, dict[str, str]]:
        async with await open_store(state_url_for(job, state)) as store:
            cid = await store.xref_canonical(system, entity, external_id)
            return cid, (await store.xref_external_ids(entity, cid) if cid else {})

    cid, ids = run_async(main)
    if cid is None:
        raise fail(f"no {entity} known as '{external_id}' in {system}")
    if json_out:
        print_json({"canonical_id": cid, "entity": entity, "systems": ids})
        return
    console.print(f"{entity} {cid}")
    for sys_name, ext in sorted(ids.items()):
        console.print(f"  {sys_name}: {ext}", markup=False)


def _job_name(job: Path | None) -> str | None:
    if job is None:
        return None
    from crossdock.config.jobs import load_job

    return load_job(job).name
