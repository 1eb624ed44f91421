"""The standard connector conformance suite, run against the Shopify sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel

from crossdock.connectors.shopify import ShopifyConnector
from crossdock.connectors.shopify.sandbox._data import ShopStore
from crossdock.core.models import Carrier, OrderRef, Shipment, ShipmentLine, SourceRef, StockLevel
from crossdock.runtime.testing import ConnectorConformance

SEED = 3
ORDERS = 60


def unfulfilled_orders(count: int) -> list[dict[str, Any]]:
    """Orders of the conformance sandbox (same seed and size) that still have everything to ship."""
    store = ShopStore(seed=SEED, order_count=ORDERS, sku_count=40, now=lambda: datetime.now(UTC))
    orders = [o for o in store.orders.values() if o["displayFulfillmentStatus"] == "UNFULFILLED" and not o["cancelledAt"]]
    return [
        {"id": order["id"], "lines": [store.line_items[i] for i in order["_lineItemIds"]]} for order in orders[:count]
    ]


class TestShopifyConformance(ConnectorConformance):
    connector_class = ShopifyConnector
    sandbox_options: ClassVar[dict[str, Any]] = {"seed": SEED, "orders": ORDERS, "plan": "plus"}

    def sample_records(self, sink_name: str) -> list[BaseModel]:
        if sink_name == "fulfilments":
            return [
                Shipment(
                    order=OrderRef(source=SourceRef(system="shopify", id=order["id"])),
                    lines=[ShipmentLine(line_id=line["id"], sku=line["sku"], quantity=line["quantity"])
                           for line in order["lines"]],
                    carrier=Carrier(name="UPS"),
                    tracking_number=f"1Z999AA1{n:010d}",
                    shipped_at=datetime(2025, 7, 1, 15, 30, tzinfo=UTC),
                )
                for n, order in enumerate(unfulfilled_orders(5))
            ]
        if sink_name == "stock":
            return [StockLevel(sku=f"SHOP-{10001 + n}", location_id="WH-EAST", available=200 + n) for n in range(5)]
        return []
