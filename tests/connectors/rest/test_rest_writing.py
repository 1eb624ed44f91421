"""Writing with the generic REST connector: idempotency keys, per-record errors, batching."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from crossdock.core.contract import WriteRequest
from crossdock.core.errors import RecordError, RetryableError
from crossdock.core.models import StockLevel


def erp_order(number: str, **changes: Any) -> dict[str, Any]:
    """An order in the sandbox ERP's input format (what ``rest/order_out`` produces)."""
    order = {
        "external_id": f"shopify:{number}",
        "number": number,
        "channel": "shopify",
        "currency": "USD",
        "ordered_at": "2025-05-30T10:00:00+00:00",
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "ship_to": {"name": "Ada Lovelace", "address1": "1 Analytical Way", "city": "London", "zip": "N1 9GU", "country": "GB"},
        "lines": [{"external_line_id": "1", "sku": "SKU-10001", "description": "Tote Bag", "quantity": 2, "unit_price": "12.50"}],
        "total": "25.00",
    }
    order.update(changes)
    return order


def order_request(number: str, key: str | None = None, **changes: Any) -> WriteRequest:
    return WriteRequest(idempotency_key=key or f"key-{number}", trace_key=number, record=None, payload=erp_order(number, **changes))


def stock_request(sku: str, available: int, warehouse: str = "WH-EAST") -> WriteRequest:
    record = StockLevel(sku=sku, location_id=warehouse, available=available)
    payload = {"sku": sku, "warehouse": warehouse, "available": available, "on_hand": None}
    return WriteRequest(idempotency_key=f"stock-{warehouse}-{sku}-{available}", trace_key=record.key, record=record, payload=payload)


async def test_write_sends_idempotency_key_and_duplicate_is_absorbed(sandbox: Any, open_connector: Any, control: Any) -> None:
    request = order_request("1001", key="idem-1001-v1")
    async with open_connector(sandbox) as connector:
        sink = connector.sink("orders")
        [first] = await sink.write([request])
        [again] = await sink.write([request])
    assert first.ok and again.ok
    assert first.external_id is not None and first.external_id.startswith("SO-")
    assert again.external_id == first.external_id, "the resend got the first answer back"
    assert "idem-1001-v1" in sandbox.state.erp.idempotency, "the key travelled in the Idempotency-Key header"
    received = (await control(sandbox, "GET", "/_sandbox/received"))["orders"]
    assert [o["number"] for o in received] == ["1001"], "the resend created nothing"
    assert sandbox.state.requests[-2:] == [("POST", "/orders", 201), ("POST", "/orders", 201)]


async def test_a_write_whose_answer_is_lost_is_resent_with_the_same_key_and_absorbed(
    sandbox: Any, open_connector: Any, control: Any
) -> None:
    sandbox.state.faults.schedule("malformed")
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("orders").write([order_request("2002")])
    assert result.ok and result.external_id == sandbox.state.erp.received_orders[0]["id"]
    assert sandbox.state.requests == [("POST", "/orders", 201), ("POST", "/orders", 201)]
    assert len((await control(sandbox, "GET", "/_sandbox/received"))["orders"]) == 1, "written once"


async def test_a_write_whose_answer_stays_unreadable_is_left_for_the_next_run(sandbox: Any, open_connector: Any) -> None:
    sandbox.state.faults.schedule("malformed", "malformed")
    async with open_connector(sandbox) as connector:
        with pytest.raises(RetryableError, match="unreadable"):
            await connector.sink("orders").write([order_request("2003")])
        [later] = await connector.sink("orders").write([order_request("2003")])
    assert later.ok and len(sandbox.state.erp.received_orders) == 1


async def test_bad_record_gets_record_error_and_batch_continues(sandbox: Any, open_connector: Any, control: Any) -> None:
    batch = [
        order_request("3001"),
        order_request("3002", lines=[{"sku": "", "quantity": 1, "unit_price": "1.00"}]),
        order_request("3003"),
        order_request("3004", lines=[{"sku": "SKU-10002", "quantity": -2, "unit_price": "1.00"}]),
    ]
    async with open_connector(sandbox) as connector:
        results = await connector.sink("orders").write(batch)
    by_key = {r.idempotency_key: r for r in results}
    assert by_key["key-3001"].ok and by_key["key-3003"].ok
    missing_sku, negative = by_key["key-3002"].error, by_key["key-3004"].error
    assert isinstance(missing_sku, RecordError) and isinstance(negative, RecordError)
    assert "lines[0].sku" in str(missing_sku)
    assert missing_sku.details["status"] == 400
    assert missing_sku.details["body"]["error"]["field"] == "lines[0].sku"
    assert "lines[0].quantity" in str(negative)
    received = (await control(sandbox, "GET", "/_sandbox/received"))["orders"]
    assert [o["number"] for o in received] == ["3001", "3003"]


async def test_bad_item_in_a_batch_is_isolated_and_the_rest_lands(sandbox: Any, open_connector: Any, control: Any) -> None:
    batch = [stock_request(f"SKU-{20000 + i}", 5) for i in range(8)]
    batch[5] = stock_request("SKU-20005", -3)
    async with open_connector(sandbox) as connector:
        results = await connector.sink("stock").write(batch)
    failed = [r for r in results if not r.ok]
    assert [r.idempotency_key for r in failed] == ["stock-WH-EAST-SKU-20005--3"]
    assert "items[0].available" in str(failed[0].error) and "negative" in str(failed[0].error)
    assert {r.external_id for r in results if r.ok} == {f"WH-EAST:SKU-{20000 + i}" for i in range(8) if i != 5}
    received = (await control(sandbox, "GET", "/_sandbox/received"))["stock"]
    assert sorted(s["sku"] for s in received) == sorted(f"SKU-{20000 + i}" for i in range(8) if i != 5)


async def test_batch_sink_respects_batch_size(sandbox: Any, open_connector: Any, control: Any) -> None:
    batch = [stock_request(f"SKU-{30000 + i}", i % 7) for i in range(250)]
    async with open_connector(sandbox) as connector:
        sink = connector.sink("stock")
        assert sink.batch_size == 100 and sink.write_mode == "latest_state"
        results = await sink.write(batch)
    assert all(r.ok for r in results) and len(results) == 250
    assert sandbox.state.requests == [("POST", "/stock/batch", 200)] * 3
    assert len((await control(sandbox, "GET", "/_sandbox/received"))["stock"]) == 250


async def test_configured_batch_size_bounds_each_request(sandbox: Any, open_connector: Any) -> None:
    sinks = {"stock": {"path": "/stock/batch", "batch": True, "batch_size": 40, "results_path": "results"}}
    async with open_connector(sandbox, sinks=sinks) as connector:
        sink = connector.sink("stock")
        results = await sink.write([stock_request(f"SKU-{40000 + i}", 1) for i in range(90)])
    assert sink.batch_size == 40
    assert all(r.ok for r in results)
    assert [status for _, path, status in sandbox.state.requests if path == "/stock/batch"] == [200, 200, 200]


async def test_a_batch_the_api_finds_too_large_is_split(sandbox: Any, open_connector: Any) -> None:
    sinks = {"stock": {"path": "/stock/batch", "batch": True, "batch_size": 150, "results_path": "results"}}
    async with open_connector(sandbox, sinks=sinks) as connector:
        results = await connector.sink("stock").write([stock_request(f"SKU-{50000 + i}", 1) for i in range(150)])
    assert all(r.ok for r in results)
    assert [status for _, _, status in sandbox.state.requests] == [413, 200, 200]


async def test_a_resent_batch_is_absorbed(sandbox: Any, open_connector: Any, control: Any) -> None:
    batch = [stock_request(f"SKU-{60000 + i}", 2) for i in range(10)]
    async with open_connector(sandbox) as connector:
        sink = connector.sink("stock")
        first = await sink.write(batch)
        second = await sink.write(batch)
    assert [r.external_id for r in first] == [r.external_id for r in second]
    assert len((await control(sandbox, "GET", "/_sandbox/received"))["stock"]) == 10


async def test_sink_path_can_name_payload_fields(open_connector: Any) -> None:
    seen: list[tuple[str, bytes, str | None]] = []

    async def items_api(request: Request) -> JSONResponse:
        seen.append((request.method, request.scope["raw_path"], request.headers.get("x-request-key")))
        return JSONResponse({"item": {"ref": "I-9"}}, status_code=200)

    app = Starlette(routes=[Route("/items/{sku:path}", items_api, methods=["PUT"])])
    sinks = {"items": {"path": "/items/{sku}", "entity": "StockLevel", "method": "PUT", "key_header": "X-Request-Key", "id_path": "item.ref"}}
    request = stock_request("A/1 B", 4)
    async with open_connector(app, sinks=sinks) as connector:
        [result] = await connector.sink("items").write([request])
    assert seen == [("PUT", b"/items/A%2F1%20B", request.idempotency_key)]
    assert result.ok and result.external_id == "I-9"


async def test_a_payload_without_the_path_field_is_a_record_error(open_connector: Any, sandbox: Any) -> None:
    sinks = {"items": {"path": "/items/{sku}", "entity": "StockLevel", "method": "PUT"}}
    request = WriteRequest(idempotency_key="k", trace_key="t", record=None, payload={"warehouse": "WH-EAST"})
    async with open_connector(sandbox, sinks=sinks) as connector:
        [result] = await connector.sink("items").write([request])
    assert isinstance(result.error, RecordError) and "sku" in str(result.error)
    assert sandbox.state.requests == []
