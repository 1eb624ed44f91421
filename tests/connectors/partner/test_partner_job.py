"""Real jobs through the runner and a SQLite store: orders from files to the partner, its stock back to files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from partner_kit import CUSTOMER, files_in, translated

from crossdock.config.jobs import parse_job
from crossdock.connectors.partner.sandbox import PartnerSimulator
from crossdock.edi.partners import PartnerProfile
from crossdock.edi.translate import FunctionalAcknowledgement
from crossdock.runtime.job import open_job
from crossdock.runtime.runner import JobRunner, RunSummary

JOB = """\
job: acme
state: sqlite:///{state}
connections:
  shop:
    connector: file
    config: {{path: shop, orders_format: jsonl, stock_format: csv, out_dir: out}}
  acme:
    connector: partner
    config:
      partner: acme-dropship
      mailbox: {{type: local, root: mailbox}}
      location_id: acme-dropship
flows:
  - name: orders-to-acme
    source: {{connection: shop, stream: orders}}
    sink: {{connection: acme, sink: purchase_orders}}
  - name: acme-stock
    source: {{connection: acme, stream: stock}}
    sink: {{connection: shop, sink: stock}}
"""


async def run_job(tmp_path: Path) -> tuple[RunSummary, list[Any]]:
    config = parse_job(JOB.format(state=tmp_path / "state.db"), source_file=tmp_path / "job.yaml")
    async with await open_job(config) as job:
        summary = await JobRunner(job).run()
        errors = await job.store.error_list(job="acme")
    return summary, errors


def export_orders(tmp_path: Path, *numbers: int) -> None:
    """A storefront's JSONL export (the file connector's format): lines routed nowhere go to the partner."""
    folder = tmp_path / "shop" / "orders"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        {
            "id": f"order-{n}",
            "number": str(n),
            "created_at": "2026-03-02T15:04:00Z",
            "currency": "USD",
            "ship_to": CUSTOMER.model_dump(mode="json", exclude_none=True),
            "total": "75.00",
            "lines": [{"id": f"{n}-1", "sku": "DS-CHAIR-OAK", "quantity": 3, "unit_price": "25.00"}],
        }
        for n in numbers
    ]
    (folder / f"orders-{numbers[0]}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))


async def test_orders_from_files_reach_the_partner_once_and_its_stock_comes_back(
    tmp_path: Path, make_simulator, mailbox_root: Path
) -> None:
    simulator: PartnerSimulator = make_simulator(stock_every=1, skus=["ACME-0001", "ACME-0002"])
    export_orders(tmp_path, 10001, 10002)

    first, _ = await run_job(tmp_path)
    simulator.tick()
    second, _ = await run_job(tmp_path)
    third, _ = await run_job(tmp_path)

    assert first.status == "succeeded", first.message
    assert first.flows["orders-to-acme"].written == 2
    assert [po["po_number"][:5] for po in simulator.received] == ["10001", "10002"]
    assert second.status == "succeeded", second.message
    assert second.flows["orders-to-acme"].written == 0, "nothing sent twice"
    assert second.flows["acme-stock"].written == 3, "two catalogue SKUs and the one ordered"
    assert third.totals.written == 0
    (stock_file,) = files_in(tmp_path / "shop" / "out" / "stock")
    assert "acme-dropship" in stock_file.read_text()


async def test_broken_inbound_file_goes_to_error_queue_and_gets_rejecting_997(
    tmp_path: Path, make_simulator, mailbox_root: Path, acme: PartnerProfile
) -> None:
    simulator: PartnerSimulator = make_simulator(stock_every=1, faults=1.0, skus=["ACME-0001", "ACME-0002"])
    (tmp_path / "shop").mkdir()
    simulator.tick()  # an 846, damaged
    (broken,) = simulator.sent
    assert broken["fault"] is not None

    summary, errors = await run_job(tmp_path)

    assert summary.status == "partial", summary.message
    assert (summary.flows["acme-stock"].written, summary.flows["acme-stock"].failed) == (0, 1)
    (parked,) = errors
    assert (parked.flow, parked.stage) == ("acme-stock", "map")
    assert parked.payload["file"] == broken["file"]
    assert "rejected" in parked.payload["problem"] and parked.payload["set"] == "846"
    assert parked.payload["issues"], "every issue found is kept with the record"
    failed = files_in(mailbox_root / "failed")
    assert [p.name for p in failed] == [broken["file"], f"{broken['file']}.reason.txt"]
    (ack,) = [d for r in translated(files_in(mailbox_root / "outbox", "acme-dropship_997_"), acme) for d in r.documents]
    assert isinstance(ack, FunctionalAcknowledgement)
    assert (ack.functional_id, ack.status) == ("IB", "R")
    assert [s.accepted for s in ack.sets] == [False]

    simulator.faults = 0.0
    simulator.tick()  # the partner reads our rejection and sends the 846 again, cleanly (and its next one)
    again, errors_again = await run_job(tmp_path)

    resent = simulator.sent[-1]
    assert [d["set"] for d in resent["documents"]] == ["846", "846"] and resent["fault"] is None
    assert again.status == "succeeded", again.message
    assert again.flows["acme-stock"].failed == 0 and again.flows["acme-stock"].written >= 2
    assert len(errors_again) == 1, "the parked record stays for an operator; nothing new is parked"
    assert json.dumps(parked.payload)  # JSON all the way down: it can be shown and edited


SANDBOX_JOB = """\
job: acme-sandboxed
state: sqlite:///{state}
connections:
  shop:
    connector: file
    config: {{path: shop, orders_format: jsonl, stock_format: csv, out_dir: out}}
  acme:
    connector: partner
    sandbox: true
    sandbox_options: {{seed: 4, ship_after: 1, stock_every: 1, skus: [ACME-0001], backorder_rate: 0.0, reject_rate: 0.0}}
    config:
      partner: acme-dropship
      location_id: acme-dropship
      mailbox: {{type: simulator}}
flows:
  - name: orders-to-acme
    source: {{connection: shop, stream: orders}}
    sink: {{connection: acme, sink: purchase_orders}}
  - name: acme-stock
    source: {{connection: acme, stream: stock}}
    sink: {{connection: shop, sink: stock}}
"""


async def test_a_sandboxed_job_meets_its_simulator_through_the_simulator_mailbox(tmp_path: Path) -> None:
    export_orders(tmp_path, 17001)
    config = parse_job(SANDBOX_JOB.format(state=tmp_path / "state.db"), source_file=tmp_path / "job.yaml")

    async with await open_job(config) as job:
        first = await JobRunner(job).run()
        simulator: PartnerSimulator = job.sandboxes["acme"].state.simulator
        simulator.tick()  # the demo lets the partner answer between runs
        second = await JobRunner(job).run()

    assert first.flows["orders-to-acme"].written == 1
    assert [po["po_number"][:5] for po in simulator.received] == ["17001"]
    assert second.status == "succeeded", second.message
    assert second.flows["acme-stock"].written == 2, "its catalogue SKU and the one ordered, at location acme-dropship"
