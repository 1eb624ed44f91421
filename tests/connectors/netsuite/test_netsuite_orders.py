"""The ``orders`` sink: canonical orders upserted as NetSuite sales orders by external ID."""

from __future__ import annotations

from typing import Any

import pytest
from netsuite_support import control, order, write_request


async def _sales_order(app: Any, key: str) -> dict[str, Any]:
    return await control(app, "GET", f"/_sandbox/salesorders/{key}")


@pytest.mark.parametrize("async_writes", [False, True], ids=["sync", "respond-async"])
async def test_sales_order_upsert_by_external_id_is_idempotent(make_sandbox: Any, open_connector: Any, async_writes: bool) -> None:
    app = make_sandbox(seed=5, orders=6)
    first = order("#1001", ("SKU-1001", 2, "wh-east"), ("SKU-1002", 1, "wh-main"))
    before = len(app.state.netsuite.account.sales_orders)

    async with open_connector(app, async_writes=async_writes) as connector:
        sink = connector.sink("orders")
        [created] = await sink.write([write_request(first, key="k-v1")])
        [resent] = await sink.write([write_request(first, key="k-v1")])
        second_version = order("#1001", ("SKU-1001", 3, "wh-east"), ("SKU-1002", 1, "wh-main"))
        [updated] = await sink.write([write_request(second_version, key="k-v2")])
        fetched = await connector.client.get("/services/rest/record/v1/salesOrder/eid:shopify-1001")

    assert created.ok and resent.ok and updated.ok
    assert created.external_id == resent.external_id == updated.external_id
    assert len(app.state.netsuite.account.sales_orders) == before + 1, "one sales order, however often it was sent"
    record = await _sales_order(app, "eid:shopify-1001")
    assert record["id"] == created.external_id and record["otherRefNum"] == "#1001"
    assert [(line["item"]["refName"], line["quantity"], line["location"]["refName"]) for line in record["item"]["items"]] == [
        ("SKU-1001", 3.0, "East Coast DC"), ("SKU-1002", 1.0, "Main Warehouse"),
    ]
    assert record["entity"]["id"] == "100" and record["tranDate"] == "2025-05-31", "the order's day in Los Angeles"
    assert fetched.json()["externalId"] == "shopify-1001"
    received = await control(app, "GET", "/_sandbox/salesorders")
    if async_writes:
        # The resend with the same idempotency key found the job already submitted: nothing ran twice.
        assert [r["action"] for r in received] == ["created", "updated"]
        assert all(e.method != "PUT" or e.status in (202, 400) for e in app.state.requests)
    else:
        assert [r["action"] for r in received] == ["created", "updated", "updated"]
        assert [e.status for e in app.state.requests if e.method == "PUT"] == [204, 204, 204]


async def test_bad_item_gives_record_error_with_error_path(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=5, orders=2)
    good = order("#2001", ("SKU-1001", 1, "wh-main"))
    bad = order("#2002", ("SKU-1003", 1, "wh-main"), ("NO-SUCH-SKU", 2, "wh-main"))

    # Items referenced by external ID: NetSuite itself refuses the unknown one.
    async with open_connector(app, item_lookup="externalid") as connector:
        results = await connector.sink("orders").write([write_request(good), write_request(bad)])
    ok, refused = results
    assert ok.ok and refused.error is not None
    assert refused.error.details["status"] == 400
    assert refused.error.details["error_path"] == "item.items[1].item"
    assert refused.error.details["error_code"] == "USER_ERROR"
    assert "Invalid Field Value NO-SUCH-SKU" in refused.error.message and "item.items[1].item" in refused.error.message
    assert [r["externalId"] for r in await control(app, "GET", "/_sandbox/salesorders")] == ["shopify-2001"]

    # Items looked up by itemid: the unknown SKU is found out before anything is sent.
    puts_before = sum(1 for e in app.state.requests if e.method == "PUT")
    async with open_connector(app, item_lookup="itemid") as connector:
        [refused_early] = await connector.sink("orders").write([write_request(bad, key="k-bad-2")])
    assert refused_early.error is not None
    assert refused_early.error.details["error_path"] == "item.items[1].item"
    assert refused_early.error.details["skus"] == ["NO-SUCH-SKU"]
    assert sum(1 for e in app.state.requests if e.method == "PUT") == puts_before


async def test_line_routed_to_an_unmapped_location_is_refused_with_its_path(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("orders").write([write_request(order("#3001", ("SKU-1001", 1, "wh-moon")))])
    assert result.error is not None and result.error.details["error_path"] == "item.items[0].location"


async def test_external_id_is_channel_and_number_in_netsuite_characters(sandbox: Any, open_connector: Any) -> None:
    edi = order("PO 4711/B", ("SKU-1001", 1, None), channel="edi:acme")
    async with open_connector(sandbox) as connector:
        [result] = await connector.sink("orders").write([write_request(edi)])
    assert result.ok and result.details["externalId"] == "edi-acme-PO-4711-B"
    assert (await _sales_order(sandbox, "eid:edi-acme-PO-4711-B"))["otherRefNum"] == "PO 4711/B"


async def test_orders_book_to_the_customer_with_the_channel_external_id_when_asked(sandbox: Any, open_connector: Any) -> None:
    known = order("#4001", ("SKU-1001", 1, None), customer_id="7002")
    async with open_connector(sandbox, customer_by_external_id=True) as connector:
        [result] = await connector.sink("orders").write([write_request(known)])
    assert result.ok
    assert (await _sales_order(sandbox, "eid:shopify-4001"))["entity"]["id"] == "103"

