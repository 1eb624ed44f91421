"""Request validation of the ERP sandbox: refuse what a real ERP refuses, naming the field.

Each check returns the first problem as ``(field, message)``; the API answers 400 with
``{"error": {"code": "invalid_field", "field": …, "message": …}}``, the shape connectors' error
queues show to operators.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["MAX_BATCH_ITEMS", "Problem", "validate_order", "validate_stock_item"]

MAX_BATCH_ITEMS = 100

Problem = tuple[str, str]


def _text(body: dict[str, Any], name: str, where: str, *, required: bool) -> Problem | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return (f"{where}{name}", f"{where}{name} is required") if required else None
    if not isinstance(value, str):
        return f"{where}{name}", f"{where}{name} must be a string"
    return None


def _amount(body: dict[str, Any], name: str, where: str, *, required: bool) -> Problem | None:
    value = body.get(name)
    field = f"{where}{name}"
    if value is None:
        return (field, f"{field} is required") if required else None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return field, f"{field} must be a decimal amount"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return field, f"{field} must be a decimal amount, not {value!r}"
    if not amount.is_finite() or amount < 0:
        return field, f"{field} must not be negative"
    return None


def _count(body: dict[str, Any], name: str, where: str, *, required: bool, positive: bool) -> Problem | None:
    value = body.get(name)
    field = f"{where}{name}"
    if value is None:
        return (field, f"{field} is required") if required else None
    if isinstance(value, bool) or not isinstance(value, int):
        return field, f"{field} must be a whole number"
    if value < 0:
        return field, f"{field} must not be negative"
    if positive and value == 0:
        return field, f"{field} must be at least 1"
    return None


def validate_order(body: Any) -> Problem | None:
    """The first problem with a ``POST /orders`` body, or None."""
    if not isinstance(body, dict):
        return "", "the body must be a JSON object"
    for problem in (
        _text(body, "number", "", required=True),
        _text(body, "external_id", "", required=False),
        _text(body, "channel", "", required=False),
        _amount(body, "total", "", required=False),
        _amount(body, "subtotal", "", required=False),
        _amount(body, "discount_total", "", required=False),
        _amount(body, "shipping_total", "", required=False),
        _amount(body, "tax_total", "", required=False),
    ):
        if problem:
            return problem
    currency = body.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        return "currency", "currency must be a three-letter ISO 4217 code"
    ordered_at = body.get("ordered_at")
    if ordered_at is not None:
        try:
            if not isinstance(ordered_at, str) or datetime.fromisoformat(ordered_at).tzinfo is None:
                raise ValueError
        except ValueError:
            return "ordered_at", "ordered_at must be an ISO 8601 timestamp with a time zone"
    for block in ("customer", "shipping"):
        if body.get(block) is not None and not isinstance(body[block], dict):
            return block, f"{block} must be an object"
    if isinstance(body.get("shipping"), dict) and (problem := _amount(body["shipping"], "amount", "shipping.", required=False)):
        return problem
    ship_to = body.get("ship_to")
    if ship_to is not None:
        if not isinstance(ship_to, dict):
            return "ship_to", "ship_to must be an object"
        country = ship_to.get("country")
        if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
            return "ship_to.country", "ship_to.country must be a two-letter ISO 3166 code"
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines:
        return "lines", "lines must be a non-empty list"
    for i, line in enumerate(lines):
        where = f"lines[{i}]."
        if not isinstance(line, dict):
            return f"lines[{i}]", f"lines[{i}] must be an object"
        for problem in (
            _text(line, "sku", where, required=True),
            _count(line, "quantity", where, required=True, positive=True),
            _amount(line, "unit_price", where, required=True),
        ):
            if problem:
                return problem
    return None


def validate_stock_item(item: Any, index: int) -> Problem | None:
    """The first problem with one item of a ``POST /stock/batch`` body, or None."""
    where = f"items[{index}]."
    if not isinstance(item, dict):
        return f"items[{index}]", f"items[{index}] must be an object"
    for problem in (
        _text(item, "sku", where, required=True),
        _text(item, "warehouse", where, required=True),
        _count(item, "available", where, required=True, positive=False),
    ):
        if problem:
            return problem
    on_hand = item.get("on_hand")
    if on_hand is not None and (isinstance(on_hand, bool) or not isinstance(on_hand, int)):
        return f"{where}on_hand", f"{where}on_hand must be a whole number"
    return None
