"""The SuiteQL tables the sandbox exposes, built from the account's records per query.

Table and column names are NetSuite's analytics data source names (the ones the Records Catalog
lists): ``transaction``, ``transactionline``, ``item``, ``location``, ``customer``, ``shipitem``,
``itemfulfillmentpackage`` and ``aggregateitemlocation``. Values are typed the way SuiteQL types them:
IDs and quantities are numbers, flags are ``'T'``/``'F'``, ``trandate`` is a date and
``lastmodifieddate`` a date-time. As in NetSuite, a sales order's item lines carry negative quantities
(stock leaving), and a fulfilment has a main line, one positive line per shipped item and a mirrored
COGS line (``iscogs = 'T'``) per item; fulfilment lines point at their order through ``createdfrom``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ._state import ITEM_FULFILLMENT_STATUSES, SALES_ORDER_STATUSES, SandboxAccount

__all__ = ["AccountCatalog", "TABLE_COLUMNS"]

Row = dict[str, Any]

TABLE_COLUMNS: dict[str, frozenset[str]] = {
    "transaction": frozenset({
        "id", "tranid", "type", "trandate", "createddate", "lastmodifieddate", "externalid", "entity", "status",
        "memo", "otherrefnum", "email", "subsidiary", "shipmethod", "shipcarrier", "shipdate", "shippingcost",
        "createdfrom",
    }),
    "transactionline": frozenset({
        "id", "transaction", "linesequencenumber", "mainline", "item", "quantity", "rate", "netamount", "location",
        "createdfrom", "iscogs", "itemtype", "memo", "quantityshiprecv", "quantitycommitted",
    }),
    "item": frozenset({"id", "itemid", "externalid", "displayname", "itemtype", "isinactive", "weight"}),
    "location": frozenset({"id", "name", "isinactive", "subsidiary"}),
    "customer": frozenset({"id", "entityid", "externalid", "companyname", "email", "isinactive", "subsidiary"}),
    "shipitem": frozenset({"id", "itemid", "displayname", "isinactive"}),
    "itemfulfillmentpackage": frozenset({"id", "itemfulfillment", "packagetrackingnumber", "packageweight", "packagedescr"}),
    "aggregateitemlocation": frozenset({
        "item", "location", "quantityonhand", "quantitycommitted", "quantityavailable", "quantitybackordered",
        "quantityonorder", "lastquantityavailablechange",
    }),
}

_CARRIERS = {"ups": "UPS", "nonups": "FedEx/USPS/More"}


def _flag(value: bool) -> str:
    return "T" if value else "F"


class AccountCatalog:
    """A :class:`~._sql_engine.Catalog` over one account, building each table at most once per query."""

    def __init__(self, account: SandboxAccount) -> None:
        self.account = account
        self._built: dict[str, list[Row]] = {}
        self._builders: dict[str, Callable[[], list[Row]]] = {
            "transaction": self._transactions,
            "transactionline": self._transaction_lines,
            "item": self._items,
            "location": self._locations,
            "customer": self._customers,
            "shipitem": self._ship_items,
            "itemfulfillmentpackage": self._packages,
            "aggregateitemlocation": self._aggregate_item_locations,
        }

    def columns(self, table: str) -> frozenset[str] | None:
        return TABLE_COLUMNS.get(table.lower())

    def rows(self, table: str) -> Sequence[Row]:
        name = table.lower()
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def display(self, table: str, column: str, value: Any, row: Row) -> str | None:
        account = self.account
        key = int(value) if isinstance(value, (int, Decimal)) else value
        if column == "item" and table in ("transactionline", "aggregateitemlocation"):
            item = account.items.get(key)
            return item.itemid if item else None
        if column == "location":
            location = account.locations.get(key)
            return location.name if location else None
        if column == "entity":
            customer = account.customers.get(key)
            return f"{customer.entityid} {customer.companyname}" if customer else None
        if column == "shipmethod":
            method = account.ship_methods.get(key)
            return method.itemid if method else None
        if column == "shipcarrier":
            return _CARRIERS.get(str(value))
        if column == "status" and table == "transaction":
            if row.get("type") == "ItemShip":
                name = ITEM_FULFILLMENT_STATUSES.get(str(value))
                return f"Item Fulfillment : {name}" if name else None
            name = SALES_ORDER_STATUSES.get(str(value))
            return f"Sales Order : {name}" if name else None
        if column in ("createdfrom", "transaction", "itemfulfillment"):
            if key in account.sales_orders:
                return f"Sales Order #{account.sales_orders[key].tranid}"
            if key in account.fulfilments:
                return f"Item Fulfillment #{account.fulfilments[key].tranid}"
            return None
        if column == "subsidiary":
            return "Crossdock Retail Inc." if key == 1 else None
        if column == "type":
            return {"SalesOrd": "Sales Order", "ItemShip": "Item Fulfillment"}.get(str(value))
        return None if value is None else str(value)

    # -- tables ----------------------------------------------------------------------------------
    def _transactions(self) -> list[Row]:
        account = self.account
        rows: list[Row] = []
        for order in account.sales_orders.values():
            rows.append({
                "id": order.id, "tranid": order.tranid, "type": "SalesOrd", "trandate": order.trandate,
                "createddate": order.created, "lastmodifieddate": order.lastmodified, "externalid": order.externalid,
                "entity": order.entity, "status": order.status, "memo": order.memo, "otherrefnum": order.otherrefnum,
                "email": order.email, "subsidiary": order.subsidiary, "shipmethod": order.shipmethod,
                "shipcarrier": self._carrier(order.shipmethod), "shipdate": order.shipdate,
                "shippingcost": order.shippingcost, "createdfrom": None,
            })
        for fulfilment in account.fulfilments.values():
            rows.append({
                "id": fulfilment.id, "tranid": fulfilment.tranid, "type": "ItemShip", "trandate": fulfilment.trandate,
                "createddate": fulfilment.created, "lastmodifieddate": fulfilment.lastmodified, "externalid": None,
                "entity": fulfilment.entity, "status": fulfilment.status, "memo": fulfilment.memo, "otherrefnum": None,
                "email": None, "subsidiary": 1, "shipmethod": fulfilment.shipmethod,
                "shipcarrier": self._carrier(fulfilment.shipmethod), "shipdate": fulfilment.trandate,
                "shippingcost": None, "createdfrom": fulfilment.salesorder,
            })
        return rows

    def _carrier(self, method: int | None) -> str | None:
        found = self.account.ship_methods.get(method) if method is not None else None
        return found.carrier if found else None

    def _transaction_lines(self) -> list[Row]:
        account = self.account
        rows: list[Row] = []
        for order in account.sales_orders.values():
            rows.append(self._line(order.id, 0, mainline=True, location=order.location))
            for line in order.lines:
                rows.append(self._line(
                    order.id, line.line, item=line.item, quantity=-line.quantity, rate=line.rate,
                    netamount=line.amount, location=line.location, quantityshiprecv=line.fulfilled,
                    quantitycommitted=line.committed, memo=line.description,
                ))
        for fulfilment in account.fulfilments.values():
            first = fulfilment.lines[0] if fulfilment.lines else None
            total = sum((line.quantity for line in fulfilment.lines), Decimal(0))
            rows.append(self._line(
                fulfilment.id, 0, mainline=True, item=first.item if first else None, quantity=-total,
                location=first.location if first else None, createdfrom=fulfilment.salesorder,
            ))
            sequence = 0
            for line in fulfilment.lines:
                sequence += 1
                rows.append(self._line(
                    fulfilment.id, sequence, item=line.item, quantity=line.quantity, location=line.location,
                    createdfrom=fulfilment.salesorder,
                ))
                sequence += 1
                rows.append(self._line(
                    fulfilment.id, sequence, item=line.item, quantity=-line.quantity, location=line.location,
                    createdfrom=fulfilment.salesorder, iscogs=True,
                ))
        return rows

    def _line(
        self,
        transaction: int,
        number: int,
        *,
        mainline: bool = False,
        iscogs: bool = False,
        item: int | None = None,
        **values: Any,
    ) -> Row:
        stock_item = self.account.items.get(item) if item is not None else None
        row: Row = {name: None for name in TABLE_COLUMNS["transactionline"]}
        row.update({
            "id": number, "transaction": transaction, "linesequencenumber": number, "mainline": _flag(mainline),
            "iscogs": _flag(iscogs), "item": item, "itemtype": stock_item.itemtype if stock_item else None,
        })
        row.update(values)
        return row

    def _items(self) -> list[Row]:
        return [
            {"id": i.id, "itemid": i.itemid, "externalid": i.externalid, "displayname": i.displayname,
             "itemtype": i.itemtype, "isinactive": _flag(i.isinactive), "weight": i.weight}
            for i in self.account.items.values()
        ]

    def _locations(self) -> list[Row]:
        return [
            {"id": loc.id, "name": loc.name, "isinactive": _flag(loc.isinactive), "subsidiary": loc.subsidiary}
            for loc in self.account.locations.values()
        ]

    def _customers(self) -> list[Row]:
        return [
            {"id": c.id, "entityid": c.entityid, "externalid": c.externalid, "companyname": c.companyname,
             "email": c.email, "isinactive": "F", "subsidiary": c.subsidiary}
            for c in self.account.customers.values()
        ]

    def _ship_items(self) -> list[Row]:
        return [
            {"id": m.id, "itemid": m.itemid, "displayname": m.itemid, "isinactive": "F"}
            for m in self.account.ship_methods.values()
        ]

    def _packages(self) -> list[Row]:
        return [
            {"id": p.id, "itemfulfillment": f.id, "packagetrackingnumber": p.trackingnumber,
             "packageweight": p.weight, "packagedescr": p.description}
            for f in self.account.fulfilments.values()
            for p in f.packages
        ]

    def _aggregate_item_locations(self) -> list[Row]:
        return [
            {"item": item, "location": location, "quantityonhand": b.onhand, "quantitycommitted": b.committed,
             "quantityavailable": b.available, "quantitybackordered": Decimal(0), "quantityonorder": Decimal(0),
             "lastquantityavailablechange": b.lastchange}
            for (item, location), b in self.account.stock.items()
        ]

