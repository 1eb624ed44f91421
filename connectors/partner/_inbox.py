"""The inbox step every inbound stream runs first: claim, validate, acknowledge, file by kind.

Several streams read one mailbox and one file may hold several kinds of documents, so no stream
claims files for itself. Instead, before reading, a stream runs :meth:`PartnerInbox.run`, which
passes every new file through :func:`crossdock.edi.transport.process_once` (claimed once, processed
once, archived only after processing is durable) with a handler that

1. gives the file an arrival number (the same one again if the claim is a recovered one),
2. validates it with :func:`crossdock.edi.pipeline.validate` (envelopes, pyx12, Crossdock's checks,
   an ISA13 the partner already used),
3. files accepted sets' documents per stream in the spool's staging area (``_reading``),
4. sends the partner one file answering each interchange (a 997 per group but its own 997s, a TA1
   where due), once, through :class:`OutboundFiles`,
5. settles the partner's 997s against the groups we sent (``edi.pipeline`` tracking),
6. publishes the staged documents into the spool, where each stream reads its own kind,
7. fails the file (``failed/`` with the reason) when the partner must send any part again; those
   parts are in the spool as problem records already, which the runner parks in the error queue.

Every step is safe to repeat after a crash: the arrival number, the staged names and the ledger keys
are the same the second time, so nothing is filed or acknowledged twice. (The duplicate-ISA13 check
is skipped for a recovered claim: the first attempt remembered its ISA13s.)
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crossdock.core.errors import RecordError
from crossdock.edi import X12ReadError
from crossdock.edi.pipeline import ValidationReport, acknowledge, overdue, validate
from crossdock.edi.transport import MailboxFile, ProcessReport, process_once
from crossdock.edi.translate import StoreControlNumbers

from ._keys import ack_ledger_key, x12_bytes
from ._outbound import StagedDelivery
from ._reading import stage_inbound_file

if TYPE_CHECKING:
    from ._connector import PartnerConnector

__all__ = ["PartnerInbox", "ARRIVAL_SEQUENCE_SCOPE"]

log = logging.getLogger("crossdock.connectors.partner")

ARRIVAL_SEQUENCE_SCOPE = "partner-inbox"
"""State-store sequence scope of inbound arrival numbers (one counter per partner)."""

_ARRIVAL_RECORDS_KEPT = 30 * 24 * 3600.0
_MAX_REASON = 2000


class PartnerInbox:
    """Turns the partner's inbox into spooled documents; one per connector, one pass at a time."""

    def __init__(self, connector: PartnerConnector) -> None:
        self.connector = connector
        self._lock = asyncio.Lock()
        self._pruned = False

    async def run(self) -> ProcessReport:
        """Process every new inbound file (at most ``files_per_run``); returns what happened to each.

        Also raises the alarm on our groups the partner has not acknowledged in time
        (:func:`crossdock.edi.pipeline.overdue`: a warning and an ``AckOverdue`` entry, once per group).
        """
        connector = self.connector
        async with self._lock:
            mailbox = await connector.open_mailbox()
            await connector.outbound.resume(mailbox)
            if not self._pruned:  # once per connection: a listing of every spool folder
                await asyncio.to_thread(connector.spool.prune_arrivals, _ARRIVAL_RECORDS_KEPT)
                retention = connector.config.spool_retention.total_seconds()
                pruned = await asyncio.to_thread(connector.spool.prune, connector.inbound_streams, retention)
                if pruned:
                    log.info("partner %s: %d spool file(s) older than %s removed", connector.profile.id, pruned, connector.config.spool_retention)
                self._pruned = True
            report = await process_once(
                mailbox,
                connector.store,
                self._handle,
                job=connector.context.job,
                flow=f"partner:{connector.profile.id}:inbox",
                limit=connector.config.files_per_run,
            )
            await overdue(connector.store, datetime.now(UTC))
        if report.processed or report.failed or report.duplicates:
            log.info(
                "partner %s inbox: %d processed, %d failed, %d already processed",
                connector.profile.id, len(report.processed), len(report.failed), len(report.duplicates),
            )  # fmt: skip
        return report

    async def _arrival(self, file: MailboxFile) -> int:
        spool = self.connector.spool
        if file.recovered:
            earlier = await asyncio.to_thread(spool.arrival_of, file.claim_id)
            if earlier is not None:
                return earlier
        arrival = await self.connector.store.next_sequence(ARRIVAL_SEQUENCE_SCOPE, self.connector.profile.id)
        await asyncio.to_thread(spool.record_arrival, file.claim_id, arrival)
        return arrival

    async def _handle(self, file: MailboxFile) -> None:
        connector = self.connector
        profile = connector.profile
        arrival = await self._arrival(file)
        staging = connector.spool.staging(file.claim_id, arrival)
        await asyncio.to_thread(staging.clear)
        data = await file.read()
        report: ValidationReport | None = None
        unreadable: X12ReadError | None = None
        try:
            report = await validate(data, partner=profile, store=None if file.recovered else connector.store)
        except X12ReadError as exc:
            unreadable = exc
        file_meta: dict[str, Any] = {"file": file.name, "claim_id": file.claim_id, "arrival": arrival}
        reading = await asyncio.to_thread(
            stage_inbound_file,
            data,
            report,
            profile=profile,
            staging=staging,
            streams=connector.inbound_streams,
            problem_stream=connector.problem_stream,
            file_meta=file_meta,
            location_id=connector.config.location_id,
            unreadable=unreadable,
        )
        if report is not None:
            await self._acknowledge(file, arrival, report)
        await connector.acks.settle(reading.functional_acks)
        await asyncio.to_thread(staging.publish)
        for withheld in reading.withheld:
            log.warning("partner %s, file %s: %s (parked)", profile.id, file.name, withheld)
        if reading.problems:
            reason = f"{len(reading.problems)} part(s) to be sent again: " + " | ".join(reading.problems)
            raise RecordError(reason[:_MAX_REASON])

    async def _acknowledge(self, file: MailboxFile, arrival: int, report: ValidationReport) -> None:
        """One file back to the partner answering every interchange of this one (never its own 997s)."""
        connector = self.connector
        profile = connector.profile
        mailbox = await connector.open_mailbox()
        key = ack_ledger_key(mailbox.name, file.claim_id, arrival)
        entry = (await connector.store.ledger_get_many([key])).get(key)
        if getattr(entry, "status", None) == "done":
            return
        text = await acknowledge(
            report, partner=profile, control_numbers=StoreControlNumbers(connector.store, profile.id), acknowledge_acks=False
        )
        if not text:
            return
        name = f"{profile.id}_{profile.acknowledgements.functional}_{file.claim_id.split(':')[-1][:16]}_{arrival}.x12"
        await connector.outbound.deliver(mailbox, StagedDelivery(name, x12_bytes(text), settles=[(key, None)]))
