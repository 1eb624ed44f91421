"""Available to sell: every source's latest level counts, whichever flow brings news."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from crossdock.core.errors import FatalError
from crossdock.core.models import StockLevel
from crossdock.runtime.operations import build_operation
from crossdock.runtime.availability import AvailableToSell  # noqa: F401


def ats(store: Any, **params: Any) -> Any:
    job = SimpleNamespace(store=store, name="demo")
    return build_operation({"op": "available_to_sell", "location_id": "channel", **params}, context=job)


def by_sku(levels: list[Any]) -> dict[str, int]:
    return {level.sku: level.available for level in levels}


async def test_each_flow_counts_the_other_sources_latest_levels(store: Any) -> None:
    warehouse_flow = ats(store, sources=["wh", "acme"])
    partner_flow = ats(store, sources=["wh", "acme"])
    first = await warehouse_flow([StockLevel(sku="TEE", location_id="wh", on_hand=10, committed=4)])
    assert by_sku(first) == {"TEE": 6}
    second = await partner_flow([StockLevel(sku="TEE", location_id="acme", available=5),
                                 StockLevel(sku="MUG", location_id="acme", available=2)])
    assert by_sku(second) == {"TEE": 11, "MUG": 2}
    third = await warehouse_flow([StockLevel(sku="TEE", location_id="wh", on_hand=3)])
    assert by_sku(third) == {"TEE": 8}, "the warehouse's new level replaces its old one; the partner's stays"


async def test_safety_stock_is_held_back_and_never_goes_negative(store: Any) -> None:
    op = ats(store, sources=["wh"], safety_stock=3)
    assert by_sku(await op([StockLevel(sku="A", location_id="wh", available=5),
                            StockLevel(sku="B", location_id="wh", available=1)])) == {"A": 2, "B": 0}


async def test_levels_of_other_locations_are_ignored(store: Any) -> None:
    op = ats(store, sources=["wh"])
    assert await op([StockLevel(sku="A", location_id="returns-bin", available=50)]) == []


def test_sources_are_required() -> None:
    with pytest.raises(FatalError, match="sources"):
        build_operation({"op": "available_to_sell", "location_id": "c", "sources": []}, context=None)
