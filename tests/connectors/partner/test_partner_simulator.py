"""The simulated partner itself: what it sends is X12 an independent validator accepts, and it can be driven
in-process, over HTTP, or left to run on its own schedule when served."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from partner_kit import ConnectorFactory, WHEN, customer_order, files_in, write_orders

from crossdock.connectors.partner import PartnerConnector
from crossdock.connectors.partner.sandbox import PartnerSimulator, create_app, latest_simulator_root, sscc_with_check_digit
from crossdock.core.models.shipment import sscc_check_digit_ok
from crossdock.edi.validation_pyx12 import validate_with_pyx12
from crossdock.runtime.job import SANDBOX_BASE_URL


def test_sscc_check_digits_follow_gs1() -> None:
    assert sscc_with_check_digit("00614141123456789") == "006141411234567890"  # GS1's own example
    assert all(sscc_check_digit_ok(sscc_with_check_digit(f"0061414100000{n:04d}")) for n in range(200))


async def test_what_the_partner_sends_and_what_we_send_both_pass_pyx12_validation(
    make_connector: ConnectorFactory, make_simulator, mailbox_root: Path
) -> None:
    simulator: PartnerSimulator = make_simulator(ship_after=0, stock_every=1, backorder_rate=0.5, skus=["ACME-0001"])
    await write_orders(make_connector(), [customer_order(15001), customer_order(15002)])
    (ours,) = files_in(mailbox_root / "outbox")
    our_text = ours.read_text()

    simulator.tick()
    (theirs,) = files_in(simulator.drop_into)

    assert validate_with_pyx12(our_text).errors == []
    result = validate_with_pyx12(theirs.read_text())
    assert result.errors == [], result.errors
    assert {d["set"] for d in simulator.sent[0]["documents"]} == {"846", "855", "856", "997"}
    assert "SCH*" in theirs.read_text(), "a backordered SKU's future availability was validated too"


async def test_faults_damage_that_share_of_files_and_are_reported(make_simulator) -> None:
    simulator: PartnerSimulator = make_simulator(stock_every=1, faults=1.0, seed=11, skus=["ACME-0001"])

    for _ in range(6):
        simulator.tick()

    kinds = [entry["fault"]["kind"] for entry in simulator.sent]
    assert len(kinds) == 6 and set(kinds) <= {"segment_count", "bad_code"}
    assert all(validate_with_pyx12(p.read_text()).errors for p in files_in(simulator.drop_into)[:2]), "damaged for real"


async def test_the_app_is_driven_and_inspected_over_its_control_endpoints(tmp_path: Path, make_connector: ConnectorFactory) -> None:
    app = create_app(root=tmp_path / "shared", seed=5, ship_after=1, stock_every=0, backorder_rate=0, reject_rate=0, clock=lambda: WHEN)
    config = PartnerConnector.sandbox_config(SANDBOX_BASE_URL)
    assert Path(config["mailbox"]["root"]) == tmp_path / "shared" == latest_simulator_root(), "config meets the app"
    connector = make_connector(mailbox=config["mailbox"])
    await write_orders(connector, [customer_order(16001)])

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SANDBOX_BASE_URL) as client:
        ticked = (await client.post("/_sandbox/tick", json={"ticks": 2})).json()
        received = (await client.get("/_sandbox/received")).json()
        sent = (await client.get("/_sandbox/sent")).json()
        mailbox = (await client.get("/_sandbox/mailbox")).json()
        refused = await client.post("/_sandbox/tick", json={"ticks": 1000})
        await client.post("/_sandbox/reset")
        after_reset = (await client.get("/_sandbox/received")).json()

    assert ticked["tick"] == 2 and len(ticked["sent"]) == 2
    assert [po["po_number"][:5] for po in received] == ["16001"]
    assert [d["set"] for d in sent[0]["documents"]] == ["997", "855"] and [d["set"] for d in sent[1]["documents"]] == ["856"]
    assert mailbox["root"] == str(tmp_path / "shared")
    assert refused.status_code == 400
    assert after_reset == []


async def test_served_the_partner_works_on_its_own_schedule(tmp_path: Path) -> None:
    app = create_app(root=tmp_path / "served", stock_every=1, tick_seconds=0.01)
    simulator: PartnerSimulator = app.state.simulator

    async with app.router.lifespan_context(app):  # what uvicorn runs when it serves the app
        async with asyncio.timeout(5):
            while simulator.ticks < 2:
                await asyncio.sleep(0.01)

    assert len(files_in(simulator.drop_into)) >= 2, "an 846 on every tick, without anyone asking"


def test_an_unknown_partner_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="not found"):
        create_app(root=tmp_path, profile="no-such-partner")
