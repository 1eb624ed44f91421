"""Seeded, realistic data for the ERP sandbox: a catalogue, warehouses, stock, orders and their shipments.

Everything comes from one ``random.Random(seed)``, starting at a fixed date, so the same seed always
gives byte-identical data (tests assert on it; a benchmark run can be repeated). Some orders share an
``updated_at`` on purpose: real APIs have ties, and a client that pages by timestamp alone loses or
repeats records at them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = ["WAREHOUSES", "Product", "SandboxData", "generate", "iso", "new_shipment", "tracking_number"]

START = datetime(2024, 1, 2, 8, 0, tzinfo=UTC)
WAREHOUSES = ("WH-EAST", "WH-WEST")

_ADJECTIVES = ("Classic", "Organic", "Heavy-Duty", "Compact", "Deluxe", "Recycled", "Waterproof", "Travel", "Everyday", "Premium")
_NOUNS = ("Tote Bag", "Water Bottle", "Notebook", "Desk Lamp", "Coffee Mug", "Yoga Mat", "Phone Case", "Backpack",
          "Candle", "Throw Blanket", "Cutting Board", "Plant Pot", "Wall Clock", "Beanie", "Sunglasses")
_COLOURS = ("Black", "Navy", "Sage", "Sand", "Red", "White", "Charcoal")
_FIRST = ("Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sophia", "Lucas", "Mia", "Ethan", "Amelia", "Aiden",
          "Harper", "Elijah", "Priya", "Kenji", "Fatima", "Diego", "Chloe", "Omar")
_LAST = ("Smith", "Johnson", "Garcia", "Nguyen", "Brown", "Martinez", "Lee", "Patel", "Walker", "Kim", "Lopez",
         "Clark", "Okafor", "Schmidt", "Rossi", "Cohen")
_STREETS = ("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Blvd", "Elm St", "Lakeview Rd", "Hillcrest Way")
_CITIES = (("Austin", "TX", "787"), ("Portland", "OR", "972"), ("Columbus", "OH", "432"), ("Denver", "CO", "802"),
           ("Raleigh", "NC", "276"), ("Madison", "WI", "537"), ("Tampa", "FL", "336"), ("Boise", "ID", "837"),
           ("Albany", "NY", "122"), ("Tucson", "AZ", "857"))
_CARRIERS = (("UPS", "Ground", "8.95"), ("USPS", "Priority Mail", "7.50"), ("FedEx", "2Day", "14.25"), ("UPS", "Next Day Air", "29.00"))
_CHANNELS = ("web", "web", "web", "phone", "b2b", "marketplace")
_STATUSES = ("open",) * 6 + ("pending", "on_hold", "partially_shipped", "shipped", "shipped", "cancelled", "closed")
_PAYMENT = {"pending": "pending", "cancelled": "refunded", "on_hold": "authorized"}
_TAX_RATE = Decimal("0.0725")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    description: str
    price: Decimal


@dataclass
class SandboxData:
    products: list[Product]
    orders: dict[str, dict[str, Any]]
    """Order ID → order resource as ``GET /orders`` returns it."""
    stock: dict[str, dict[str, Any]]
    """``WAREHOUSE:SKU`` → stock resource as ``GET /stock`` returns it."""
    shipments: dict[str, dict[str, Any]]
    """Shipment ID → shipment resource as ``GET /shipments`` returns it."""


def iso(moment: datetime) -> str:
    """The API's timestamp format: UTC, seconds, ``Z``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT))


def generate(*, seed: int, orders: int, skus: int) -> SandboxData:
    rng = random.Random(seed)
    products = _products(rng, skus)
    order_map = _orders(rng, products, orders)
    stock = _stock(rng, products)
    shipments: dict[str, dict[str, Any]] = {}
    for order in order_map.values():
        if order["status"] in ("shipped", "partially_shipped", "closed"):
            shipped_at = datetime.fromisoformat(order["ordered_at"]) + timedelta(hours=rng.randrange(2, 48))
            lines = order["lines"] if order["status"] != "partially_shipped" else order["lines"][:1]
            shipment = new_shipment(
                rng, f"SH-{200001 + len(shipments)}", order, lines, shipped_at, rng.choice(WAREHOUSES)
            )
            shipments[shipment["id"]] = shipment
    return SandboxData(products=products, orders=order_map, stock=stock, shipments=shipments)


def tracking_number(rng: random.Random, carrier: str) -> str:
    """A tracking number shaped like the carrier's (UPS 1Z…, USPS 22 digits, FedEx 12 digits)."""
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
    digits = 22 if carrier == "USPS" else 12
    return "".join(rng.choice("0123456789") for _ in range(digits))


def new_shipment(
    rng: random.Random,
    shipment_id: str,
    order: dict[str, Any],
    lines: list[dict[str, Any]],
    shipped_at: datetime,
    warehouse: str,
    *,
    carrier: str | None = None,
    service: str | None = None,
    tracking: str | None = None,
) -> dict[str, Any]:
    """A shipment resource for ``lines`` of ``order`` (the order's own carrier unless told otherwise)."""
    shipping = order.get("shipping") or {}
    carrier = carrier or shipping.get("carrier") or "UPS"
    return {
        "id": shipment_id,
        "order_id": order["id"],
        "order_number": order["number"],
        "warehouse": warehouse,
        "carrier": carrier,
        "service": service or shipping.get("service"),
        "tracking_number": tracking or tracking_number(rng, carrier),
        "shipped_at": iso(shipped_at),
        "updated_at": iso(shipped_at),
        "lines": [{"order_line_id": line["id"], "sku": line["sku"], "quantity": line["quantity"]} for line in lines],
    }


def _products(rng: random.Random, count: int) -> list[Product]:
    products = []
    for i in range(count):
        description = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} - {rng.choice(_COLOURS)}"
        price = Decimal(rng.randrange(499, 19999)) / 100
        products.append(Product(sku=f"SKU-{10001 + i}", description=description, price=price))
    return products


def _orders(rng: random.Random, products: list[Product], count: int) -> dict[str, dict[str, Any]]:
    orders: dict[str, dict[str, Any]] = {}
    placed = START
    previous_update: datetime | None = None
    for i in range(count):
        placed += timedelta(minutes=rng.randrange(7, 240), seconds=rng.randrange(60))
        updated = placed + timedelta(minutes=rng.randrange(0, 3 * 24 * 60))
        if previous_update is not None and rng.random() < 0.1:
            updated = max(previous_update, placed)  # a batch job touched several orders at once
        previous_update = updated
        orders[f"SO-{100001 + i}"] = _order(rng, products, i, placed, updated)
    return orders


def _order(rng: random.Random, products: list[Product], index: int, placed: datetime, updated: datetime) -> dict[str, Any]:
    order_id = f"SO-{100001 + index}"
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    city, state, zip_prefix = rng.choice(_CITIES)
    status = rng.choice(_STATUSES)
    lines = []
    for n, product in enumerate(rng.sample(products, k=min(len(products), rng.choice((1, 1, 1, 2, 2, 3, 4)))), start=1):
        lines.append({
            "id": f"{order_id}-{n}",
            "sku": product.sku,
            "description": product.description,
            "quantity": rng.choice((1, 1, 1, 2, 2, 3, 5)),
            "unit_price": _money(product.price),
        })
    subtotal = sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))
    discount = (subtotal * Decimal("0.10")).quantize(_CENT) if rng.random() < 0.15 else Decimal(0)
    carrier, service, shipping = rng.choice(_CARRIERS)
    shipping_amount = Decimal(0) if subtotal >= 75 else Decimal(shipping)
    tax = ((subtotal - discount) * _TAX_RATE).quantize(_CENT)
    total = subtotal - discount + shipping_amount + tax
    email = f"{first}.{last}{rng.randrange(10, 99)}@example.com".lower()
    return {
        "id": order_id,
        "number": str(100001 + index),
        "external_id": None,
        "channel": rng.choice(_CHANNELS),
        "status": status,
        "payment_status": _PAYMENT.get(status, "paid"),
        "currency": "USD",
        "ordered_at": iso(placed),
        "updated_at": iso(updated),
        "customer": {
            "id": f"C-{rng.randrange(1000, 9999)}",
            "name": f"{first} {last}",
            "email": email,
            "phone": f"+1-555-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
        },
        "ship_to": {
            "name": f"{first} {last}",
            "company": f"{last} & Co" if rng.random() < 0.2 else None,
            "address1": f"{rng.randrange(1, 9999)} {rng.choice(_STREETS)}",
            "address2": f"Apt {rng.randrange(1, 40)}" if rng.random() < 0.25 else None,
            "city": city,
            "state": state,
            "zip": f"{zip_prefix}{rng.randrange(10, 99)}",
            "country": "US",
            "phone": None,
        },
        "lines": lines,
        "shipping": {"carrier": carrier, "service": service, "amount": _money(shipping_amount)},
        "subtotal": _money(subtotal),
        "discount_total": _money(discount),
        "shipping_total": _money(shipping_amount),
        "tax_total": _money(tax),
        "total": _money(total),
        "notes": "Leave at the side door" if rng.random() < 0.1 else None,
    }


def _stock(rng: random.Random, products: list[Product]) -> dict[str, dict[str, Any]]:
    stock: dict[str, dict[str, Any]] = {}
    for warehouse in WAREHOUSES:
        for product in products:
            on_hand = rng.randrange(0, 400)
            allocated = rng.randrange(0, min(on_hand, 40) + 1)
            updated = START + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
            stock[f"{warehouse}:{product.sku}"] = {
                "id": f"{warehouse}:{product.sku}",
                "sku": product.sku,
                "warehouse": warehouse,
                "on_hand": on_hand,
                "allocated": allocated,
                "available": on_hand - allocated,
                "updated_at": iso(updated),
            }
    return stock
