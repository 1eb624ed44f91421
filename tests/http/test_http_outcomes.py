"""The mapping from HTTP results to Crossdock's typed outcomes, shared by every connector."""

from __future__ import annotations

import httpx
import pytest

from crossdock.core.errors import (
    CredentialsExpiredError,
    FatalError,
    Outcome,
    RateLimitedError,
    RecordError,
    RetryableError,
)
from crossdock.runtime.http import HttpPolicy, classify_status, create_client, parse_retry_after, raise_for_outcome


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SUCCESS),
        (204, Outcome.SUCCESS),
        (304, Outcome.SUCCESS),
        (400, Outcome.RECORD_ERROR),
        (401, Outcome.REFRESH_CREDENTIALS),
        (403, Outcome.FATAL),
        (404, Outcome.RECORD_ERROR),
        (409, Outcome.RECORD_ERROR),
        (422, Outcome.RECORD_ERROR),
        (429, Outcome.RATE_LIMITED),
        (500, Outcome.RETRY),
        (501, Outcome.FATAL),
        (502, Outcome.RETRY),
        (503, Outcome.RETRY),
        (504, Outcome.RETRY),
    ],
)
def test_classify_status(status, outcome):
    assert classify_status(status) is outcome


def response(status: int, **kwargs) -> httpx.Response:
    request = httpx.Request("PUT", "https://api.example.test/v3/inventory?sku=A-1")
    return httpx.Response(status, request=request, **kwargs)


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, RecordError),
        (401, CredentialsExpiredError),
        (403, FatalError),
        (429, RateLimitedError),
        (503, RetryableError),
    ],
)
def test_raise_for_outcome_maps_each_status_to_its_typed_error(status, error_type):
    with pytest.raises(error_type) as caught:
        raise_for_outcome(response(status, json={"message": "no"}))
    assert type(caught.value) is error_type
    assert caught.value.details["status"] == status
    assert caught.value.details["method"] == "PUT"


def test_raise_for_outcome_passes_success_and_reads_graphql_throttling():
    raise_for_outcome(response(200, json={"data": {}}))

    throttled = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {
            "cost": {
                "requestedQueryCost": 150,
                "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 50, "restoreRate": 50.0},
            }
        },
    }
    with pytest.raises(RateLimitedError) as caught:
        raise_for_outcome(response(200, json=throttled))
    assert caught.value.retry_after == pytest.approx(2.0)


def test_raise_for_outcome_carries_retry_after_from_a_429():
    with pytest.raises(RateLimitedError) as caught:
        raise_for_outcome(response(429, headers={"Retry-After": "7"}))
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        ("2.0", 2.0),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=0.0, server_date="Wed, 21 Oct 2015 07:28:00 GMT") == expected


def test_policy_timeouts_reach_the_client():
    client = create_client(base_url="https://x.test", policy=HttpPolicy(timeout=30.0, connect_timeout=5.0))

    assert client.timeout == httpx.Timeout(30.0, connect=5.0)
