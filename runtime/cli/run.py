"""``crossdock run JOB.yaml``: run a sync job once or on its schedule."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from crossdock.core.redaction import redact

from ..job import open_job
from ..runner import JobRunner, ProgressEvent, RunSummary
from ._common import console, err_console, fail, print_json, run_async

__all__ = ["run_command", "print_summary"]


def run_command(
    job_file: Path = typer.Argument(..., exists=False, help="The job YAML."),
    once: bool = typer.Option(False, "--once", help="Run one pass and exit, even if the job has a schedule."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read and map, show what would be written, write nothing."),
    sandbox: bool = typer.Option(False, "--sandbox", help="Run every connection against its in-process sandbox."),
    json_out: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
    flow: list[str] = typer.Option([], "--flow", help="Run only these flows (repeatable)."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Ignore saved cursors; the ledger still keeps writes from repeating."),
) -> None:
    """Run a sync job: read, map, operate, write; checkpoint after every page."""
    from crossdock.config.jobs import JobConfigError, load_job

    try:
        config = load_job(job_file)
    except JobConfigError as exc:
        raise fail(str(exc)) from None
    except FileNotFoundError:
        raise fail(f"{job_file}: no such job file") from None

    async def main() -> list[RunSummary]:
        summaries: list[RunSummary] = []
        job = await open_job(config, sandbox_all=sandbox, flows=flow or None)
        async with job:
            show_progress = not json_out and console.is_terminal
            while True:
                runner = JobRunner(job, dry_run=dry_run or None, full_refresh=full_refresh or None)
                _install_signal_handlers(runner)
                summary = await _run_with_progress(runner, show_progress)
                summaries.append(summary)
                if not json_out:
                    print_summary(summary, job_file)
                if once or dry_run or config.schedule is None or runner.stopping:
                    break
                wait = (config.schedule.next_after(datetime.now(UTC)) - datetime.now(UTC)).total_seconds()
                err_console.print(f"next run in {max(0, wait):.0f} s (Ctrl-C to stop)")
                try:
                    await asyncio.wait_for(runner._stop.wait(), timeout=max(0.0, wait))
                    break
                except TimeoutError:
                    continue
        return summaries

    summaries = run_async(main)
    if json_out:
        data: Any = summaries[-1].as_dict() if len(summaries) == 1 else [s.as_dict() for s in summaries]
        print_json(data)
    last = summaries[-1]
    if last.status == "failed":
        raise typer.Exit(1)
    if last.status == "interrupted":
        raise typer.Exit(130)


def _install_signal_handlers(runner: JobRunner) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, runner.stop)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix
            pass


async def _run_with_progress(runner: JobRunner, show: bool) -> RunSummary:
    if not show:
        return await runner.run()
    with Progress(
        SpinnerColumn(), TextColumn("[bold]{task.description}"), TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(), console=err_console, transient=False,
    ) as progress:
        tasks: dict[str, Any] = {}

        def on_progress(event: ProgressEvent) -> None:
            c = event.counts
            text = f"read {c.read}  written {c.written}  skipped {c.skipped}  failed {c.failed}"
            if event.flow not in tasks:
                tasks[event.flow] = progress.add_task(event.flow, total=None, counts=text)
            progress.update(tasks[event.flow], counts=text)
            if event.done:
                progress.update(tasks[event.flow], total=1, completed=1)

        runner.on_progress = on_progress
        return await runner.run()


def print_summary(summary: RunSummary, job_file: Path | None = None) -> None:
    """The run's table and totals; ``job_file`` makes the error-queue hint a command that finds them.

    A job may keep its state in its own store (``state:``), which ``crossdock errors list`` alone would
    not open: the hint then carries ``--job``.
    """
    from rich.table import Table

    title = f"{summary.job}: {summary.status}" + (" (dry run)" if summary.dry_run else "")
    table = Table(title=title, title_justify="left")
    for column in ("flow", "read", "written", "skipped", "failed"):
        table.add_column(column, justify="right" if column != "flow" else "left")
    for name, c in summary.flows.items():
        table.add_row(name, str(c.read), str(c.written), str(c.skipped), str(c.failed))
    console.print(table)
    kinds = {"Order": "orders", "Shipment": "shipments", "StockLevel": "stock updates"}
    written = {kinds.get(entity, entity): c.written for entity, c in summary.by_entity().items()}
    console.print("written: " + ", ".join(f"{n} {kind}" for kind, n in written.items())
                  + f"; errors parked: {summary.totals.failed}")
    if summary.api_calls:
        total = sum(summary.api_calls.values())
        console.print(f"API calls: {total} (" + ", ".join(f"{k} {v}" for k, v in summary.api_calls.items()) + ")")
    if summary.message:
        console.print(redact(summary.message), markup=False)
    if summary.totals.failed:
        hint = "crossdock errors list" + (f" --job {job_file}" if job_file is not None else "")
        console.print(f"{summary.totals.failed} record(s) parked in the error queue: {hint}", markup=False)
    if summary.dry_run and summary.would_write:
        console.print(f"would write (first {len(summary.would_write)}):")
        for item in summary.would_write:
            console.print_json(data=item)
