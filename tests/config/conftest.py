"""Job files for the tests are written inline, next to the assertions about them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

VALID_JOB = """\
job: orders-to-erp
connections:
  shop:
    connector: file
    config: {path: ./data/in, format: jsonl}
  erp:
    connector: rest
    config:
      base_url: https://erp.example.com/api
      auth: {type: bearer, token: "${env:ERP_TOKEN}"}
flows:
  - name: orders
    source: {connection: shop, stream: orders, mapping: file/order}
    operations:
      - {op: filter, when: "status != 'cancelled'"}
    sink: {connection: erp, sink: orders, mapping: rest/order}
schedule: {every: 5m}
options: {batch_size: 50, lookback: 10m}
"""


@pytest.fixture
def valid_job() -> str:
    """A job that loads (with ERP_TOKEN set); tests change one thing in it."""
    return VALID_JOB


@pytest.fixture
def write_job(tmp_path: Path) -> Callable[[str], Path]:
    """Write a job file (dedented) into a ``jobs`` folder under ``tmp_path`` and return its path."""

    def write(text: str, name: str = "job.yaml") -> Path:
        path = tmp_path / "jobs" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    return write
