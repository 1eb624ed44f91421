"""The sandbox shop's state: seeded orders, products, locations and stock, and the changes made to them.

Everything is generated from ``random.Random(seed)`` against a fixed base time, so two sandboxes with the
same seed hold the same shop (tests and the conformance kit rely on it). Records are kept as dicts
shaped like the GraphQL objects they are served as; keys starting with ``_`` are the sandbox's own
links between records and never reach a client.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = [
    "BASE_TIME",
    "LOCATIONS",
    "SHOP_CURRENCY",
    "ShopStore",
    "iso",
    "money_bag",
    "parse_time",
]

BASE_TIME = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
"""Seeded records are created and updated before this moment."""

SHOP_CURRENCY = "USD"
LOCATIONS: tuple[tuple[int, str], ...] = ((70001, "Main Warehouse"), (70002, "West Coast DC"))
_CENT = Decimal("0.01")
_TAX_RATE = Decimal("0.0825")

_ADJECTIVES = ("Canvas", "Leather", "Wool", "Linen", "Cotton", "Bamboo", "Cedar", "Copper", "Denim", "Suede")
_NOUNS = ("Tote Bag", "Beanie", "Scarf", "Notebook", "Mug", "Backpack", "Apron", "Wallet", "Candle", "Blanket")
_FIRST = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Katherine", "Linus")
_LAST = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Johnson", "Torvalds")
_CITIES = (("New York", "NY", "10001"), ("Austin", "TX", "73301"), ("Portland", "OR", "97201"), ("Denver", "CO", "80202"))
_STREETS = ("Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Elm St")


def iso(moment: datetime) -> str:
    """Shopify's ``DateTime`` text: UTC, whole seconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """A timestamp as clients send it in search queries or as the sandbox stores it."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _money(amount: Decimal, currency: str = SHOP_CURRENCY) -> dict[str, str]:
    return {"amount": str(amount.quantize(_CENT)), "currencyCode": currency}


def money_bag(amount: Decimal, currency: str = SHOP_CURRENCY) -> dict[str, Any]:
    """A ``MoneyBag`` in the shop's currency (the sandbox shop sells in one currency)."""
    return {"shopMoney": _money(amount, currency), "presentmentMoney": _money(amount, currency)}


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def legacy_id(global_id: str) -> int:
    return int(global_id.rsplit("/", 1)[-1].split("?", 1)[0])


@dataclass
class ShopStore:
    """All records of one sandbox shop. :meth:`reset` regenerates the seeded state."""

    seed: int
    order_count: int
    sku_count: int
    now: Callable[[], datetime]
    sku_names: tuple[str, ...] | None = None
    """The catalogue's SKUs when given (to match another sandbox's); ``SHOP-10001``… otherwise."""
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    fulfillment_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    fo_line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    fulfillments: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    levels: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    received_fulfillments: list[dict[str, Any]] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reset()

    # -- ids ---------------------------------------------------------------------------------------
    def next_id(self, kind: str, start: int) -> str:
        number = self.counters.get(kind, start)
        self.counters[kind] = number + 1
        return gid(kind, number)

    def stamp(self) -> str:
        """The current time as Shopify writes it, never earlier than any seeded timestamp."""
        return iso(max(self.now(), BASE_TIME + timedelta(seconds=1)))

    # -- seeding -----------------------------------------------------------------------------------
    def reset(self) -> None:
        for table in (
            self.orders, self.line_items, self.fulfillment_orders, self.fo_line_items, self.fulfillments,
            self.locations, self.variants, self.items, self.levels, self.counters,
        ):
            table.clear()
        self.adjustments.clear()
        self.received_fulfillments.clear()
        rng = random.Random(f"shopify-sandbox:{self.seed}")
        for number, name in LOCATIONS:
            location_id = gid("Location", number)
            self.locations[location_id] = {
                "id": location_id, "legacyResourceId": str(number), "name": name, "isActive": True,
            }
        prices: dict[str, Decimal] = {}
        names = self.sku_names or tuple(f"SHOP-{10001 + index}" for index in range(self.sku_count))
        for index, sku in enumerate(names):
            variant_id, item_id = gid("ProductVariant", 40001 + index), gid("InventoryItem", 50001 + index)
            title = f"{_ADJECTIVES[index % len(_ADJECTIVES)]} {_NOUNS[(index // len(_ADJECTIVES)) % len(_NOUNS)]}"
            price = Decimal(rng.randrange(800, 9000)) / 100
            prices[sku] = price
            created = iso(BASE_TIME - timedelta(days=120 - index % 30))
            self.variants[variant_id] = {
                "id": variant_id, "legacyResourceId": str(40001 + index), "sku": sku, "title": "Default Title",
                "displayName": f"{title} - Default Title", "barcode": None, "price": str(price.quantize(_CENT)),
                "createdAt": created, "updatedAt": created, "_itemId": item_id, "_productTitle": title,
            }
            self.items[item_id] = {
                "id": item_id, "legacyResourceId": str(50001 + index), "sku": sku, "tracked": True,
                "createdAt": created, "updatedAt": created, "_variantId": variant_id,
            }
            for location_id in self.locations:
                available = rng.randrange(0, 120)
                self.levels[(item_id, location_id)] = {
                    "id": f"gid://shopify/InventoryLevel/{legacy_id(location_id)}{50001 + index}"
                          f"?inventory_item_id={50001 + index}",
                    "_itemId": item_id, "_locationId": location_id,
                    "available": available, "committed": 0, "on_hand": available,
                    "createdAt": created, "updatedAt": created,
                }
        skus = [item["sku"] for item in self.items.values()]
        for index in range(self.order_count):
            self._seed_order(rng, index, skus, prices)

    def _seed_order(self, rng: random.Random, index: int, skus: list[str], prices: dict[str, Decimal]) -> None:
        created = BASE_TIME - timedelta(days=30) + timedelta(minutes=index * 37 + rng.randrange(0, 30))
        updated = created + timedelta(minutes=rng.randrange(0, 600))
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        city, province, zip_code = rng.choice(_CITIES)
        address = {
            "name": f"{first} {last}", "firstName": first, "lastName": last, "company": None,
            "address1": f"{rng.randrange(1, 999)} {rng.choice(_STREETS)}", "address2": None, "city": city,
            "province": province, "provinceCode": province, "zip": zip_code, "country": "United States",
            "countryCodeV2": "US", "phone": None,
        }
        roll = rng.random()
        cancelled = roll < 0.05
        fulfilment = "UNFULFILLED" if cancelled or roll < 0.75 else ("FULFILLED" if roll < 0.92 else "PARTIALLY_FULFILLED")
        financial = ("REFUNDED" if cancelled else rng.choice(("PAID", "PAID", "PAID", "AUTHORIZED", "PENDING")))
        lines = []
        for sku in rng.sample(skus, k=min(len(skus), rng.randrange(1, 5))):
            quantity = rng.randrange(1, 4)
            discount = (prices[sku] * quantity * Decimal("0.10")).quantize(_CENT) if rng.random() < 0.2 else Decimal(0)
            lines.append((sku, quantity, discount))
        order = self.new_order(
            created=created, updated=updated, customer=(first, last), address=address, lines=lines, prices=prices,
            financial=financial, cancelled=cancelled,
            shipping=Decimal("5.99") if rng.random() < 0.7 else Decimal(0), location_index=rng.randrange(0, 2),
            tags=sorted(rng.sample(["wholesale", "vip", "gift", "priority", "repeat"], k=rng.randrange(0, 3))),
        )
        if fulfilment != "UNFULFILLED":
            self._seed_fulfilment(order, partial=fulfilment == "PARTIALLY_FULFILLED", when=updated)

    def new_order(
        self,
        *,
        created: datetime,
        updated: datetime,
        customer: tuple[str, str],
        address: dict[str, Any],
        lines: list[tuple[str, int, Decimal]],
        prices: dict[str, Decimal] | None = None,
        financial: str = "PAID",
        cancelled: bool = False,
        shipping: Decimal = Decimal(0),
        location_index: int = 0,
        tags: list[str] | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """Create an order with its line items and one fulfillment order (at one location), as checkout does."""
        order_id = self.next_id("Order", 5_000_001)
        number = legacy_id(order_id) - 5_000_001 + 1001
        first, last = customer
        customer_id = gid("Customer", 7_000_000 + number)
        line_ids: list[str] = []
        subtotal = discounts = tax = Decimal(0)
        for sku, quantity, discount in lines:
            variant = self.variant_by_sku(sku)
            price = (prices or {}).get(sku)
            if price is None:
                price = Decimal(variant["price"]) if variant else Decimal("10.00")
            line_id = self.next_id("LineItem", 9_000_001)
            line_total = price * quantity - discount
            line_tax = (line_total * _TAX_RATE).quantize(_CENT)
            subtotal += line_total
            discounts += discount
            tax += line_tax
            title = variant["_productTitle"] if variant else sku
            self.line_items[line_id] = {
                "id": line_id, "name": title, "title": title, "sku": sku, "vendor": "Crossdock Supply Co.",
                "quantity": quantity, "currentQuantity": 0 if cancelled else quantity,
                "unfulfilledQuantity": 0 if cancelled else quantity, "requiresShipping": True,
                "originalUnitPriceSet": money_bag(price),
                "discountedUnitPriceSet": money_bag((line_total / quantity).quantize(_CENT)),
                "discountAllocations": [{"allocatedAmountSet": money_bag(discount)}] if discount else [],
                "taxLines": [{"title": "State Tax", "rate": float(_TAX_RATE), "ratePercentage": float(_TAX_RATE * 100),
                              "priceSet": money_bag(line_tax)}],
                "_orderId": order_id, "_variantId": variant["id"] if variant else None,
            }
            line_ids.append(line_id)
        email = f"{first}.{last}@example.com".lower()
        order = {
            "id": order_id, "legacyResourceId": str(legacy_id(order_id)), "name": f"#{number}",
            "createdAt": iso(created), "updatedAt": iso(updated), "processedAt": iso(created),
            "cancelledAt": iso(updated) if cancelled else None, "closedAt": iso(updated) if cancelled else None,
            "closed": cancelled, "currencyCode": SHOP_CURRENCY, "presentmentCurrencyCode": SHOP_CURRENCY,
            "email": email, "phone": None, "note": note, "tags": list(tags or []),
            "displayFinancialStatus": financial, "displayFulfillmentStatus": "UNFULFILLED",
            "customer": {"id": customer_id, "displayName": f"{first} {last}", "firstName": first, "lastName": last,
                         "email": email, "phone": None},
            "shippingAddress": {"id": gid("MailingAddress", 8_000_000 + number), **address},
            "billingAddress": {"id": gid("MailingAddress", 8_500_000 + number), **address},
            "shippingLine": {
                "id": gid("ShippingLine", 6_000_000 + number), "title": "Standard" if shipping else "Free Shipping",
                "code": "STANDARD" if shipping else "FREE", "carrierIdentifier": None, "source": "shopify",
                "originalPriceSet": money_bag(shipping), "discountedPriceSet": money_bag(shipping),
            },
            "subtotalPriceSet": money_bag(subtotal), "totalDiscountsSet": money_bag(discounts),
            "totalShippingPriceSet": money_bag(shipping), "totalTaxSet": money_bag(tax),
            "totalPriceSet": money_bag(subtotal + shipping + tax),
            "_lineItemIds": line_ids, "_fulfillmentOrderIds": [], "_fulfillmentIds": [],
        }
        self.orders[order_id] = order
        location_id = list(self.locations)[location_index % len(self.locations)]
        fo_id = self.next_id("FulfillmentOrder", 3_000_001)
        fo_lines = []
        for line_id in line_ids:
            line = self.line_items[line_id]
            fo_line_id = self.next_id("FulfillmentOrderLineItem", 3_500_001)
            variant = self.variants.get(line["_variantId"] or "")
            self.fo_line_items[fo_line_id] = {
                "id": fo_line_id, "totalQuantity": line["quantity"],
                "remainingQuantity": 0 if cancelled else line["quantity"], "sku": line["sku"],
                "inventoryItemId": variant["_itemId"] if variant else None, "_lineItemId": line_id, "_foId": fo_id,
            }
            fo_lines.append(fo_line_id)
            if variant and not cancelled:
                self.commit(variant["_itemId"], location_id, line["quantity"])
        self.fulfillment_orders[fo_id] = {
            "id": fo_id, "status": "CLOSED" if cancelled else "OPEN", "requestStatus": "UNSUBMITTED",
            "createdAt": iso(created), "updatedAt": iso(updated), "orderId": order_id, "orderName": order["name"],
            "_locationId": location_id, "_lineItemIds": fo_lines,
        }
        order["_fulfillmentOrderIds"].append(fo_id)
        return order

    def _seed_fulfilment(self, order: dict[str, Any], *, partial: bool, when: datetime) -> None:
        fo = self.fulfillment_orders[order["_fulfillmentOrderIds"][0]]
        chosen = fo["_lineItemIds"][:1] if partial else list(fo["_lineItemIds"])
        self.fulfil(
            fo_lines=[(fo["id"], line_id, self.fo_line_items[line_id]["remainingQuantity"]) for line_id in chosen],
            tracking={"company": "UPS", "number": f"1Z999AA1{legacy_id(order['id']):010d}", "url": None},
            stamp=iso(when),
        )

    # -- look-ups ----------------------------------------------------------------------------------
    def variant_by_sku(self, sku: str) -> dict[str, Any] | None:
        for variant in self.variants.values():
            if variant["sku"] == sku:
                return variant
        return None

    def level(self, item_id: str, location_id: str) -> dict[str, Any] | None:
        return self.levels.get((item_id, location_id))

    # -- changes -----------------------------------------------------------------------------------
    def commit(self, item_id: str, location_id: str, quantity: int) -> None:
        """Units promised to an order: no longer available, still on hand."""
        level = self.levels.get((item_id, location_id))
        if level is not None:
            level["committed"] += quantity
            level["available"] -= quantity

    def fulfil(
        self, *, fo_lines: list[tuple[str, str, int]], tracking: dict[str, Any], stamp: str | None = None,
        notify_customer: bool = False,
    ) -> dict[str, Any]:
        """Ship ``(fulfillment order, fulfillment order line item, quantity)`` triples as one fulfillment."""
        stamp = stamp or self.stamp()
        first_fo = self.fulfillment_orders[fo_lines[0][0]]
        order = self.orders[first_fo["orderId"]]
        fulfillment_id = self.next_id("Fulfillment", 4_000_001)
        shipped: list[dict[str, Any]] = []
        for fo_id, fo_line_id, quantity in fo_lines:
            fo_line = self.fo_line_items[fo_line_id]
            fo_line["remainingQuantity"] -= quantity
            line = self.line_items[fo_line["_lineItemId"]]
            line["unfulfilledQuantity"] = max(line["unfulfilledQuantity"] - quantity, 0)
            item_id = fo_line["inventoryItemId"]
            level = self.levels.get((item_id, self.fulfillment_orders[fo_id]["_locationId"])) if item_id else None
            if level is not None:
                level["committed"] = max(level["committed"] - quantity, 0)
                level["on_hand"] -= quantity
                level["updatedAt"] = stamp
            shipped.append({"id": self.next_id("FulfillmentLineItem", 4_500_001), "quantity": quantity,
                            "_lineItemId": line["id"]})
        for fo_id in {fo_id for fo_id, _, _ in fo_lines}:
            fo = self.fulfillment_orders[fo_id]
            remaining = sum(self.fo_line_items[i]["remainingQuantity"] for i in fo["_lineItemIds"])
            fo["status"] = "CLOSED" if remaining == 0 else "IN_PROGRESS"
            fo["updatedAt"] = stamp
        fulfillment = {
            "id": fulfillment_id, "name": f"{order['name']}-F{len(order['_fulfillmentIds']) + 1}", "status": "SUCCESS",
            "createdAt": stamp, "updatedAt": stamp, "_orderId": order["id"], "_locationId": first_fo["_locationId"],
            "_tracking": [tracking] if any(tracking.get(k) for k in ("company", "number", "url")) else [],
            "_lineItems": shipped, "_notifyCustomer": notify_customer,
        }
        self.fulfillments[fulfillment_id] = fulfillment
        order["_fulfillmentIds"].append(fulfillment_id)
        still_open = sum(self.line_items[i]["unfulfilledQuantity"] for i in order["_lineItemIds"])
        order["displayFulfillmentStatus"] = "FULFILLED" if still_open == 0 else "PARTIALLY_FULFILLED"
        order["updatedAt"] = stamp
        return fulfillment
