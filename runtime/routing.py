"""Routing, first cut: which location or dropship partner ships each order line.

Rules come from the job YAML and are tried in order; the first that matches a line decides. A rule
matches on the SKU (a list, or prefixes) or on stock: ``stock_at: LOC`` sends a line to ``LOC`` when that
location has the units available. Stock is read once per run from a stream of the job (the ERP's levels,
a partner's 846s) and **allocated as lines are routed**, so two orders in the same run cannot both be
promised the last unit.

    operations:
      - op: route
        stock: {connection: erp, stream: stock}       # optional; needed by stock_at rules
        rules:
          - {to: acme-dropship, sku_prefix: [DS-]}
          - {to: wh-east, stock_at: wh-east}
          - {to: acme-dropship, skus: [TEE-RED-M]}
        default: wh-east                              # lines no rule matched (omit to leave them unrouted)
        only_to: acme-dropship                        # optional: keep only orders with a line for this location

Routing writes ``OrderLine.fulfilment_location_id``; sinks read it (the ERP books each line at its location,
the partner connector turns its lines into an 850). It works on canonical orders only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from crossdock.core.contract import CursorPosition
from crossdock.core.errors import FatalError
from crossdock.core.models import Order, StockLevel

from .operations import register_operation

__all__ = ["RouteRule", "RouteOperation", "StockBook"]


@dataclass(frozen=True)
class RouteRule:
    to: str
    skus: frozenset[str] = frozenset()
    sku_prefixes: tuple[str, ...] = ()
    stock_at: str | None = None

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> RouteRule:
        unknown = set(spec) - {"to", "skus", "sku_prefix", "stock_at"}
        if unknown:
            raise FatalError(f"route rule: unknown key(s) {sorted(unknown)} (known: to, skus, sku_prefix, stock_at)")
        if not spec.get("to"):
            raise FatalError("route rule: 'to' (a location or partner id) is required")
        prefixes = spec.get("sku_prefix") or ()
        rule = cls(
            to=str(spec["to"]),
            skus=frozenset(spec.get("skus") or ()),
            sku_prefixes=(prefixes,) if isinstance(prefixes, str) else tuple(prefixes),
            stock_at=spec.get("stock_at"),
        )
        if not (rule.skus or rule.sku_prefixes or rule.stock_at):
            raise FatalError(f"route rule to '{rule.to}': give skus, sku_prefix or stock_at")
        return rule

    def matches_sku(self, sku: str) -> bool:
        if not (self.skus or self.sku_prefixes):
            return True
        return sku in self.skus or sku.startswith(self.sku_prefixes)


@dataclass
class StockBook:
    """Available units per (SKU, location), drawn down as lines are routed."""

    available: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, level: StockLevel) -> None:
        self.available[(level.sku, level.location_id)] = max(level.available or 0, 0)

    def take(self, sku: str, location: str, quantity: int) -> bool:
        key = (sku, location)
        if self.available.get(key, 0) < quantity:
            return False
        self.available[key] -= quantity
        return True


@register_operation("route")
class RouteOperation:
    def __init__(
        self,
        *,
        rules: Sequence[dict[str, Any]],
        default: str | None = None,
        only_to: str | None = None,
        stock: dict[str, str] | None = None,
        context: Any = None,
    ) -> None:
        self.rules = [RouteRule.from_spec(dict(r)) for r in rules]
        self.default = default
        self.only_to = only_to
        self.stock_source = stock
        self.job = context
        self._book: StockBook | None = None
        if any(r.stock_at for r in self.rules) and stock is None:
            raise FatalError("route: stock_at rules need 'stock: {connection: …, stream: …}' to read levels from")

    async def _stock(self) -> StockBook:
        if self._book is None:
            self._book = StockBook()
            if self.stock_source is not None:
                await self._load(self._book)
        return self._book

    async def _load(self, book: StockBook) -> None:
        from crossdock.mappings import load_mapping

        name, stream_name = self.stock_source["connection"], self.stock_source.get("stream", "stock")
        try:
            connector = self.job.connectors[name]
        except (AttributeError, KeyError):
            raise FatalError(f"route: stock source connection '{name}' is not in this job") from None
        stream = connector.stream(stream_name)
        mapping = load_mapping(stream.default_mapping) if stream.default_mapping else None
        async for page in stream.read(CursorPosition()):
            for record in page.records:
                try:
                    level = (mapping.apply_to(record.payload, StockLevel, record_key=record.key) if mapping
                             else StockLevel.model_validate(record.payload))
                except Exception:  # a bad stock row must not block routing; the stock flow parks it
                    continue
                book.add(level)

    async def __call__(self, records: Sequence[BaseModel]) -> list[BaseModel]:
        book = await self._stock()
        out: list[BaseModel] = []
        for record in records:
            if not isinstance(record, Order):
                out.append(record)
                continue
            lines = [line.model_copy(update={"fulfilment_location_id": self._route(line.sku, line.quantity, book)})
                     for line in record.lines]
            routed = record.model_copy(update={"lines": lines})
            if self.only_to is None or any(l.fulfilment_location_id == self.only_to for l in lines):
                out.append(routed)
        return out

    def _route(self, sku: str, quantity: int, book: StockBook) -> str | None:
        for rule in self.rules:
            if not rule.matches_sku(sku):
                continue
            if rule.stock_at is None:
                return rule.to
            if book.take(sku, rule.stock_at, quantity):
                return rule.to
        return self.default
