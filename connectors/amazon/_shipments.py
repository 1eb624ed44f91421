"""The ``shipments`` sink: a canonical Shipment → ``confirmShipment`` (Orders API v0), one call per package.

``POST /orders/v0/orders/{orderId}/shipmentConfirmation`` with ``{marketplaceId, packageDetail:
{packageReferenceId, carrierCode, carrierName?, shippingMethod?, trackingNumber, shipDate, orderItems:
[{orderItemId, quantity}]}}``; Amazon answers 204 with no body. The order items are the canonical
shipment lines' ``line_id`` values, which the ``amazon/order`` mapping filled with Amazon's
``orderItemId``.

**A resend after success is absorbed.** The API takes no idempotency key, and a package Amazon already
holds is refused with a 400. So each package gets a ``packageReferenceId`` derived from the shipment's
trace key and the package's position (positive and numeric, as the model requires; stable across
runs), and a 400 is followed by ``getOrder`` with ``includedData=PACKAGES``: when the order already
carries a package with our reference and tracking number, our earlier confirmation landed and the
write is reported as done. Any other 400 (already shipped by someone else, unknown item, bad date) or
a 404 becomes the record's ``RecordError`` with Amazon's ``errors[]``. Because a resend is harmless
this way, the POST is marked idempotent and a 5xx is retried in-process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from crossdock.core.contract import Sink, WriteRequest, WriteResult
from crossdock.core.errors import RecordError
from crossdock.core.models import Shipment, ShipmentLine
from crossdock.runtime.http import IDEMPOTENT_EXTENSION, RAISE_ERRORS_EXTENSION, raise_for_outcome

from ._wire import amazon_errors, describe_errors, iso_timestamp, read_json

if TYPE_CHECKING:
    from ._connector import AmazonConnector

__all__ = ["ShipmentConfirmationSink", "confirm_shipment_path", "package_reference_id", "carrier_code"]

GET_ORDER_PATH = "/orders/2026-01-01/orders/{order_id}"

_CARRIER_BY_SCAC = {
    "UPSN": "UPS", "UPS": "UPS", "USPS": "USPS", "FDEG": "FedEx", "FDXG": "FedEx", "FDE": "FedEx",
    "FEDX": "FedEx", "FDEN": "FedEx", "DHLC": "DHL", "DHLG": "DHL", "DHL": "DHL",
}  # fmt: skip
_CARRIER_BY_NAME = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "fed ex": "FedEx", "dhl": "DHL"}


def confirm_shipment_path(order_id: str) -> str:
    return f"/orders/v0/orders/{order_id}/shipmentConfirmation"


def package_reference_id(trace_key: str, index: int) -> str:
    """A positive number, stable for the same shipment's same package, unlikely to meet another's."""
    digest = hashlib.sha256(f"{trace_key}\x1f{index}".encode()).hexdigest()
    return str(int(digest[:15], 16) % 9_000_000_000 + 1_000_000_000)


def carrier_code(shipment: Shipment) -> tuple[str, str | None]:
    """Amazon's ``carrierCode`` (and ``carrierName`` when that code is ``Other``)."""
    carrier = shipment.carrier
    if carrier is None:
        return "Other", None
    if carrier.scac and carrier.scac.upper() in _CARRIER_BY_SCAC:
        return _CARRIER_BY_SCAC[carrier.scac.upper()], None
    if carrier.name and carrier.name.strip().lower() in _CARRIER_BY_NAME:
        return _CARRIER_BY_NAME[carrier.name.strip().lower()], None
    return "Other", carrier.name or carrier.scac


@dataclass(frozen=True, slots=True)
class _Package:
    reference_id: str
    tracking_number: str
    lines: list[ShipmentLine]


class ShipmentConfirmationSink(Sink["AmazonConnector"]):
    """Confirms merchant-fulfilled shipments to Amazon, with carrier and tracking per package."""

    name = "shipments"
    entity = "Shipment"
    default_mapping = None  # the body is built from the canonical Shipment: one call per package
    batch_size = 10

    async def write(self, batch: Sequence[WriteRequest]) -> list[WriteResult]:
        results = []
        for request in batch:
            try:
                external_id = await self._confirm(request)
            except RecordError as error:
                results.append(WriteResult(request.idempotency_key, error=error))
            else:
                results.append(WriteResult(request.idempotency_key, external_id=external_id))
        return results

    async def _confirm(self, request: WriteRequest) -> str:
        shipment = request.record
        if not isinstance(shipment, Shipment):
            shipment = Shipment.model_validate(request.record)
        order_id = _order_id(shipment)
        packages = _packages(shipment, request.trace_key)
        order_view = _OrderView(self.connector, order_id)
        marketplace_id = await order_view.marketplace_id()
        code, name = carrier_code(shipment)
        for package in packages:
            body = _confirmation_body(shipment, package, marketplace_id, code, name)
            response = await self.connector.client.post(
                confirm_shipment_path(order_id),
                json=body,
                extensions={
                    **self.connector.limiter_extension("confirmShipment"),
                    RAISE_ERRORS_EXTENSION: False,
                    IDEMPOTENT_EXTENSION: True,
                },
            )
            await response.aread()
            if response.is_success:
                continue
            if response.status_code in (400, 404):
                if response.status_code == 400 and await order_view.holds(package):
                    continue  # our own earlier confirmation: the resend is absorbed
                raise _refused(response, order_id, package)
            raise_for_outcome(response)
        return f"{order_id}/{packages[0].reference_id}"


class _OrderView:
    """``getOrder`` for one shipment, fetched at most once: its marketplace and the packages it holds."""

    def __init__(self, connector: AmazonConnector, order_id: str) -> None:
        self._connector = connector
        self._order_id = order_id
        self._order: dict[str, Any] | None = None

    async def _get(self) -> dict[str, Any]:
        if self._order is None:
            response = await self._connector.client.get(
                GET_ORDER_PATH.format(order_id=self._order_id),
                params={"includedData": "PACKAGES"},
                extensions={**self._connector.limiter_extension("getOrder"), RAISE_ERRORS_EXTENSION: False},
            )
            await response.aread()
            if response.status_code == 404:
                raise RecordError(
                    f"Amazon has no order {self._order_id}",
                    details={"status": 404, "order_id": self._order_id, "errors": amazon_errors(response)},
                )
            raise_for_outcome(response)
            body = read_json(response)
            order = body.get("order") if isinstance(body, dict) else None
            self._order = order if isinstance(order, dict) else {}
        return self._order

    async def marketplace_id(self) -> str:
        """The only configured marketplace, or (with several) the one the order was placed in."""
        marketplaces = self._connector.config.marketplace_ids
        if len(marketplaces) == 1:
            return marketplaces[0]
        order = await self._get()
        return str((order.get("salesChannel") or {}).get("marketplaceId") or marketplaces[0])

    async def holds(self, package: _Package) -> bool:
        order = await self._get()
        return any(
            p.get("packageReferenceId") == package.reference_id and p.get("trackingNumber") == package.tracking_number
            for p in order.get("packages") or []
            if isinstance(p, dict)
        )


def _order_id(shipment: Shipment) -> str:
    ref = shipment.order
    if ref.source is not None and ref.source.system == "amazon":
        return ref.source.id
    if ref.number:
        return ref.number
    raise RecordError("the shipment names no Amazon order (order.source of system 'amazon', or order.number)")


def _packages(shipment: Shipment, trace_key: str) -> list[_Package]:
    """One package per canonical package that has lines, else the whole shipment as one package."""
    with_lines = [p for p in shipment.packages if p.lines]
    groups = [(p.tracking_number or shipment.tracking_number, p.lines) for p in with_lines] or [
        (shipment.tracking_number or next(iter(shipment.tracking_numbers), None), shipment.lines)
    ]
    packages = []
    for index, (tracking, lines) in enumerate(groups, start=1):
        if not tracking:
            raise RecordError("Amazon needs a tracking number for every package of a shipment confirmation")
        missing = [line.sku for line in lines if not line.line_id]
        if missing:
            raise RecordError(
                "shipment lines need the Amazon orderItemId as line_id to be confirmed",
                details={"skus_without_line_id": missing},
            )
        packages.append(_Package(package_reference_id(trace_key, index), tracking, lines))
    return packages


def _confirmation_body(
    shipment: Shipment, package: _Package, marketplace_id: str, code: str, name: str | None
) -> dict[str, Any]:
    quantities: dict[str, int] = {}
    for line in package.lines:
        assert line.line_id is not None
        quantities[line.line_id] = quantities.get(line.line_id, 0) + line.quantity
    detail: dict[str, Any] = {
        "packageReferenceId": package.reference_id,
        "carrierCode": code,
        "trackingNumber": package.tracking_number,
        "shipDate": iso_timestamp(shipment.shipped_at),
        "orderItems": [{"orderItemId": item, "quantity": qty} for item, qty in quantities.items()],
    }
    if name:
        detail["carrierName"] = name
    if shipment.service:
        detail["shippingMethod"] = shipment.service
    return {"marketplaceId": marketplace_id, "packageDetail": detail}


def _refused(response: httpx.Response, order_id: str, package: _Package) -> RecordError:
    errors = amazon_errors(response)
    return RecordError(
        f"Amazon refused the shipment confirmation of order {order_id} (HTTP {response.status_code}): "
        f"{describe_errors(errors)}",
        details={
            "status": response.status_code,
            "order_id": order_id,
            "package_reference_id": package.reference_id,
            "errors": errors,
        },
    )
