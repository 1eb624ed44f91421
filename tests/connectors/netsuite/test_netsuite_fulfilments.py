"""The ``fulfilments`` stream: item fulfilments read incrementally with SuiteQL, mapped to shipments."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from netsuite_support import control, order, read_stream, write_request

from crossdock.core.contract import IncrementalCursor, SourceRecord
from crossdock.core.models import Shipment, SourceRef
from crossdock.mappings import load_mapping


def _recording(app: Any, queries: list[dict[str, str]]) -> Any:
    """``app`` behind a spy that keeps the query parameters of every SuiteQL request."""

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/query/v1/suiteql"):
            queries.append(dict(parse_qsl(scope["query_string"].decode())))
        await app(scope, receive, send)

    return spy


async def test_fulfilments_read_incrementally_through_suiteql_paging(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=9, orders=24)
    account = app.state.netsuite.account
    shipped_before = {str(i): len(f.lines) for i, f in account.fulfilments.items()}
    queries: list[dict[str, str]] = []

    async with open_connector(_recording(app, queries), page_size=4) as connector:
        stream = connector.stream("fulfilments")
        cursor = IncrementalCursor(lookback=stream.default_lookback)
        first: list[SourceRecord] = []
        async for page in stream.read(cursor.position()):
            first += cursor.new_records(page.records)
            cursor.observe(page.records, resume_token=page.resume_token, sorted_by_cursor=stream.sorted_by_cursor)
        cursor.finish()
        first_pass_queries = len(queries)

        ordered = order("#7001", ("SKU-1001", 2, "wh-east"), ("SKU-1002", 1, "wh-east"))
        [written] = await connector.sink("orders").write([write_request(ordered)])
        shipped = await control(
            app, "POST", f"/_sandbox/salesorders/{written.external_id}/fulfil",
            json={"tracking_numbers": ["1Z999AA10123456784"], "weight": 2.5, "ship_method": 10},
        )
        raw_again: list[SourceRecord] = []
        async for page in stream.read(cursor.position()):
            raw_again += page.records
        again = cursor.new_records(raw_again)

    # The first pass: every fulfilment once, with all its lines, oldest change first, page by page.
    assert sorted(r.key for r in first) == sorted(shipped_before)
    assert all(len(record.payload["lines"]) == shipped_before[record.key] for record in first)
    assert [r.cursor_value for r in first] == sorted(r.cursor_value for r in first)
    line_pages = [q for q in queries[:first_pass_queries] if q.get("limit") == "4"]
    assert len(line_pages) > 5, "lines were read four at a time"
    assert all(int(q["offset"]) % 4 == 0 for q in line_pages)

    # The second pass asked only for what changed since the cursor (less the lookback, which re-reads
    # the last fulfilment of the first pass: the cursor drops it), so the new shipment is all it takes.
    assert [r.key for r in raw_again] == [first[-1].key, shipped["id"]]
    assert [r.key for r in again] == [shipped["id"]]
    shipment = load_mapping("netsuite/item_fulfillment").apply_to(again[0].payload, Shipment, record_key=again[0].key)
    assert shipment.order.source == SourceRef(system="netsuite", id=written.external_id)
    assert shipment.order.number == "#7001"
    assert again[0].payload["salesorder"]["channel"] == "shopify"
    assert shipment.tracking_number == "1Z999AA10123456784"
    assert shipment.packages[0].weight is not None and str(shipment.packages[0].weight.value) == "2.5"
    assert shipment.service == "UPS® Ground" and shipment.carrier is not None and shipment.carrier.name == "UPS"
    assert shipment.ship_from_location_id == "wh-east"
    assert sorted((line.sku, line.quantity) for line in shipment.lines) == [("SKU-1001", 2), ("SKU-1002", 1)]


async def test_fulfilments_past_the_suiteql_result_window_restart_at_the_last_timestamp(make_sandbox: Any, open_connector: Any) -> None:
    app = make_sandbox(seed=9, orders=24, suiteql_max_results=8)
    async with open_connector(app, page_size=4) as connector:
        pages = await read_stream(connector, "fulfilments")
    keys = [r.key for page in pages for r in page.records]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(str(i) for i in app.state.netsuite.account.fulfilments)


async def test_a_sales_order_transformed_into_a_fulfilment_through_rest(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox) as connector:
        [written] = await connector.sink("orders").write([write_request(order("#7101", ("SKU-1003", 3, "wh-main")))])
        client = connector.client
        transformed = await client.post(
            f"/services/rest/record/v1/salesOrder/{written.external_id}/!transform/itemFulfillment",
            json={"item": {"items": [{"orderLine": 1, "quantity": 2}]},
                  "package": {"items": [{"packageTrackingNumber": "794611112222", "packageWeight": 1.2}]}},
        )
        fulfilment = (await client.get(transformed.headers["location"], params={"expandSubResources": "true"})).json()
        order_after = (await client.get(f"/services/rest/record/v1/salesOrder/{written.external_id}")).json()

    assert transformed.status_code == 204
    assert fulfilment["createdFrom"]["id"] == written.external_id
    assert [p["packageTrackingNumber"] for p in fulfilment["package"]["items"]] == ["794611112222"]
    assert [(line["orderLine"], line["quantity"]) for line in fulfilment["item"]["items"]] == [(1, 2.0)]
    assert order_after["status"]["refName"] == "Pending Billing/Partially Fulfilled"
