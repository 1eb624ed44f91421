"""The REST connector's sandbox answers like a real ERP API: auth, validation, limits, idempotency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from crossdock.connectors.rest import SANDBOX_TOKEN
from crossdock.connectors.rest.sandbox import create_app

AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}


@pytest.fixture
async def api(sandbox: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://erp", headers=AUTH) as client:
        yield client


def order_body(**changes: Any) -> dict[str, Any]:
    body = {"number": "W-1", "currency": "USD", "lines": [{"sku": "SKU-10001", "quantity": 1, "unit_price": "5.00"}]}
    body.update(changes)
    return body


def test_seeded_data_is_reproducible() -> None:
    first, again, other = (create_app(seed=s, orders=30).state.erp for s in (3, 3, 4))
    assert first.orders == again.orders and first.stock == again.stock and first.shipments == again.shipments
    assert first.orders != other.orders


async def test_requests_without_the_token_get_a_json_401(api: httpx.AsyncClient) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {SANDBOX_TOKEN}"}):
        response = await api.get("/orders", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await api.get("/health", headers={"Authorization": ""})).json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lines": [{"quantity": 1, "unit_price": "5.00"}]}, "lines[0].sku"),
        ({"lines": [{"sku": "A", "quantity": -1, "unit_price": "5.00"}]}, "lines[0].quantity"),
        ({"lines": [{"sku": "A", "quantity": 1.5, "unit_price": "5.00"}]}, "lines[0].quantity"),
        ({"lines": [{"sku": "A", "quantity": 1, "unit_price": "-5"}]}, "lines[0].unit_price"),
        ({"lines": []}, "lines"),
        ({"currency": "dollars"}, "currency"),
        ({"number": None}, "number"),
        ({"ship_to": {"country": "USA"}}, "ship_to.country"),
        ({"ordered_at": "2024-01-01T10:00:00"}, "ordered_at"),
        ({"colour": "red"}, "colour"),
        ({"status": "teleported"}, "status"),
    ],
)
async def test_invalid_orders_get_400_naming_the_field(api: httpx.AsyncClient, changes: dict[str, Any], field: str) -> None:
    response = await api.post("/orders", json=order_body(**changes))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field and field in error["message"]


async def test_an_idempotency_key_replays_its_first_answer_and_refuses_another_body(api: httpx.AsyncClient, sandbox: Any) -> None:
    first = await api.post("/orders", json=order_body(), headers={"Idempotency-Key": "k1"})
    replay = await api.post("/orders", json=order_body(), headers={"Idempotency-Key": "k1"})
    reused = await api.post("/orders", json=order_body(number="W-2"), headers={"Idempotency-Key": "k1"})
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay.headers["Idempotent-Replayed"] == "true"
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert len(sandbox.state.erp.received_orders) == 1


async def test_an_order_number_cannot_be_created_twice_but_an_external_id_upserts(api: httpx.AsyncClient) -> None:
    assert (await api.post("/orders", json=order_body())).status_code == 201
    duplicate = await api.post("/orders", json=order_body())
    assert duplicate.status_code == 409 and duplicate.json()["error"]["field"] == "number"
    created = await api.post("/orders", json=order_body(number="W-9", external_id="shop:9"))
    updated = await api.post("/orders", json=order_body(number="W-9", external_id="shop:9", status="on_hold"))
    assert (created.status_code, updated.status_code) == (201, 200)
    assert updated.json()["id"] == created.json()["id"] and updated.json()["status"] == "on_hold"
    fetched = await api.get(f"/orders/{created.json()['id']}")
    assert fetched.json()["status"] == "on_hold"
    assert (await api.get("/orders/SO-999999")).status_code == 404


async def test_stock_batches_are_limited_to_100_items(api: httpx.AsyncClient) -> None:
    items = [{"sku": f"S{i}", "warehouse": "WH-EAST", "available": 1} for i in range(101)]
    too_many = await api.post("/stock/batch", json={"items": items})
    assert too_many.status_code == 413 and too_many.json()["error"]["limit"] == 100
    bad = await api.post("/stock/batch", json={"items": items[:3] + [{"sku": "S", "warehouse": "W", "available": -1}]})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "items[3].available"
    ok = await api.post("/stock/batch", json={"items": items[:100]})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 100


async def test_updated_since_is_inclusive_and_checked(api: httpx.AsyncClient, sandbox: Any) -> None:
    middle = sorted(o["updated_at"] for o in sandbox.state.erp.orders.values())[20]
    response = await api.get("/orders", params={"updated_since": middle, "limit": 100})
    assert all(o["updated_at"] >= middle for o in response.json()["data"])
    assert middle in {o["updated_at"] for o in response.json()["data"]}
    assert (await api.get("/orders", params={"updated_since": "yesterday"})).status_code == 400
    assert (await api.get("/orders", params={"pagination": "scroll"})).status_code == 400
    assert (await api.get("/orders", params={"cursor": "garbage!"})).status_code == 400


async def test_reset_restores_the_seeded_data(api: httpx.AsyncClient, sandbox: Any) -> None:
    before = {k: dict(v) for k, v in sandbox.state.erp.orders.items()}
    await api.post("/orders", json=order_body())
    await api.post("/_sandbox/orders/SO-100002/update", json={"status": "cancelled"})
    assert (await api.post("/_sandbox/reset")).status_code == 200
    assert sandbox.state.erp.orders == before
    assert (await api.get("/_sandbox/received")).json() == {"orders": [], "stock": []}
    assert sandbox.state.requests == []


async def test_a_configured_rate_limit_answers_429_with_retry_after() -> None:
    app = create_app(seed=0, orders=3, rate_limit={"limit": 2, "window_seconds": 10**9})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://erp", headers=AUTH) as api:
        statuses = [(await api.get("/orders")).status_code for _ in range(2)]
        limited = await api.get("/orders")
    assert statuses == [200, 200]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["X-RateLimit-Remaining"] == "0"
