"""The sandbox account's data: items, locations, customers, sales orders, fulfilments and stock.

One :class:`SandboxAccount` per sandbox instance, seeded deterministically from ``seed``: a catalogue
of inventory items (``itemid`` = SKU, ``externalId`` = SKU), three locations, a few customers, shipping
methods, on-hand stock per item and location, and a history of web orders of which most are shipped
(item fulfilments with packages and tracking numbers). Transactions share one internal-ID sequence,
as in NetSuite. Stock follows the documents: an order line at a location commits what is available
there, a fulfilment takes the units off on-hand and out of committed, and every change of the
available quantity stamps ``lastquantityavailablechange``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = [
    "BASE_TIME",
    "Customer",
    "FulfilmentLine",
    "ItemFulfillment",
    "Location",
    "OrderLine",
    "Package",
    "SalesOrder",
    "SandboxAccount",
    "ShipMethod",
    "StockBalance",
    "StockItem",
]

BASE_TIME = datetime(2025, 5, 1, 15, 0, tzinfo=UTC)
"""When the seeded history starts (fixed, so every seed's data is the same whatever day it runs)."""

SALES_ORDER_STATUSES = {
    "A": "Pending Approval",
    "B": "Pending Fulfillment",
    "C": "Cancelled",
    "D": "Partially Fulfilled",
    "E": "Pending Billing/Partially Fulfilled",
    "F": "Pending Billing",
    "G": "Billed",
    "H": "Closed",
}
ITEM_FULFILLMENT_STATUSES = {"A": "Picked", "B": "Packed", "C": "Shipped"}

_ADJECTIVES = ("Classic", "Organic", "Trail", "Everyday", "Merino", "Canvas", "Recycled", "Heritage")
_NOUNS = ("Tee", "Hoodie", "Beanie", "Tote", "Sock Pack", "Water Bottle", "Cap", "Scarf", "Backpack")


@dataclass
class StockItem:
    id: int
    itemid: str
    externalid: str | None
    displayname: str
    baseprice: Decimal
    weight: Decimal
    itemtype: str = "InvtPart"
    isinactive: bool = False


@dataclass
class Location:
    id: int
    name: str
    subsidiary: int = 1
    isinactive: bool = False


@dataclass
class Customer:
    id: int
    entityid: str
    companyname: str
    email: str | None
    externalid: str | None = None
    subsidiary: int = 1


@dataclass
class ShipMethod:
    id: int
    itemid: str
    carrier: str
    """``ups`` or ``nonups``: NetSuite's own two-way split of carriers on a fulfilment."""


@dataclass
class OrderLine:
    line: int
    item: int
    quantity: Decimal
    rate: Decimal
    location: int | None = None
    description: str | None = None
    fulfilled: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.rate

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.fulfilled


@dataclass
class SalesOrder:
    id: int
    tranid: str
    externalid: str | None
    entity: int
    trandate: date
    created: datetime
    lastmodified: datetime
    lines: list[OrderLine]
    subsidiary: int = 1
    memo: str | None = None
    otherrefnum: str | None = None
    email: str | None = None
    location: int | None = None
    shipmethod: int | None = None
    shippingcost: Decimal | None = None
    shipdate: date | None = None
    shipping_address: dict[str, Any] | None = None
    billing_address: dict[str, Any] | None = None
    approved: bool = True

    @property
    def status(self) -> str:
        if not self.approved:
            return "A"
        fulfilled = sum((line.fulfilled for line in self.lines), Decimal(0))
        if fulfilled == 0:
            return "B"
        if all(line.remaining <= 0 for line in self.lines):
            return "F"
        return "E"

    def line(self, number: int) -> OrderLine | None:
        return next((line for line in self.lines if line.line == number), None)


@dataclass
class FulfilmentLine:
    line: int
    orderline: int
    item: int
    quantity: Decimal
    location: int | None


@dataclass
class Package:
    id: int
    trackingnumber: str | None
    weight: Decimal | None = None
    description: str | None = None


@dataclass
class ItemFulfillment:
    id: int
    tranid: str
    salesorder: int
    entity: int
    trandate: date
    created: datetime
    lastmodified: datetime
    lines: list[FulfilmentLine]
    packages: list[Package]
    shipmethod: int | None = None
    memo: str | None = None
    status: str = "C"


@dataclass
class StockBalance:
    onhand: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    lastchange: datetime | None = None

    @property
    def available(self) -> Decimal:
        return max(self.onhand - self.committed, Decimal(0))


@dataclass
class ReceivedOrder:
    """One sales-order write the API accepted (what ``/_sandbox/salesorders`` lists)."""

    id: int
    external_id: str
    action: str
    body: dict[str, Any]
    at: datetime


def sanitize_external_id(text: str) -> str:
    """What an integration would send as ``externalId`` for ``text`` (letters, digits, ``_`` and ``-``)."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")


@dataclass
class SandboxAccount:
    """Everything one sandbox account holds; mutated by the API and the control endpoints."""

    account_id: str
    now: Callable[[], datetime]
    items: dict[int, StockItem] = field(default_factory=dict)
    locations: dict[int, Location] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    ship_methods: dict[int, ShipMethod] = field(default_factory=dict)
    sales_orders: dict[int, SalesOrder] = field(default_factory=dict)
    fulfilments: dict[int, ItemFulfillment] = field(default_factory=dict)
    stock: dict[tuple[int, int], StockBalance] = field(default_factory=dict)
    received: list[ReceivedOrder] = field(default_factory=list)
    _next_transaction: int = 1000
    _next_package: int = 1

    # -- identities ------------------------------------------------------------------------------
    def next_transaction_id(self) -> int:
        self._next_transaction += 1
        return self._next_transaction

    def next_package_id(self) -> int:
        self._next_package += 1
        return self._next_package

    def sales_order_by_external_id(self, external_id: str) -> SalesOrder | None:
        return next((o for o in self.sales_orders.values() if o.externalid == external_id), None)

    def item_by_itemid(self, itemid: str) -> StockItem | None:
        return next((i for i in self.items.values() if i.itemid == itemid), None)

    def default_customer(self) -> Customer:
        return min(self.customers.values(), key=lambda c: c.id)

    # -- stock -----------------------------------------------------------------------------------
    def balance(self, item: int, location: int) -> StockBalance:
        return self.stock.setdefault((item, location), StockBalance())

    def _touch(self, balance: StockBalance, before: Decimal, at: datetime) -> None:
        if balance.available != before and (balance.lastchange is None or at > balance.lastchange):
            balance.lastchange = at

    def set_on_hand(self, item: int, location: int, on_hand: Decimal, at: datetime | None = None) -> StockBalance:
        balance = self.balance(item, location)
        before = balance.available
        balance.onhand = on_hand
        self._touch(balance, before, at or self.now())
        return balance

    def _commit(self, order: SalesOrder, at: datetime) -> None:
        for line in order.lines:
            if line.location is None or line.remaining <= 0:
                continue
            balance = self.balance(line.item, line.location)
            before = balance.available
            wanted = line.remaining - line.committed
            take = min(wanted, balance.available)
            if take > 0:
                balance.committed += take
                line.committed += take
            self._touch(balance, before, at)

    def _release(self, order: SalesOrder, at: datetime) -> None:
        for line in order.lines:
            if line.location is None or line.committed <= 0:
                continue
            balance = self.balance(line.item, line.location)
            before = balance.available
            balance.committed = max(balance.committed - line.committed, Decimal(0))
            line.committed = Decimal(0)
            self._touch(balance, before, at)

    # -- documents -------------------------------------------------------------------------------
    def create_sales_order(self, order: SalesOrder, *, external_id: str, body: dict[str, Any]) -> SalesOrder:
        self.sales_orders[order.id] = order
        self._commit(order, order.lastmodified)
        self.received.append(ReceivedOrder(order.id, external_id, "created", body, order.lastmodified))
        return order

    def replace_sales_order(self, order: SalesOrder, updated: SalesOrder, *, body: dict[str, Any]) -> SalesOrder:
        at = updated.lastmodified
        self._release(order, at)
        self.sales_orders[order.id] = updated
        self._commit(updated, at)
        self.received.append(ReceivedOrder(order.id, order.externalid or "", "updated", body, at))
        return updated

    def fulfil(
        self,
        order: SalesOrder,
        quantities: dict[int, Decimal],
        *,
        packages: Sequence[tuple[str | None, Decimal | None, str | None]] = (),
        ship_method: int | None = None,
        memo: str | None = None,
        at: datetime | None = None,
    ) -> ItemFulfillment:
        """Ship ``quantities`` (order line → units) of ``order``; the caller has checked them."""
        at = at or self.now()
        self._release(order, at)
        lines: list[FulfilmentLine] = []
        for number, quantity in sorted(quantities.items()):
            order_line = order.line(number)
            assert order_line is not None
            order_line.fulfilled += quantity
            location = order_line.location or order.location
            if location is not None:
                balance = self.balance(order_line.item, location)
                before = balance.available
                balance.onhand -= quantity
                self._touch(balance, before, at)
            lines.append(FulfilmentLine(len(lines) + 1, number, order_line.item, quantity, location))
        self._commit(order, at)
        order.lastmodified = at
        fulfilment_id = self.next_transaction_id()
        fulfilment = ItemFulfillment(
            id=fulfilment_id,
            tranid=f"IF{fulfilment_id}",
            salesorder=order.id,
            entity=order.entity,
            trandate=at.date(),
            created=at,
            lastmodified=at,
            lines=lines,
            packages=[Package(self.next_package_id(), number, weight, descr) for number, weight, descr in packages],
            shipmethod=ship_method if ship_method is not None else order.shipmethod,
            memo=memo,
        )
        self.fulfilments[fulfilment.id] = fulfilment
        return fulfilment

    # -- seeding ---------------------------------------------------------------------------------
    @classmethod
    def seeded(
        cls,
        *,
        account_id: str,
        seed: int,
        items: int | Sequence[str],
        orders: int,
        now: Callable[[], datetime],
    ) -> SandboxAccount:
        rng = random.Random(seed)
        account = cls(account_id=account_id, now=now)
        skus = [f"SKU-{1001 + i}" for i in range(items)] if isinstance(items, int) else list(items)
        for index, sku in enumerate(skus):
            name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
            account.items[500 + index] = StockItem(
                id=500 + index,
                itemid=sku,
                externalid=sku,
                displayname=name,
                baseprice=Decimal(rng.randint(500, 8000)) / 100,
                weight=Decimal(rng.randint(2, 40)) / 10,
            )
        for location in (Location(1, "Main Warehouse"), Location(2, "East Coast DC"), Location(3, "Brooklyn Store")):
            account.locations[location.id] = location
        for customer in (
            Customer(100, "CUST100", "Web Store Customer", "orders@example.com"),
            Customer(101, "CUST101", "Amazon Marketplace", None, externalid="amazon-marketplace"),
            Customer(102, "CUST102", "Ada Lovelace", "ada@example.com", externalid="shopify-7001"),
            Customer(103, "CUST103", "Grace Hopper", "grace@example.com", externalid="shopify-7002"),
        ):
            account.customers[customer.id] = customer
        for method in (
            ShipMethod(10, "UPS® Ground", "ups"),
            ShipMethod(11, "FedEx Home Delivery®", "nonups"),
            ShipMethod(12, "USPS Priority Mail", "nonups"),
        ):
            account.ship_methods[method.id] = method
        for item in account.items.values():
            for location in account.locations.values():
                on_hand = Decimal(rng.randint(0, 12) if location.id == 3 else rng.randint(40, 160))
                seen = None if rng.random() < 0.15 else BASE_TIME - timedelta(hours=rng.randint(1, 500))
                account.stock[(item.id, location.id)] = StockBalance(onhand=on_hand, lastchange=seen)
        account._seed_history(rng, orders)
        return account

    def _seed_history(self, rng: random.Random, count: int) -> None:
        item_ids = sorted(self.items)
        for index in range(count):
            created = BASE_TIME + timedelta(hours=3 * index, minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            amazon = index % 4 == 3
            number = f"11{rng.randint(1, 9)}-{rng.randint(1000000, 9999999)}-{rng.randint(1000000, 9999999)}" if amazon else f"#{5001 + index}"
            channel = "amazon" if amazon else "shopify"
            location = rng.choice((1, 2))
            lines = []
            for line_number, item_id in enumerate(rng.sample(item_ids, k=min(len(item_ids), rng.randint(1, 3))), start=1):
                item = self.items[item_id]
                lines.append(OrderLine(line_number, item_id, Decimal(rng.randint(1, 3)), item.baseprice, location, item.displayname))
            order_id = self.next_transaction_id()
            external_id = sanitize_external_id(f"{channel}-{number}")
            order = SalesOrder(
                id=order_id,
                tranid=f"SO{order_id}",
                externalid=external_id,
                entity=101 if amazon else 100,
                trandate=created.date(),
                created=created,
                lastmodified=created,
                lines=lines,
                otherrefnum=number,
                memo=f"{channel} order {number}",
                shipmethod=rng.choice(sorted(self.ship_methods)),
            )
            self.sales_orders[order.id] = order
            self._commit(order, created)
            if rng.random() < 0.75:
                shipped = created + timedelta(hours=rng.randint(2, 40), minutes=rng.randint(0, 59))
                method = self.ship_methods[order.shipmethod or 10]
                packages = []
                for _ in range(1 if rng.random() < 0.8 else 2):
                    if method.carrier == "ups":
                        tracking = "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
                    else:
                        tracking = "".join(rng.choice("0123456789") for _ in range(12))
                    packages.append((tracking, Decimal(rng.randint(5, 60)) / 10, None))
                if rng.random() < 0.1:
                    packages = []  # shipped without a tracked package (a courier hand-off)
                self.fulfil(order, {line.line: line.quantity for line in order.lines}, packages=packages, at=shipped)
