"""Outbound acknowledgment tracking: what we sent, what the partner's 997/999 said, what is overdue.

Every functional group sent to a partner who acknowledges (``acknowledgements.expect_acknowledgement``)
is recorded as *awaiting* with a deadline (sent time plus the partner's ``acknowledgements.window``).
The partner's 997/999, translated to a :class:`FunctionalAcknowledgement`, settles it: accepted,
accepted with errors, partially accepted or rejected, with each set's own code.  Groups past their
deadline are *overdue*: :func:`overdue` logs each one at WARNING and parks it in the error queue
(``error_class`` ``AckOverdue``, once per group) so operators see it in ``crossdock errors list``.
A rejection is parked too (``AckRejected``); an acceptance resolves what was parked for the group.

The records live in the state store's ``edi_acks`` table (migration 4).  Control numbers are
compared as numbers when they are digits: partners often echo ``000000042`` for our ``42``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from crossdock.runtime.state import EdiAckRow, StateStore

from ..partners import PartnerProfile
from ..translate import FunctionalAcknowledgement
from ._report import ValidationReport

__all__ = [
    "SentGroup",
    "ACK_ERROR_JOB",
    "ACK_ERROR_FLOW",
    "OVERDUE_SCOPE",
    "record_outbound",
    "match_inbound_ack",
    "overdue",
    "awaiting_acks",
    "acknowledgements_in",
    "ack_trace_key",
]

logger = logging.getLogger("crossdock.edi.acks")

SentGroup = tuple[int | str, str, Sequence[int | str]]
"""``(gs06, document_type, st02s)``: one functional group as it was sent (``document_type`` is ST01, e.g. ``850``)."""

ACK_ERROR_JOB = "edi"
"""The error queue's ``job`` for acknowledgment problems (``crossdock errors list`` shows them)."""
ACK_ERROR_FLOW = "acknowledgements"
OVERDUE_SCOPE = "edi-ack-overdue"
"""Remembered keys: the overdue groups already alerted on (one alert per group)."""

_GROUP_STATUS = {"A": "accepted", "E": "accepted_with_errors", "P": "partially_accepted"}


def _number(value: int | str) -> str:
    """A control number as compared: digits without leading zeros, anything else as written."""
    text = str(value).strip()
    return str(int(text)) if text.isdigit() else text


def _isa13(value: int | str) -> str:
    """ISA13 as it is written: nine digits."""
    text = str(value).strip()
    return f"{int(text):09d}" if text.isdigit() and len(text) <= 9 else text


def ack_trace_key(partner: str, group_control: str) -> str:
    """The error queue's record key for one sent group: ``<partner>:GS06 <n>``."""
    return f"{partner}:GS06 {_number(group_control)}"


async def record_outbound(
    store: StateStore,
    partner: PartnerProfile,
    interchange_control: int | str,
    groups: Iterable[SentGroup],
    sent_at: datetime,
    due_by: datetime | None = None,
) -> None:
    """Record the groups of an interchange just sent as awaiting the partner's acknowledgment.

    ``due_by`` defaults to ``sent_at`` plus the partner's acknowledgment window.  Nothing is
    recorded for a partner that does not acknowledge.  Recording the same groups again (a resend
    under the same control numbers) changes nothing.
    """
    if not partner.acknowledgements.expect_acknowledgement:
        logger.debug("partner %s does not acknowledge; interchange %s is not tracked", partner.id, interchange_control)
        return
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    deadline = due_by if due_by is not None else sent_at + partner.acknowledgements.window
    rows = [
        (partner.id, _number(gs06), _isa13(interchange_control), str(document_type), [str(st02) for st02 in st02s], sent_at, deadline)
        for gs06, document_type, st02s in groups
    ]
    await store.edi_ack_expect_many(rows)


def _set_statuses(row: EdiAckRow, ack: FunctionalAcknowledgement) -> dict[str, str]:
    """Each set we sent with the partner's code for it; sets the ack does not list follow the group."""
    listed = {_number(s.control_number): s.status for s in ack.sets}
    implied = "R" if ack.status not in ("A", "E", "P") else "A"
    return {st02: listed.get(_number(st02), implied) for st02 in row.set_controls}


async def match_inbound_ack(
    store: StateStore, ack_document: FunctionalAcknowledgement, *, received_at: datetime | None = None
) -> EdiAckRow | None:
    """Settle the group a partner's 997/999 answers; the updated record, or ``None`` if we never recorded it.

    The group is found by the acknowledgment's ``partner_id`` and AK102, so inbound 997s must be
    translated with the partner profiles (an unknown sender gets a stand-in id that matches nothing).

    A rejection (``R``, or a ``P`` with rejected sets) is parked in the error queue as
    ``AckRejected``; an acceptance resolves whatever was parked for the group (an overdue alert).
    """
    partner, group_control = ack_document.partner_id, _number(ack_document.group_control_number)
    status = _GROUP_STATUS.get(ack_document.status, "rejected")
    moment = received_at or ack_document.acknowledged_at or datetime.now(UTC)
    row = await store.edi_ack_get(partner, group_control)
    if row is None:
        logger.warning(
            "partner %s acknowledged GS06 %s (%s), which Crossdock has no record of sending",
            partner, ack_document.group_control_number, ack_document.functional_id,
        )  # fmt: skip
        return None
    settled = await store.edi_ack_settle(
        partner, group_control, status=status, set_statuses=_set_statuses(row, ack_document), acknowledged_at=moment
    )
    if settled is None:
        return None
    key = ack_trace_key(partner, group_control)
    rejected_sets = sorted(st02 for st02, code in (settled.set_statuses or {}).items() if code not in ("A", "E"))
    if status == "rejected" or rejected_sets:
        what = "the group" if status == "rejected" else f"set(s) {', '.join(rejected_sets)}"
        codes = ", ".join(ack_document.error_codes) or "none given"
        message = (
            f"partner {partner} rejected {what} of {settled.document_type} group GS06 {group_control} "
            f"(interchange {settled.interchange_control}): {ack_document.set_id} AK9 {ack_document.status}, codes {codes}"
        )
        logger.warning("%s", message)
        await store.error_add(
            job=ACK_ERROR_JOB, flow=ACK_ERROR_FLOW, stage="acknowledgement", system=f"edi:{partner}",
            entity=settled.document_type, trace_key=key, payload=ack_document.model_dump(mode="json"),
            error_class="AckRejected", message=message, details=_row_details(settled),
        )  # fmt: skip
    else:
        await store.error_resolve_trace(ACK_ERROR_JOB, ACK_ERROR_FLOW, key, resolution=f"acknowledged: {status}")
    return settled


def _row_details(row: EdiAckRow) -> dict[str, object]:
    return {
        "partner": row.partner,
        "group_control": row.group_control,
        "interchange_control": row.interchange_control,
        "document_type": row.document_type,
        "set_controls": row.set_controls,
        "sent_at": row.sent_at.isoformat(),
        "due_by": row.due_by.isoformat() if row.due_by else None,
        "status": row.status,
        "set_statuses": row.set_statuses,
    }


async def overdue(store: StateStore, now: datetime) -> list[EdiAckRow]:
    """Groups still awaiting an acknowledgment past their deadline, oldest deadline first.

    Each is alerted on once: a WARNING log line and an ``AckOverdue`` entry in the error queue.
    Later calls still return it (until an acknowledgment arrives) without alerting again.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    late = await store.edi_ack_list(status="awaiting", due_before=now)
    for row in late:
        key = ack_trace_key(row.partner, row.group_control)
        if not await store.remember(OVERDUE_SCOPE, key):
            continue
        assert row.due_by is not None
        message = (
            f"partner {row.partner} has not acknowledged {row.document_type} group GS06 {row.group_control} "
            f"(interchange {row.interchange_control}, sets {', '.join(row.set_controls)}) sent {row.sent_at.isoformat()}: "
            f"the acknowledgment was due by {row.due_by.isoformat()}"
        )
        logger.warning("%s", message)
        await store.error_add(
            job=ACK_ERROR_JOB, flow=ACK_ERROR_FLOW, stage="acknowledgement", system=f"edi:{row.partner}",
            entity=row.document_type, trace_key=key, payload=_row_details(row), error_class="AckOverdue",
            message=message, details=_row_details(row),
        )  # fmt: skip
    return late


async def awaiting_acks(store: StateStore, now: datetime | None = None) -> list[tuple[EdiAckRow, bool]]:
    """Every group awaiting an acknowledgment with whether it is overdue: overdue first, then by deadline."""
    moment = now or datetime.now(UTC)
    rows = await store.edi_ack_list(status="awaiting", limit=1_000_000)
    flagged = [(row, row.due_by is not None and row.due_by < moment) for row in rows]
    return sorted(flagged, key=lambda item: (not item[1],))  # stable: deadline order kept within each part


def acknowledgements_in(report: ValidationReport) -> list[FunctionalAcknowledgement]:
    """The partner 997/999s of a translated report (``translate_file`` / ``keep_documents``) from accepted sets."""
    found: list[FunctionalAcknowledgement] = []
    for set_report in report.sets():
        if set_report.accepted:
            found += [d for d in set_report.documents if isinstance(d, FunctionalAcknowledgement)]
    return found
