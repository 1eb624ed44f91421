"""Outbound envelopes: rendered sets wrapped in ISA/GS/ST for a partner, with durable control numbers.

The split between async and sync is deliberate.  Taking control numbers is I/O (the state store
commits each one before handing it out, so a number is never reused, even after a crash), so it
is async: :func:`allocate_control_numbers`.  Writing text from numbers already taken is pure and
sync: :func:`interchange_text`.  :func:`render_interchange` does both, and checks that the
documents can be written before it takes any number, so a document that cannot be sent does not
burn numbers (gaps are harmless to partners; reuse is not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from ..envelope import FUNCTIONAL_GROUP_OF_SET
from ..errors import X12WriteError
from ..partners import PartnerProfile
from ..writer import OutboundGroup, OutboundInterchange, OutboundSet, X12Writer, iter_interchange_segments
from ._build import RenderedSet

__all__ = [
    "ControlNumbers",
    "SequenceStore",
    "StoreControlNumbers",
    "SequentialControlNumbers",
    "EnvelopeNumbers",
    "allocate_control_numbers",
    "build_interchange",
    "interchange_text",
    "render_interchange",
    "CONTROL_NUMBER_SCOPE",
]

CONTROL_NUMBER_SCOPE = "edi"
_MAXIMUM = 999_999_999


@runtime_checkable
class ControlNumbers(Protocol):
    """Where ISA13, GS06 and ST02 come from: each call returns a number never returned before."""

    async def next_isa13(self) -> int: ...

    async def next_gs06(self) -> int: ...

    async def next_st02(self) -> int: ...


class SequenceStore(Protocol):
    """The part of the state store control numbers need (``crossdock.runtime.state.StateStore`` has it)."""

    async def next_sequence(self, scope: str, name: str, *, start: int = 1, maximum: int = 999_999_999) -> int: ...


class StoreControlNumbers:
    """Control numbers from the state store's sequences ``edi / <partner>:isa13|gs06|st02``.

    ``next_sequence`` commits before it returns, so numbers stay unique across restarts, crashes
    and concurrent senders; they wrap to 1 only after 999,999,999.
    """

    def __init__(self, store: SequenceStore, partner_id: str) -> None:
        self.store = store
        self.partner_id = partner_id

    async def _next(self, kind: str) -> int:
        return await self.store.next_sequence(CONTROL_NUMBER_SCOPE, f"{self.partner_id}:{kind}", start=1, maximum=_MAXIMUM)

    async def next_isa13(self) -> int:
        return await self._next("isa13")

    async def next_gs06(self) -> int:
        return await self._next("gs06")

    async def next_st02(self) -> int:
        return await self._next("st02")


class SequentialControlNumbers:
    """In-memory counters: for dry runs and tests only (forgotten when the process ends)."""

    def __init__(self, start: int = 1) -> None:
        self._next_values = {"isa13": start, "gs06": start, "st02": start}

    def _take(self, kind: str) -> int:
        value = self._next_values[kind]
        self._next_values[kind] = value + 1
        return value

    async def next_isa13(self) -> int:
        return self._take("isa13")

    async def next_gs06(self) -> int:
        return self._take("gs06")

    async def next_st02(self) -> int:
        return self._take("st02")


@dataclass(frozen=True, slots=True)
class EnvelopeNumbers:
    """Control numbers taken for one interchange: ISA13, GS06 per group (in order), ST02 per document."""

    isa13: int
    gs06: tuple[int, ...]
    st02: tuple[int, ...]


def _groups(documents: Sequence[RenderedSet]) -> list[tuple[str, list[int]]]:
    """Functional groups in order of first appearance: (GS01, indexes of the documents in it)."""
    groups: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        functional_id = FUNCTIONAL_GROUP_OF_SET.get(document.id)
        if functional_id is None:
            raise X12WriteError(f"no functional group is known for transaction set {document.id!r}")
        groups.setdefault(functional_id, []).append(index)
    return list(groups.items())


async def allocate_control_numbers(documents: Sequence[RenderedSet], control_numbers: ControlNumbers) -> EnvelopeNumbers:
    """Take the numbers an interchange of ``documents`` needs."""
    groups = _groups(documents)
    isa13 = await control_numbers.next_isa13()
    gs06 = tuple([await control_numbers.next_gs06() for _ in groups])
    st02 = tuple([await control_numbers.next_st02() for _ in documents])
    return EnvelopeNumbers(isa13=isa13, gs06=gs06, st02=st02)


def build_interchange(
    documents: Sequence[RenderedSet],
    partner: PartnerProfile,
    numbers: EnvelopeNumbers,
    *,
    created_at: datetime | None = None,
    usage: str | None = None,
) -> OutboundInterchange:
    """The writer's description of the interchange: our and the partner's IDs, version, groups, sets."""
    if not documents:
        raise X12WriteError("an interchange needs at least one transaction set")
    refused = [d.id for d in documents if partner.documents.outbound and not partner.receives(d.id)]
    if refused:
        raise X12WriteError(
            f"partner {partner.id} is not set up to receive {', '.join(sorted(set(refused)))} (documents.outbound)"
        )
    groups = _groups(documents)
    if len(numbers.gs06) != len(groups) or len(numbers.st02) != len(documents):
        raise X12WriteError("the control numbers were taken for a different set of documents")
    moment = created_at.astimezone(partner.zone) if created_at is not None else datetime.now(partner.zone)
    outbound_groups = []
    for (functional_id, indexes), gs06 in zip(groups, numbers.gs06, strict=True):
        outbound_groups.append(
            OutboundGroup(
                functional_id=functional_id,
                application_sender=partner.our_group_id,
                application_receiver=partner.their_group_id,
                control_number=gs06,
                version=partner.version,
                transaction_sets=[
                    OutboundSet(id=documents[i].id, control_number=numbers.st02[i], body=documents[i].body) for i in indexes
                ],
                created_at=moment,
            )
        )
    return OutboundInterchange(
        sender_qualifier=partner.interchange.us.qualifier,
        sender_id=partner.interchange.us.id,
        receiver_qualifier=partner.interchange.them.qualifier,
        receiver_id=partner.interchange.them.id,
        control_number=numbers.isa13,
        version=partner.isa_version,
        usage=usage or partner.interchange.usage,
        ack_requested=partner.acknowledgements.request_ta1,
        groups=outbound_groups,
        created_at=moment,
    )


def interchange_text(
    documents: Sequence[RenderedSet],
    partner: PartnerProfile,
    numbers: EnvelopeNumbers,
    *,
    created_at: datetime | None = None,
    usage: str | None = None,
) -> str:
    """The interchange as the partner receives it (its separators, line breaks if it wants them)."""
    interchange = build_interchange(documents, partner, numbers, created_at=created_at, usage=usage)
    separators = partner.writer_separators()
    writer = X12Writer(separators, line_breaks=partner.separators.line_breaks)
    return writer.render(iter_interchange_segments(interchange, separators))


async def render_interchange(
    documents: Sequence[RenderedSet],
    partner: PartnerProfile,
    control_numbers: ControlNumbers,
    *,
    created_at: datetime | None = None,
    usage: str | None = None,
) -> str:
    """Wrap rendered sets in ISA/GS/ST for ``partner`` with numbers from ``control_numbers``.

    One GS per functional group (850s in PO, 856s in SH …), in the order the documents come.
    Raises :class:`X12WriteError` before taking any number when the documents cannot be written
    (a separator inside a value, a set the partner does not receive).
    """
    groups = _groups(documents)
    trial = EnvelopeNumbers(isa13=1, gs06=tuple(1 for _ in groups), st02=tuple(range(1, len(documents) + 1)))
    interchange_text(documents, partner, trial, created_at=created_at, usage=usage)
    numbers = await allocate_control_numbers(documents, control_numbers)
    return interchange_text(documents, partner, numbers, created_at=created_at, usage=usage)
