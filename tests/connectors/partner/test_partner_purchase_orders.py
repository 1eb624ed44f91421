"""The ``purchase_orders`` sink: customer orders routed to the partner leave as dropship 850s, once each."""

from __future__ import annotations

from pathlib import Path

import pytest
from partner_kit import ConnectorFactory, CUSTOMER, customer_order, files_in, interchanges_of, translated, write_orders

from crossdock.connectors.partner import purchase_order_number
from crossdock.connectors.partner.sandbox import PartnerSimulator
from crossdock.core.errors import RecordError
from crossdock.core.models import OrderStatus, PurchaseOrder, PurchaseOrderKind
from crossdock.edi.partners import PartnerProfile
from crossdock.runtime.state import open_store


def outbox_850s(mailbox_root: Path) -> list[Path]:
    return files_in(mailbox_root / "outbox", "acme-dropship_850_")


async def test_order_becomes_850_in_outbox_once_even_if_resent(
    make_connector: ConnectorFactory, mailbox_root: Path, acme: PartnerProfile, state_url: str
) -> None:
    order = customer_order(1001, note="Leave at the back door ~ thanks*")
    connector = make_connector()

    (first,) = await write_orders(connector, [order])
    (again,) = await write_orders(connector, [order])
    (tagged,) = await write_orders(connector, [order.model_copy(update={"tags": ["vip"], "status": OrderStatus.OPEN})])
    async with await open_store(state_url) as restarted_store:  # another process, the same state
        (after_restart,) = await write_orders(make_connector(state=restarted_store), [order])

    (sent,) = outbox_850s(mailbox_root)
    assert [r.ok for r in (first, again, tagged, after_restart)] == [True] * 4
    number = purchase_order_number(order, "acme-dropship")
    assert {first.external_id, again.external_id, tagged.external_id, after_restart.external_id} == {number}
    assert again.details["already_sent"] and tagged.details["already_sent"]
    (result,) = translated([sent], acme)
    assert result.ok, [str(i) for i in result.issues]
    (po,) = result.documents
    assert isinstance(po, PurchaseOrder)
    assert (po.number, po.kind, po.order.number if po.order else None) == (number, PurchaseOrderKind.DROPSHIP, "#1001")
    assert [(line.sku, line.quantity) for line in po.lines] == [("DS-CHAIR-OAK", 3)], "only the line routed to the partner"
    assert po.ship_to is not None and (po.ship_to.name, po.ship_to.line1, po.ship_to.postal_code) == (CUSTOMER.name, CUSTOMER.line1, "78701")
    assert po.note == "Leave at the back door thanks", "separator characters in free text are blanked, not sent"


async def test_a_batch_is_one_interchange_with_one_850_per_order(make_connector: ConnectorFactory, mailbox_root: Path) -> None:
    connector = make_connector()

    results = await write_orders(connector, [customer_order(n) for n in (2001, 2002, 2003)])

    assert all(r.ok for r in results)
    (sent,) = outbox_850s(mailbox_root)
    (interchange,) = interchanges_of([sent])
    (group,) = interchange.groups
    assert (group.functional_id, [ts.id for ts in group.transaction_sets]) == ("PO", ["850", "850", "850"])
    assert interchange.all_issues() == []


async def test_po_numbers_are_stable_short_and_distinct_for_same_numbered_orders_of_two_shops() -> None:
    shop_a = customer_order(1001, system="shopify")
    shop_b = customer_order(1001, system="woocommerce")
    amazon = customer_order(1001, system="amazon").model_copy(update={"number": "113-1234567-1234567"})

    numbers = [purchase_order_number(o, "acme-dropship") for o in (shop_a, shop_b, amazon)]

    assert numbers[0] == purchase_order_number(shop_a, "acme-dropship")
    assert len(set(numbers)) == 3
    assert all(len(n) <= 22 for n in numbers), "BEG03 holds 22 characters"
    assert numbers[0].startswith("1001-") and numbers[2].startswith("113-1234567-123")


async def test_an_order_changed_or_cancelled_after_its_po_was_sent_is_parked_not_sent_again(
    make_connector: ConnectorFactory, mailbox_root: Path
) -> None:
    connector = make_connector()
    order = customer_order(3001)
    await write_orders(connector, [order])
    moved = order.model_copy(update={"ship_to": CUSTOMER.model_copy(update={"line1": "99 Other Road"})})

    (result,) = await write_orders(connector, [moved])

    (cancelled,) = await write_orders(connector, [order.model_copy(update={"status": OrderStatus.CANCELLED})])

    assert isinstance(result.error, RecordError)
    assert "changed after its PO was sent" in result.error.message and "860" in result.error.message
    assert isinstance(cancelled.error, RecordError) and "cancelled after its PO was sent" in cancelled.error.message
    assert len(outbox_850s(mailbox_root)) == 1


async def test_orders_with_nothing_for_the_partner_or_not_released_send_nothing(
    make_connector: ConnectorFactory, mailbox_root: Path
) -> None:
    connector = make_connector()
    warehouse_only = customer_order(4001, lines=[("TEE-ORG-BLK-M", 2, "wh-main")])
    on_hold = customer_order(4002, status=OrderStatus.ON_HOLD)
    unrouted = customer_order(4003, lines=[("DS-LAMP-BRASS", 1, None)])

    results = await write_orders(connector, [warehouse_only, on_hold, unrouted])

    assert [r.ok for r in results] == [True, True, True]
    assert [r.external_id for r in results[:2]] == [None, None]
    assert results[2].external_id == purchase_order_number(unrouted, "acme-dropship"), "a line routed nowhere goes with the order"
    assert len(outbox_850s(mailbox_root)) == 1


async def test_an_order_without_a_ship_to_address_is_a_record_error(make_connector: ConnectorFactory, mailbox_root: Path) -> None:
    (result,) = await write_orders(make_connector(), [customer_order(5001, ship_to=None)])

    assert isinstance(result.error, RecordError) and "ship-to" in result.error.message
    assert outbox_850s(mailbox_root) == []


class _LostRecord(BaseException):
    """The process dies: raised from the state store right after the 850 was delivered."""


async def test_crash_between_delivery_and_record_never_sends_a_second_850(
    make_connector: ConnectorFactory, mailbox_root: Path, state_url: str, make_simulator
) -> None:
    order = customer_order(6001)
    async with await open_store(state_url) as dying:
        async def die(*_: object) -> None:
            raise _LostRecord

        dying.ledger_record_many = die  # type: ignore[method-assign]
        with pytest.raises(_LostRecord):
            await write_orders(make_connector(state=dying), [order])
    assert len(outbox_850s(mailbox_root)) == 1

    async with await open_store(state_url) as restarted:
        (result,) = await write_orders(make_connector(state=restarted), [order])

    assert result.ok and result.details["already_sent"]
    assert len(outbox_850s(mailbox_root)) == 1, "the staged copy was found still in the outbox, not delivered again"


async def test_crash_after_the_partner_collected_the_850_redelivers_the_same_interchange_which_it_drops(
    make_connector: ConnectorFactory, mailbox_root: Path, state_url: str, simulator: PartnerSimulator
) -> None:
    order = customer_order(6101)
    async with await open_store(state_url) as dying:
        async def die(*_: object) -> None:
            raise _LostRecord

        dying.ledger_record_many = die  # type: ignore[method-assign]
        with pytest.raises(_LostRecord):
            await write_orders(make_connector(state=dying), [order])
    simulator.tick()  # the partner collects the 850 before Crossdock restarts

    async with await open_store(state_url) as restarted:
        (result,) = await write_orders(make_connector(state=restarted), [order])
    simulator.tick()

    assert result.ok
    assert [po["po_number"] for po in simulator.received] == [purchase_order_number(order, "acme-dropship")]
    assert len(simulator.duplicates) == 1, "the redelivered copy carries the same ISA13, which the partner drops"
