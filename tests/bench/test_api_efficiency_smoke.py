"""``bench/api_efficiency.py`` at tiny sizes: it runs end to end and prints the table the issue asks for.

The sizes keep every count exact and small (300 SKUs: two Shopify mutations and look-ups, one Amazon
feed; 120 orders: two searchOrders pages), so the printed figures are checked, not just the headings.
Throughput lines are checked for what is not a matter of timing: no 429 / THROTTLED reached the runner.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "api_efficiency.py"
TINY = ["--skus", "300", "--orders", "120", "--shipments", "12", "--throughput-orders", "8", "--defaults-skus", "600"]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crossdock_bench_api_efficiency", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench()


def row(output: str, operation: str) -> list[str]:
    """The columns after ``operation`` on its table line: records, made, minimum, ratio, target…"""
    line = next((l for l in output.splitlines() if l.startswith(operation)), None)
    assert line is not None, f"no line for {operation!r} in:\n{output}"
    return line[len(operation):].split()


def test_a_tiny_run_prints_requests_against_each_minimum_and_throughput(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = bench.main([*TINY, "--workdir", str(tmp_path)])
    output = capsys.readouterr().out

    assert row(output, "Shopify stock push (tuned job): mutations")[:5] == ["300", "2", "2", "1.00×", "1.0×"]
    assert row(output, "  + look-ups (SKU → inventory item, current quantity)")[:4] == ["300", "2", "2", "1.00×"]
    assert row(output, "Amazon stock push (tuned job): feeds")[:4] == ["300", "1", "1", "1.00×"]
    assert row(output, "Shopify stock push again, nothing changed")[:6] == ["300", "0", "0", "—", "0", "met"]
    assert row(output, "Amazon stock push again, nothing changed")[:6] == ["300", "0", "0", "—", "0", "met"]
    assert "300 of 300 skipped by the runner (latest state)" in output
    shopify_pages = row(output, "Shopify orders read: pages")
    assert shopify_pages[0] == "120" and shopify_pages[1] == shopify_pages[2], "pages at the cost-bound minimum"
    amazon_pages = row(output, "Amazon orders read: searchOrders pages + per-order calls")
    assert amazon_pages[:3] == ["120", "2", "2"] and "getOrder" not in " ".join(amazon_pages)
    # Defaults (file pages of 100, no options.batch_size): the runner holds pages to fill the feed,
    # and cuts Shopify's batches at 250 whatever the page size (600 SKUs: 250 + 250 + 100, not 300 + 300).
    assert row(output, "Amazon stock push (job defaults): feeds")[:3] == ["600", "1", "1"], "one feed, not one a page"
    assert row(output, "Shopify stock push (job defaults): mutations")[:3] == ["600", "3", "3"]

    for operation in ("Amazon confirmShipment", "Shopify GraphQL orders read"):
        columns = row(output, operation)
        reached_runner = columns[columns.index("≥") - 1]
        assert reached_runner == "0", f"{operation}: a 429 / THROTTLED reached the runner"
    assert status in (0, 1) and ("every target met" in output or "targets NOT met" in output)


def test_the_limit_admits_a_call_once_the_bucket_holds_its_requested_cost(bench: ModuleType) -> None:
    class Call:
        def __init__(self, requested: int, actual: int) -> None:
            self.requested_cost, self.actual_cost = requested, actual

    # Bucket 200 at 50/s, calls asking 111 and spending 37: the 4th needs 3 × 37 + 111 = 222, 22 over → 0.44 s;
    # the 8th needs 7 × 37 + 111 = 370 → (370 − 200) / 50 = 3.4 s.
    calls: list[Any] = [Call(111, 37) for _ in range(8)]
    assert bench.earliest_last_call(calls[:3], 200, 50) == 0.0
    assert bench.earliest_last_call(calls[:4], 200, 50) == pytest.approx(0.44)
    assert bench.earliest_last_call(calls, 200, 50) == pytest.approx(3.4)
    # One request per call (Amazon): the burst goes at once, then one per 1/rate.
    assert bench.earliest_last_call([Call(1, 1) for _ in range(60)], 10, 2) == pytest.approx(25.0)
