"""Query resolvers: how the sandbox schema's fields read the shop's records.

Fields without a resolver read the record dict's key of the same name (graphql-core's default). Every
resolver finds the shop through ``info.context`` (:class:`RequestContext`), so one schema object serves
every sandbox instance in the process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema

from ._connections import connection
from ._data import ShopStore
from ._search import SearchSyntaxError, parse_search

__all__ = ["RequestContext", "attach_query_resolvers", "QUANTITY_NAMES"]

QUANTITY_NAMES = (
    "available", "on_hand", "committed", "incoming", "reserved", "damaged", "safety_stock", "quality_control",
)


@dataclass
class RequestContext:
    """What resolvers of one request need: the shop, the API version asked for, the sandbox's rules."""

    store: ShopStore
    api_version: str
    pagination_limit: int
    idempotency: dict[str, tuple[str, Any]]
    search_warnings: list[dict[str, Any]] = field(default_factory=list)

    def requires_2026_04(self) -> bool:
        """The 2026-04 inventory contract (mandatory ``@idempotent`` and ``changeFromQuantity``)."""
        return self.api_version == "unstable" or self.api_version >= "2026-04"


def _store(info: GraphQLResolveInfo) -> ShopStore:
    return info.context.store


def _search(info: GraphQLResolveInfo, text: str | None, fields: Mapping[str, Any], defaults: tuple[str, ...] = ()) -> Any:
    try:
        query = parse_search(text, fields, defaults)
    except SearchSyntaxError as exc:
        raise GraphQLError(f"Invalid search query: {exc}", extensions={"code": "BAD_REQUEST"}) from None
    return query


def _filtered(info: GraphQLResolveInfo, records: list[Mapping[str, Any]], text: str | None, fields: Mapping[str, Any],
              defaults: tuple[str, ...] = ()) -> list[Mapping[str, Any]]:
    if not text:
        return records
    query = _search(info, text, fields, defaults)
    kept = [record for record in records if query.matches(record)]
    for name in query.warnings:
        info.context.search_warnings.append(
            {"path": [str(p) for p in info.path.as_list()], "query": text, "warnings": [
                {"field": name, "message": f"Invalid search field for this query: {name}."}
            ]}
        )
    return kept


# -- search fields per resource ----------------------------------------------------------------------
ORDER_FIELDS: dict[str, Any] = {
    "id": ("id", lambda o: o["id"]),
    "name": ("text", lambda o: o["name"]),
    "created_at": ("time", lambda o: o["createdAt"]),
    "updated_at": ("time", lambda o: o["updatedAt"]),
    "processed_at": ("time", lambda o: o["processedAt"]),
    "email": ("text", lambda o: o["email"]),
    "tag": ("list", lambda o: o["tags"]),
    "financial_status": ("text", lambda o: (o["displayFinancialStatus"] or "").lower()),
    "fulfillment_status": ("text", lambda o: {"UNFULFILLED": "unshipped", "FULFILLED": "shipped",
                                              "PARTIALLY_FULFILLED": "partial"}.get(o["displayFulfillmentStatus"], "")),
    "status": ("text", lambda o: "cancelled" if o["cancelledAt"] else ("closed" if o["closed"] else "open")),
}
ITEM_FIELDS: dict[str, Any] = {
    "id": ("id", lambda i: i["id"]),
    "sku": ("text", lambda i: i["sku"]),
    "created_at": ("time", lambda i: i["createdAt"]),
    "updated_at": ("time", lambda i: i["updatedAt"]),
}
VARIANT_FIELDS: dict[str, Any] = {
    "id": ("id", lambda v: v["id"]),
    "sku": ("text", lambda v: v["sku"]),
    "title": ("text", lambda v: v["title"]),
    "barcode": ("text", lambda v: v["barcode"]),
    "updated_at": ("time", lambda v: v["updatedAt"]),
}
LOCATION_FIELDS: dict[str, Any] = {
    "id": ("id", lambda loc: loc["id"]),
    "name": ("text", lambda loc: loc["name"]),
    "active": ("text", lambda loc: "true" if loc["isActive"] else "false"),
}
LEVEL_FIELDS: dict[str, Any] = {
    "updated_at": ("time", lambda level: level["updatedAt"]),
    "inventory_item_id": ("id", lambda level: level["_itemId"]),
    "location_id": ("id", lambda level: level["_locationId"]),
}
FULFILLMENT_ORDER_FIELDS: dict[str, Any] = {
    "status": ("text", lambda fo: fo["status"].lower()),
    "assigned_location_id": ("id", lambda fo: fo["_locationId"]),
    "updated_at": ("time", lambda fo: fo["updatedAt"]),
}

ORDER_SORT: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "CREATED_AT": lambda o: o["createdAt"],
    "UPDATED_AT": lambda o: o["updatedAt"],
    "PROCESSED_AT": lambda o: o["processedAt"],
    "ORDER_NUMBER": lambda o: int(o["name"].lstrip("#")),
}


# -- root fields --------------------------------------------------------------------------------------
def _shop(_: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return {
        "id": "gid://shopify/Shop/1", "name": "Crossdock Sandbox", "myshopifyDomain": "crossdock-sandbox.myshopify.com",
        "email": "owner@example.com", "currencyCode": "USD", "ianaTimezone": "America/New_York",
    }


def _orders(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    records = _filtered(info, list(_store(info).orders.values()), args.get("query"), ORDER_FIELDS, ("name", "email"))
    sort = ORDER_SORT.get(args.get("sortKey") or "ID")
    return connection(records, args, sort_value=sort, pagination_limit=info.context.pagination_limit)


def _inventory_items(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    records = _filtered(info, list(_store(info).items.values()), args.get("query"), ITEM_FIELDS, ("sku",))
    return connection(records, args, pagination_limit=info.context.pagination_limit)


def _product_variants(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    records = _filtered(info, list(_store(info).variants.values()), args.get("query"), VARIANT_FIELDS, ("sku", "title"))
    return connection(records, args, pagination_limit=info.context.pagination_limit)


def _locations(_: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    records = _filtered(info, list(_store(info).locations.values()), args.get("query"), LOCATION_FIELDS, ("name",))
    return connection(records, args)


def _location(_: Any, info: GraphQLResolveInfo, id: str | None = None) -> Any:  # noqa: A002 - Shopify's name
    locations = _store(info).locations
    return locations.get(id) if id else next(iter(locations.values()), None)


def _inventory_level_by_id(_: Any, info: GraphQLResolveInfo, id: str) -> Any:  # noqa: A002
    for level in _store(info).levels.values():
        if level["id"] == id:
            return level
    return None


def _by_id(table: str) -> Callable[..., Any]:
    def resolve(_: Any, info: GraphQLResolveInfo, id: str) -> Any:  # noqa: A002
        return getattr(_store(info), table).get(id)

    return resolve


# -- object fields ------------------------------------------------------------------------------------
def _link(table: str, key: str) -> Callable[..., Any]:
    """A field that follows a ``_…Id`` link of the record to another table."""

    def resolve(record: Mapping[str, Any], info: GraphQLResolveInfo) -> Any:
        target = record.get(key)
        return getattr(_store(info), table).get(target) if target else None

    return resolve


def _order_line_items(order: Mapping[str, Any], info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    lines = _store(info).line_items
    return connection([lines[i] for i in order["_lineItemIds"]], args)


def _order_fulfillment_orders(order: Mapping[str, Any], info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    table = _store(info).fulfillment_orders
    records = [table[i] for i in order["_fulfillmentOrderIds"]]
    return connection(_filtered(info, records, args.get("query"), FULFILLMENT_ORDER_FIELDS), args)


def _order_fulfillments(order: Mapping[str, Any], info: GraphQLResolveInfo, first: int | None = None) -> list[Any]:
    table = _store(info).fulfillments
    records = [table[i] for i in order["_fulfillmentIds"]]
    return records[:first] if first is not None else records


def _first_of(key: str) -> Callable[..., Any]:
    def resolve(record: Mapping[str, Any], info: GraphQLResolveInfo, first: int | None = None) -> list[Any]:
        values = list(record.get(key) or [])
        return values[:first] if first is not None else values

    return resolve


def _fulfillment_order_location(fo: Mapping[str, Any], info: GraphQLResolveInfo) -> dict[str, Any]:
    location = _store(info).locations.get(fo["_locationId"])
    return {"name": location["name"] if location else None, "location": location}


def _fulfillment_order_line_items(fo: Mapping[str, Any], info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    table = _store(info).fo_line_items
    return connection([table[i] for i in fo["_lineItemIds"]], args)


def _fulfillment_order_line_variant(fo_line: Mapping[str, Any], info: GraphQLResolveInfo) -> Any:
    store = _store(info)
    line = store.line_items.get(fo_line["_lineItemId"])
    return store.variants.get(line["_variantId"]) if line and line.get("_variantId") else None


def _fulfillment_line_items(fulfillment: Mapping[str, Any], info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    return connection(fulfillment["_lineItems"], args)


def _levels_of(key: str) -> Callable[..., Any]:
    def resolve(record: Mapping[str, Any], info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        levels = [level for level in _store(info).levels.values() if level[key] == record["id"]]
        return connection(_filtered(info, levels, args.get("query"), LEVEL_FIELDS), args)

    return resolve


def _item_level(item: Mapping[str, Any], info: GraphQLResolveInfo, locationId: str) -> Any:  # noqa: N803
    return _store(info).level(item["id"], locationId)


def _location_level(location: Mapping[str, Any], info: GraphQLResolveInfo, inventoryItemId: str) -> Any:  # noqa: N803
    return _store(info).level(inventoryItemId, location["id"])


def _quantities(level: Mapping[str, Any], info: GraphQLResolveInfo, names: list[str]) -> list[dict[str, Any]]:
    unknown = [name for name in names if name not in QUANTITY_NAMES]
    if unknown:
        raise GraphQLError(
            f"Invalid quantity name(s): {', '.join(unknown)}. Valid names are: {', '.join(QUANTITY_NAMES)}.",
            extensions={"code": "BAD_REQUEST"},
        )
    return [
        {"id": f"{level['id']}&name={name}", "name": name, "quantity": int(level.get(name, 0)),
         "updatedAt": level["updatedAt"]}
        for name in names
    ]


def _variant_quantity(variant: Mapping[str, Any], info: GraphQLResolveInfo) -> int:
    return sum(level["available"] for level in _store(info).levels.values() if level["_itemId"] == variant["_itemId"])


def _adjustment_changes(group: Mapping[str, Any], info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    changes = group["_changes"]
    if args.get("inventoryItemIds") is not None:
        changes = [c for c in changes if c["_itemId"] in args["inventoryItemIds"]]
    if args.get("locationIds") is not None:
        changes = [c for c in changes if c["_locationId"] in args["locationIds"]]
    if args.get("quantityNames") is not None:
        changes = [c for c in changes if c["name"] in args["quantityNames"]]
    return changes


def attach_query_resolvers(schema: GraphQLSchema) -> None:
    """Set the resolvers of every field that does not simply read its record's key."""
    resolvers: dict[str, dict[str, Callable[..., Any]]] = {
        "QueryRoot": {
            "shop": _shop,
            "order": _by_id("orders"),
            "orders": _orders,
            "fulfillmentOrder": _by_id("fulfillment_orders"),
            "inventoryItem": _by_id("items"),
            "inventoryItems": _inventory_items,
            "inventoryLevel": _inventory_level_by_id,
            "location": _location,
            "locations": _locations,
            "productVariant": _by_id("variants"),
            "productVariants": _product_variants,
        },
        "Order": {
            "lineItems": _order_line_items,
            "fulfillmentOrders": _order_fulfillment_orders,
            "fulfillments": _order_fulfillments,
        },
        "LineItem": {"variant": _link("variants", "_variantId"), "taxLines": _first_of("taxLines")},
        "FulfillmentOrder": {
            "order": _link("orders", "orderId"),
            "assignedLocation": _fulfillment_order_location,
            "lineItems": _fulfillment_order_line_items,
        },
        "FulfillmentOrderLineItem": {
            "lineItem": _link("line_items", "_lineItemId"),
            "variant": _fulfillment_order_line_variant,
        },
        "Fulfillment": {
            "order": _link("orders", "_orderId"),
            "location": _link("locations", "_locationId"),
            "trackingInfo": _first_of("_tracking"),
            "fulfillmentLineItems": _fulfillment_line_items,
        },
        "FulfillmentLineItem": {"lineItem": _link("line_items", "_lineItemId")},
        "Location": {"inventoryLevel": _location_level, "inventoryLevels": _levels_of("_locationId")},
        "InventoryItem": {
            "variant": _link("variants", "_variantId"),
            "inventoryLevel": _item_level,
            "inventoryLevels": _levels_of("_itemId"),
        },
        "InventoryLevel": {
            "item": _link("items", "_itemId"),
            "location": _link("locations", "_locationId"),
            "quantities": _quantities,
        },
        "ProductVariant": {"inventoryItem": _link("items", "_itemId"), "inventoryQuantity": _variant_quantity},
        "InventoryAdjustmentGroup": {"changes": _adjustment_changes},
        "InventoryChange": {"item": _link("items", "_itemId"), "location": _link("locations", "_locationId")},
    }
    for type_name, fields in resolvers.items():
        type_ = schema.get_type(type_name)
        for field_name, resolver in fields.items():
            type_.fields[field_name].resolve = resolver  # type: ignore[union-attr]
