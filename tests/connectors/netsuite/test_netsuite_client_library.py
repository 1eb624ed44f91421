"""Fidelity: the ``netsuite`` PyPI client (jacobsvante/netsuite, async, TBA via authlib) against the sandbox.

The library builds every URL as ``https://<account>.suitetalk.api.netsuite.com/services/rest<subpath>``
(``NetSuiteRestApi._make_url``); its request methods take a ``url=`` keyword that replaces the built
URL for that call (the library uses it itself for ``token_info``). The test passes the sandbox's
``http://127.0.0.1:<port>`` URLs that way; everything else (TBA signing with authlib's OAuth1Auth,
``realm`` = account, ``oauth_body_hash`` on bodies, headers, JSON) is the library's own.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from crossdock.connectors.netsuite._sandbox_credentials import SANDBOX_ACCOUNT_ID, SANDBOX_TBA
from crossdock.connectors.netsuite.sandbox import create_app

# The library's own deprecation notices (httpx 0.28's `data=` for raw content, oauthlib's renamed
# signer) are not this project's to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's httpx integration announces a rename on import
    from netsuite import Config, NetSuite, TokenAuth
    from netsuite.exceptions import NetsuiteAPIRequestError


@pytest.fixture
def served_sandbox() -> Iterator[tuple[Any, str]]:
    """The sandbox on 127.0.0.1 (a free port) in a background thread, stopped after the test."""
    app = create_app(seed=8, orders=6)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the sandbox did not start"
    try:
        yield app, f"http://127.0.0.1:{port}/services/rest"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


async def test_netsuite_client_library_works_against_sandbox(served_sandbox: tuple[Any, str]) -> None:
    app, base = served_sandbox
    api = NetSuite(Config(account=SANDBOX_ACCOUNT_ID, auth=TokenAuth(**SANDBOX_TBA))).rest_api

    page = await api.suiteql(
        "SELECT i.id AS id, i.itemid AS itemid FROM item i WHERE i.itemid IN ('SKU-1003', 'SKU-1001', 'SKU-1002') "
        "ORDER BY i.itemid DESC",
        limit=2,
        offset=0,
        url=f"{base}/query/v1/suiteql",
    )
    body = {
        "entity": {"id": "100"},
        "otherRefNum": "LIB-1",
        "item": {"items": [{"item": {"externalId": "SKU-1002"}, "quantity": 3, "rate": 7.25}]},
    }
    created = await api.put("/record/v1/salesOrder/eid:library-1", json=body, url=f"{base}/record/v1/salesOrder/eid:library-1")
    fetched = await api.get(
        "/record/v1/salesOrder/eid:library-1",
        params={"expandSubResources": "true"},
        url=f"{base}/record/v1/salesOrder/eid:library-1",
    )
    with pytest.raises(NetsuiteAPIRequestError) as refused:
        await api.put(
            "/record/v1/salesOrder/eid:library-2",
            json={"entity": {"id": "100"}, "item": {"items": [{"item": {"id": "999999"}, "quantity": 1}]}},
            url=f"{base}/record/v1/salesOrder/eid:library-2",
        )

    assert [item["itemid"] for item in page["items"]] == ["SKU-1003", "SKU-1002"]
    assert page["hasMore"] is True and page["totalResults"] == 3
    assert created is None, "204 No Content"
    assert fetched["externalId"] == "library-1" and fetched["otherRefNum"] == "LIB-1"
    assert [(line["item"]["refName"], line["quantity"]) for line in fetched["item"]["items"]] == [("SKU-1002", 3.0)]
    assert refused.value.status_code == 400 and "item.items[0].item" in refused.value.response_text
    audit = app.state.netsuite.login_audit
    assert [entry["status"] for entry in audit] == ["Success"] * 4, "every call carried a signature the sandbox verified"
