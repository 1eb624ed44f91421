"""Crashes at the worst moments, on a real SQLite store: every inbound file is filed and acknowledged once."""

from __future__ import annotations

from pathlib import Path

import pytest
from partner_kit import ConnectorFactory, customer_order, files_in, interchanges_of, read_stream, write_orders

from crossdock.connectors.partner._spool import Spool, SpoolStaging
from crossdock.connectors.partner.sandbox import PartnerSimulator
from crossdock.core.contract import IncrementalCursor
from crossdock.edi.transport import MailboxFile
from crossdock.runtime.state import open_store


class SimulatedCrash(BaseException):
    """The process dies here (a BaseException, so nothing on the way catches it)."""


class CrashOnArchive:
    """Dies right after a file was processed and recorded, before it is archived."""

    crashes = 1

    async def archive(self, file: MailboxFile) -> str:
        if CrashOnArchive.crashes:
            CrashOnArchive.crashes -= 1
            raise SimulatedCrash
        return await super().archive(file)  # type: ignore[misc]


class _CrashingStaging(SpoolStaging):
    def publish(self) -> int:
        raise SimulatedCrash


class CrashBeforePublishing(Spool):
    """Dies after the file was translated and acknowledged, before its documents reach the spool."""

    def staging(self, claim_id: str, arrival: int) -> SpoolStaging:
        plain = super().staging(claim_id, arrival)
        return _CrashingStaging(plain.spool, plain.folder, plain.arrival)


def our_997s(mailbox_root: Path) -> list[Path]:
    return files_in(mailbox_root / "outbox", "acme-dropship_997_")


async def _partner_answered(make_connector: ConnectorFactory, simulator: PartnerSimulator, *numbers: int) -> None:
    await write_orders(make_connector(), [customer_order(n) for n in numbers])
    simulator.tick()
    assert len(files_in(simulator.drop_into)) == 1


async def test_crash_between_claim_and_archive_processes_once(
    make_connector: ConnectorFactory, simulator: PartnerSimulator, mailbox_root: Path, state_url: str
) -> None:
    await _partner_answered(make_connector, simulator, 9001, 9002)
    CrashOnArchive.crashes = 1
    async with await open_store(state_url) as first_life:
        dying = make_connector(state=first_life, behaviour=CrashOnArchive)
        with pytest.raises(SimulatedCrash):
            await read_stream(dying.stream("acknowledgements"))
        await dying.close()
    assert len(files_in(mailbox_root / "claimed")) == 1, "the file is still claimed when the process dies"

    async with await open_store(state_url) as second_life:
        restarted = make_connector(state=second_life)
        cursor = IncrementalCursor()  # the runner's, saved in the store between runs
        records = await read_stream(restarted.stream("acknowledgements"), cursor)
        again = await read_stream(restarted.stream("acknowledgements"), cursor)

    assert sorted(r.payload.purchase_order_number[:4] for r in records) == ["9001", "9002"]
    assert again == []
    assert files_in(mailbox_root / "claimed") == [] and files_in(mailbox_root / "inbox") == []
    assert len(list((mailbox_root / "archive").rglob("*.x12"))) == 1
    assert len(our_997s(mailbox_root)) == 1, "acknowledged once, not again after the restart"


async def test_crash_inside_processing_files_and_acknowledges_once(
    make_connector: ConnectorFactory, simulator: PartnerSimulator, mailbox_root: Path, state_url: str
) -> None:
    await _partner_answered(make_connector, simulator, 9101)
    async with await open_store(state_url) as first_life:
        dying = make_connector(state=first_life)
        dying.spool = CrashBeforePublishing(dying.spool.root)
        with pytest.raises(SimulatedCrash):
            await read_stream(dying.stream("acknowledgements"))
        await dying.close()
    assert len(our_997s(mailbox_root)) == 1, "the 997 left before the crash"

    async with await open_store(state_url) as second_life:
        restarted = make_connector(state=second_life)
        records = await read_stream(restarted.stream("acknowledgements"))

    (record,) = records
    assert record.payload.purchase_order_number.startswith("9101-")
    (ack_file,) = our_997s(mailbox_root)
    (interchange,) = interchanges_of([ack_file])
    assert [g.functional_id for g in interchange.groups] == ["FA"]
    assert files_in(mailbox_root / "claimed") == []


async def test_an_identical_file_sent_again_is_archived_unprocessed(
    make_connector: ConnectorFactory, simulator: PartnerSimulator, mailbox_root: Path
) -> None:
    await _partner_answered(make_connector, simulator, 9201)
    (dropped,) = files_in(simulator.drop_into)
    content = dropped.read_bytes()
    connector = make_connector()
    cursor = IncrementalCursor()
    first = await read_stream(connector.stream("acknowledgements"), cursor)
    (simulator.drop_into / "resent.x12").write_bytes(content)  # the partner's VAN delivers it twice

    second = await read_stream(connector.stream("acknowledgements"), cursor)

    assert len(first) == 1 and second == []
    assert len(our_997s(mailbox_root)) == 1
    assert len(list((mailbox_root / "archive").rglob("*.x12"))) == 2
