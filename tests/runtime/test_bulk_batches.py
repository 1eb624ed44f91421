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
