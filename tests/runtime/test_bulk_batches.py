"""Bulk sinks get full batches even when the source's pages are small, and nothing is held unchecked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crossdock.config.jobs import load_job
from crossdock.connectors.file.sandbox import seed_folder
from crossdock.runtime.job import open_job
from crossdock.runtime.runner import JobRunner

JOB = """\
job: stock-bulk
connections:
  wms: {connector: file, config: {path: wms, stock_format: csv, page_size: 5}}
  shop: {connector: file, config: {path: shop, out_dir: out}}
flows:
  - name: stock
    source: {connection: wms, stream: stock}
    sink: {connection: shop, sink: stock}
"""


async def run(tmp_path: Path, store: Any) -> Any:
    job = tmp_path / "job.yaml"
    job.write_text(JOB)
    async with await open_job(load_job(job), store=store) as opened:
        return await JobRunner(opened).run()


async def test_small_pages_fill_one_batch_of_a_bulk_sink(tmp_path: Path, store: Any) -> None:
    seeded = seed_folder(tmp_path / "wms", orders=0, skus=12, seed=2)
    (tmp_path / "shop").mkdir()
    summary = await run(tmp_path, store)
    assert summary.totals.read == seeded.stock_rows and summary.totals.pages > 1
    assert summary.totals.written == seeded.stock_rows
    written_files = sorted((tmp_path / "shop" / "out").rglob("*.*"))
    assert len(written_files) == 1, f"one batch for {summary.totals.pages} pages, got {written_files}"

    again = await run(tmp_path, store)
    assert again.totals.written == 0
    assert len(sorted((tmp_path / "shop" / "out").rglob("*.*"))) == 1


JOB_CAPPED = JOB + "options: {batch_size: 4}\n"


def written_rows(tmp_path: Path) -> list[list[str]]:
    """The data rows of each batch file the sink wrote, in the order the files were written."""
    files = sorted((tmp_path / "shop" / "out").rglob("*.jsonl"))  # names start with the time of writing
    return [file.read_text().splitlines() for file in files]


async def run_capped(tmp_path: Path, store: Any) -> Any:
    job = tmp_path / "job.yaml"
    job.write_text(JOB_CAPPED.replace("page_size: 5", "page_size: 3"))
    async with await open_job(load_job(job), store=store) as opened:
        return await JobRunner(opened).run()


async def test_only_whole_batches_are_written_until_the_stream_ends(tmp_path: Path, store: Any) -> None:
    seeded = seed_folder(tmp_path / "wms", orders=0, skus=12, seed=2)
    (tmp_path / "shop").mkdir()
    summary = await run_capped(tmp_path, store)
    assert summary.totals.written == seeded.stock_rows
    sizes = [len(rows) for rows in written_rows(tmp_path)]
    full, rest = divmod(seeded.stock_rows, 4)
    assert sizes.count(4) == full, f"pages of 3 into batches of 4 were cut as {sizes}"
    assert len(sizes) == full + (1 if rest else 0)


async def test_a_crash_between_batches_that_split_a_page_loses_and_repeats_nothing(
    tmp_path: Path, store: Any, monkeypatch: Any
) -> None:
    from crossdock.connectors.file._sinks import FileSink

    seeded = seed_folder(tmp_path / "wms", orders=0, skus=12, seed=2)
    (tmp_path / "shop").mkdir()
    original = FileSink.write
    calls = 0

    class Killed(BaseException):
        """Stands for the process dying between two deliveries."""

    async def dies_on_the_third_batch(self: Any, batch: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise Killed()
        return await original(self, batch)

    monkeypatch.setattr(FileSink, "write", dies_on_the_third_batch)
    try:
        await run_capped(tmp_path, store)
    except Killed:
        pass
    else:
        raise AssertionError("the run should have died on its third batch")
    monkeypatch.setattr(FileSink, "write", original)

    summary = await run_capped(tmp_path, store)
    assert summary.status == "succeeded", summary.message
    rows = [row for batch in written_rows(tmp_path) for row in batch]
    assert len(rows) == seeded.stock_rows, "every row written once, none lost, none twice"
    assert len(set(rows)) == len(rows)
