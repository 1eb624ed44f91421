"""Shopify webhooks: HMAC verification, de-duplication by delivery ID, records, the ASGI endpoint."""

from __future__ import annotations

import hmac
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from crossdock.connectors.shopify import (
    InvalidWebhookSignature,
    WebhookDelivery,
    WebhookReceiver,
    sign_webhook,
    verify_webhook,
    webhook_app,
)
from crossdock.core.models import Order, OrderStatus, StockLevel
from crossdock.mappings import load_mapping
from crossdock.runtime.state import open_store

SECRET = "whsec-client-secret-for-tests"

ORDER_PAYLOAD: dict[str, Any] = {
    "id": 5000099, "admin_graphql_api_id": "gid://shopify/Order/5000099", "name": "#1099",
    "email": "ada@example.com", "created_at": "2025-07-01T10:00:00-04:00", "updated_at": "2025-07-01T10:05:00-04:00",
    "cancelled_at": None, "currency": "USD", "financial_status": "paid", "fulfillment_status": None,
    "tags": "vip, gift", "note": None,
    "customer": {"id": 7001, "admin_graphql_api_id": "gid://shopify/Customer/7001", "first_name": "Ada",
                 "last_name": "Lovelace", "email": "ada@example.com", "phone": None},
    "shipping_address": {"name": "Ada Lovelace", "company": None, "address1": "1 Analytical Way", "address2": None,
                         "city": "Austin", "province_code": "TX", "zip": "73301", "country_code": "US", "phone": None},
    "line_items": [{
        "id": 9100001, "admin_graphql_api_id": "gid://shopify/LineItem/9100001", "sku": "SHOP-10001",
        "title": "Canvas Tote Bag", "quantity": 2, "requires_shipping": True,
        "price_set": {"shop_money": {"amount": "12.50", "currency_code": "USD"}},
        "discount_allocations": [], "tax_lines": [
            {"title": "State Tax", "rate": 0.0825, "price_set": {"shop_money": {"amount": "2.06", "currency_code": "USD"}}}
        ],
    }],
    "shipping_lines": [{"title": "Standard", "code": "STANDARD", "carrier_identifier": None,
                        "price_set": {"shop_money": {"amount": "5.99", "currency_code": "USD"}}}],
    "total_price_set": {"shop_money": {"amount": "33.05", "currency_code": "USD"}},
}


def delivery(payload: dict[str, Any], *, topic: str = "orders/create", webhook_id: str = "wh-1",
             secret: str = SECRET) -> tuple[dict[str, str], bytes]:
    body = json.dumps(payload).encode()
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Hmac-SHA256": sign_webhook(body, secret),
               "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-Shop-Domain": "crossdock-sandbox.myshopify.com"}
    return headers, body


@pytest.fixture
async def state(tmp_path: Path) -> Any:
    store = await open_store(f"sqlite:///{tmp_path / 'state.db'}")
    yield store
    await store.close()


async def test_webhook_hmac_verified_in_constant_time_and_duplicates_dropped(
    state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    headers, body = delivery(ORDER_PAYLOAD)
    assert verify_webhook(body, headers["X-Shopify-Hmac-SHA256"], SECRET)
    assert not verify_webhook(body + b" ", headers["X-Shopify-Hmac-SHA256"], SECRET), "the raw body is what is signed"
    assert not verify_webhook(body, headers["X-Shopify-Hmac-SHA256"], "another-secret")
    assert not verify_webhook(body, "short", SECRET)
    assert not verify_webhook(body, None, SECRET)
    assert len(compared) == 5, "every verdict, even for a wrong-length or missing header, went through compare_digest"

    receiver = WebhookReceiver(secret=SECRET, state=state, shop="crossdock-sandbox.myshopify.com")
    first = await receiver.receive(headers, body)
    assert first.status == "accepted" and first.record is not None
    assert first.record.key == "gid://shopify/Order/5000099"
    assert first.record.cursor_value is not None and first.record.cursor_value.tzinfo is not None
    retried = await receiver.receive(headers, body)
    assert retried.status == "duplicate" and retried.record is None, "Shopify's retry of the same delivery is dropped"
    tampered = body.replace(b"#1099", b"#6666")
    with pytest.raises(InvalidWebhookSignature):
        await receiver.receive({**headers, "X-Shopify-Webhook-Id": "wh-2"}, tampered)
    other_delivery = await receiver.receive(*delivery(ORDER_PAYLOAD, topic="orders/updated", webhook_id="wh-3"))
    assert other_delivery.status == "accepted", "a new delivery of the same order is a new event"


async def test_order_webhook_maps_to_the_same_canonical_order(state: Any) -> None:
    receiver = WebhookReceiver(secret=SECRET, state=state)
    received = await receiver.receive(*delivery(ORDER_PAYLOAD))
    assert received.record is not None
    order = load_mapping("shopify/order_webhook").apply_to(received.record.payload, Order, record_key=received.record.key)
    assert order.source.id == "gid://shopify/Order/5000099" and order.number == "#1099"
    assert order.status is OrderStatus.OPEN and order.tags == ["vip", "gift"]
    assert order.lines[0].line_id == "gid://shopify/LineItem/9100001"
    assert order.lines[0].unit_price.amount == Decimal("12.50") and order.totals.total.amount == Decimal("33.05")
    assert order.ship_to is not None and order.ship_to.region == "TX"


async def test_inventory_level_webhook_becomes_a_stock_level_with_its_sku_and_location(state: Any) -> None:
    async def skus(items: list[str]) -> dict[str, str]:
        return {"gid://shopify/InventoryItem/50001": "SHOP-10001"}

    receiver = WebhookReceiver(secret=SECRET, state=state, sku_resolver=skus,
                               location_ids={"WH-EAST": "gid://shopify/Location/70001"})
    payload = {"inventory_item_id": 50001, "location_id": 70001, "available": 17,
               "updated_at": "2025-07-01T10:00:00-04:00", "admin_graphql_api_id": "gid://shopify/InventoryLevel/1"}
    received = await receiver.receive(*delivery(payload, topic="inventory_levels/update"))
    assert received.kind == "stock" and received.record is not None
    assert received.record.key == "gid://shopify/InventoryItem/50001@gid://shopify/Location/70001"
    level = load_mapping("shopify/inventory_level_webhook").apply_to(received.record.payload, StockLevel)
    assert (level.sku, level.location_id, level.available) == ("SHOP-10001", "WH-EAST", 17)


async def test_the_endpoint_answers_like_shopify_expects_and_a_failed_hand_off_is_retried(state: Any) -> None:
    handed: list[WebhookDelivery] = []
    failures = [RuntimeError("queue down")]

    async def on_delivery(received: WebhookDelivery) -> None:
        if failures:
            raise failures.pop()
        handed.append(received)

    app = webhook_app(WebhookReceiver(secret=SECRET, state=state), on_delivery)
    headers, body = delivery(ORDER_PAYLOAD, webhook_id="wh-9")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hooks") as client:
        forged = await client.post("/webhooks/shopify", content=body, headers={**headers, "X-Shopify-Hmac-SHA256": "AAAA"})
        failed = await client.post("/webhooks/shopify", content=body, headers=headers)
        retried = await client.post("/webhooks/shopify", content=body, headers=headers)
        duplicate = await client.post("/webhooks/shopify", content=body, headers=headers)
        ignored = await client.post("/webhooks/shopify", content=b"{}", headers={
            **headers, "X-Shopify-Topic": "products/update", "X-Shopify-Hmac-SHA256": sign_webhook(b"{}", SECRET)})
    assert forged.status_code == 401
    assert failed.status_code == 500, "Shopify will retry"
    assert retried.status_code == 200 and retried.json() == {"status": "accepted"}
    assert duplicate.json() == {"status": "duplicate"} and ignored.json() == {"status": "ignored"}
    assert [d.record.key for d in handed if d.record] == ["gid://shopify/Order/5000099"]


async def test_the_connector_makes_a_receiver_that_resolves_skus_through_the_api(
    sandbox: Any, open_connector: Any
) -> None:
    async with open_connector(sandbox) as connector:
        receiver = connector.webhook_receiver()
        payload = {"inventory_item_id": 50002, "location_id": 70002, "available": 4, "updated_at": "2025-07-01T10:00:00Z"}
        secret = connector.config.webhook_secret.get_secret_value()
        received = await receiver.receive(*delivery(payload, topic="inventory_levels/update", secret=secret))
    assert received.record is not None
    assert received.record.payload["sku"] == "SHOP-10002" and received.record.payload["crossdock_location_id"] == "WH-WEST"
