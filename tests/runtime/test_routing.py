"""Routing order lines to a warehouse or a dropship partner, by SKU and by stock, without overselling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from crossdock.core.contract import CursorPosition, Page, SourceRecord
from crossdock.core.errors import FatalError
from crossdock.core.models import Money, Order, OrderLine, OrderTotals, SourceRef, StockLevel
from crossdock.runtime.operations import build_operation
from crossdock.runtime.routing import RouteOperation  # noqa: F401  (registers "route")

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def order(number: str, *lines: tuple[str, int]) -> Order:
    return Order(
        source=SourceRef(system="shop", id=number), channel="shopify", number=number, created_at=NOW, updated_at=NOW,
        currency="USD", totals=OrderTotals(total=Money(amount=Decimal(1), currency="USD")),
        lines=[OrderLine(line_id=str(i), sku=sku, quantity=qty, unit_price=Money(amount=Decimal(1), currency="USD"))
               for i, (sku, qty) in enumerate(lines, 1)],
    )


class StockStream:
    default_mapping = None

    def __init__(self, levels: list[StockLevel]) -> None:
        self.levels = levels
        self.reads = 0

    async def read(self, position: CursorPosition) -> AsyncIterator[Page]:
        self.reads += 1
        yield Page(records=[SourceRecord(key=l.key, payload=l) for l in self.levels])


def job_with_stock(*levels: StockLevel) -> tuple[Any, StockStream]:
    stream = StockStream(list(levels))
    connector = SimpleNamespace(stream=lambda name: stream)
    return SimpleNamespace(connectors={"erp": connector}), stream


def locations(o: Order) -> list[str | None]:
    return [line.fulfilment_location_id for line in o.lines]


async def test_sku_prefix_and_sku_lists_route_lines_first_matching_rule_wins() -> None:
    route = build_operation({"op": "route", "default": "wh", "rules": [
        {"to": "acme", "sku_prefix": ["DS-"]},
        {"to": "bolt", "skus": ["DS-2", "MUG"]},
    ]})
    [routed] = await route([order("1", ("DS-1", 1), ("DS-2", 1), ("MUG", 1), ("TEE", 1))])
    assert locations(routed) == ["acme", "acme", "bolt", "wh"]


async def test_stock_rule_routes_only_while_units_are_available_and_allocates_them() -> None:
    job, stream = job_with_stock(StockLevel(sku="TEE", location_id="wh", available=3))
    route = build_operation({"op": "route", "stock": {"connection": "erp", "stream": "stock"}, "default": "acme",
                             "rules": [{"to": "wh", "stock_at": "wh"}]}, context=job)
    first, second, third = await route([order("1", ("TEE", 2)), order("2", ("TEE", 1)), order("3", ("TEE", 1))])
    assert locations(first) == ["wh"] and locations(second) == ["wh"]
    assert locations(third) == ["acme"], "the fourth unit does not exist: it must not be promised from wh"
    await route([order("4", ("TEE", 1))])
    assert stream.reads == 1, "stock is read once per run, not per page"


async def test_unmatched_lines_take_the_default_or_stay_unrouted() -> None:
    route = build_operation({"op": "route", "rules": [{"to": "acme", "skus": ["X"]}]})
    [routed] = await route([order("1", ("Y", 1))])
    assert locations(routed) == [None]


async def test_only_to_keeps_orders_with_a_line_for_that_destination() -> None:
    route = build_operation({"op": "route", "default": "wh", "only_to": "acme",
                             "rules": [{"to": "acme", "sku_prefix": "DS-"}]})
    kept = await route([order("1", ("DS-1", 1), ("TEE", 1)), order("2", ("TEE", 1))])
    assert [o.number for o in kept] == ["1"]
    assert locations(kept[0]) == ["acme", "wh"], "the order keeps all its lines; each knows its location"


@pytest.mark.parametrize("spec, message", [
    ({"rules": [{"to": "a", "skus_list": ["X"]}]}, "unknown key"),
    ({"rules": [{"skus": ["X"]}]}, "'to'"),
    ({"rules": [{"to": "a"}]}, "give skus, sku_prefix or stock_at"),
    ({"rules": [{"to": "a", "stock_at": "a"}]}, "need 'stock:"),
])
def test_bad_rules_are_refused_with_a_clear_message(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(FatalError, match=message):
        build_operation({"op": "route", **spec})
