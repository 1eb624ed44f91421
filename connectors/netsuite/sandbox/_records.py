"""The record service for ``salesOrder`` and ``itemFulfillment``: upsert, get, transform.

- ``PUT /record/v1/salesOrder/eid:{externalId}`` is NetSuite's upsert: it creates the order when no
  order has that external ID and updates it otherwise (the item sublist is replaced by the one sent;
  a line already shipped cannot lose units below what shipped). Success is ``204 No Content`` with a
  ``Location`` header naming the record by internal ID.
- ``GET /record/v1/salesOrder/{id | eid:…}`` returns the record with ``links``; sublists are links
  unless ``expandSubResources=true``.
- ``POST /record/v1/salesOrder/{id}/!transform/itemFulfillment`` ships the order (everything still
  open, or the lines and quantities given) and answers ``204`` with the fulfilment's ``Location``.

References (``entity``, ``item``, ``location``, ``subsidiary``, ``shipMethod``) are objects with an
``id`` or an ``externalId``; an unknown one is ``400 USER_ERROR`` with the JSON path of the value in
``o:errorPath``, as NetSuite reports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ._errors import NetSuiteError, detail
from ._state import (
    ITEM_FULFILLMENT_STATUSES,
    SALES_ORDER_STATUSES,
    ItemFulfillment,
    OrderLine,
    SalesOrder,
    SandboxAccount,
)

__all__ = ["RecordService", "parse_record_key"]

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_SALES_ORDER_FIELDS = frozenset({
    "externalId", "entity", "tranDate", "otherRefNum", "memo", "email", "subsidiary", "location", "shipMethod",
    "shippingCost", "shipDate", "shippingAddress", "billingAddress", "item", "orderStatus", "currency",
})
_LINE_FIELDS = frozenset({"item", "quantity", "rate", "amount", "description", "location", "line", "price"})
_ADDRESS_FIELDS = frozenset({"addressee", "attention", "addr1", "addr2", "addr3", "city", "state", "zip", "country", "addrPhone"})
_ACCESS_PREFIX = "Error while accessing a resource. "


def _invalid_value(value: Any, field: str, path: str) -> NetSuiteError:
    return NetSuiteError(400, detail(
        f"{_ACCESS_PREFIX}You have entered an Invalid Field Value {value} for the following field: {field}",
        "USER_ERROR",
        path=path,
    ))


def _iso(moment: datetime) -> str:
    """REST web services write date-times as ISO 8601 in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_record_key(key: str) -> tuple[str, str]:
    """``("eid", "shopify-1001")`` for ``eid:shopify-1001``, ``("id", "1042")`` for ``1042``."""
    if key.startswith("eid:"):
        return "eid", key[4:]
    return "id", key


def _number(value: Any, field: str, path: str, *, positive: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise NetSuiteError(400, detail(f"Invalid value for field {field}: a number is expected.", "INVALID_CONTENT", path=path))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise NetSuiteError(400, detail(f"Invalid value for field {field}: a number is expected.", "INVALID_CONTENT", path=path)) from None
    if not number.is_finite() or (positive and number <= 0):
        raise _invalid_value(value, field, path)
    return number


def _text(value: Any, field: str, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise NetSuiteError(400, detail(f"Invalid value for field {field}: text is expected.", "INVALID_CONTENT", path=path))
    return str(value)


def _date(value: Any, field: str, path: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise NetSuiteError(400, detail(
            f"Invalid value for field {field}: the date must be in ISO 8601 format (yyyy-MM-dd).", "INVALID_CONTENT", path=path,
        )) from None


class RecordService:
    """Sales orders and fulfilments of one account, as the REST record service sees them."""

    def __init__(self, account: SandboxAccount) -> None:
        self.account = account

    # -- references ------------------------------------------------------------------------------
    def _reference(self, value: Any, field: str, path: str, lookup: Callable[[str, str], int | None]) -> int:
        if not isinstance(value, dict) or not (value.get("id") or value.get("externalId")):
            raise NetSuiteError(400, detail(
                f"Invalid value for field {field}: a reference object with 'id' or 'externalId' is expected.",
                "INVALID_CONTENT", path=path,
            ))
        kind, key = ("id", str(value["id"])) if value.get("id") not in (None, "") else ("externalId", str(value["externalId"]))
        found = lookup(kind, key)
        if found is None:
            raise _invalid_value(key, field.lower(), path)
        return found

    def _customer(self, kind: str, key: str) -> int | None:
        for customer in self.account.customers.values():
            if (kind == "id" and str(customer.id) == key) or (kind == "externalId" and customer.externalid == key):
                return customer.id
        return None

    def _item(self, kind: str, key: str) -> int | None:
        for item in self.account.items.values():
            if item.isinactive:
                continue
            if (kind == "id" and str(item.id) == key) or (kind == "externalId" and item.externalid == key):
                return item.id
        return None

    def _location(self, kind: str, key: str) -> int | None:
        location = self.account.locations.get(int(key)) if kind == "id" and key.isdigit() else None
        return location.id if location and not location.isinactive else None

    def _subsidiary(self, kind: str, key: str) -> int | None:
        return 1 if kind == "id" and key == "1" else None

    def _ship_method(self, kind: str, key: str) -> int | None:
        method = self.account.ship_methods.get(int(key)) if kind == "id" and key.isdigit() else None
        return method.id if method else None

    # -- sales orders ----------------------------------------------------------------------------
    def upsert_sales_order(self, external_id: str, body: Any, *, strict_properties: bool) -> tuple[SalesOrder, bool]:
        """Create or update the order with ``external_id``; ``(order, created)``."""
        if not EXTERNAL_ID.match(external_id):
            raise NetSuiteError(400, detail(
                f"Invalid external ID '{external_id}': an external ID can contain letters, numbers, underscore (_) and hyphen (-).",
                "INVALID_ID", path="externalId",
            ))
        if not isinstance(body, dict):
            raise NetSuiteError(400, detail("Invalid content: the request body must be a JSON object.", "INVALID_CONTENT"))
        if "id" in body:
            raise NetSuiteError(400, detail("The upsert operation prohibits the passing of internal ID values.", "INVALID_CONTENT", path="id"))
        if strict_properties:
            for name in body:
                if name not in _SALES_ORDER_FIELDS and not name.startswith("custbody"):
                    raise NetSuiteError(400, detail(f"Invalid field name: '{name}' is not a field of record 'salesOrder'.", "INVALID_CONTENT", path=name))
        existing = self.account.sales_order_by_external_id(external_id)
        now = self.account.now()
        order = self._sales_order_from(body, external_id, existing, now)
        if existing is None:
            return self.account.create_sales_order(order, external_id=external_id, body=body), True
        return self.account.replace_sales_order(existing, order, body=body), False

    def _sales_order_from(self, body: dict[str, Any], external_id: str, existing: SalesOrder | None, now: datetime) -> SalesOrder:
        if "entity" in body:
            entity = self._reference(body["entity"], "entity", "entity", self._customer)
        elif existing is not None:
            entity = existing.entity
        else:
            raise NetSuiteError(400, detail(f"{_ACCESS_PREFIX}Please enter value(s) for: Customer", "USER_ERROR", path="entity"))
        lines = self._lines(body, existing)
        customer = self.account.customers[entity]
        order_id = existing.id if existing else self.account.next_transaction_id()
        base = existing or SalesOrder(
            id=order_id, tranid=f"SO{order_id}", externalid=external_id, entity=entity, trandate=now.date(),
            created=now, lastmodified=now, lines=[], email=customer.email,
        )
        updated = replace(base, entity=entity, lines=lines, lastmodified=now)
        if "tranDate" in body:
            updated.trandate = _date(body["tranDate"], "tranDate", "tranDate")
        for name, attribute in (("otherRefNum", "otherrefnum"), ("memo", "memo"), ("email", "email")):
            if name in body:
                setattr(updated, attribute, _text(body[name], name, name))
        if "subsidiary" in body:
            updated.subsidiary = self._reference(body["subsidiary"], "subsidiary", "subsidiary", self._subsidiary)
        if "location" in body:
            updated.location = self._reference(body["location"], "location", "location", self._location)
        if "shipMethod" in body:
            updated.shipmethod = self._reference(body["shipMethod"], "shipMethod", "shipMethod", self._ship_method)
        if "shippingCost" in body:
            updated.shippingcost = _number(body["shippingCost"], "shippingCost", "shippingCost")
        if "shipDate" in body:
            updated.shipdate = _date(body["shipDate"], "shipDate", "shipDate")
        for name, attribute in (("shippingAddress", "shipping_address"), ("billingAddress", "billing_address")):
            if name in body:
                setattr(updated, attribute, self._address(body[name], name))
        return updated

    def _address(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise NetSuiteError(400, detail(f"Invalid value for field {field}: an address object is expected.", "INVALID_CONTENT", path=field))
        for name in value:
            if name not in _ADDRESS_FIELDS:
                raise NetSuiteError(400, detail(f"Invalid field name: '{name}' is not a field of record 'address'.", "INVALID_CONTENT", path=f"{field}.{name}"))
        address = dict(value)
        country = address.get("country")
        code = country.get("id") if isinstance(country, dict) else country
        if code is not None and not (isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)):
            raise _invalid_value(code, "country", f"{field}.country")
        return address

    def _lines(self, body: dict[str, Any], existing: SalesOrder | None) -> list[OrderLine]:
        sublist = body.get("item")
        if sublist is None and existing is not None:
            return [replace(line) for line in existing.lines]
        items = sublist.get("items") if isinstance(sublist, dict) else None
        if not isinstance(items, list):
            raise NetSuiteError(400, detail("Invalid value for field item: a sublist object with 'items' is expected.", "INVALID_CONTENT", path="item"))
        if not items:
            raise NetSuiteError(400, detail(f"{_ACCESS_PREFIX}You must enter at least one line item for this transaction.", "USER_ERROR", path="item"))
        lines: list[OrderLine] = []
        for index, entry in enumerate(items):
            path = f"item.items[{index}]"
            if not isinstance(entry, dict):
                raise NetSuiteError(400, detail("Invalid value: a sublist line must be an object.", "INVALID_CONTENT", path=path))
            for name in entry:
                if name not in _LINE_FIELDS and not name.startswith("custcol"):
                    raise NetSuiteError(400, detail(f"Invalid field name: '{name}' is not a field of sublist 'item'.", "INVALID_CONTENT", path=f"{path}.{name}"))
            if "item" not in entry:
                raise NetSuiteError(400, detail(f"{_ACCESS_PREFIX}Please enter value(s) for: Item", "USER_ERROR", path=f"{path}.item"))
            item_id = self._reference(entry["item"], "item", f"{path}.item", self._item)
            quantity = _number(entry.get("quantity", 1), "quantity", f"{path}.quantity", positive=True)
            item = self.account.items[item_id]
            rate = _number(entry["rate"], "rate", f"{path}.rate") if "rate" in entry else item.baseprice
            location = self._reference(entry["location"], "location", f"{path}.location", self._location) if "location" in entry else None
            number = index + 1
            line = OrderLine(number, item_id, quantity, rate, location, _text(entry.get("description"), "description", f"{path}.description") or item.displayname)
            previous = existing.line(number) if existing else None
            if previous is not None and previous.fulfilled > 0:
                if previous.item != item_id or quantity < previous.fulfilled:
                    raise NetSuiteError(400, detail(
                        f"{_ACCESS_PREFIX}You cannot change the item or reduce the quantity below what has been fulfilled on line {number}.",
                        "USER_ERROR", path=f"{path}.quantity",
                    ))
                line.fulfilled = previous.fulfilled
            lines.append(line)
        if existing is not None:
            for previous in existing.lines[len(lines):]:
                if previous.fulfilled > 0:
                    raise NetSuiteError(400, detail(
                        f"{_ACCESS_PREFIX}You cannot remove line {previous.line}: it has been fulfilled.", "USER_ERROR", path="item",
                    ))
        return lines

    def find_sales_order(self, key: str) -> SalesOrder:
        kind, value = parse_record_key(key)
        order = (
            self.account.sales_order_by_external_id(value)
            if kind == "eid"
            else self.account.sales_orders.get(int(value)) if value.isdigit() else None
        )
        if order is None:
            raise NetSuiteError(404, detail(
                "The record instance does not exist. Provide a valid record instance ID.", "NONEXISTENT_ID", path="id",
            ))
        return order

    # -- representations -------------------------------------------------------------------------
    def _ref(self, base: str, record: str, record_id: int | None, name: str | None) -> dict[str, Any] | None:
        if record_id is None:
            return None
        ref: dict[str, Any] = {"links": [{"rel": "self", "href": f"{base}/record/v1/{record}/{record_id}"}], "id": str(record_id)}
        if name is not None:
            ref["refName"] = name
        return ref

    def sales_order_json(self, order: SalesOrder, base: str, *, expand: bool) -> dict[str, Any]:
        account = self.account
        href = f"{base}/record/v1/salesOrder/{order.id}"
        customer = account.customers.get(order.entity)
        status = {"id": order.status, "refName": SALES_ORDER_STATUSES[order.status]}
        total = sum((line.amount for line in order.lines), Decimal(0))
        body: dict[str, Any] = {
            "links": [{"rel": "self", "href": href}],
            "id": str(order.id),
            "externalId": order.externalid,
            "tranId": order.tranid,
            "tranDate": order.trandate.isoformat(),
            "createdDate": _iso(order.created),
            "lastModifiedDate": _iso(order.lastmodified),
            "entity": self._ref(base, "customer", order.entity, customer.companyname if customer else None),
            "status": status,
            "orderStatus": status,
            "subsidiary": self._ref(base, "subsidiary", order.subsidiary, "Crossdock Retail Inc."),
            "otherRefNum": order.otherrefnum,
            "memo": order.memo,
            "email": order.email,
            "location": self._ref(base, "location", order.location, account.locations[order.location].name if order.location else None),
            "shipMethod": self._ref(base, "shipItem", order.shipmethod, account.ship_methods[order.shipmethod].itemid if order.shipmethod else None),
            "shippingCost": float(order.shippingcost) if order.shippingcost is not None else None,
            "shipDate": order.shipdate.isoformat() if order.shipdate else None,
            "subtotal": float(total),
            "total": float(total + (order.shippingcost or 0)),
        }
        for name, address in (("shippingAddress", order.shipping_address), ("billingAddress", order.billing_address)):
            if address is not None:
                body[name] = {"links": [{"rel": "self", "href": f"{href}/{name}"}], **(address if expand else {})}
        lines_href = f"{href}/item"
        if expand:
            rows = [self._order_line_json(base, line) for line in order.lines]
            body["item"] = {"links": [{"rel": "self", "href": lines_href}], "items": rows, "totalResults": len(rows),
                            "count": len(rows), "hasMore": False, "offset": 0}
        else:
            body["item"] = {"links": [{"rel": "self", "href": lines_href}]}
        return {key: value for key, value in body.items() if value is not None}

    def _order_line_json(self, base: str, line: OrderLine) -> dict[str, Any]:
        item = self.account.items[line.item]
        row: dict[str, Any] = {
            "links": [],
            "line": line.line,
            "item": self._ref(base, "inventoryItem", line.item, item.itemid),
            "description": line.description,
            "quantity": float(line.quantity),
            "quantityFulfilled": float(line.fulfilled),
            "quantityCommitted": float(line.committed),
            "rate": float(line.rate),
            "amount": float(line.amount),
        }
        if line.location is not None:
            row["location"] = self._ref(base, "location", line.location, self.account.locations[line.location].name)
        return row

    def fulfilment_json(self, fulfilment: ItemFulfillment, base: str, *, expand: bool) -> dict[str, Any]:
        href = f"{base}/record/v1/itemFulfillment/{fulfilment.id}"
        order = self.account.sales_orders[fulfilment.salesorder]
        body: dict[str, Any] = {
            "links": [{"rel": "self", "href": href}],
            "id": str(fulfilment.id),
            "tranId": fulfilment.tranid,
            "tranDate": fulfilment.trandate.isoformat(),
            "createdDate": _iso(fulfilment.created),
            "lastModifiedDate": _iso(fulfilment.lastmodified),
            "createdFrom": self._ref(base, "salesOrder", order.id, f"Sales Order #{order.tranid}"),
            "entity": self._ref(base, "customer", fulfilment.entity, None),
            "shipStatus": {"id": fulfilment.status, "refName": ITEM_FULFILLMENT_STATUSES[fulfilment.status]},
        }
        if expand:
            body["item"] = {"links": [{"rel": "self", "href": f"{href}/item"}], "items": [
                {"links": [], "line": line.line, "orderLine": line.orderline, "quantity": float(line.quantity),
                 "item": self._ref(base, "inventoryItem", line.item, self.account.items[line.item].itemid),
                 "location": self._ref(base, "location", line.location, None)}
                for line in fulfilment.lines
            ]}
            body["package"] = {"links": [{"rel": "self", "href": f"{href}/package"}], "items": [
                {"links": [], "packageTrackingNumber": p.trackingnumber, "packageWeight": float(p.weight) if p.weight else None,
                 "packageDescr": p.description}
                for p in fulfilment.packages
            ]}
        else:
            body["item"] = {"links": [{"rel": "self", "href": f"{href}/item"}]}
            body["package"] = {"links": [{"rel": "self", "href": f"{href}/package"}]}
        return body

    # -- transform -------------------------------------------------------------------------------
    def transform_to_fulfilment(self, key: str, body: Any) -> ItemFulfillment:
        """``!transform/itemFulfillment``: ship the order's open lines, or those the body lists."""
        order = self.find_sales_order(key)
        body = body if isinstance(body, dict) else {}
        quantities: dict[int, Decimal] = {}
        sublist = body.get("item")
        if isinstance(sublist, dict) and isinstance(sublist.get("items"), list):
            for index, entry in enumerate(sublist["items"]):
                path = f"item.items[{index}]"
                number = entry.get("orderLine") if isinstance(entry, dict) else None
                line = order.line(int(number)) if isinstance(number, (int, str)) and str(number).isdigit() else None
                if line is None:
                    raise _invalid_value(number, "orderline", f"{path}.orderLine")
                if entry.get("itemReceive") is False:
                    continue
                quantity = _number(entry.get("quantity", line.remaining), "quantity", f"{path}.quantity", positive=True)
                if quantity > line.remaining:
                    raise NetSuiteError(400, detail(
                        f"{_ACCESS_PREFIX}You can not fulfill more than the remaining quantity ({line.remaining}) of line {line.line}.",
                        "USER_ERROR", path=f"{path}.quantity",
                    ))
                quantities[line.line] = quantity
        else:
            quantities = {line.line: line.remaining for line in order.lines if line.remaining > 0}
        if not quantities:
            raise NetSuiteError(400, detail(f"{_ACCESS_PREFIX}You must enter at least one line item for this transaction.", "USER_ERROR", path="item"))
        for number, quantity in quantities.items():
            line = order.line(number)
            assert line is not None
            location = line.location or order.location
            if location is not None and self.account.balance(line.item, location).onhand < quantity:
                raise NetSuiteError(400, detail(
                    f"{_ACCESS_PREFIX}You cannot fulfill {quantity} of {self.account.items[line.item].itemid}: "
                    "there is not enough on hand at the location.",
                    "USER_ERROR", path="item",
                ))
        packages: list[tuple[str | None, Decimal | None, str | None]] = []
        package_list = body.get("package")
        if isinstance(package_list, dict) and isinstance(package_list.get("items"), list):
            for index, entry in enumerate(package_list["items"]):
                if not isinstance(entry, dict):
                    raise NetSuiteError(400, detail("Invalid value: a sublist line must be an object.", "INVALID_CONTENT", path=f"package.items[{index}]"))
                weight = entry.get("packageWeight")
                packages.append((
                    _text(entry.get("packageTrackingNumber"), "packageTrackingNumber", f"package.items[{index}].packageTrackingNumber"),
                    _number(weight, "packageWeight", f"package.items[{index}].packageWeight") if weight is not None else None,
                    _text(entry.get("packageDescr"), "packageDescr", f"package.items[{index}].packageDescr"),
                ))
        ship_method = None
        if "shipMethod" in body:
            ship_method = self._reference(body["shipMethod"], "shipMethod", "shipMethod", self._ship_method)
        return self.account.fulfil(order, quantities, packages=packages, ship_method=ship_method, memo=_text(body.get("memo"), "memo", "memo"))
