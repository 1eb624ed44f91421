"""The demo flow survives a real ``kill -9``: nothing lost, nothing duplicated, in any system.

The sandboxes are served on 127.0.0.1 from this test process, so they outlive the job process that is
killed: what each system received can be counted afterwards. The job is ``config/examples/commerce_demo.yaml``
pointed at those servers and at a partner mailbox folder on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml

from crossdock.connectors.amazon.sandbox import create_app as amazon_sandbox
from crossdock.connectors.netsuite.sandbox import create_app as netsuite_sandbox
from crossdock.connectors.partner._simulator import PartnerSimulator
from crossdock.connectors.shopify.sandbox import create_app as shopify_sandbox

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "config" / "examples"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """An ASGI app on a uvicorn server in a thread, stopped at the end of the test."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("sandbox server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def get(self, path: str) -> Any:
        return httpx.get(self.url + path, timeout=10).json()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    demo = yaml.safe_load((EXAMPLES / "commerce_demo.yaml").read_text())
    catalogue = demo["x-catalogue"]
    amazon_port = free_port()
    apps = {
        "shopify": shopify_sandbox(seed=7, orders=40, skus=catalogue),
        "netsuite": netsuite_sandbox(seed=7, items=catalogue, latency=0.03),  # paced, so the kill lands mid-run
    }
    with Served(apps["shopify"]) as shop, Served(apps["netsuite"]) as erp:
        amazon = Served(amazon_sandbox(seed=7, orders=40, skus=catalogue, public_url=f"http://127.0.0.1:{amazon_port}"))
        amazon.port, amazon.url = amazon_port, f"http://127.0.0.1:{amazon_port}"
        amazon.server.config.port = amazon_port
        with amazon:
            mailbox = tmp_path / "acme-mailbox"
            partner = PartnerSimulator(mailbox, seed=7, skus=["DS-CHAIR-OAK", "DS-LAMP-BRASS", "DS-RUG-WOOL-5X8"],
                                       ship_after=1, stock_every=1)
            connections = demo["connections"]
            for connection in connections.values():
                connection.pop("sandbox", None)
                connection.pop("sandbox_options", None)
            connections["shopify"]["config"]["base_url"] = shop.url
            connections["netsuite"]["config"]["base_url"] = erp.url
            connections["amazon"]["config"]["endpoint"] = amazon.url
            connections["amazon"]["config"]["lwa_endpoint"] = f"{amazon.url}/auth/o2/token"
            connections["acme"]["config"]["mailbox"] = {"type": "local", "root": str(mailbox)}
            demo["state"] = f"sqlite:///{tmp_path / 'state.db'}"
            demo.pop("x-catalogue"), demo.pop("x-route"), demo.pop("x-available-to-sell")
            shutil.copytree(EXAMPLES / "secrets", tmp_path / "secrets")
            job = tmp_path / "demo.yaml"
            job.write_text(yaml.safe_dump(demo, sort_keys=False))
            yield {"job": job, "cwd": tmp_path, "shopify": shop, "netsuite": erp, "amazon": amazon, "partner": partner}


def crossdock(world: dict[str, Any], *args: str) -> subprocess.Popen[str]:
    exe = str(Path(sys.executable).with_name("crossdock"))
    return subprocess.Popen([exe, *args], cwd=world["cwd"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CROSSDOCK_LOG_LEVEL": "WARNING"})


def run_to_completion(world: dict[str, Any]) -> dict[str, Any]:
    proc = crossdock(world, "run", str(world["job"]), "--once", "--json")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    summary = json.loads(out)
    assert summary["status"] == "succeeded", summary["message"]
    return summary


def written(summaries: list[dict[str, Any]], *flows: str) -> int:
    return sum(s["flows"][flow]["written"] for s in summaries for flow in flows)


@pytest.mark.slow
def test_kill_mid_run_then_rerun_loses_nothing_and_duplicates_nothing(world: dict[str, Any]) -> None:
    erp = world["netsuite"]
    proc = crossdock(world, "run", str(world["job"]), "--once")
    deadline = time.monotonic() + 120
    while len(erp.get("/_sandbox/salesorders")) < 10:
        assert proc.poll() is None, "the run ended before it could be killed: pace it slower"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # no handler runs: a crash, not a stop
    proc.wait(timeout=30)
    landed_before_kill = len(erp.get("/_sandbox/salesorders"))
    assert 10 <= landed_before_kill < 78, "the kill must land while orders are still going out"

    runs = [run_to_completion(world)]
    for _ in range(4):  # the partner acknowledges, ships and reports stock
        world["partner"].tick()
    runs.append(run_to_completion(world))
    # The fulfilments just made changed those Shopify orders: that news goes to NetSuite as updates.
    runs.append(run_to_completion(world))
    quiet = run_to_completion(world)
    assert quiet["totals"]["written"] == 0, {k: v for k, v in quiet["flows"].items() if v["written"]}

    created = Counter(r["externalId"] for r in erp.get("/_sandbox/salesorders") if r["action"] == "created")
    assert len(created) == 78, "every non-cancelled Shopify and Amazon order is a NetSuite sales order"
    assert max(created.values()) == 1, f"sales orders created twice: {[k for k, n in created.items() if n > 1]}"
    # Updates are the status changes synced later, plus the page in flight at the kill, resent on resume
    # with the same keys and absorbed by NetSuite's upsert by external ID (no second sales order above).
    updates = [r for r in erp.get("/_sandbox/salesorders") if r["action"] == "updated"]
    status_changes = written(runs[2:], "shopify-orders-to-netsuite", "amazon-orders-to-netsuite")
    resent_after_kill = len(updates) - status_changes
    assert 0 <= resent_after_kill <= 250, "at most the page in flight at the kill is sent again"

    pos = Counter(po["po_number"] for po in world["partner"].received)
    sent = written(runs, "shopify-dropship-to-acme", "amazon-dropship-to-acme")
    assert sent > 0 and len(pos) == sent, "every PO the runs sent reached the partner"
    assert max(pos.values()) == 1, "each dropship order reached the partner once"
    assert world["partner"].duplicates == [], "no interchange was sent to the partner twice"

    fulfilments = Counter(f.get("orderId") or f.get("order_id") or str(f) for f in world["shopify"].get("/_sandbox/fulfillments"))
    confirmations = world["amazon"].get("/_sandbox/shipments")["shipments"]
    assert fulfilments and max(fulfilments.values()) == 1, "each partner shipment became one Shopify fulfilment"
    packages = Counter((c.get("orderId"), (c.get("packageDetail") or c).get("packageReferenceId")) for c in confirmations)
    assert confirmations and max(packages.values()) == 1, "each shipment confirmed once on Amazon"
    shipped = written(runs, "acme-shipments-to-shopify", "acme-shipments-to-amazon")
    amazon_orders = {order_id for order_id, _ in packages}
    assert shipped > 0 and len(fulfilments) + len(amazon_orders) == shipped, "every partner shipment reached its channel"
