"""Finding what ``inventorySetQuantities`` needs: SKU → inventory item, and the current quantity.

Shopify sets stock by inventory item GID and location GID, and (from 2026-04) wants the quantity the
caller believes is there (``changeFromQuantity``). One batched query per chunk of SKUs answers both:
``inventoryItems(query: "sku:… OR sku:…")`` with an aliased ``inventoryLevel(locationId:)`` per
location. SKU → item is cached for the connector's life (a run); quantities are always read fresh,
and re-read by item GID (not by search, whose index can lag) when Shopify says one went stale.
Chunks are sized so a query stays under the 1,000-point limit (or the shop's bucket, if smaller):
2 + n × (1 + 2 × locations), with ``first`` the chunk's SKU count (more pages only for duplicate SKUs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._client import ShopifyGraphQL
from ._queries import inventory_lookup, search_value

__all__ = ["InventoryResolver", "ItemLookup", "LevelState"]

_MAX_COST = 1000
_MAX_PAGE = 250
_MAX_PAGES = 40


@dataclass(frozen=True, slots=True)
class LevelState:
    """An item's level at one location: its GID and the current quantity of the configured name."""

    level_id: str
    quantity: int


@dataclass
class ItemLookup:
    """What a SKU resolved to: an item with its levels by location GID (None: not stocked there), or a problem."""

    item_id: str | None = None
    problem: str | None = None
    levels: dict[str, LevelState | None] = field(default_factory=dict)


def _chunk_size(location_count: int, max_cost: float = _MAX_COST) -> int:
    return max(1, min(_MAX_PAGE, math.floor((min(max_cost, _MAX_COST) - 2) / (1 + 2 * location_count))))


def _chunks(values: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _by_item_query(count: int, location_count: int, quantity_name: str) -> str:
    variables = ", ".join([f"$i{i}: ID!" for i in range(count)] + [f"$l{j}: ID!" for j in range(location_count)])
    levels = " ".join(
        f'l{j}: inventoryLevel(locationId: $l{j}) {{ id quantities(names: ["{quantity_name}"]) {{ name quantity }} }}'
        for j in range(location_count)
    )
    fields = " ".join(f"i{i}: inventoryItem(id: $i{i}) {{ id sku {levels} }}" for i in range(count))
    return f"query CrossdockInventoryLevels({variables}) {{ {fields} }}"


class InventoryResolver:
    """Resolves SKUs to inventory items and reads their current quantities at given locations."""

    def __init__(
        self, graphql: ShopifyGraphQL, quantity_name: str, *, max_cost: Callable[[], float] = lambda: _MAX_COST
    ) -> None:
        self.graphql = graphql
        self.quantity_name = quantity_name
        self.max_cost = max_cost
        """The most one query may cost: Shopify's limit, or the shop's bucket when that is smaller."""
        self.item_ids: dict[str, str] = {}
        """SKU → inventory item GID, kept for the connector's life."""

    def _levels(self, node: dict[str, Any], locations: Sequence[str]) -> dict[str, LevelState | None]:
        levels: dict[str, LevelState | None] = {}
        for index, location in enumerate(locations):
            level = node.get(f"l{index}")
            if level is None:
                levels[location] = None
                continue
            quantity = next((q["quantity"] for q in level["quantities"] if q["name"] == self.quantity_name), 0)
            levels[location] = LevelState(level_id=level["id"], quantity=int(quantity))
        return levels

    async def lookup(self, skus: Iterable[str], locations: Sequence[str]) -> dict[str, ItemLookup]:
        """Every SKU's item and its current levels at ``locations`` (one entry per SKU, problems included)."""
        wanted = list(dict.fromkeys(skus))
        found: dict[str, ItemLookup] = {}
        known = [sku for sku in wanted if sku in self.item_ids]
        if known:
            by_id = await self.levels_of({sku: self.item_ids[sku] for sku in known}, locations)
            found.update(by_id)
        unknown = [sku for sku in wanted if sku not in found]
        for chunk in _chunks(unknown, _chunk_size(len(locations), self.max_cost())):
            found.update(await self._search(chunk, locations))
        return found

    async def levels_of(self, items: dict[str, str], locations: Sequence[str]) -> dict[str, ItemLookup]:
        """Fresh levels of known items (``{sku: item GID}``), read by GID."""
        result: dict[str, ItemLookup] = {}
        pairs = list(items.items())
        size = max(1, math.floor(min(self.max_cost(), _MAX_COST) / (1 + 2 * len(locations))))
        for start in range(0, len(pairs), size):
            chunk = pairs[start : start + size]
            variables: dict[str, Any] = {f"i{i}": item for i, (_, item) in enumerate(chunk)}
            variables.update({f"l{j}": location for j, location in enumerate(locations)})
            response = await self.graphql.execute(
                "CrossdockInventoryLevels", _by_item_query(len(chunk), len(locations), self.quantity_name), variables,
                cost=len(chunk) * (1 + 2 * len(locations)),  # the cost Shopify will charge, so the bucket can wait
            )
            for i, (sku, item) in enumerate(chunk):
                node = response.data.get(f"i{i}")
                if node is None:
                    self.item_ids.pop(sku, None)
                    result[sku] = ItemLookup(problem=f"inventory item {item} of SKU {sku} no longer exists in Shopify")
                    continue
                result[sku] = ItemLookup(item_id=node["id"], levels=self._levels(node, locations))
        return result

    async def _search(self, skus: Sequence[str], locations: Sequence[str]) -> dict[str, ItemLookup]:
        query = " OR ".join(f"sku:{search_value(sku)}" for sku in skus)
        variables: dict[str, Any] = {"first": len(skus), "query": query}
        variables.update({f"l{j}": location for j, location in enumerate(locations)})
        document = inventory_lookup(len(locations), self.quantity_name)
        matches: dict[str, list[dict[str, Any]]] = {sku: [] for sku in skus}
        folded = {sku.casefold(): sku for sku in skus}
        after: str | None = None
        cost = 2 + len(skus) * (1 + 2 * len(locations))  # what Shopify charges for this page, known up front
        for _ in range(_MAX_PAGES):
            response = await self.graphql.execute(
                "CrossdockInventoryLookup", document, {**variables, "after": after}, cost=cost
            )
            connection = response.data["inventoryItems"]
            for node in connection["nodes"]:
                sku = node.get("sku") or ""
                target = sku if sku in matches else folded.get(sku.casefold())
                if target is not None:
                    matches[target].append(node)
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        result: dict[str, ItemLookup] = {}
        for sku, nodes in matches.items():
            exact = [n for n in nodes if n.get("sku") == sku] or nodes
            if not exact:
                result[sku] = ItemLookup(problem=f"SKU {sku} matches no inventory item in Shopify")
            elif len(exact) > 1:
                result[sku] = ItemLookup(problem=f"SKU {sku} matches {len(exact)} inventory items in Shopify "
                                                 f"({', '.join(n['id'] for n in exact)}); make SKUs unique")
            else:
                self.item_ids[sku] = exact[0]["id"]
                result[sku] = ItemLookup(item_id=exact[0]["id"], levels=self._levels(exact[0], locations))
        return result
