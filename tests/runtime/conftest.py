"""Fixtures of the runner's specification tests: a scratch store per backend and the ERP harness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from runtime_harness import ERP_TOKEN, FaultyErp, Harness

from crossdock.connectors.file.sandbox import seed_folder
from crossdock.connectors.rest.sandbox import create_app
from crossdock.runtime.state.testing import store_backends

store = store_backends()


@pytest.fixture
def harness(tmp_path: Path, store: Any, monkeypatch: pytest.MonkeyPatch) -> Harness:
    seeded = seed_folder(tmp_path / "shop", orders=30, skus=8, seed=3, orders_per_file=10)
    assert seeded.orders == 30
    erp = FaultyErp(app=create_app(seed=3, orders=0, token=ERP_TOKEN))
    return Harness(tmp=tmp_path, store=store, erp=erp, waits=[], monkeypatch=monkeypatch)
