"""Control numbers: every interchange, group and set we send has a number never used before, across restarts."""

from __future__ import annotations

from pathlib import Path

from partner_kit import ConnectorFactory, customer_order, interchanges_of, read_stream, write_orders

from crossdock.connectors.partner.sandbox import PartnerSimulator
from crossdock.runtime.state import open_store


def everything_we_sent(simulator: PartnerSimulator) -> list[Path]:
    """Files the partner collected from us, plus any it has not collected yet, in the order they were delivered."""
    collected = [p for p in (simulator.own_folder / "collected").iterdir() if p.is_file()]
    waiting = [p for p in simulator.collect_from.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(collected + waiting, key=lambda p: p.stat().st_mtime_ns)


async def test_control_numbers_increase_and_survive_restart(
    make_connector: ConnectorFactory, make_simulator, state_url: str
) -> None:
    simulator: PartnerSimulator = make_simulator(ship_after=100)  # 855s only: one PO and one FA group per pass
    for numbers in ((12001, 12002), (12003,), (12004, 12005)):
        async with await open_store(state_url) as store:  # each pass is a new process on the same state
            connector = make_connector(state=store)
            await write_orders(connector, [customer_order(n) for n in numbers])  # an 850 interchange
            simulator.tick()
            await read_stream(connector.stream("acknowledgements"))  # a 997 interchange for the partner's 855s
            await connector.close()

    interchanges = interchanges_of(everything_we_sent(simulator))
    isa13 = [int(ic.control_number) for ic in interchanges]
    gs06 = [int(g.control_number) for ic in interchanges for g in ic.groups]
    st02 = [int(ts.control_number) for ic in interchanges for g in ic.groups for ts in g.transaction_sets]
    kinds = [g.functional_id for ic in interchanges for g in ic.groups]
    assert kinds == ["PO", "FA"] * 3
    assert isa13 == sorted(isa13) and len(set(isa13)) == len(isa13) == 6, "strictly increasing, never reused"
    assert gs06 == sorted(gs06) and len(set(gs06)) == len(gs06)
    assert st02 == sorted(st02) and len(set(st02)) == len(st02) == 5 + 3
    assert all(not ic.all_issues() for ic in interchanges)
    assert len(simulator.received) == 5 and simulator.duplicates == [], "the partner got every PO, no ISA13 twice"
