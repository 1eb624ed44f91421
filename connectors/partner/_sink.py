"""``purchase_orders``: customer orders routed to the partner leave as 850 dropship POs, once each.

A batch becomes one interchange (one GS, one 850 per order) delivered to the outbox through
:class:`OutboundFiles`, so a crash between delivering and recording never produces a second,
different 850. Each PO is settled in the ledger under ``edi-850:<partner>:<PO number>`` with a
digest of what was sent: a later version of the order that changes nothing the partner sees (paid,
tagged) is absorbed; one that changes the PO (lines, address) is a record error, because a change
to a sent PO is an 860 the partner must act on, which Crossdock does not send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crossdock.core.contract import Sink, WriteRequest, WriteResult
from crossdock.core.errors import RecordError
from crossdock.core.models import Order, OrderStatus, PurchaseOrder
from crossdock.edi import X12WriteError
from crossdock.edi.translate import RenderedSet, StoreControlNumbers, allocate_control_numbers, interchange_text, render_850

from ._ack_tracking import SentGroup
from ._keys import po_ledger_key, x12_bytes
from ._outbound import StagedDelivery
from ._purchase_orders import DropshipPurchaseOrder, dropship_purchase_order

if TYPE_CHECKING:
    from ._connector import PartnerConnector

__all__ = ["PurchaseOrdersSink"]

_NOT_YET = {OrderStatus.PENDING, OrderStatus.ON_HOLD}
_NOT_ANY_MORE = {OrderStatus.CANCELLED, OrderStatus.FULFILLED, OrderStatus.CLOSED}


@dataclass(frozen=True, slots=True)
class _Outgoing:
    request: WriteRequest
    order: Order
    dropship: DropshipPurchaseOrder
    digest: str
    rendered: RenderedSet


def _digest(po: PurchaseOrder) -> str:
    return hashlib.sha256(po.model_dump_json().encode()).hexdigest()[:32]


class PurchaseOrdersSink(Sink["PartnerConnector"]):
    """Orders in, 850s out: the lines routed to the partner, as one dropship PO per order, sent once."""

    name = "purchase_orders"
    entity = "Order"
    default_mapping = None
    batch_size = 50

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        connector = self.connector
        profile = connector.profile
        store = connector.store
        mailbox = await connector.open_mailbox()
        await connector.outbound.resume(mailbox)

        results: dict[str, WriteResult] = {}
        candidates: list[tuple[WriteRequest, DropshipPurchaseOrder, str]] = []
        orders: dict[str, Order] = {}
        for request in batch:
            order = request.record if isinstance(request.record, Order) else Order.model_validate(request.record)
            orders[request.idempotency_key] = order
            try:
                dropship = dropship_purchase_order(order, profile)
            except RecordError as exc:
                results[request.idempotency_key] = WriteResult(request.idempotency_key, error=exc)
                continue
            if dropship is None:
                results[request.idempotency_key] = WriteResult(
                    request.idempotency_key, skipped=True,
                    details={"purchase_order": None, "reason": "no line of the order is routed to this partner"},
                )
                continue
            candidates.append((request, dropship, _digest(dropship.po)))

        keys = [po_ledger_key(profile.id, d.po.number) for _, d, _ in candidates]
        entries = await store.ledger_get_many(keys) if keys else {}
        to_send: list[_Outgoing] = []
        in_batch: dict[str, str] = {}
        for request, dropship, digest in candidates:
            po = dropship.po
            order = orders[request.idempotency_key]
            entry = entries.get(po_ledger_key(profile.id, po.number))
            sent_digest = getattr(entry, "external_id", None) if getattr(entry, "status", None) == "done" else None
            earlier = sent_digest or in_batch.get(po.number)
            if earlier is not None:
                results[request.idempotency_key] = self._already_sent(request, order, po, earlier, digest)
                continue
            if order.status in _NOT_YET or order.status in _NOT_ANY_MORE:
                results[request.idempotency_key] = WriteResult(
                    request.idempotency_key, skipped=True,
                    details={"purchase_order": None, "reason": f"order is {order.status.value}; no PO sent"},
                )
                continue
            try:
                rendered = render_850(po, profile)
            except X12WriteError as exc:
                results[request.idempotency_key] = WriteResult(
                    request.idempotency_key, error=RecordError(f"order {order.number}: the 850 cannot be written: {exc}")
                )
                continue
            in_batch[po.number] = digest
            to_send.append(_Outgoing(request, order, dropship, digest, rendered))

        if to_send:
            results.update(await self._send(to_send))
        return [results[r.idempotency_key] for r in batch if r.idempotency_key in results]

    def _already_sent(self, request: WriteRequest, order: Order, po: PurchaseOrder, sent: str, digest: str) -> WriteResult:
        if order.status is OrderStatus.CANCELLED:
            problem = "was cancelled after its PO was sent"
        elif sent == digest:
            return WriteResult(request.idempotency_key, external_id=po.number, skipped=True,
                               details={"purchase_order": po.number, "already_sent": True})
        else:
            problem = "changed after its PO was sent (lines, quantities, ship-to or dates)"
        return WriteResult(
            request.idempotency_key,
            external_id=po.number,
            error=RecordError(
                f"order {order.number} {problem}; Crossdock does not send PO changes (860): "
                f"ask {self.connector.profile.name} to amend PO {po.number}",
                details={"purchase_order": po.number},
            ),
        )

    async def _send(self, to_send: list[_Outgoing]) -> dict[str, WriteResult]:
        """Link each PO to its order, number the interchange, and deliver it once."""
        connector = self.connector
        profile = connector.profile
        for item in to_send:
            await connector.links.link(item.dropship.po.number, item.order, item.dropship.line_ids)
        documents = [item.rendered for item in to_send]
        numbers = await allocate_control_numbers(documents, StoreControlNumbers(connector.store, profile.id))
        text = interchange_text(documents, profile, numbers)
        settles = [(po_ledger_key(profile.id, item.dropship.po.number), item.digest) for item in to_send]
        fingerprint = hashlib.sha256("\n".join(sorted(key for key, _ in settles)).encode()).hexdigest()[:16]
        name = f"{profile.id}_850_{fingerprint}.x12"
        (gs06,) = numbers.gs06
        await connector.acks.expect([SentGroup(gs06, numbers.isa13, "850", tuple(f"{st02:04d}" for st02 in numbers.st02))])
        delivery = StagedDelivery(name, x12_bytes(text), settles)
        mailbox = await connector.open_mailbox()
        final = await connector.outbound.deliver(mailbox, delivery)
        connector.context.logger.info(
            "partner %s: delivered %s with %d purchase order(s), ISA13 %09d", profile.id, final, len(to_send), numbers.isa13
        )
        return {
            item.request.idempotency_key: WriteResult(
                item.request.idempotency_key,
                external_id=item.dropship.po.number,
                details={"purchase_order": item.dropship.po.number, "file": final, "isa13": numbers.isa13},
            )
            for item in to_send
        }
