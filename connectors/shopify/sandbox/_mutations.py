"""Mutation resolvers: ``fulfillmentCreate`` and ``inventorySetQuantities`` with Shopify's rules.

What a client can get wrong is answered as Shopify answers it: input arrays over 250 items and (from
2026-04) a missing ``@idempotent`` directive or a ``changeFromQuantity`` left out are request errors;
everything about the data (an unknown or closed fulfillment order, a quantity that does not fit, a
stale ``changeFromQuantity``) is a ``userError`` and the mutation changes nothing at all.
An idempotency key seen before with the same input returns the first result again without doing
anything; the same key with a different input is refused.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema, GraphQLString, value_from_ast

from ._data import ShopStore

__all__ = ["MAX_INPUT_ARRAY", "INVENTORY_REASONS", "attach_mutation_resolvers"]

MAX_INPUT_ARRAY = 250
INVENTORY_REASONS = frozenset({
    "correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received",
    "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created",
    "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage",
})
_QUANTITY_LIMIT = 1_000_000_000


def _check_input_arrays(value: Any, path: list[str]) -> None:
    """Shopify refuses any input array longer than 250 items, wherever it is in the input."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_input_arrays(item, [*path, key])
    elif isinstance(value, list):
        if len(value) > MAX_INPUT_ARRAY:
            raise GraphQLError(
                f"The input array size of {len(value)} is greater than the maximum allowed of {MAX_INPUT_ARRAY}.",
                path=path,
                extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
            )
        for index, item in enumerate(value):
            _check_input_arrays(item, [*path, str(index)])


def _idempotency_key(info: GraphQLResolveInfo) -> str | None:
    for directive in info.field_nodes[0].directives or ():
        if directive.name.value == "idempotent":
            for argument in directive.arguments or ():
                if argument.name.value == "key":
                    variables = getattr(info.variable_values, "coerced", info.variable_values)  # graphql-core 3.3 / 3.2
                    key = value_from_ast(argument.value, GraphQLString, variables)
                    return key if isinstance(key, str) else None
    return None


def _fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _user_error(field: list[str] | None, message: str, code: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"field": field, "message": message}
    if code is not None:
        error["code"] = code
    return error


# -- fulfillmentCreate ----------------------------------------------------------------------------------
def _fulfillment_create(_: Any, info: GraphQLResolveInfo, fulfillment: dict[str, Any], message: str | None = None) -> Any:
    _check_input_arrays(fulfillment, [info.field_name, "fulfillment"])
    store: ShopStore = info.context.store
    pairs = fulfillment.get("lineItemsByFulfillmentOrder") or []
    if not pairs:
        return {"fulfillment": None, "userErrors": [_user_error(
            ["fulfillment", "lineItemsByFulfillmentOrder"], "Line items by fulfillment order must have at least one item.")]}
    errors: list[dict[str, Any]] = []
    chosen: list[tuple[str, str, int]] = []
    orders: set[str] = set()
    locations: set[str] = set()
    for index, pair in enumerate(pairs):
        where = ["fulfillment", "lineItemsByFulfillmentOrder", str(index)]
        fo = store.fulfillment_orders.get(pair["fulfillmentOrderId"])
        if fo is None:
            errors.append(_user_error([*where, "fulfillmentOrderId"], "Fulfillment order does not exist."))
            continue
        if fo["status"] not in ("OPEN", "IN_PROGRESS"):
            errors.append(_user_error(
                [*where, "fulfillmentOrderId"],
                f"Fulfillment order {fo['id'].rsplit('/', 1)[-1]} has an unfulfillable status= {fo['status'].lower()}.",
            ))
            continue
        orders.add(fo["orderId"])
        locations.add(fo["_locationId"])
        requested = pair.get("fulfillmentOrderLineItems")
        if not requested:
            requested = [{"id": line_id, "quantity": store.fo_line_items[line_id]["remainingQuantity"]}
                         for line_id in fo["_lineItemIds"] if store.fo_line_items[line_id]["remainingQuantity"] > 0]
        for line_index, wanted in enumerate(requested):
            line_where = [*where, "fulfillmentOrderLineItems", str(line_index)]
            fo_line = store.fo_line_items.get(wanted["id"])
            if fo_line is None or fo_line["_foId"] != fo["id"]:
                errors.append(_user_error([*line_where, "id"], "Fulfillment order line item does not exist."))
                continue
            if wanted["quantity"] < 1 or wanted["quantity"] > fo_line["remainingQuantity"]:
                errors.append(_user_error(
                    [*line_where, "quantity"], "Invalid fulfillment order line item quantity requested."))
                continue
            chosen.append((fo["id"], fo_line["id"], wanted["quantity"]))
    if len(orders) > 1:
        errors.append(_user_error(["fulfillment"], "All fulfillment orders must belong to the same order."))
    if len(locations) > 1:
        errors.append(_user_error(["fulfillment"], "All fulfillment orders must be assigned to the same location."))
    if not errors and not chosen:
        errors.append(_user_error(["fulfillment"], "There are no line items to fulfill."))
    if errors:
        return {"fulfillment": None, "userErrors": errors}
    tracking_input = fulfillment.get("trackingInfo") or {}
    numbers = list(tracking_input.get("numbers") or []) or ([tracking_input["number"]] if tracking_input.get("number") else [])
    urls = list(tracking_input.get("urls") or []) or ([tracking_input["url"]] if tracking_input.get("url") else [])
    tracking = {"company": tracking_input.get("company"), "number": numbers[0] if numbers else None,
                "url": urls[0] if urls else None}
    created = store.fulfil(fo_lines=chosen, tracking=tracking, notify_customer=bool(fulfillment.get("notifyCustomer")))
    if len(numbers) > 1:
        created["_tracking"] = [
            {"company": tracking["company"], "number": number, "url": urls[i] if i < len(urls) else None}
            for i, number in enumerate(numbers)
        ]
    order = store.orders[created["_orderId"]]
    store.received_fulfillments.append({
        "fulfillmentId": created["id"], "orderId": order["id"], "orderName": order["name"],
        "locationId": created["_locationId"], "tracking": created["_tracking"],
        "notifyCustomer": created["_notifyCustomer"], "message": message, "createdAt": created["createdAt"],
        "lines": [{"lineItemId": line["_lineItemId"], "sku": store.line_items[line["_lineItemId"]]["sku"],
                   "quantity": line["quantity"]} for line in created["_lineItems"]],
    })
    return {"fulfillment": created, "userErrors": []}


# -- inventorySetQuantities -----------------------------------------------------------------------------
def _inventory_set_quantities(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> Any:  # noqa: A002
    context = info.context
    store: ShopStore = context.store
    key = _idempotency_key(info)
    _check_input_arrays(input, [info.field_name, "input"])
    if context.requires_2026_04():
        if key is None:
            raise GraphQLError(
                "The @idempotent directive is required for this mutation but was not provided.",
                extensions={"code": "BAD_REQUEST"},
            )
        for quantity in input["quantities"]:
            if "changeFromQuantity" not in quantity:
                raise GraphQLError(
                    "InventoryQuantityInput must include the following argument: changeFromQuantity.",
                    extensions={"code": "INVALID_FIELD_ARGUMENTS"},
                )
    fingerprint = _fingerprint(input)
    if key is not None and key in context.idempotency:
        seen_fingerprint, result = context.idempotency[key]
        if seen_fingerprint != fingerprint:
            return {"inventoryAdjustmentGroup": None, "userErrors": [_user_error(
                None, "The same idempotency key cannot be used with different operation parameters.",
                "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")]}
        return copy.copy(result)
    result = _set_quantities(store, input, key)
    if key is not None:
        context.idempotency[key] = (fingerprint, result)
    return result


def _set_quantities(store: ShopStore, input: dict[str, Any], key: str | None) -> dict[str, Any]:  # noqa: A002
    errors: list[dict[str, Any]] = []
    name, reason, uri = input["name"], input["reason"], input.get("referenceDocumentUri")
    if name not in ("available", "on_hand"):
        errors.append(_user_error(["input", "name"], "The quantity name must be either 'available' or 'on_hand'.",
                                  "INVALID_NAME"))
    if reason not in INVENTORY_REASONS:
        errors.append(_user_error(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON"))
    if uri is not None and (":" not in uri or uri.startswith(":") or " " in uri):
        errors.append(_user_error(["input", "referenceDocumentUri"], "The specified reference document is invalid.",
                                  "INVALID_REFERENCE_DOCUMENT"))
    seen: set[tuple[str, str]] = set()
    planned: list[tuple[dict[str, Any], int]] = []
    for index, line in enumerate(input["quantities"]):
        where = ["input", "quantities", str(index)]
        item, location = store.items.get(line["inventoryItemId"]), store.locations.get(line["locationId"])
        if item is None:
            errors.append(_user_error([*where, "inventoryItemId"], "The specified inventory item could not be found.",
                                      "INVALID_INVENTORY_ITEM"))
            continue
        if location is None:
            errors.append(_user_error([*where, "locationId"], "The specified location could not be found.",
                                      "INVALID_LOCATION"))
            continue
        pair = (item["id"], location["id"])
        if pair in seen:
            errors.append(_user_error(
                where, "The combination of inventoryItemId and locationId must be unique.",
                "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"))
            continue
        seen.add(pair)
        level = store.level(*pair)
        if level is None:
            errors.append(_user_error([*where, "locationId"], "The specified inventory item is not stocked at the location.",
                                      "ITEM_NOT_STOCKED_AT_LOCATION"))
            continue
        quantity = line["quantity"]
        if quantity > _QUANTITY_LIMIT:
            errors.append(_user_error([*where, "quantity"], "The total quantity can't be higher than 1,000,000,000.",
                                      "INVALID_QUANTITY_TOO_HIGH"))
            continue
        if quantity < -_QUANTITY_LIMIT:
            errors.append(_user_error([*where, "quantity"], "The total quantity can't be lower than -1,000,000,000.",
                                      "INVALID_QUANTITY_TOO_LOW"))
            continue
        if name == "on_hand" and quantity < 0:
            errors.append(_user_error([*where, "quantity"], "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"))
            continue
        expected = line.get("changeFromQuantity")
        if name in ("available", "on_hand") and expected is not None and expected != level[name]:
            errors.append(_user_error([*where, "changeFromQuantity"],
                                      "The changeFromQuantity value does not match persisted value.",
                                      "CHANGE_FROM_QUANTITY_STALE"))
            continue
        planned.append((level, quantity))
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    stamp = store.stamp()
    changes: list[dict[str, Any]] = []
    for level, quantity in planned:
        delta = quantity - level[name]
        level[name] = quantity
        other = "on_hand" if name == "available" else "available"
        level[other] += delta
        level["updatedAt"] = stamp
        base = {"_itemId": level["_itemId"], "_locationId": level["_locationId"], "ledgerDocumentUri": None}
        changes.append({**base, "name": name, "delta": delta, "quantityAfterChange": level[name]})
        if name == "available":
            changes.append({**base, "name": "on_hand", "delta": delta, "quantityAfterChange": level["on_hand"]})
    group = {
        "id": store.next_id("InventoryAdjustmentGroup", 2_000_001), "createdAt": stamp, "reason": input["reason"],
        "referenceDocumentUri": uri, "_changes": changes,
    }
    store.adjustments.append({
        "id": group["id"], "idempotencyKey": key, "name": name, "reason": input["reason"], "referenceDocumentUri": uri,
        "createdAt": stamp, "lines": len(planned),
        "changes": [
            {"inventoryItemId": c["_itemId"], "locationId": c["_locationId"], "name": c["name"], "delta": c["delta"],
             "quantityAfterChange": c["quantityAfterChange"]}
            for c in changes if c["name"] == name
        ],
    })
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


def attach_mutation_resolvers(schema: GraphQLSchema) -> None:
    mutation = schema.mutation_type
    assert mutation is not None
    mutation.fields["fulfillmentCreate"].resolve = _fulfillment_create
    mutation.fields["inventorySetQuantities"].resolve = _inventory_set_quantities
