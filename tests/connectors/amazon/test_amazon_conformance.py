"""The standard connector conformance suite, run against the Amazon sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel

from crossdock.connectors.amazon import SANDBOX_MARKETPLACE_ID, AmazonConnector
from crossdock.connectors.amazon.sandbox import seeded_listings, seeded_orders
from crossdock.core.models import Carrier, OrderRef, Shipment, ShipmentLine, SourceRef, StockLevel
from crossdock.runtime.testing import ConnectorConformance

SEED = 0


def unshipped_orders(count: int) -> list[dict[str, Any]]:
    """Orders of the default sandbox (seed 0, 250 orders, 40 SKUs) that can still be shipped."""
    listings = seeded_listings(SEED, 40)
    orders = seeded_orders(SEED, 250, listings, now=datetime.now(UTC), marketplace_id=SANDBOX_MARKETPLACE_ID)
    return [o for o in orders.values() if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"][:count]


class TestAmazonConformance(ConnectorConformance):
    connector_class = AmazonConnector
    sandbox_options: ClassVar[dict[str, Any]] = {"seed": SEED}

    def sample_records(self, sink_name: str) -> list[BaseModel]:
        if sink_name == "shipments":
            return [
                Shipment(
                    order=OrderRef(source=SourceRef(system="amazon", id=order["orderId"])),
                    lines=[
                        ShipmentLine(line_id=item["orderItemId"], sku=item["product"]["sellerSku"], quantity=item["quantityOrdered"])
                        for item in order["orderItems"]
                    ],
                    carrier=Carrier(name="UPS", scac="UPSN"),
                    tracking_number=f"1Z999AA1{n:010d}",
                    shipped_at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC),
                )
                for n, order in enumerate(unshipped_orders(5))
            ]
        if sink_name == "stock":
            return [StockLevel(sku=f"CD-{n:05d}", location_id="WH-EAST", available=n * 3) for n in range(1, 6)]
        return []
