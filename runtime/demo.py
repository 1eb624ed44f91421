"""``crossdock demo``: the main example job, on embedded SQLite and in-process sandboxes, no set-up needed.

The packaged example folder is copied to ``.crossdock/demo/`` in the working directory on the first run
(so nothing is ever written into the installed package) and reused afterwards: running the demo twice
shows the second run writing nothing twice. ``--reset`` starts over from fresh sandboxes and state.
"""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import typer

from ._common_paths import DEMO_DIR

__all__ = ["DEMO_JOB", "register", "prepare_demo"]

DEMO_JOB = "commerce_demo.yaml"
"""The example job the demo runs, in ``crossdock/config/examples/``."""

PARTNER_TICKS = 4
"""Turns of the partner simulator between the two passes: enough to acknowledge, ship and report stock."""


def prepare_demo(workdir: Path, *, reset: bool = False) -> Path:
    """Copy the packaged examples into ``workdir`` (once) and return the demo job's path there."""
    if reset and workdir.exists():
        job = workdir / "examples" / DEMO_JOB
        if job.exists():
            _remove_sqlite_state(job)
        shutil.rmtree(workdir)
    target = workdir / "examples"
    if not target.exists():
        with as_file(files("crossdock.config") / "examples") as source:
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("out", "__pycache__"))
    return target / DEMO_JOB


def _remove_sqlite_state(job: Path) -> None:
    from crossdock.config.jobs import load_job

    url = load_job(job).state_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        path = Path(url.removeprefix("sqlite:///"))
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            candidate.unlink(missing_ok=True)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        reset: bool = typer.Option(False, "--reset", help="Start over: fresh sandboxes, empty state."),
        json_out: bool = typer.Option(False, "--json", help="Print the run summaries as JSON."),
    ) -> None:
        """Run the example job end to end on SQLite against in-process sandboxes.

        Pass 1 sends orders out (NetSuite sales orders, 850s to the dropship partner) and pushes stock;
        the partner simulator then answers (997, 855, 856 with cartons and tracking, 846); pass 2 brings
        the partner's shipments to Shopify and Amazon and its stock into available-to-sell.
        """
        from .cli._common import print_json, run_async

        job_file = prepare_demo(Path.cwd() / DEMO_DIR, reset=reset)
        typer.echo(f"demo job: {job_file}  (state and files under {DEMO_DIR}/)", err=True)
        summaries = run_async(lambda: run_demo(job_file, show=not json_out))
        if json_out:
            print_json([s.as_dict() for s in summaries])
        if any(s.status == "failed" for s in summaries):
            raise typer.Exit(1)


async def run_demo(job_file: Path, *, show: bool = True) -> list[Any]:
    """Both passes of the demo in one process, so the sandboxes (and the partner's mailbox) carry over."""
    from crossdock.config.jobs import load_job

    from .cli.run import _run_with_progress, print_summary
    from .job import open_job
    from .runner import JobRunner

    config = load_job(job_file)
    summaries = []
    async with await open_job(config, sandbox_all=True) as job:
        for number, title in ((1, "orders out, stock in"), (2, "the partner's answers back")):
            if show:
                typer.echo(f"\n— pass {number}: {title}", err=True)
            summary = await _run_with_progress(JobRunner(job), show)
            summaries.append(summary)
            if show:
                print_summary(summary, job_file)
            if number == 1:
                answered = _let_partners_answer(job)
                if show and answered:
                    typer.echo(f"\n— the dropship partner answers: {answered}", err=True)
    return summaries


def _let_partners_answer(job: Any) -> str:
    """Turn the partner simulators' clocks: they pick up 850s and send 997s, 855s, 856s and 846s."""
    said = []
    for name, app in job.sandboxes.items():
        simulator = getattr(getattr(app, "state", None), "simulator", None)
        if simulator is None:
            continue
        sent: dict[str, int] = {}
        for _ in range(PARTNER_TICKS):
            result = simulator.tick() or {}
            for file in result.get("sent", []):
                for document in file.get("documents", []):
                    sent[document.get("set", "?")] = sent.get(document.get("set", "?"), 0) + 1
        said.append(f"{name} sent " + (", ".join(f"{n}× {kind}" for kind, n in sorted(sent.items())) or "nothing"))
    return "; ".join(said)
