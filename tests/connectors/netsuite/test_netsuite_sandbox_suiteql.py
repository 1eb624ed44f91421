"""The sandbox's SuiteQL service answers the query it was sent: filters, joins, sorts, pages, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from netsuite_support import BASE_URL

from crossdock.connectors.netsuite import TokenBasedAuth
from crossdock.connectors.netsuite._sandbox_credentials import SANDBOX_TBA
from crossdock.connectors.netsuite._suiteql import run_query
from crossdock.core.errors import FatalError

SUITEQL = "/services/rest/query/v1/suiteql"


@pytest.fixture
async def suiteql(sandbox: Any) -> Any:
    auth = TokenBasedAuth(realm="1234567_SB1", **SANDBOX_TBA)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url=BASE_URL, auth=auth) as client:

        async def run(query: str, *, headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
            return await client.post(SUITEQL, params=params, json={"q": query}, headers={"Prefer": "transient"} if headers is None else headers)

        yield run


async def test_where_order_by_limit_and_offset_shape_the_answer(suiteql: Any) -> None:
    query = "SELECT i.itemid AS sku FROM item i WHERE i.itemid IN ('SKU-1004', 'SKU-1001', 'SKU-1003') ORDER BY i.itemid DESC"
    first = (await suiteql(query, limit=2, offset=0)).json()
    second = (await suiteql(query, limit=2, offset=2)).json()

    assert [row["sku"] for row in first["items"]] == ["SKU-1004", "SKU-1003"]
    assert (first["count"], first["hasMore"], first["offset"], first["totalResults"]) == (2, True, 0, 3)
    assert {link["rel"] for link in first["links"]} == {"next", "last", "self"}
    assert [row["sku"] for row in second["items"]] == ["SKU-1001"]
    assert (second["hasMore"], second["offset"]) == (False, 2)
    assert all(row["links"] == [] for row in first["items"])


async def test_joins_nulls_and_display_values_follow_suiteql(suiteql: Any) -> None:
    shipped = (await suiteql(
        "SELECT t.tranid AS tranid, so.tranid AS sotranid, BUILTIN.DF(t.status) AS status, t.externalid AS externalid, "
        "TO_CHAR(t.trandate, 'YYYY-MM-DD') AS day, t.trandate AS trandate "
        "FROM transaction t JOIN transaction so ON so.id = t.createdfrom "
        "WHERE t.type = 'ItemShip' ORDER BY t.id",
        limit=1000,
    )).json()["items"]
    not_equal = (await suiteql("SELECT t.id AS id FROM transaction t WHERE t.externalid <> 'nothing'", limit=1000)).json()

    assert shipped and all(row["tranid"].startswith("IF") and row["sotranid"].startswith("SO") for row in shipped)
    assert {row["status"] for row in shipped} == {"Item Fulfillment : Shipped"}
    assert all("externalid" not in row for row in shipped), "NULLs are left out of the item"
    assert all("/" in row["trandate"] and "-" in row["day"] for row in shipped), "raw dates in the account's format"
    orders = (await suiteql("SELECT t.id AS id FROM transaction t WHERE t.type = 'SalesOrd'", limit=1000)).json()
    assert not_equal["totalResults"] == orders["totalResults"], "a comparison with NULL selects nothing"


@pytest.mark.parametrize(
    ("query", "params", "headers", "where", "code"),
    [
        ("SELECT i.nosuchfield FROM item i", {}, None, ("o:errorQueryParam", "q"), "INVALID_PARAMETER"),
        ("SELECT i.id FROM nosuchtable i", {}, None, ("o:errorQueryParam", "q"), "INVALID_PARAMETER"),
        ("SELECT i.id FROM item i WHERE", {}, None, ("o:errorQueryParam", "q"), "INVALID_PARAMETER"),
        ("SELECT i.id FROM item i", {"limit": 1001}, None, ("o:errorQueryParam", "limit"), "INVALID_PARAMETER"),
        ("SELECT i.id FROM item i", {"limit": 10, "offset": 5}, None, ("o:errorQueryParam", "offset"), "INVALID_PARAMETER"),
        ("SELECT i.id FROM item i", {}, {}, ("o:errorHeader", "Prefer"), "INVALID_HEADER"),
    ],
    ids=["unknown-field", "unknown-table", "syntax", "limit-over-1000", "offset-not-a-multiple", "no-prefer-transient"],
)
async def test_bad_queries_are_refused_with_netsuites_error_body(
    suiteql: Any, query: str, params: dict[str, Any], headers: dict[str, str] | None, where: tuple[str, str], code: str
) -> None:
    response = await suiteql(query, headers=headers, **params)
    assert response.status_code == 400
    [error] = response.json()["o:errorDetails"]
    assert error["o:errorCode"] == code and error[where[0]] == where[1]


async def test_a_query_netsuite_refuses_stops_the_run_with_its_reason(sandbox: Any, open_connector: Any) -> None:
    async with open_connector(sandbox) as connector:
        with pytest.raises(FatalError, match="Field 'nosuchfield' for record 'item' was not found"):
            await run_query(connector.client, "SELECT i.nosuchfield FROM item i", limit=10)
