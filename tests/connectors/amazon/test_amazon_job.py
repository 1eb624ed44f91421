"""A real job: stock files → Amazon through the runner; what Amazon rejects waits in the error queue."""

from __future__ import annotations

from pathlib import Path
import httpx
import pytest

from crossdock.config.jobs import load_job
from crossdock.connectors.amazon import SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from crossdock.connectors.amazon.sandbox import create_app
from crossdock.runtime.job import open_job
from crossdock.runtime.runner import JobRunner

JOB = """\
job: stock-to-amazon
state: sqlite:///{state}
connections:
  shop:
    connector: file
    config: {{path: shop, stock_format: csv}}
  amazon:
    connector: amazon
    config:
      endpoint: https://sellingpartnerapi-na.amazon.com
      client_id: amzn1.application-oa2-client.crossdocksandbox
      client_secret: "${{env:AMAZON_LWA_CLIENT_SECRET}}"
      refresh_token: "${{env:AMAZON_REFRESH_TOKEN}}"
      seller_id: A2CROSSDOCKSANDBOX
      marketplace_ids: [ATVPDKIKX0DER]
      feed_poll_interval: 0
flows:
  - name: stock
    source: {{connection: shop, stream: stock}}
    sink: {{connection: amazon, sink: stock}}
"""

STOCK_CSV = """\
sku,location,on_hand,committed,available,as_of
CD-00001,WH-EAST,10,2,8,2026-03-02T06:00:00Z
CD-00002,WH-EAST,5,0,5,2026-03-02T06:00:00Z
RETIRED-SKU,WH-EAST,4,0,4,2026-03-02T06:00:00Z
CD-00003,WH-EAST,0,0,0,2026-03-02T06:00:00Z
"""


async def test_rejected_stock_updates_wait_in_the_error_queue_and_the_rest_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shop" / "stock").mkdir(parents=True)
    (tmp_path / "shop" / "stock" / "20260302T0600__stock.csv").write_text(STOCK_CSV)
    (tmp_path / "job.yaml").write_text(JOB.format(state=tmp_path / "state.db"))
    monkeypatch.setenv("AMAZON_LWA_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
    monkeypatch.setenv("AMAZON_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
    app = create_app(seed=2, orders=1)

    async def no_wait(seconds: float) -> None:
        return None

    job = await open_job(load_job(tmp_path / "job.yaml"), transports={"amazon": httpx.ASGITransport(app=app)}, http_sleep=no_wait)
    async with job:
        summary = await JobRunner(job).run()
        errors = await job.store.error_list(job="stock-to-amazon")

    assert summary.status == "partial", summary.message
    assert (summary.flows["stock"].written, summary.flows["stock"].failed) == (3, 1)
    [parked] = errors
    assert parked.trace_key == "RETIRED-SKU@WH-EAST" and parked.stage == "write" and parked.system == "amazon"
    assert parked.error_class == "RecordError"
    assert "NOT_FOUND" in parked.message
    assert parked.details["issues"][0]["code"] == "NOT_FOUND"
    assert parked.payload["record"]["sku"] == "RETIRED-SKU"
    quantities = {sku: listing.quantity for sku, listing in app.state.amazon.listings.items()}
    assert (quantities["CD-00001"], quantities["CD-00002"], quantities["CD-00003"]) == (8, 5, 0)
    assert len(app.state.amazon.feeds_api.feeds) == 1, "one feed for the whole page"
