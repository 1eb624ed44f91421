"""Acknowledging inbound files: a 997/999 per group, a TA1 where due, control numbers never reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.edi.partners import PartnerProfile
from crossdock.edi.pipeline import acknowledge, validate
from crossdock.edi.translate import ControlNumbers, SequentialControlNumbers, StoreControlNumbers
from crossdock.runtime.state import open_store
from pipeline_support import ack_groups, functional_group, interchange, purchase_order_850, read_acks, ta1_segments

TWO_GROUPS = "staedi_810_850_two_groups.edi"


def _numbers(ack: str) -> list[tuple[int, list[int], list[int]]]:
    return [
        (int(ic.control_number), [int(g.control_number) for g in ic.groups],
         [int(ts.control_number) for g in ic.groups for ts in g.transaction_sets])
        for ic in read_acks(ack)
    ]  # fmt: skip


class _CrashAfterIsa13:
    """Takes an ISA13 from the store, then dies before the acknowledgment is written (a crash)."""

    def __init__(self, numbers: ControlNumbers) -> None:
        self.numbers = numbers
        self.taken: int | None = None

    async def next_isa13(self) -> int:
        self.taken = await self.numbers.next_isa13()
        return self.taken

    async def next_gs06(self) -> int:
        raise RuntimeError("process killed")

    async def next_st02(self) -> int:
        raise RuntimeError("process killed")


async def test_ack_control_numbers_never_reused_across_reopen(edi_samples_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    report = await validate(edi_samples_dir / TWO_GROUPS)
    seen: list[tuple[int, list[int], list[int]]] = []
    for _ in range(2):  # the second round is a restart: a new process opening the same store
        async with await open_store(url) as store:
            for _ in range(2):
                seen += _numbers(await acknowledge(report, control_numbers=StoreControlNumbers(store, "staedi")))
    async with await open_store(url) as store:
        crashing = _CrashAfterIsa13(StoreControlNumbers(store, "staedi"))
        with pytest.raises(RuntimeError):
            await acknowledge(report, control_numbers=crashing)
    async with await open_store(url) as store:
        seen += _numbers(await acknowledge(report, control_numbers=StoreControlNumbers(store, "staedi")))

    isa13s = [isa13 for isa13, _, _ in seen]
    gs06s = [gs06 for _, groups, _ in seen for gs06 in groups]
    st02s = [st02 for _, _, sets in seen for st02 in sets]
    assert isa13s == [1, 2, 3, 4, 6]  # 5 was taken by the run that crashed: a gap, never a reuse
    assert crashing.taken == 5
    assert gs06s == sorted(set(gs06s)) and len(gs06s) == 10
    assert st02s == sorted(set(st02s)) and len(st02s) == 10


async def test_ta1_when_requested_or_envelope_broken(acme: PartnerProfile) -> None:
    group = functional_group("PO", "1", purchase_order_850())

    requested = await validate(interchange(group, ack_requested="1").encode(), partner=acme)
    ack = await acknowledge(requested, control_numbers=SequentialControlNumbers())
    assert ta1_segments(ack) == [["000000101", "240102", "1030", "A", "000"]]
    assert [answer.ak9[0] for answer in ack_groups(ack)] == ["A"]
    assert ack.index("TA1*") < ack.index("GS*")  # the TA1 sits between our ISA and the first GS

    no_ta1_partner = acme.model_copy(
        update={"acknowledgements": acme.acknowledgements.model_copy(update={"ta1_when_requested": False})}
    )
    ack = await acknowledge(requested, partner=no_ta1_partner, control_numbers=SequentialControlNumbers())
    assert ta1_segments(ack) == []

    not_requested = await validate(interchange(group).encode(), partner=acme)
    assert ta1_segments(await acknowledge(not_requested, control_numbers=SequentialControlNumbers())) == []

    mismatched = await validate(interchange(group, iea02="000000102").encode(), partner=acme)
    ack = await acknowledge(mismatched, control_numbers=SequentialControlNumbers())
    assert ta1_segments(ack) == [["000000101", "240102", "1030", "R", "001"]]
    assert [answer.ak9[0] for answer in ack_groups(ack)] == ["R"]  # a rejected interchange's groups are not processed

    truncated = interchange(group).rsplit("GE*", 1)[0]
    report = await validate(truncated.encode(), partner=acme)
    assert report.interchanges[0].ta1_code == "R"
    assert ta1_segments(await acknowledge(report, control_numbers=SequentialControlNumbers()))[0][3:] == ["R", "023"]


async def test_an_interchange_whose_isa_alone_is_readable_gets_a_rejecting_ta1() -> None:
    # The character after ISA16 is a letter: the segment terminator cannot be worked out.
    broken = interchange(functional_group("PO", "1", purchase_order_850())).replace(">~GS*", ">GS*", 1)
    report = await validate(broken.encode())
    (ic,) = report.interchanges
    assert not ic.readable and ic.verdict == "rejected" and not ic.groups
    assert report.read_error is not None and not report.valid
    ack = await acknowledge(report, control_numbers=SequentialControlNumbers(start=7))
    assert ta1_segments(ack) == [["000000101", "240102", "1030", "R", "004"]]
    (answer,) = read_acks(ack)
    assert not answer.groups and answer.control_number == "000000007"
    assert (answer.sender_id, answer.receiver_id) == ("CROSSDOCKMERCH", "5125550100")  # sender and receiver swapped


async def test_997_or_999_follows_the_version_and_the_partner(edi_samples_dir: Path, bigbox: PartnerProfile) -> None:
    report = await validate(edi_samples_dir / "staedi_997_5010.edi")
    assert [a.set_id for a in ack_groups(await acknowledge(report, control_numbers=SequentialControlNumbers()))] == ["999"]
    with_bigbox = await acknowledge(report, partner=bigbox, control_numbers=SequentialControlNumbers())
    assert [a.set_id for a in ack_groups(with_bigbox)] == ["997"]  # BigBox answers 997 even on 005010
    assert await acknowledge(report, control_numbers=SequentialControlNumbers(), acknowledge_acks=False) == ""


async def test_acknowledgment_keeps_the_partners_separators_and_swaps_the_parties(edi_samples_dir: Path) -> None:
    report = await validate(edi_samples_dir / "nodex12_850_4010VICS_newline_term.edi")
    ack = await acknowledge(report, control_numbers=SequentialControlNumbers())
    assert ack.startswith("ISA*00*          *00*          *01*999999999      *12*4405197800     *")
    assert ack.splitlines()[0].endswith("*U*00400*000000001*0*P*>")  # the partner's ISA12 and its newline terminator
    assert "\nGS*FA*999999999*4405197800*" in ack and "\nAK1*PO*1421\n" in ack
