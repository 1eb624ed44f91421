"""Available to sell: one figure per SKU for a channel, from every location that can ship it.

Stock arrives from different flows at different times (the ERP's warehouse levels, a dropship partner's
846). Each flow runs this operation on its own levels; the latest level of every (SKU, location) is kept
in the state store, so whichever flow runs, the figure it emits counts every source's latest word.

    operations:
      - op: available_to_sell
        location_id: channel          # the location the channel sinks map (Shopify location, Amazon's one pool)
        sources: [wh-east, acme]      # locations that count; levels from others are ignored
        safety_stock: 2               # units held back per SKU (never below zero)

Emits a ``StockLevel(sku, location_id, available=sum − safety)`` per SKU seen in the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from crossdock.core.errors import FatalError
from crossdock.core.models import StockLevel

from .operations import register_operation

__all__ = ["AvailableToSell", "STOCK_BOOK_SCOPE"]

STOCK_BOOK_SCOPE = "stock-book"
"""Snapshot scope (per job) holding the latest available units of every (SKU, location)."""


@register_operation("available_to_sell")
class AvailableToSell:
    def __init__(
        self,
        *,
        location_id: str,
        sources: Sequence[str],
        safety_stock: int = 0,
        context: Any = None,
    ) -> None:
        if not sources:
            raise FatalError("available_to_sell: 'sources' must list the locations that count")
        if safety_stock < 0:
            raise FatalError("available_to_sell: safety_stock must not be negative")
        self.location_id = location_id
        self.sources = list(dict.fromkeys(sources))
        self.safety_stock = safety_stock
        self.job = context

    async def __call__(self, records: Sequence[BaseModel]) -> list[BaseModel]:
        levels = [r for r in records if isinstance(r, StockLevel) and r.location_id in self.sources]
        if not levels:
            return []
        store, job = self.job.store, self.job.name
        latest = {f"{level.sku}@{level.location_id}": str(max(level.available or 0, 0)) for level in levels}
        await store.snapshot_put_many(job, STOCK_BOOK_SCOPE, sorted(latest.items()))
        skus = list(dict.fromkeys(level.sku for level in levels))
        keys = [f"{sku}@{location}" for sku in skus for location in self.sources]
        known = await store.snapshot_get_many(job, STOCK_BOOK_SCOPE, keys)
        as_of = max((level.as_of for level in levels if level.as_of), default=None)
        out: list[BaseModel] = []
        for sku in skus:
            total = sum(int(known.get(f"{sku}@{location}", "0")) for location in self.sources)
            out.append(StockLevel(sku=sku, location_id=self.location_id,
                                  available=max(total - self.safety_stock, 0), as_of=as_of))
        return out
