"""Seeded catalog and orders in the shapes of the vendor models.

Orders are stored whole, in the Orders API v2026-01-01 ``Order`` shape (every dataset filled in);
``order_view`` cuts one down to the datasets a request asked for with ``includedData``. The same seed
gives the same SKUs, order ids and order item ids whatever the clock says, so tests can name them;
only timestamps are placed relative to the sandbox's "now".
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = [
    "Listing",
    "SEEDED_HISTORY_ENDS",
    "seeded_listings",
    "seeded_orders",
    "new_order",
    "order_view",
    "iso",
    "DATASETS",
    "MARKETPLACE_NAMES",
]

DATASETS = (
    "BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT", "PACKAGES", "TAX",
    "PAYMENT", "FULFILLMENT_ORDERS",
)  # fmt: skip
"""``includedData`` values of searchOrders/getOrder (orders_2026-01-01.json)."""

MARKETPLACE_NAMES = {"ATVPDKIKX0DER": "Amazon.com", "A2EUQ1WTGCTBG2": "Amazon.ca", "A1AM78C64UM0Y8": "Amazon.com.mx"}

_ORDER_DATASET_KEYS = {
    "BUYER": "buyer", "RECIPIENT": "recipient", "PROCEEDS": "proceeds", "FULFILLMENT": "fulfillment",
    "PACKAGES": "packages", "PAYMENT": "payment", "TAX": "tax", "FULFILLMENT_ORDERS": "fulfillmentOrders",
}  # fmt: skip
_ITEM_DATASET_KEYS = {"PROCEEDS": "proceeds", "EXPENSE": "expense", "PROMOTION": "promotion", "CANCELLATION": "cancellation",
                      "FULFILLMENT": "fulfillment", "TAX": "tax"}  # fmt: skip
_STATUSES = (
    ("UNSHIPPED", 50), ("SHIPPED", 22), ("PARTIALLY_SHIPPED", 6), ("PENDING", 8), ("CANCELLED", 7),
    ("PENDING_AVAILABILITY", 4), ("UNFULFILLABLE", 3),
)  # fmt: skip
_PRODUCTS = ("Canvas Tote", "Travel Mug", "Desk Lamp", "Yoga Mat", "Water Bottle", "Phone Stand", "Notebook Set",
             "Wool Socks", "Cutting Board", "Bike Light", "Throw Pillow", "Tea Sampler")  # fmt: skip
_NAMES = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Linus Pauling", "Mary Jackson",
          "Edsger Dijkstra", "Barbara Liskov", "Dorothy Vaughan", "Claude Shannon")  # fmt: skip
_PLACES = (
    ("Seattle", "WA", "98101"), ("Austin", "TX", "78701"), ("Denver", "CO", "80202"), ("Boston", "MA", "02108"),
    ("Chicago", "IL", "60601"), ("Portland", "OR", "97201"), ("Miami", "FL", "33101"), ("Phoenix", "AZ", "85001"),
)  # fmt: skip
_STREETS = ("Main Street", "Oak Avenue", "Pine Road", "Maple Drive", "Cedar Lane", "Elm Street")
_CARRIERS = (("UPS", "UPS Ground", "1Z"), ("USPS", "USPS Priority Mail", "9400"), ("FedEx", "FedEx Ground", "7"))
_CENT = Decimal("0.01")


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Decimal, currency: str = "USD") -> dict[str, str]:
    return {"amount": str(amount.quantize(_CENT)), "currencyCode": currency}


@dataclass
class Listing:
    """One SKU of the seller's catalog with its merchant-fulfilled (DEFAULT channel) quantity."""

    sku: str
    asin: str
    title: str
    price: Decimal
    quantity: int


SEEDED_HISTORY_ENDS = datetime(2026, 11, 1, tzinfo=UTC)
"""Seeded orders are placed in the 30 days before this moment (or before the sandbox clock, if earlier)."""


def seeded_listings(seed: int, count: int | Sequence[str]) -> dict[str, Listing]:
    """``count`` listings ``CD-00001``…, or one per SKU given (to share a catalogue with other sandboxes)."""
    rng = random.Random(f"listings:{seed}")
    listings = {}
    names = [f"CD-{n:05d}" for n in range(1, count + 1)] if isinstance(count, int) else list(count)
    for n, sku in enumerate(names, 1):
        listings[sku] = Listing(
            sku=sku,
            asin="B0" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=8)),
            title=f"{rng.choice(_PRODUCTS)} ({n})",
            price=Decimal(rng.randint(599, 8999)) / 100,
            quantity=rng.randint(0, 120),
        )
    return listings


def seeded_orders(
    seed: int, count: int, listings: dict[str, Listing], *, now: datetime, marketplace_id: str
) -> dict[str, dict[str, Any]]:
    """``count`` orders placed over the 30 days before ``now``, each updated at least three minutes ago."""
    rng = random.Random(f"orders:{seed}")
    orders = {}
    for _ in range(count):
        order = new_order(rng, listings, now=now, marketplace_id=marketplace_id)
        orders[order["orderId"]] = order
    return orders


def new_order(
    rng: random.Random,
    listings: dict[str, Listing],
    *,
    now: datetime,
    marketplace_id: str,
    status: str | None = None,
    created: datetime | None = None,
) -> dict[str, Any]:
    """One order in the full v2026-01-01 shape; ids come from ``rng`` before anything time-dependent."""
    order_id = f"{rng.choice((111, 112, 113, 114))}-{rng.randint(0, 9_999_999):07d}-{rng.randint(0, 9_999_999):07d}"
    status = status or rng.choices([s for s, _ in _STATUSES], weights=[w for _, w in _STATUSES])[0]
    age_minutes = rng.randint(10, 30 * 24 * 60)
    update_minutes = rng.randint(0, min(age_minutes - 3, 3 * 24 * 60))
    skus = rng.sample(sorted(listings), k=min(len(listings), rng.randint(1, 3)))
    quantities = [rng.randint(1, 3) for _ in skus]
    item_ids = [f"{rng.randint(10**13, 10**14 - 1)}" for _ in skus]
    name = rng.choice(_NAMES)
    city, state, postal = rng.choice(_PLACES)
    street = f"{rng.randint(1, 9999)} {rng.choice(_STREETS)}"
    service = rng.choice(("Standard", "Expedited", "SecondDay"))
    carrier = rng.choice(_CARRIERS)
    tracking = carrier[2] + "".join(rng.choices("0123456789", k=16))
    shipping = Decimal(rng.choice((0, 0, 499, 799))) / 100

    if created is None:
        created = now - timedelta(minutes=age_minutes)
        updated = created + timedelta(minutes=update_minutes)  # at least three minutes before now
    else:
        updated = created
    items = []
    item_total = Decimal(0)
    tax_total = Decimal(0)
    for sku, quantity, item_id in zip(skus, quantities, item_ids, strict=True):
        listing = listings[sku]
        line = listing.price * quantity
        tax = (line * Decimal("0.0825")).quantize(_CENT)
        item_total += line
        tax_total += tax
        shipped = quantity if status == "SHIPPED" else (quantity // 2 if status == "PARTIALLY_SHIPPED" else 0)
        items.append({
            "orderItemId": item_id,
            "quantityOrdered": quantity,
            "product": {
                "asin": listing.asin,
                "title": listing.title,
                "sellerSku": sku,
                "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
                "price": {"unitPrice": _money(listing.price)},
            },
            "proceeds": {
                "proceedsTotal": _money(line + tax),
                "breakdowns": [{"type": "ITEM", "subtotal": _money(line)}, {"type": "TAX", "subtotal": _money(tax)}],
            },
            "fulfillment": {"quantityFulfilled": shipped, "quantityUnfulfilled": quantity - shipped},
        })
    if status == "PARTIALLY_SHIPPED" and all(i["fulfillment"]["quantityFulfilled"] == 0 for i in items):
        first = items[0]["fulfillment"]
        first["quantityFulfilled"], first["quantityUnfulfilled"] = 1, items[0]["quantityOrdered"] - 1
    order: dict[str, Any] = {
        "orderId": order_id,
        "createdTime": iso(created),
        "lastUpdatedTime": iso(updated),
        "programs": [],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": marketplace_id,
            "marketplaceName": MARKETPLACE_NAMES.get(marketplace_id, "Amazon"),
        },
        "buyer": {"buyerName": name, "buyerEmail": f"{order_id.replace('-', '')}@marketplace.amazon.com"},
        "recipient": {
            "deliveryAddress": {
                "name": name,
                "addressLine1": street,
                "city": city,
                "stateOrRegion": state,
                "postalCode": postal,
                "countryCode": "US",
                "addressType": "RESIDENTIAL",
            }
        },
        "proceeds": {
            "grandTotal": _money(item_total + tax_total + shipping),
            "breakdowns": [
                {"type": "ITEM", "subtotal": _money(item_total)},
                {"type": "SHIPPING", "subtotal": _money(shipping)},
                {"type": "TAX", "subtotal": _money(tax_total)},
            ],
        },
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": "MERCHANT",
            "fulfillmentServiceLevel": {"Standard": "STANDARD", "Expedited": "EXPEDITED", "SecondDay": "SECOND_DAY"}[service],
            "shipByWindow": {"earliestDateTime": iso(created), "latestDateTime": iso(created + timedelta(days=2))},
        },
        "orderItems": items,
        "packages": [],
    }
    shipped_items = [
        (i["orderItemId"], i["fulfillment"]["quantityFulfilled"]) for i in items if i["fulfillment"]["quantityFulfilled"]
    ]
    if shipped_items:
        order["packages"].append({
            "packageReferenceId": "1",
            "createdTime": iso(updated),
            "packageStatus": {"status": "IN_TRANSIT" if status == "PARTIALLY_SHIPPED" else "DELIVERED"},
            "carrier": carrier[0],
            "shipTime": iso(updated),
            "shippingService": carrier[1],
            "trackingNumber": tracking,
            "packageItems": [{"orderItemId": item_id, "quantity": qty} for item_id, qty in shipped_items],
        })
    return order


def order_view(order: dict[str, Any], datasets: set[str]) -> dict[str, Any]:
    """``order`` with only the datasets ``includedData`` asked for (line items are always included)."""
    view = {k: copy.deepcopy(v) for k, v in order.items() if k not in _ORDER_DATASET_KEYS.values()}
    for dataset, key in _ORDER_DATASET_KEYS.items():
        if dataset in datasets and key in order:
            view[key] = copy.deepcopy(order[key])
    view["orderItems"] = [
        {k: v for k, v in item.items() if k not in _ITEM_DATASET_KEYS.values() or _dataset_of(k) in datasets}
        for item in view["orderItems"]
    ]
    return view


def _dataset_of(item_key: str) -> str:
    for dataset, key in _ITEM_DATASET_KEYS.items():
        if key == item_key:
            return dataset
    return ""
