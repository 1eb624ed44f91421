"""The sink works out each path's absolute URL once; it is always the URL httpx itself would build."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from crossdock.connectors.rest._sink import RestSink

BASES = ["http://erp", "http://erp/api/v2", "http://erp/api/v2/", "https://x.example.com:8443/a%20b/"]
PATHS = ["/orders", "orders", "/orders/A%2F1", "/orders?expand=lines", "http://elsewhere.test/abs"]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("path", PATHS)
def test_a_sinks_url_is_the_one_httpx_builds_from_the_base_url(base: str, path: str) -> None:
    client = httpx.AsyncClient(base_url=base)
    sink = RestSink.__new__(RestSink)  # only what _url reads: the connector's client and the cache
    sink.connector = SimpleNamespace(client=client)
    sink._urls = {}
    expected = client.build_request("POST", path).url
    assert sink._url(path) == expected
    assert sink._url(path) is sink._url(path)  # worked out once
