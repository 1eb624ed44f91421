"""What the policy logs (never a secret) and counts (what the API calls really cost)."""

from __future__ import annotations

import logging

import httpx
import pytest

from crossdock.core.errors import RecordError
from crossdock.core.redaction import register_secret
from crossdock.runtime.http import HTTP_LOGGER_NAME, RetryPolicy, redact_url

SECRET = "shpat_9f8e7d6c5b4a3210secret"


async def test_secret_never_appears_in_logs(make_client, caplog):
    register_secret(SECRET)

    def echoing_server(request: httpx.Request) -> httpx.Response:
        # A badly behaved API that echoes the credential back, in headers and body.
        return httpx.Response(
            400,
            headers={"X-Request-Id": "req-1", "X-Echo-Token": SECRET, "X-Debug": SECRET},
            json={"error": f"bad request for key {SECRET}", "received": str(request.url)},
        )

    client = make_client(echoing_server, headers={"X-Shopify-Access-Token": SECRET})
    caplog.set_level(logging.DEBUG, logger=HTTP_LOGGER_NAME)

    with pytest.raises(RecordError) as caught:
        await client.get("/orders", params={"api_key": SECRET, "note": f"with {SECRET} inside", "page": 2})

    assert caplog.records, "the request was logged"
    assert SECRET not in caplog.text
    assert "api_key=***" in caplog.text
    assert "x-request-id" in caplog.text  # allowlisted header, for support tickets
    assert "x-echo-token" not in caplog.text and "x-debug" not in caplog.text
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value.details)


async def test_a_secret_disguised_by_url_encoding_is_still_masked():
    secret = "wm/Secret+Value=42"
    register_secret(secret)
    url = httpx.URL("https://marketplace.walmartapis.com/v3/orders", params={"cursor": f"x{secret}y"})
    assert "%2F" in str(url)  # the secret does not appear verbatim in the encoded URL

    shown = redact_url(url)

    assert "Secret" not in shown


async def test_credential_named_query_values_are_masked_even_when_never_registered():
    url = "https://acct.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder?access_token=fresh-unseen&limit=5"

    assert redact_url(url) == (
        "https://acct.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder?access_token=***&limit=5"
    )


async def test_one_debug_line_per_attempt_and_one_info_line_per_result(make_client, script, caplog):
    client = make_client(script(httpx.Response(503), httpx.Response(200, json={})))
    caplog.set_level(logging.DEBUG, logger=HTTP_LOGGER_NAME)

    await client.get("/orders")

    levels = [record.levelno for record in caplog.records if record.name == HTTP_LOGGER_NAME]
    assert levels == [logging.DEBUG, logging.DEBUG, logging.INFO]
    final = caplog.records[-1].getMessage()
    assert "GET https://api.example.test/orders -> 200" in final
    assert "attempts 2" in final and "waited 0.50 s" in final


async def test_stats_count_requests_and_retries(make_client, script, clock):
    server = script(
        httpx.Response(503),
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(200, json={}),
        httpx.Response(404, json={"error": "not found"}),
    )
    client = make_client(server, retry=RetryPolicy(max_attempts=5, initial_wait=0.5, jitter=False))

    await client.get("/orders")
    with pytest.raises(RecordError):
        await client.get("/orders/missing")

    stats = client.stats
    assert stats.requests == 4
    assert stats.retries == 2
    assert stats.rate_limited == 1
    assert stats.by_status == {503: 1, 429: 1, 200: 1, 404: 1}
    assert stats.retry_wait_seconds == pytest.approx(0.5 + 3.0)
    assert stats.waited_seconds == pytest.approx(sum(clock.sleeps))
    assert stats.as_dict()["by_status"] == {"200": 1, "404": 1, "429": 1, "503": 1}


async def test_transport_errors_count_as_attempts(make_client, script):
    client = make_client(script(httpx.ConnectError("refused"), httpx.Response(200, json={})))

    await client.get("/orders")

    assert client.stats.requests == 2
    assert client.stats.transport_errors == 1
    assert client.stats.retries == 1
