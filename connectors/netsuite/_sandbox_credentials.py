"""The credentials and IDs the NetSuite sandbox is seeded with, shared by the sandbox and the connector.

Not secrets: they open nothing but an in-process sandbox. They look like NetSuite's (64 hex
characters for TBA keys and secrets), so the connector handles them exactly like real ones, including
registering them for redaction.
"""

from __future__ import annotations

import hashlib

__all__ = [
    "SANDBOX_ACCOUNT_ID",
    "SANDBOX_DEFAULT_CUSTOMER_ID",
    "SANDBOX_LOCATION_MAP",
    "SANDBOX_OAUTH2",
    "SANDBOX_TBA",
    "SANDBOX_TIME_ZONE",
]


def _hex(label: str) -> str:
    return hashlib.sha256(f"crossdock-netsuite-sandbox:{label}".encode()).hexdigest()


SANDBOX_ACCOUNT_ID = "1234567_SB1"
SANDBOX_TIME_ZONE = "America/Los_Angeles"
"""The sandbox integration user's time zone preference: SuiteQL reads and writes date-times in it."""

SANDBOX_TBA = {
    "consumer_key": _hex("consumer-key"),
    "consumer_secret": _hex("consumer-secret"),
    "token_id": _hex("token-id"),
    "token_secret": _hex("token-secret"),
}
SANDBOX_OAUTH2 = {
    "client_id": _hex("oauth2-client-id"),
    "client_secret": _hex("oauth2-client-secret"),
    "refresh_token": "eyJraWQiOiJzYW5kYm94In0." + _hex("oauth2-refresh-token"),
}
SANDBOX_DEFAULT_CUSTOMER_ID = "100"
SANDBOX_LOCATION_MAP = {"wh-main": "1", "wh-east": "2", "store-bk": "3"}
"""Crossdock location IDs of the demo → the sandbox's location internal IDs."""
