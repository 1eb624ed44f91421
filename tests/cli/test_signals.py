"""SIGINT / SIGTERM stop a run gracefully: the page in flight is written and checkpointed, the next run resumes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crossdock.connectors.file.sandbox import seed_folder

JOB = """\
job: paced
state: sqlite:///{state}
connections:
  shop:
    connector: file
    config: {{path: shop, orders_format: jsonl, page_size: 10}}
  erp:
    connector: rest
    sandbox: true
    config:
      base_url: https://erp.example.com
      auth: {{type: bearer, token: "${{file:token.txt}}"}}
      rate_limit: {{requests_per_second: 40, burst: 1}}
      sinks:
        orders: {{path: /orders, method: POST, key_header: Idempotency-Key, id_path: id}}
flows:
  - name: orders
    source: {{connection: shop, stream: orders}}
    sink: {{connection: erp, sink: orders}}
options: {{concurrency: 1}}
"""


def wait_for_first_checkpoint(database: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Until the run has checkpointed a page: the signal then lands mid-run however slow the start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
                if db.execute("SELECT count(*) FROM cursors").fetchone()[0]:
                    return
        except sqlite3.OperationalError:  # not created, or its tables not migrated yet
            pass
        time.sleep(0.05)
    raise AssertionError("the run checkpointed no page in time")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_after_a_checkpoint_and_the_next_run_finishes_the_rest(tmp_path: Path, sig: signal.Signals) -> None:
    seed_folder(tmp_path / "shop", orders=200, skus=10, seed=5, orders_per_file=50)
    (tmp_path / "token.txt").write_text("crossdock-sandbox-erp-token\n")
    job = tmp_path / "job.yaml"
    job.write_text(JOB.format(state=tmp_path / "state.db"))
    exe = str(Path(sys.executable).with_name("crossdock"))

    proc = subprocess.Popen([exe, "run", str(job), "--once", "--json"], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    wait_for_first_checkpoint(tmp_path / "state.db", proc)  # paced at 40 writes/s: 5 s for all 200
    assert proc.poll() is None, "the run ended before the signal; pace it slower"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    first = json.loads(out)
    assert first["status"] == "interrupted"
    assert 0 < first["totals"]["written"] < 200
    assert first["totals"]["written"] % 10 == 0, "it stopped on a page boundary, after the page's checkpoint"

    done = subprocess.run([exe, "run", str(job), "--once", "--json"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    second = json.loads(done.stdout)
    assert second["status"] == "succeeded"
    assert first["totals"]["written"] + second["totals"]["written"] == 200, "nothing lost, nothing written twice"
    assert second["totals"]["read"] == 200 - first["totals"]["read"]
