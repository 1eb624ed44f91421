"""A real job, folder to folder, through the runner and a SQLite state store: what an operator runs."""

from __future__ import annotations

from pathlib import Path

from crossdock.config.jobs import parse_job
from crossdock.connectors.file.sandbox import seed_folder
from crossdock.runtime.job import open_job
from crossdock.runtime.runner import JobRunner, RunSummary

JOB = """\
job: shop-files
state: sqlite:///{state}
connections:
  shop:
    connector: file
    config: {{path: shop, orders_format: jsonl, stock_format: csv, archive: {archive}, page_size: 7}}
  partner:
    connector: file
    config: {{path: partner, format: csv, out_dir: "."}}
flows:
  - name: orders
    source: {{connection: shop, stream: orders}}
    sink: {{connection: partner, sink: orders}}
  - name: stock
    source: {{connection: shop, stream: stock}}
    sink: {{connection: partner, sink: stock}}
"""


async def run(tmp_path: Path, *, archive: bool = False) -> tuple[RunSummary, list]:
    text = JOB.format(state=tmp_path / "state.db", archive=str(archive).lower())
    config = parse_job(text, source_file=tmp_path / "job.yaml")
    job = await open_job(config)
    async with job:
        summary = await JobRunner(job).run()
        errors = await job.store.error_list(job="shop-files")
    return summary, errors


def lines_written(folder: Path) -> int:
    return sum(len(p.read_text().splitlines()) for p in folder.rglob("*.jsonl"))


async def test_a_bad_line_is_parked_with_its_text_and_everything_else_is_delivered_once(tmp_path) -> None:
    (tmp_path / "partner").mkdir()
    seeded = seed_folder(tmp_path / "shop", orders=30, skus=4, seed=5, bad_lines=1)

    first, errors = await run(tmp_path)

    assert first.status == "partial", first.message
    assert (first.flows["orders"].written, first.flows["orders"].failed) == (30, 1)
    assert first.flows["stock"].written == 4 * 2
    [parked] = errors
    assert parked.trace_key.startswith("orders/") and parked.stage == "map"
    assert "could not be read: not valid JSON" in parked.message
    assert parked.payload["unreadable"]["raw"].startswith('{"id": "52000')
    assert lines_written(tmp_path / "partner" / "orders") == seeded.orders

    again, errors_again = await run(tmp_path)

    assert again.totals.written == 0 and again.totals.failed == 0, "a second run writes and parks nothing"
    assert len(errors_again) == 1
    assert lines_written(tmp_path / "partner" / "orders") == seeded.orders


async def test_a_consumed_folder_is_empty_after_a_run_and_its_files_archived(tmp_path) -> None:
    (tmp_path / "partner").mkdir()
    seeded = seed_folder(tmp_path / "shop", orders=15, skus=3, seed=2)

    summary, _ = await run(tmp_path, archive=True)

    assert summary.status == "succeeded", summary.message
    left = [p for p in (tmp_path / "shop").rglob("*") if p.is_file() and "archive" not in p.parts]
    assert left == []
    archive = tmp_path / "shop" / "archive"
    archived = sorted(p.relative_to(archive).as_posix() for p in archive.rglob("*") if p.is_file())
    assert archived == sorted(seeded.files)
