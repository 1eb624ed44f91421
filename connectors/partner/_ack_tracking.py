"""Which of our groups the partner has acknowledged: recorded when sent, settled when its 997 comes.

A thin layer over :mod:`crossdock.edi.pipeline`'s tracking (the state store's ``edi_acks`` table):
each 850 group is recorded as awaiting with the deadline of the profile's ``acknowledgements.window``
*before* it is delivered (a crash then leaves a record of a group that is delivered on resume, never
a delivered group without a record); the partner's 997 settles it, and a rejection, like an overdue
acknowledgment, is parked in the error queue by the pipeline (job ``edi``, flow ``acknowledgements``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crossdock.edi.partners import PartnerProfile
from crossdock.edi.pipeline import match_inbound_ack, record_outbound
from crossdock.edi.translate import FunctionalAcknowledgement

__all__ = ["SentGroup", "AckTracker"]


@dataclass(frozen=True, slots=True)
class SentGroup:
    """A functional group we send: its GS06, the ISA13 that carries it, its sets' ST01 and ST02s."""

    group_control: int
    interchange_control: int
    document_type: str
    set_controls: tuple[str, ...]


class AckTracker:
    """Records groups sent to one partner and settles them against the partner's 997s."""

    def __init__(self, store: Any, profile: PartnerProfile) -> None:
        self.store = store
        self.profile = profile

    async def expect(self, groups: Sequence[SentGroup], *, sent_at: datetime | None = None) -> None:
        """Record ``groups`` as awaiting the partner's acknowledgment (recording them again changes nothing)."""
        moment = sent_at or datetime.now(UTC)
        by_interchange: dict[int, list[tuple[int, str, tuple[str, ...]]]] = {}
        for group in groups:
            by_interchange.setdefault(group.interchange_control, []).append(
                (group.group_control, group.document_type, group.set_controls)
            )
        for isa13, sent in by_interchange.items():
            await record_outbound(self.store, self.profile, isa13, sent, moment)

    async def settle(self, acks: Sequence[FunctionalAcknowledgement]) -> None:
        """Settle the groups these 997s answer (a rejection is parked by the pipeline)."""
        for ack in acks:
            await match_inbound_ack(self.store, ack)

    async def status(self, group_control: int | str) -> str | None:
        """What became of a group we sent: ``awaiting``, ``accepted``, ``accepted_with_errors``,
        ``partially_accepted`` or ``rejected``; ``None`` when it was never recorded."""
        text = str(group_control).strip()
        row = await self.store.edi_ack_get(self.profile.id, str(int(text)) if text.isdigit() else text)
        return None if row is None else str(row.status)
