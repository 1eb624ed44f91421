"""Realistic, deterministic sample files: a small apparel store's order exports and a 3PL's stock drops.

Everything derives from ``random.Random(seed)`` and a fixed start time, never the clock, so the same
seed writes byte-identical files with identical modification times (and so identical cursor
positions) on any machine: examples, the demo and tests can rely on exact values.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

__all__ = ["SeededFolder", "write_samples", "ORDER_CSV_COLUMNS", "STOCK_COLUMNS", "LOCATIONS"]

START = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
CENT = Decimal("0.01")
LOCATIONS = ("WH-EAST", "WH-WEST")

_PRODUCTS = (
    ("TEE-ORG", "Organic Cotton Tee", Decimal("28.00"), ("BLK", "WHT", "NVY", "OLV"), ("S", "M", "L", "XL")),
    ("HOOD-FLC", "Recycled Fleece Hoodie", Decimal("64.00"), ("CHR", "NVY", "RST"), ("S", "M", "L", "XL")),
    ("SOCK-MER", "Merino Hiking Socks", Decimal("16.50"), ("GRY", "BLK"), ("M", "L")),
    ("CAP-WAX", "Waxed Canvas Cap", Decimal("32.00"), ("TAN", "OLV", "BLK"), ("OS",)),
    ("MUG-ENM", "Enamel Camp Mug", Decimal("18.00"), ("WHT", "BLU"), ("12OZ",)),
    ("TOTE-CNV", "Heavy Canvas Tote", Decimal("24.00"), ("NAT", "BLK"), ("OS",)),
    ("BTL-STL", "Insulated Steel Bottle", Decimal("36.00"), ("SLT", "SGE", "BLK"), ("750ML",)),
    ("JKT-RAIN", "Packable Rain Jacket", Decimal("118.00"), ("YEL", "NVY"), ("S", "M", "L")),
)
_COLOURS = {"BLK": "Black", "WHT": "White", "NVY": "Navy", "OLV": "Olive", "CHR": "Charcoal", "RST": "Rust",
            "GRY": "Grey", "TAN": "Tan", "BLU": "Blue", "NAT": "Natural", "SLT": "Slate", "SGE": "Sage", "YEL": "Yellow"}
_FIRST = ("Maya", "Liam", "Sofia", "Noah", "Amara", "Ethan", "Priya", "Lucas", "Hana", "Mateo", "Zoe", "Owen",
          "Leila", "Caleb", "Ines", "Jonah", "Aisha", "Felix", "Rosa", "Theo")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Brennan", "Nakamura", "Haddad", "Kowalski",
         "Fitzgerald", "Osei", "Marchetti", "Larsen", "Delgado", "Whitaker", "Chen", "Novak", "Ibrahim")
_STREETS = ("Maple Ave", "Harbor St", "Cedar Ln", "Willow Rd", "Summit Dr", "Orchard Way", "Lakeview Blvd",
            "Pine St", "Juniper Ct", "Granite Pl")
# city, region, postal code, country, sales-tax rate
_PLACES = (
    ("Portland", "OR", "97205", "US", Decimal("0")),
    ("Seattle", "WA", "98101", "US", Decimal("0.1035")),
    ("Austin", "TX", "78701", "US", Decimal("0.0825")),
    ("Brooklyn", "NY", "11201", "US", Decimal("0.08875")),
    ("Denver", "CO", "80202", "US", Decimal("0.0881")),
    ("Oakland", "CA", "94612", "US", Decimal("0.1025")),
    ("Asheville", "NC", "28801", "US", Decimal("0.07")),
    ("Burlington", "VT", "05401", "US", Decimal("0.07")),
    ("Toronto", "ON", "M5V 2T6", "CA", Decimal("0")),
    ("Vancouver", "BC", "V6B 1A1", "CA", Decimal("0")),
)

ORDER_CSV_COLUMNS = (
    "number", "id", "channel", "status", "financial_status", "created_at", "updated_at", "currency",
    "customer.name", "customer.email", "ship_to.name", "ship_to.line1", "ship_to.line2", "ship_to.city",
    "ship_to.region", "ship_to.postal_code", "ship_to.country", "shipping.method", "shipping.price",
    "discount.code", "discount.amount", "subtotal", "tax", "total", "note",
    "line.id", "line.sku", "line.title", "line.quantity", "line.unit_price",
)
STOCK_COLUMNS = ("sku", "location", "on_hand", "committed", "available", "as_of")


@dataclass
class SeededFolder:
    """What :func:`write_samples` wrote: file names relative to the folder, and how many of each."""

    path: Path
    files: list[str] = field(default_factory=list)
    orders: int = 0
    stock_rows: int = 0
    bad_lines: int = 0


@dataclass(frozen=True)
class _Variant:
    sku: str
    title: str
    price: Decimal


def _catalogue(rng: random.Random, count: int) -> list[_Variant]:
    every = [
        _Variant(f"{code}-{colour}-{size}", f"{title} - {_COLOURS[colour]} / {size}", price)
        for code, title, price, colours, sizes in _PRODUCTS
        for colour in colours
        for size in sizes
    ]
    chosen = rng.sample(every, min(count, len(every)))
    for extra in range(count - len(chosen)):  # more SKUs than the catalogue has: numbered bundles
        base = every[extra % len(every)]
        chosen.append(_Variant(f"{base.sku}-B{extra // len(every) + 2}", f"{base.title} (bundle)", base.price * 2))
    return sorted(chosen, key=lambda v: v.sku)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_EVEN))


def _order(rng: random.Random, index: int, created: datetime, catalogue: list[_Variant]) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    city, region, postal, country, tax_rate = rng.choice(_PLACES)
    picked = rng.sample(catalogue, min(len(catalogue), rng.choice((1, 1, 1, 2, 2, 3, 4))))
    lines = []
    subtotal = Decimal(0)
    for position, variant in enumerate(picked, start=1):
        quantity = rng.choice((1, 1, 1, 2, 2, 3))
        subtotal += variant.price * quantity
        lines.append({"id": str(position), "sku": variant.sku, "title": variant.title,
                      "quantity": quantity, "unit_price": _money(variant.price)})
    discount = (subtotal * Decimal("0.10")).quantize(CENT) if rng.random() < 0.2 else Decimal(0)
    express = rng.random() < 0.15
    shipping = Decimal("14.95") if express else (Decimal(0) if subtotal >= 75 else Decimal("5.95"))
    tax = ((subtotal - discount) * tax_rate).quantize(CENT, rounding=ROUND_HALF_EVEN)
    total = subtotal - discount + shipping + tax
    status, financial = rng.choices(
        (("open", "paid"), ("open", "authorized"), ("fulfilled", "paid"), ("cancelled", "refunded")),
        weights=(70, 10, 15, 5),
    )[0]
    order: dict[str, Any] = {
        "id": str(5_200_000 + index),
        "number": f"#{1001 + index}",
        "channel": "legacy-store",
        "status": status,
        "financial_status": financial,
        "created_at": _iso(created),
        "updated_at": _iso(created + timedelta(minutes=rng.randint(0, 90))),
        "currency": "USD",
        "customer": {"name": f"{first} {last}", "email": f"{first}.{last}{rng.randint(1, 99)}@example.com".lower()},
        "ship_to": {
            "name": f"{first} {last}",
            "line1": f"{rng.randint(10, 9999)} {rng.choice(_STREETS)}",
            "city": city, "region": region, "postal_code": postal, "country": country,
        },
        "shipping": {"method": "Express" if express else "Standard", "price": _money(shipping)},
        "subtotal": _money(subtotal),
        "tax": _money(tax),
        "total": _money(total),
        "lines": lines,
    }
    if rng.random() < 0.2:
        order["ship_to"]["line2"] = f"Apt {rng.randint(1, 40)}"
    if discount:
        order["discount"] = {"code": "WELCOME10", "amount": _money(discount)}
    if rng.random() < 0.1:
        order["note"] = rng.choice(("Gift - please leave out the receipt", "Leave at the side door", "Birthday present"))
    return order


def _order_rows(order: dict[str, Any]) -> list[dict[str, str]]:
    """An order as export rows: order columns on the first row only, the number on every row."""
    flat = _flatten({k: v for k, v in order.items() if k != "lines"})
    rows = []
    for position, line in enumerate(order["lines"]):
        row = dict(flat) if position == 0 else {"number": order["number"]}
        row.update({f"line.{k}": str(v) for k, v in line.items()})
        rows.append(row)
    return rows


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def _csv_text(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _write(folder: Path, name: str, text: str, moment: datetime, seeded: SeededFolder) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    stamp = int(moment.timestamp()) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))
    seeded.files.append(name)


def write_samples(
    folder: Path,
    *,
    orders: int,
    skus: int,
    seed: int,
    orders_format: str,
    stock_format: str,
    orders_per_file: int,
    bad_lines: int,
    stock_snapshots: int,
) -> SeededFolder:
    rng = random.Random(seed)
    catalogue = _catalogue(rng, max(1, skus))
    seeded = SeededFolder(path=folder)
    created = START + timedelta(minutes=rng.randint(0, 59))
    batch: list[dict[str, Any]] = []
    bad_left = bad_lines
    for index in range(orders):
        batch.append(_order(rng, index, created, catalogue))
        created += timedelta(minutes=rng.randint(3, 25))
        if len(batch) == orders_per_file or index == orders - 1:
            first = datetime.fromisoformat(batch[0]["created_at"])
            name = f"orders/{first:%Y%m%dT%H%M}__orders.{orders_format}"
            text, bad = _orders_text(batch, orders_format, rng, bad_left > 0)
            bad_left -= bad
            _write(folder, name, text, created, seeded)
            seeded.orders += len(batch)
            seeded.bad_lines += bad
            batch = []
    previous: dict[tuple[str, str], int] = {}
    for snapshot in range(stock_snapshots):  # the 3PL's 06:00 and 18:00 drops; about half the levels move between two
        moment = START + timedelta(hours=6 + 12 * snapshot)
        levels = []
        for variant in catalogue:
            for location in LOCATIONS:
                key = (variant.sku, location)
                on_hand = previous[key] if key in previous and rng.random() < 0.5 else rng.randint(0, 120)
                previous[key] = on_hand
                committed = min(on_hand, rng.randint(0, 8))
                levels.append({"sku": variant.sku, "location": location, "on_hand": on_hand, "committed": committed,
                               "available": on_hand - committed, "as_of": _iso(moment)})
        name = f"stock/{moment:%Y%m%dT%H%M}__stock.{stock_format}"
        if stock_format == "csv":
            text = _csv_text(STOCK_COLUMNS, [{k: str(v) for k, v in row.items()} for row in levels])
        else:
            text = "".join(json.dumps(row) + "\n" for row in levels)
        _write(folder, name, text, moment, seeded)
        seeded.stock_rows += len(levels)
    return seeded


def _orders_text(batch: list[dict[str, Any]], fmt: str, rng: random.Random, with_bad_line: bool) -> tuple[str, int]:
    """The file's text; with ``with_bad_line`` one damaged line is put in it (for error-queue demos)."""
    if fmt == "jsonl":
        lines = [json.dumps(order, ensure_ascii=False) + "\n" for order in batch]
        if with_bad_line:
            at = rng.randrange(len(lines))
            lines.insert(at, lines[at][: len(lines[at]) // 2].rstrip() + "\n")  # a line cut off mid-object
        return "".join(lines), int(with_bad_line)
    rows = [row for order in batch for row in _order_rows(order)]
    if with_bad_line:
        damaged = dict(rows[-1])
        damaged["number"] = ""
        damaged["line.id"] = "9"
        rows.append(damaged)  # a row that lost its order number, after the last order
    return _csv_text(ORDER_CSV_COLUMNS, rows), int(with_bad_line)
